"""Workers log into the run's log, never onto the terminal: a fault at the default --jobs (here 2)
leaves no traceback on stderr and the whole traceback in OUT/packets.log. Issue 14, finding 13
(workers started by the forkserver never got the log-file handler; every fault test used --jobs 1)."""

from __future__ import annotations

from datetime import date

from conftest import TEMPLATES_DIR
from docx import Document
from e2e import read_report, run_cli

from bench.synthetic import write_batch


def test_a_fault_in_a_worker_goes_to_the_log_not_the_terminal(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    letter = Document(TEMPLATES_DIR / "hardship_letter.docx")
    # every case fails to render, with a traceback (nothing `templates check` refuses a run for)
    letter.add_paragraph("{{ evidence.count // 0 }}")
    letter.save(templates / "hardship_letter.docx")
    source = write_batch(tmp_path / "cases.csv", 2, date(2026, 11, 24))
    out = tmp_path / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24", "--jobs", "2",
                     "--templates", str(templates))
    assert result.returncode == 1, result.stderr
    assert [r["status"] for r in read_report(out)] == ["failed", "failed"]
    assert "Traceback" not in result.stderr
    log = (out / "packets.log").read_text("utf-8")
    assert "Traceback" in log and "ZeroDivisionError" in log
