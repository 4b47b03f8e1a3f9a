"""Template-variable coverage and rendering of every branch of the templates (no LibreOffice)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from conftest import PACKET_DATE, make_case, rendered_documents, shipped_templates
from docx import Document

from pipeline.common.model import EvidenceItem
from pipeline.contract import default_contract
from pipeline.documents.kinds import DOCUMENTS
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import template_files
from pipeline.documents.template_check import check_templates, example_sets, template_source, unknown_names
from pipeline.plan import plan_case

HARDSHIPS = ("unemployment", "illness", "business_loss", "income_drop", "family_emergency", "disaster", "other")


def text_of(document) -> str:
    if hasattr(document, "docx"):  # as rendered: the editable copy's bytes
        document = Document(io.BytesIO(document.docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def render_all(case) -> dict[str, str]:
    return {name: text_of(document) for name, document in rendered_documents(case).items()}


def test_shipped_templates_use_only_names_the_pipeline_provides():
    assert check_templates(template_files()[0], example_sets(default_contract(), PACKET_DATE)) == []


def test_a_misspelt_name_is_reported_with_the_closest_provided_name(tmp_path):
    document = Document()
    document.add_paragraph("致：{{ lender.legal_nmae }}")
    document.add_paragraph("{% for item in evidence.rows %}{{ item.lable }}{% endfor %}")
    document.sections[0].footer.paragraphs[0].text = "{{ case_idd }}"
    path = tmp_path / "hardship_letter.docx"
    document.save(path)
    context = example_sets(default_contract(), PACKET_DATE)[0].context
    found = {(u.name, u.suggestion) for u in unknown_names(template_source(str(path)), path.name, context)}
    assert found == {
        ("lender.legal_nmae", "lender.legal_name"),
        ("evidence.rows[].lable", "evidence.rows[].label"),
        ("case_idd", "case_id"),
    }


VARIANTS = {
    "every hardship, every request, deferral": dict(
        hardship_types=HARDSHIPS, requests=("installments", "deferral", "interest_freeze", "penalty_waiver"),
        deferral_months=3),
    "installments by capacity without asking, no waiver, no evidence, no address": dict(
        requests=("interest_freeze",), evidence=(), address="", loan_contract_no="", caseworker=""),
    # Nothing left each month: no installment can be offered (above the whole surplus is refused), only a
    # settlement paid from a named source.
    "nothing left each month, a settlement from a named source": dict(
        monthly_income=Decimal("2000"), monthly_expenses=Decimal("2600"), requests=("settlement",),
        funds_source="亲友借款", penalty=Decimal("0")),
    "blank interest and penalty, household income, a settlement with a waiver": dict(
        interest=None, penalty=None, income_scope="household", funds_source="亲友借款",
        requests=("settlement", "penalty_waiver")),
    "evidence without page counts": dict(evidence=(EvidenceItem("medical_record", None), EvidenceItem("other", 2))),
    # 46,200.50 in 30 = 1,540.01 a month, within the capacity (3 would be 15,400.16, above the surplus)
    "overdue today, fixed first date": dict(overdue_since=PACKET_DATE, first_payment_date=date(2027, 1, 31),
                                           installments=30),
}


@pytest.mark.parametrize("changes", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_branch_renders_without_leftover_tags(changes):
    """Each variant reaches other branches of the templates; what they say is checked in test_wording."""
    texts = render_all(make_case(**changes))
    assert set(texts) == {kind.name for kind in DOCUMENTS}
    for name, text in texts.items():
        assert "{{" not in text and "{%" not in text and "}}" not in text, name
        assert "None" not in text and "人民币元" not in text, name  # a blank never prints as None or nothing


@pytest.mark.parametrize("hostile", ["{{ 7*7 }}", "{% for x in y %}", "{%p if 1 %}", "<w:t>x</w:t>", "&amp; ]]>", "𠀀𡃁😀"])
def test_cell_text_prints_literally(hostile):
    details = f"我的情况：{hostile}，收入骤降无力还款。"
    rendered = shipped_templates().render("hardship_letter", _context(make_case(hardship_details=details)))
    # must still be a well-formed .docx that reads back
    assert hostile in text_of(Document(io.BytesIO(rendered.docx)))


def _context(case):
    return packet_sets(case, plan_case(case, PACKET_DATE).plan, default_contract())[0].context
