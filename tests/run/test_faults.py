"""Faults during a run: LibreOffice that hangs, crashes or writes nothing, a case that cannot be
rendered, a killed run, a second run on the same folder, a full disk; re-runs; file modes."""

from __future__ import annotations

import csv
import errno
import fcntl
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, TEMPLATES_DIR
from docx import Document
from e2e import outline_titles, read_report, run_cli
from pypdf import PdfReader

from bench.synthetic import write_batch
from pipeline import cli
from pipeline.output import files

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

FAKE = Path(__file__).resolve().parent.parent / "fakes" / "soffice"
DATE = "2026-11-24"
TITLES = ["协商还款申请书", "证明材料清单", "还款协议（草案）", "致借款人：材料说明", "证明材料准备清单", "通话准备与记录表",
          "还款跟踪表", "您的权利与求助渠道"]
# A client of several debts (every fourth synthetic one has three) gets one lender set per lender,
# each with the financial statement, and the overview of all debts first in the borrower's set.
LENDER_SET = ["协商还款申请书", "收入支出及债务情况表", "证明材料清单", "还款协议（草案）"]
BORROWER_SET = ["全部债务一览", "致借款人：材料说明", "证明材料准备清单", "通话准备与记录表", "还款跟踪表", "您的权利与求助渠道"]


def titles(folder: Path) -> list[str]:
    """What packet.pdf's outline must hold for this synthetic client, from its case.json's debts."""
    debts = json.loads((folder / "case.json").read_text("utf-8"))["debts"]
    if len(debts) == 1:
        return TITLES
    return LENDER_SET * len({debt["file"] for debt in debts}) + BORROWER_SET


def batch(folder: Path, n: int, change=None) -> Path:
    """n synthetic cases; `change(row_number, row)` may edit a row before it is written."""
    source = write_batch(folder / "cases.csv", n, date.fromisoformat(DATE))
    if change:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for number, row in enumerate(rows, start=2):
            change(number, row)
        with source.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return source


def build(source: Path, out: Path, *extra: str, env: dict | None = None, timeout: float = 600):
    return run_cli("build", str(source), "--out", str(out), "--date", DATE, *extra, env=env, timeout=timeout)


def statuses(out: Path) -> dict[str, str]:
    return {r["case_id"]: r["status"] for r in read_report(out)}


def fake_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(FAKE).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


# ------------------------------------------------------------- LibreOffice misbehaving


@pytest.mark.parametrize(("mode", "reason", "calls"), [("hang", "超时", 3), ("crash", "异常退出", 5),
                                                     ("silent", "未生成PDF", 5)])
def test_libreoffice_failure_fails_the_cases_without_hanging_the_run(tmp_path, mode, reason, calls):
    """The chunk's call, then each case alone; a case that crashed is tried once more, one that hung
    is not (another timeout would cost as much): a hang costs each case at most two timeouts."""
    source = batch(tmp_path, 2)
    log = tmp_path / "calls.log"
    result = build(source, tmp_path / "out", "--soffice", str(FAKE), "--timeout", "2", "--jobs", "1",
                   env={"FAKE_SOFFICE_MODE": mode, "FAKE_SOFFICE_LOG": str(log)}, timeout=300)
    assert len(log.read_text().splitlines()) == calls
    assert result.returncode == 1, result.stderr
    rows = read_report(tmp_path / "out")
    assert [r["status"] for r in rows] == ["failed", "failed"]
    assert all(reason in r["messages"] for r in rows), rows
    assert not list((tmp_path / "out").glob("*/packet.pdf"))
    assert fake_processes() == []
    assert "Traceback" not in result.stderr


def test_the_one_case_that_crashes_libreoffice_is_found_and_the_others_are_built(tmp_path):
    def poison(number, row):
        if number == 4:
            row["困难情况说明"] += "POISON-MARK"

    source = batch(tmp_path, 6, poison)
    out = tmp_path / "out"
    result = build(source, out, "--soffice", str(FAKE), "--jobs", "1", "--chunk-size", "6",
                   env={"FAKE_SOFFICE_MODE": "poison", "FAKE_SOFFICE_POISON": "POISON-MARK",
                        "FAKE_SOFFICE_REAL": shutil.which("soffice")})
    assert result.returncode == 1, result.stderr
    assert statuses(out) == {f"SYN-{n:06d}": ("failed" if n == 3 else "ok") for n in range(1, 7)}
    assert "PDF转换失败" in read_report(out)[2]["messages"]
    for n in (1, 2, 4, 5, 6):
        assert [t for t, _ in outline_titles(out / f"SYN-{n:06d}" / "packet.pdf")] == titles(out / f"SYN-{n:06d}")
    assert not (out / "SYN-000003" / "packet.pdf").exists()


