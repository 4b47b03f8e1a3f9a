"""A build reaches no network, even when a staff template links a picture on a server. Issue 14,
finding 9 (LibreOffice fetched an external image linked in a template during conversion)."""

from __future__ import annotations

import zipfile
from datetime import date

import hostile
import pytest
from e2e import read_report, run_cli

from bench.synthetic import write_batch

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`


def test_a_templates_linked_picture_is_never_fetched_during_a_build(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    source = write_batch(tmp_path / "cases.csv", 1, date(2026, 11, 24))
    out = tmp_path / "out"
    with hostile.LoopbackListener() as listener:
        hostile.docx_with_external_image(templates / "hardship_letter.docx", listener.url("/letterhead.png"))
        result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24", "--jobs", "1",
                         "--templates", str(templates))
    assert result.returncode == 0, result.stderr
    assert [r["status"] for r in read_report(out)] == ["ok"]
    assert listener.connections == []
    # the editable copy no longer links out either
    (case,) = [p for p in out.iterdir() if p.is_dir()]
    with zipfile.ZipFile(case / "hardship_letter.docx") as docx:
        rels = docx.read("word/_rels/document.xml.rels").decode()
    assert "127.0.0.1" not in rels and 'TargetMode="External"' not in rels
