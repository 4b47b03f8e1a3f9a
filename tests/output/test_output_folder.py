"""The output folder: the tool changes only what it created, never writes through a symbolic link, and
refuses a system folder or the user's home as OUT. Issue 14, finding 2."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.common.errors import RunError
from pipeline.output import files
from pipeline.output.files import (
    MARKER,
    open_private_append,
    prepare_output_folder,
    private_folder,
    remove_leftovers,
    write_atomically,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_folder_it_creates_is_private_and_marked_as_its_own(tmp_path):
    out = prepare_output_folder(tmp_path / "new" / "out")
    assert mode(out) == 0o700 and (out / MARKER).is_file() and mode(out / MARKER) == 0o600


def test_an_existing_folder_it_did_not_create_keeps_its_mode(tmp_path):
    """Before: an existing --out folder was chmod'ed to 0700."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    assert prepare_output_folder(shared) == shared.resolve()
    assert mode(shared) == 0o755 and not (shared / MARKER).exists()


def test_its_own_folder_is_made_private_again(tmp_path):
    out = private_folder(tmp_path / "out")
    os.chmod(out, 0o755)
    private_folder(out)
    assert mode(out) == 0o700


def test_only_its_own_temporary_files_in_its_own_folders_are_removed(tmp_path):
    """Before: every **/.*.part under OUT was deleted, whoever wrote it."""
    out = private_folder(tmp_path / "out")
    own_case = private_folder(out / "CASE-1")
    foreign = out / "staff-notes"
    foreign.mkdir()
    leftovers = [out / ".report.csv.packets-tmp-abcd1234.part", own_case / ".packet.pdf.packets-tmp-x_y9ZZ00.part"]
    kept = [out / ".draft.part", own_case / ".letter.docx.part", foreign / ".packet.pdf.packets-tmp-abcd1234.part",
            own_case / "mine.packets-tmp-abcd1234.part"]
    for path in leftovers + kept:
        path.write_bytes(b"x")
    (out / "link").symlink_to(foreign, target_is_directory=True)
    assert remove_leftovers(out) == 2
    assert [p.exists() for p in leftovers] == [False, False]
    assert all(p.exists() for p in kept)


def test_its_temporary_files_are_named_unmistakably(tmp_path, monkeypatch):
    names = []
    real_replace = os.replace

    def spy(source, target):
        names.append(Path(source).name)
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", spy)
    write_atomically(tmp_path / "packet.pdf", b"%PDF")
    (name,) = names
    assert files.is_temporary_file(name) and name.startswith(".packet.pdf.packets-tmp-")


@pytest.mark.parametrize("name", ["packets.log", "report.csv", "audit.log", ".packets.lock", "print"])
def test_a_link_where_it_writes_in_out_is_refused_before_the_run(tmp_path, name):
    """Before: OUT/packets.log → elsewhere had its mode changed and a traceback appended."""
    out = private_folder(tmp_path / "out")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("someone else's file\n")
    os.chmod(elsewhere, 0o644)
    (out / name).symlink_to(elsewhere)
    with pytest.raises(RunError, match=f"{name} 是符号链接"):
        prepare_output_folder(out)
    assert elsewhere.read_text() == "someone else's file\n" and mode(elsewhere) == 0o644


def test_a_case_folder_that_is_a_link_receives_nothing(tmp_path):
    """Before: OUT/<case_id> → elsewhere received all the packet files."""
    out = private_folder(tmp_path / "out")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "CASE-1").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(RunError, match="CASE-1 是符号链接"):
        private_folder(out / "CASE-1")  # what writing a case folder starts with
    with pytest.raises(RunError, match="CASE-1 是符号链接"):
        write_atomically(out / "CASE-1" / "packet.pdf", b"%PDF")
    assert list(elsewhere.iterdir()) == []


def test_a_link_at_a_files_final_name_is_neither_followed_nor_replaced(tmp_path):
    out = private_folder(tmp_path / "out")
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("theirs")
    (out / "report.csv").symlink_to(elsewhere)
    with pytest.raises(RunError):
        write_atomically(out / "report.csv", b"ours")
    assert elsewhere.read_text() == "theirs" and (out / "report.csv").is_symlink()
    assert not [p for p in out.iterdir() if files.is_temporary_file(p.name)]


def test_the_log_is_never_opened_through_a_link(tmp_path):
    elsewhere = tmp_path / "elsewhere.log"
    elsewhere.write_text("")
    (tmp_path / "packets.log").symlink_to(elsewhere)
    with pytest.raises(RunError):
        open_private_append(tmp_path / "packets.log")


def test_an_existing_log_it_did_not_create_keeps_its_mode(tmp_path):
    folder = tmp_path / "theirs"
    folder.mkdir()
    (folder / "packets.log").write_text("")
    os.chmod(folder / "packets.log", 0o640)
    os.close(open_private_append(folder / "packets.log"))
    assert mode(folder / "packets.log") == 0o640
    os.close(open_private_append(folder / "new.log"))
    assert mode(folder / "new.log") == 0o600


@pytest.mark.parametrize("folder", ["/", "/etc", "/usr/share/doc/packets", "/proc/self", "/tmp", "/home", "/var"])
def test_a_system_folder_is_refused(folder):
    with pytest.raises(RunError, match="系统文件夹或用户主目录"):
        prepare_output_folder(Path(folder))


def test_the_users_home_is_refused_but_a_folder_in_it_is_fine(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(RunError, match="系统文件夹或用户主目录"):
        prepare_output_folder(home)
    with pytest.raises(RunError):
        prepare_output_folder(home / "sub" / "..")
    assert prepare_output_folder(home / "packets") == (home / "packets").resolve()


def test_out_given_as_a_link_is_followed_once_and_used_resolved(tmp_path):
    real = tmp_path / "real"
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    assert prepare_output_folder(tmp_path / "alias") == real.resolve()
    assert (real / MARKER).is_file()
