"""Personal data with an end date: `packets purge` deletes old packets (and only what a build wrote),
and OUT/audit.log keeps a line per event with no ID or phone number. Issue 14, finding 16."""

from __future__ import annotations

import os
import stat
import time
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from e2e import run_cli

from pipeline import cli
from pipeline.output.audit import AuditAction, AuditLog, append_audit, audit_line, read_audit
from pipeline.output.files import private_folder
from pipeline.output.purge import parse_age, purge

DAY = 24 * 3600
BUILD = ["hardship_letter.docx", "evidence_cover.docx", "case.json", "packet.pdf", "to_lender.pdf", "manifest.json"]


def case_folder(out, case_id, age_days, extra=()):
    folder = private_folder(out / case_id)
    moment = time.time() - age_days * DAY
    for name in [*BUILD, *extra]:
        (folder / name).write_bytes(b"330106198503121231 13800138001")  # what packets hold: full numbers
        os.utime(folder / name, (moment, moment))
    return folder


@pytest.fixture
def out(tmp_path):
    out = private_folder(tmp_path / "out")
    case_folder(out, "OLD-1", 40)
    case_folder(out, "OLD-2", 31, extra=["staff-notes.txt"])
    case_folder(out, "NEW-1", 2)
    (out / "report.csv").write_text("source,row,case_id,status,messages\n")
    return out


def test_cases_built_before_the_limit_are_deleted_the_others_kept(out):
    result = purge(out, older_than=timedelta(days=30))
    assert sorted(c.case_id for c in result.cases) == ["OLD-1", "OLD-2"]
    assert not (out / "OLD-1").exists()
    assert sorted(p.name for p in (out / "OLD-2").iterdir()) == ["staff-notes.txt"]  # not ours: left alone
    assert result.cases[1].kept == ("staff-notes.txt",)
    assert sorted(p.name for p in (out / "NEW-1").iterdir()) == sorted([*BUILD, ".packets-folder"])
    assert (out / "report.csv").exists()


def test_each_purged_case_leaves_a_line_in_the_audit_log_without_personal_numbers(out):
    purge(out, older_than=timedelta(days=30))
    lines = read_audit(out)
    assert [(line[2], line[3]) for line in lines] == [("purged", "OLD-1"), ("purged", "OLD-2")]
    when, user, _action, _case, files = lines[0]
    assert datetime.fromisoformat(when).tzinfo is not None and user
    assert sorted(files.split(",")) == sorted(BUILD)
    text = (out / "audit.log").read_text("utf-8")
    assert "330106198503121231" not in text and "13800138001" not in text
    assert stat.S_IMODE((out / "audit.log").stat().st_mode) == 0o600


def test_the_audit_log_is_only_ever_appended_to(out):
    append_audit(out, AuditAction.BUILT, "OLD-1", ["packet.pdf"])
    before = (out / "audit.log").read_bytes()
    purge(out, older_than=timedelta(days=30))
    after = (out / "audit.log").read_bytes()
    assert after.startswith(before) and len(after) > len(before)  # kept, and the purge's own lines added
    assert [line[3] for line in read_audit(out)] == ["OLD-1", "OLD-1", "OLD-2"]


def test_a_named_case_goes_whatever_its_age_and_a_missing_one_is_reported(out):
    result = purge(out, cases=("new-1", "NOPE"))
    assert [c.case_id for c in result.cases] == ["NEW-1"] and result.not_found == ["NOPE"]
    assert not (out / "NEW-1").exists() and (out / "OLD-1").exists()


def test_a_dry_run_deletes_nothing_and_writes_no_audit_line(out):
    result = purge(out, older_than=timedelta(days=30), dry_run=True)
    assert len(result.cases) == 2 and (out / "OLD-1" / "packet.pdf").exists() and read_audit(out) == []