def test_a_case_whose_template_rendering_raises_is_isolated(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    letter = Document(TEMPLATES_DIR / "hardship_letter.docx")
    letter.add_paragraph("{{ 100 // (plan.count - 1) }}")  # fails for a single payment only
    letter.save(templates / "hardship_letter.docx")

    def one_payment(number, row):
        if number == 3:
            row["协商诉求"], row["分期期数"], row["延期月数"] = "停息挂账、一次性结清", "", ""
            row["还款资金来源"] = "亲友借款"

    source = batch(tmp_path, 3, one_payment)
    out = tmp_path / "out"
    result = build(source, out, "--templates", str(templates), "--jobs", "1")
    assert result.returncode == 1
    assert statuses(out) == {"SYN-000001": "ok", "SYN-000002": "failed", "SYN-000003": "ok"}
    assert "文书生成失败" in read_report(out)[1]["messages"]


# ------------------------------------------------------------- killed runs, re-runs


def test_a_killed_run_is_finished_by_running_it_again(tmp_path):
    """kill -9 of the whole run while it writes: complete packets or none, and the same command
    finishes the batch. The kill comes when the first chunk's packets are on disk and later chunks
    are still being converted (chunks of 4, one worker: the run cannot have finished)."""
    source = batch(tmp_path, 24)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "build", str(source), "--out", str(out), "--date", DATE,
               "--jobs", "1", "--chunk-size", "4"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 300  # a fail-safe only: the loop ends on the event
    while time.monotonic() < deadline and not list(out.glob("*/manifest.json")) and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the whole run, workers and LibreOffice included
    process.wait()
    done_before = len(list(out.glob("*/manifest.json")))
    assert 0 < done_before < 24
    for folder in (p for p in out.iterdir() if p.is_dir()):  # every packet on disk is whole
        if (folder / "packet.pdf").exists():
            assert PdfReader(folder / "packet.pdf").pages

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"其中{done_before}份未变化" in again.stdout
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(folders) == 24
    for folder in folders:
        assert [t for t, _ in outline_titles(folder / "packet.pdf")] == titles(folder)
    assert not list(out.glob("**/.*.part"))


def _modified(out: Path) -> dict[str, int]:
    return {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/packet.pdf")}


def test_rerun_rebuilds_exactly_what_changed(tmp_path):
    source = batch(tmp_path, 4)
    out = tmp_path / "out"
    assert build(source, out, "--jobs", "1").returncode == 0
    first = _modified(out)

    unchanged = build(source, out, "--jobs", "1")
    assert unchanged.returncode == 0 and "其中4份未变化" in unchanged.stdout
    assert _modified(out) == first

    def more_income(number, row):
        if row["案件编号"] == "SYN-000002":
            row["月收入"] = str(int(row["月收入"]) + 100)

    batch(tmp_path, 4, more_income)
    one_row = build(source, out, "--jobs", "1")
    assert "其中3份未变化" in one_row.stdout
    after_row = _modified(out)
    assert [c for c in first if after_row[c] != first[c]] == ["SYN-000002"]

    new_date = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-25", "--jobs", "1")
    assert "未变化" not in new_date.stdout
    templates = tmp_path / "templates"
    templates.mkdir()
    agreement = Document(TEMPLATES_DIR / "repayment_agreement.docx")
    agreement.add_paragraph("（本页由法律援助中心提供）")
    agreement.save(templates / "repayment_agreement.docx")
    new_template = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-25", "--jobs", "1",
                           "--templates", str(templates))
    assert "未变化" not in new_template.stdout
    forced = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-25", "--jobs", "1",
                     "--templates", str(templates), "--force")
    assert "未变化" not in forced.stdout and forced.returncode == 0


# ------------------------------------------------------------- the output folder


def test_a_second_build_into_the_same_folder_refuses(tmp_path):
    """While one build holds OUT (here: this test holds its lock, as a running build does, however
    fast or slow the machine), a second refuses at once and writes nothing; once it is free, builds."""
    source = batch(tmp_path, 2)
    out = tmp_path / "out"
    assert build(source, out, "--jobs", "1").returncode == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != files.LOCK_FILE}
    holder = os.open(out / files.LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        second = build(source, out, "--jobs", "1", "--force")
    finally:
        os.close(holder)
    assert second.returncode == 2
    assert "正在被另一个生成任务使用" in second.stderr and "Traceback" not in second.stderr
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != files.LOCK_FILE}
    assert after == before  # nothing written, nothing removed
    assert build(source, out, "--jobs", "1", "--force").returncode == 0


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES], ids=["disk full", "permission"])
def test_a_write_error_stops_the_run_and_leaves_no_partial_packet(tmp_path, monkeypatch, error):
    source = batch(tmp_path, 3)
    out = tmp_path / "out"

    def failing_fsync(descriptor):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(files.os, "fsync", failing_fsync)
    result = CliRunner().invoke(cli.main, ["build", str(source), "--out", str(out), "--date", DATE, "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert "无法写入输出文件夹" in result.output and os.strerror(error) in result.output
    assert not list(out.glob("**/packet.pdf")) and not list(out.glob("**/*.part"))


def test_output_is_private_to_its_owner(tmp_path):
    source = batch(tmp_path, 2)
    out = tmp_path / "out"
    assert build(source, out, "--jobs", "1").returncode == 0
    paths = [out, *out.rglob("*")]
    assert len(paths) > 10
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert all(PdfReader(p).pages for p in out.glob("*/packet.pdf"))
