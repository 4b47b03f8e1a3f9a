"""Evidence zips unpacked into a batch's folder: Windows' GBK names read as typed, folders and files
private, and every unsafe entry refusing the whole zip before anything is written."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest
from office import zip_of

from pipeline.serve.evidence_zip import unpack_evidence
from pipeline.serve.refusals import Refusal

LIMITS = {"max_bytes": 2**20, "max_entries": 20}


class _GbkName(zipfile.ZipInfo):
    """An entry as Windows' own "compressed folder" writes it on Chinese Windows: GBK, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _windows_zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_GbkName(name), data)
    return buffer.getvalue()


def _unpack(tmp_path, data: bytes, **limits):
    into = tmp_path / "input"
    into.mkdir(mode=0o700, exist_ok=True)
    return unpack_evidence(io.BytesIO(data), into, **{**LIMITS, **limits}, reserved=frozenset({"cases.csv"})), into


def test_names_written_by_chinese_windows_are_read_as_typed(tmp_path):
    data = _windows_zip("scans/张三-银行流水.pdf", b"%PDF-1.4")
    assert "张三" not in zipfile.ZipFile(io.BytesIO(data)).namelist()[0]  # what Python reads by itself
    count, into = _unpack(tmp_path, data)
    assert count == 1 and (into / "scans" / "张三-银行流水.pdf").read_bytes() == b"%PDF-1.4"


def test_unpacked_folders_and_files_are_private_and_mac_forks_are_skipped(tmp_path):
    count, into = _unpack(tmp_path, zip_of({"scans/a/1.pdf": b"1", "scans/2.jpg": b"2", "__MACOSX/scans/._2.jpg": b"x"}))
    assert count == 2 and not (into / "__MACOSX").exists()
    for path in into.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def _device_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scans/ok.pdf", b"%PDF")
        info = zipfile.ZipInfo("scans/tty")
        info.create_system = 3
        info.external_attr = (stat.S_IFCHR | 0o666) << 16
        archive.writestr(info, b"")
    return buffer.getvalue()


@pytest.mark.parametrize("data, why", [
    (_device_zip(), "是设备或管道"),
    (zip_of({"scans/a.pdf": b"1", "SCANS/A.pdf": b"2"}), "重复"),
    (zip_of({"cases.csv": b"replaced"}), "与案件表同名"),
    (zip_of({"scans/a.pdf": b"1", "scans/../../../x.pdf": b"2"}), "指向压缩包以外"),
    (b"PK\x03\x04 not really a zip", "不是有效的 .zip 压缩包"),
], ids=["device", "duplicate", "spreadsheet-name", "late-dotdot", "broken"])
def test_an_unsafe_entry_refuses_the_whole_zip_before_anything_is_written(tmp_path, data, why):
    with pytest.raises(Refusal) as refused:
        _unpack(tmp_path, data)
    assert refused.value.status == 400 and why in refused.value.text(lambda m: m)
    assert list((tmp_path / "input").iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["input"]


def test_a_header_that_understates_the_size_is_caught_while_unpacking(tmp_path):
    data = bytearray(zip_of({"scans/zeros.pdf": b"\0" * (3 * 2**20)}))
    # Claim 10 bytes in both the local header and the central directory: the declared total passes.
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.infolist()[0]
    real = (3 * 2**20).to_bytes(4, "little")
    fake = (10).to_bytes(4, "little")
    assert data.count(real) == 2
    data = bytearray(bytes(data).replace(real, fake))
    with pytest.raises(Refusal) as refused:
        _unpack(tmp_path, bytes(data))
    assert refused.value.status == 400, info
    assert not (tmp_path / "input" / "scans" / "zeros.pdf").exists() or \
        (tmp_path / "input" / "scans" / "zeros.pdf").stat().st_size <= 2**20


def test_an_entry_nested_deeper_than_the_limit_is_refused_before_anything_is_written(tmp_path):
    deep = "/".join(["a"] * 1000) + "/scan.pdf"
    with pytest.raises(Refusal) as refused:
        _unpack(tmp_path, zip_of({"scans/ok.pdf": b"%PDF", deep: b"%PDF"}))
    assert refused.value.status == 400 and "文件夹超过 16 层" in refused.value.text(str)
    assert list((tmp_path / "input").iterdir()) == []
    at_limit = "/".join(["a"] * 16) + "/scan.pdf"
    assert _unpack(tmp_path, zip_of({at_limit: b"%PDF"}))[0] == 1


@pytest.mark.parametrize("name", ["scans/" + "长" * 86 + ".pdf", "x" * 256 + "/scan.pdf"], ids=["file", "folder"])
def test_a_name_longer_than_255_bytes_is_refused_before_anything_is_written(tmp_path, name):
    with pytest.raises(Refusal) as refused:
        _unpack(tmp_path, zip_of({"scans/ok.pdf": b"%PDF", name: b"%PDF"}))
    assert refused.value.status == 400 and "名称过长" in refused.value.text(str)
    assert list((tmp_path / "input").iterdir()) == []
    assert _unpack(tmp_path, zip_of({"scans/" + "长" * 81 + ".pdf": b"%PDF"}))[0] == 1  # 247 bytes