def test_links_and_folders_a_build_did_not_make_are_never_touched(out, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    case_folder(tmp_path, "elsewhere", 90)
    (out / "LINKED").symlink_to(elsewhere, target_is_directory=True)
    (out / "photos").mkdir()
    (out / "photos" / "packet.pdf").write_bytes(b"%PDF")
    os.utime(out / "photos" / "packet.pdf", (0, 0))
    purge(out, older_than=timedelta(days=30))
    assert (elsewhere / "packet.pdf").exists() and (out / "photos" / "packet.pdf").exists()


def test_old_print_files_go_too(out):
    private_folder(out / "print")
    for name, age in (("batch-2026-01-05.pdf", 60), ("batch-2026-11-20.pdf", 1)):
        (out / "print" / name).write_bytes(b"%PDF")
        os.utime(out / "print" / name, (time.time() - age * DAY,) * 2)
    result = purge(out, older_than=timedelta(days=30))
    assert result.print_files == ["batch-2026-01-05.pdf"]
    assert [p.name for p in (out / "print").iterdir() if p.suffix == ".pdf"] == ["batch-2026-11-20.pdf"]


@pytest.mark.parametrize(("text", "days"), [("30d", 30), ("30", 30), ("2w", 14), ("36h", 1.5)])
def test_ages(text, days):
    assert parse_age(text) == timedelta(days=days)


def test_audit_lines_are_one_line_with_numbers_and_controls_neutralised():
    line = audit_line(AuditAction.FAILED, "330106198503121231\t\x1b[2J", ["a\nb"], user="alice")
    assert line.count("\n") == 1 and line.count("\t") == 4
    assert "330106198503121231" not in line and "\x1b" not in line


def test_an_audit_log_holds_one_descriptor_for_a_run(out):
    with AuditLog(out) as audit:
        for action in (AuditAction.BUILT, AuditAction.REBUILT, AuditAction.FAILED):
            audit.record(action, "NEW-1", ["packet.pdf"])
    assert [line[2] for line in read_audit(out)] == ["built", "rebuilt", "failed"]


def test_the_purge_command(out):
    result = run_cli("purge", str(out), "--older-than", "30d")
    assert result.returncode == 0, result.stderr
    assert "已删除 OLD-1" in result.stdout and "共2个案件的材料已删除" in result.stdout
    assert "staff-notes.txt 不是本程序生成的，已保留" in result.stderr


@pytest.mark.parametrize("arguments", [[], ["--older-than", "soon"]], ids=["nothing chosen", "not an age"])
def test_the_purge_command_needs_to_know_what(out, arguments):
    umask = os.umask(0o022)
    try:
        result = CliRunner().invoke(cli.main, ["purge", str(out), *arguments])
    finally:
        os.umask(umask)
    assert result.exit_code == 2 and (out / "OLD-1").exists()


@pytest.mark.parametrize("asked", [("A-001",), ("C-003",), ("E-005",), ("B-002", "D-004"), ("A-001", "E-005")])
def test_purge_by_case_deletes_exactly_the_cases_named(tmp_path, asked):
    """Issue 20, finding 1: once the last id asked for was found, every folder sorting after it went too."""
    out = private_folder(tmp_path / "out")
    every = ["A-001", "B-002", "C-003", "D-004", "E-005"]
    for case_id in every:
        case_folder(out, case_id, 1)
    dry = purge(out, cases=asked, dry_run=True)
    assert sorted(c.case_id for c in dry.cases) == sorted(asked)
    result = purge(out, cases=asked)
    assert sorted(c.case_id for c in result.cases) == sorted(asked) and result.not_found == []
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(set(every) - set(asked))
    assert sorted(line[3] for line in read_audit(out)) == sorted(asked)


def test_purge_refuses_a_named_folder_the_tool_did_not_make(tmp_path):
    out = private_folder(tmp_path / "out")
    case_folder(out, "A-001", 1)
    staff = out / "B-002"
    staff.mkdir()
    (staff / "packet.pdf").write_bytes(b"staff's own file")
    result = purge(out, cases=("B-002", "A-001"))
    assert [c.case_id for c in result.cases] == ["A-001"]
    assert result.not_case_folders == ["B-002"] and result.not_found == []
    assert (staff / "packet.pdf").read_bytes() == b"staff's own file"


def test_purge_command_deletes_only_the_case_named_and_says_what_it_refused(tmp_path):
    out = private_folder(tmp_path / "out")
    for case_id in ("WS-2026-013", "WS-2026-014", "WS-2026-015", "WS-2026-016"):
        case_folder(out, case_id, 1)
    (out / "STAFF").mkdir()
    result = CliRunner().invoke(cli.main, ["purge", str(out), "--case", "WS-2026-014", "--case", "STAFF"])
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["STAFF", "WS-2026-013", "WS-2026-015", "WS-2026-016"]
    assert "STAFF 不是本程序生成的案件文件夹" in result.output
    assert [line[3] for line in read_audit(out)] == ["WS-2026-014"]
