"""A build reads its workbook once, progress bar or not: the bar's total comes from the check the build
makes anyway, not from a reading of its own. Issue 14, finding 6 ("the workbook is read 2–3 times per
build")."""

from __future__ import annotations

import logging
import os
import signal
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from pipeline import cli
from pipeline.batch import BuildOptions, build
from pipeline.intake import csv_file, xlsx_file

# Rows without the required amounts: invalid, so the build converts nothing (no LibreOffice run).
ROWS = [["R-1", "张晓明"], ["R-2", "李华"], ["R-3", "王芳"]]


@pytest.fixture(autouse=True)
def _process_left_as_found():
    """`packets build` run in this process sets its umask, log handler and SIGTERM handler: undo them."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    umask = os.umask(0o022)
    os.umask(umask)
    on_term = signal.getsignal(signal.SIGTERM)
    yield
    for handler in set(root.handlers) - set(handlers):
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)
    os.umask(umask)
    signal.signal(signal.SIGTERM, on_term)


@pytest.fixture
def workbook(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["案件编号", "姓名", "身份证号", "手机号", "剩余本金", "逾期开始日期", "月收入", "月必要支出",
                  "困难类型", "困难情况说明", "协商诉求"])
    for row in ROWS:
        sheet.append(row)
    book.save(tmp_path / "cases.xlsx")
    return tmp_path / "cases.xlsx"


@pytest.fixture
def reads(monkeypatch):
    """How often the workbook is checked (the pass over its XML) and loaded (openpyxl)."""
    counted = {"checked": 0, "loaded": 0}
    scan, load = xlsx_file.scan_workbook, openpyxl.load_workbook

    def counting_scan(*args, **kwargs):
        counted["checked"] += 1
        return scan(*args, **kwargs)

    def counting_load(*args, **kwargs):
        counted["loaded"] += 1
        return load(*args, **kwargs)

    monkeypatch.setattr(xlsx_file, "scan_workbook", counting_scan)
    monkeypatch.setattr(openpyxl, "load_workbook", counting_load)
    return counted


def test_a_build_with_a_progress_bar_checks_and_loads_the_workbook_once(workbook, reads, monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "_on_terminal", lambda: True)  # CliRunner's stderr is no terminal
    lengths = []
    progressbar = cli.click.progressbar

    def watched(*args, **kwargs):
        lengths.append(kwargs.get("length"))
        return progressbar(*args, **kwargs)

    monkeypatch.setattr(cli.click, "progressbar", watched)
    result = CliRunner().invoke(cli.main, ["build", str(workbook), "--out", str(tmp_path / "out"),
                                           "--date", "2026-11-24", "--jobs", "1"])
    assert result.exit_code == 1, result.output  # every row invalid
    assert lengths == [len(ROWS)]  # the bar was shown, with the right total
    assert reads == {"checked": 1, "loaded": 1}


def test_the_total_is_handed_over_once_before_the_first_row(workbook, reads, tmp_path):
    seen = []
    build([workbook], BuildOptions(out=tmp_path / "out", packet_date=date(2026, 11, 24)),
          on_row=lambda outcome: seen.append(outcome.row), on_total=lambda total: seen.append(("total", total)))
    assert seen == [("total", 3), 2, 3, 4]
    assert reads == {"checked": 1, "loaded": 1}


@pytest.mark.parametrize("terminal", [True, False])
def test_a_csv_file_is_read_once_with_a_progress_bar_or_without(tmp_path, monkeypatch, terminal):
    """The rows are all read before any client is known (pipeline/batch/grouping.py), so the total
    for the bar comes from that one read: no pass of its own over a CSV file, as there was before."""
    source = tmp_path / "cases.csv"
    source.write_text("案件编号,姓名,身份证号,手机号,剩余本金,逾期开始日期,月收入,月必要支出,困难类型,困难情况说明,协商诉求\n"
                      + "".join(f"{case},{name}\n" for case, name in ROWS), encoding="utf-8")
    reads = []
    rows = csv_file.CsvFile.rows
    monkeypatch.setattr(csv_file.CsvFile, "rows", lambda self: reads.append(1) or rows(self))
    counted = []
    count_rows = csv_file.CsvFile.count_rows
    monkeypatch.setattr(csv_file.CsvFile, "count_rows", lambda self: counted.append(1) or count_rows(self))
    monkeypatch.setattr(cli, "_on_terminal", lambda: terminal)
    result = CliRunner().invoke(cli.main, ["build", str(source), "--out", str(tmp_path / "out"), "--date", "2026-11-24"])
    assert result.exit_code == 1, result.output
    assert reads == [1] and counted == []
