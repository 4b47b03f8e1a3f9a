"""A case is a list of named sets (issue 26, point 1): a chunk of cases with two lender sets each and
the borrower's set comes back split by name — each lender set its own file, numbered on its own,
packet.pdf every set in order — whatever the sets' positions in the chunk."""

from __future__ import annotations

import dataclasses
import io
import re
import tempfile
from pathlib import Path

import pytest
from conftest import PACKET_DATE, make_case
from pypdf import PdfReader

from pipeline.contract import default_contract
from pipeline.documents.kinds import PacketSet
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import TemplateSet
from pipeline.pdf.libreoffice import find_soffice
from pipeline.pdf.uno_converter import UnoConverter
from pipeline.plan import plan_case
from pipeline.run.chunk import CaseJob, build_chunk

pytestmark = pytest.mark.slow


def _three_sets(case_id: str) -> tuple[PacketSet, ...]:
    case = make_case(case_id=case_id)
    lender, borrower = packet_sets(case, plan_case(case, PACKET_DATE).plan, default_contract())
    second = dataclasses.replace(lender, name="lender-2", outline="寄送件（交第二家）", file_tag="-2-第二家",
                                 documents=("hardship_letter",),
                                 context={**lender.context, "hardship_details": [f"{case_id}第二家专用陈述"]})
    first = dataclasses.replace(lender, file_tag="-1-第一家", outline="寄送件（交第一家）")
    return first, second, borrower


def _texts(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_case_of_three_sets_comes_back_by_name():
    jobs = [CaseJob(case_id, _three_sets(case_id)) for case_id in ("S-001", "S-002")]
    with UnoConverter(find_soffice(), 120, Path(tempfile.mkdtemp(prefix="sets-"))) as converter:
        outcomes = build_chunk(jobs, TemplateSet(), converter)
    for outcome in outcomes:
        assert outcome.ok, outcome.error
        files = outcome.files.lender_files
        assert list(files) == ["to_lender-1-第一家.pdf", "to_lender-2-第二家.pdf"]
        first, second, packet = _texts(files["to_lender-1-第一家.pdf"]), _texts(files["to_lender-2-第二家.pdf"]), \
            _texts(outcome.files.packet)
        mark = f"{outcome.case_id}第二家专用陈述"
        assert mark not in "".join(first)  # the second lender's letter is not in the first's file
        assert mark in "".join(second) and "协商还款申请书" in second[0]
        for pages in (first, second):
            assert all(f"寄送件第{n}页/共{len(pages)}页" in text for n, text in enumerate(pages, start=1))
        assert packet[:len(first)] == first and packet[len(first):len(first) + len(second)] == second
        borrower = packet[len(first) + len(second):]
        assert all(f"本人留存第{n}页/共{len(borrower)}页" in text for n, text in enumerate(borrower, start=1))
        outline = [item.title for item in PdfReader(io.BytesIO(outcome.files.packet)).outline if not isinstance(item, list)]
        assert outline == ["寄送件（交第一家）", "寄送件（交第二家）", "本人留存（不要寄出）"]
        assert set(outcome.documents) >= {"hardship_letter-1-第一家.docx", "hardship_letter-2-第二家.docx",
                                          "call_sheet.docx"}
