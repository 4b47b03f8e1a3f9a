"""The source of the shipped templates: `make templates` writes templates/*.docx from the wording here.

The .docx files in templates/ are generated — never edit them by hand: a test fails when they differ
from what this writes. Staff who want other wording copy a shipped .docx, edit it in Word or
LibreOffice and use it with `packets build --templates DIR` (check it first with
`packets templates check DIR`).

Run: .venv/bin/python templates/source/make.py [OUT_DIR]   (default: templates/)
"""

from __future__ import annotations

import sys
from pathlib import Path

from borrower_set import borrower_summary, call_sheet, evidence_checklist, repayment_tracker, rights_and_help
from lender_set import evidence_cover, hardship_letter, repayment_agreement
from statement import debt_overview, financial_statement

TEMPLATES_DIR = Path(__file__).resolve().parent.parent

DOCUMENTS = {
    "hardship_letter.docx": hardship_letter,
    "financial_statement.docx": financial_statement,
    "evidence_cover.docx": evidence_cover,
    "repayment_agreement.docx": repayment_agreement,
    "debt_overview.docx": debt_overview,
    "borrower_summary.docx": borrower_summary,
    "evidence_checklist.docx": evidence_checklist,
    "call_sheet.docx": call_sheet,
    "repayment_tracker.docx": repayment_tracker,
    "rights_and_help.docx": rights_and_help,
}


def write_templates(out_dir: Path = TEMPLATES_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in DOCUMENTS.items():
        build().save(out_dir / name)
        written.append(out_dir / name)
    return written


if __name__ == "__main__":
    for path in write_templates(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES_DIR):
        print(path)
