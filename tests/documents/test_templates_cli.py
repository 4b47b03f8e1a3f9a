"""`packets templates check DIR`: staff's own templates checked before a batch uses them."""

from __future__ import annotations

from conftest import PAYLOAD, TEMPLATES_DIR
from docx import Document
from e2e import run_cli


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


def test_a_template_that_reaches_past_the_context_is_an_error(tmp_path):
    letter = Document(TEMPLATES_DIR / "hardship_letter.docx")
    letter.add_paragraph(PAYLOAD)
    letter.add_paragraph("{{ borrower.name.upper() }}{{ lender|attr('legal_name') }}")
    letter.save(tmp_path / "hardship_letter.docx")
    result = run_cli("templates", "check", str(tmp_path))
    assert result.returncode == 1
    for expected in ("以下划线开头的属性 __class__", "以下划线开头的属性 __mro__", "调用了方法 upper()", "attr 过滤器"):
        assert expected in result.stderr, expected


def test_a_word_footer_in_a_staff_template_is_named_as_not_printed(tmp_path):
    letter = Document(TEMPLATES_DIR / "hardship_letter.docx")
    letter.sections[0].footer.paragraphs[0].text = "本所地址：示例路1号"
    letter.save(tmp_path / "hardship_letter.docx")
    result = run_cli("templates", "check", str(tmp_path))
    assert result.returncode == 0 and "提示：hardship_letter.docx：模板中的页脚不会出现在PDF中" in result.stderr
    assert "页脚" not in run_cli("templates", "check", str(TEMPLATES_DIR)).stderr  # the shipped footer is the packet's
