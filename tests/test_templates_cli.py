"""`packets templates check DIR`: staff's own templates checked before a batch uses them."""

from __future__ import annotations

from docx import Document
from e2e import run_cli

from pipeline.render import TEMPLATES_DIR


def test_a_misspelt_variable_is_reported_with_a_suggestion_and_exit_1(tmp_path):
    cover = Document(TEMPLATES_DIR / "evidence_cover.docx")
    cover.add_paragraph("借款人：{{ borrower.nmae }}，共{{ evidnce.total_pages }}页")
    cover.save(tmp_path / "evidence_cover.docx")
    result = run_cli("templates", "check", str(tmp_path))
    assert result.returncode == 1
    assert "borrower.nmae，是否应为 borrower.name？" in result.stderr
    assert "evidnce，是否应为 evidence？" in result.stderr


def test_the_shipped_templates_pass(tmp_path):
    result = run_cli("templates", "check", str(TEMPLATES_DIR))
    assert result.returncode == 0 and "全部变量均可提供" in result.stdout


def test_a_folder_without_templates_is_an_error(tmp_path):
    (tmp_path / "letter.docx").write_bytes(b"")
    result = run_cli("templates", "check", str(tmp_path))
    assert result.returncode == 1 and "没有可替换的模板" in result.stderr
