"""Fault isolation inside a chunk, below the CLI: a converter that hangs or crashes on one case costs
that case only, and a hang costs at most two timeouts (the chunk's, then the case's alone) — never a
bisection with a full timeout at every level. The good conversions are real LibreOffice ones."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import PACKET_DATE, make_case
from docx import Document

from pipeline.contract import default_contract
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import TemplateSet
from pipeline.pdf.converter import ConversionError, ConversionTimeout
from pipeline.pdf.libreoffice import find_soffice
from pipeline.pdf.uno_converter import UnoConverter
from pipeline.plan import plan_case
from pipeline.run.chunk import CaseJob, build_chunk

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

POISON = "POISON-CASE"


class FaultyConverter:
    """Converts with a real LibreOffice unless the document holds the poison case: then it fails the
    way it is told to, and counts it (a timeout here costs nothing but is counted as one)."""

    def __init__(self, real: UnoConverter, failure: type[ConversionError]):
        self.real = real
        self.profile = real.profile
        self.failure = failure
        self.failures = 0
        self.calls = 0

    def convert(self, docx: Path, tagged: bool = False) -> Path:
        self.calls += 1
        text = "".join(p.text for p in Document(docx).paragraphs)
        if POISON in text:
            self.failures += 1
            raise self.failure("stand-in failure")
        return self.real.convert(docx)

    def close(self) -> None:
        self.real.close()


@pytest.fixture(scope="module")
def real_converter():
    with UnoConverter(find_soffice(), 120, Path(tempfile.mkdtemp(prefix="isolation-"))) as converter:
        yield converter


def jobs(count: int, poisoned: int) -> list[CaseJob]:
    contract = default_contract()
    result = []
    for n in range(count):
        details = "今年三月起网店销量下滑，月营业额由三万元降至八千元。" + (POISON if n == poisoned else "")
        case = make_case(case_id=f"T-{n:03d}", hardship_details=details)
        result.append(CaseJob(case.case_id, packet_sets(case, plan_case(case, PACKET_DATE).plan, contract)))
    return result


@pytest.mark.parametrize(("failure", "expected_failures"), [(ConversionTimeout, 2), (ConversionError, 3)],
                         ids=["hang", "crash"])
def test_one_bad_case_costs_itself_and_a_hang_at_most_two_timeouts(real_converter, failure, expected_failures):
    converter = FaultyConverter(real_converter, failure)
    outcomes = build_chunk(jobs(6, poisoned=3), TemplateSet(), converter, retries=1)
    assert [o.ok for o in outcomes] == [True, True, True, False, True, True]
    assert "PDF转换失败" in outcomes[3].error and all(o.files.packet.startswith(b"%PDF") for o in outcomes if o.ok)
    # the chunk's attempt, then the case alone; a crash (not a hang) is retried once more
    assert converter.failures == expected_failures
    assert converter.calls == 1 + 6 + (expected_failures - 2)


def test_a_chunk_that_converts_costs_one_call(real_converter):
    converter = FaultyConverter(real_converter, ConversionTimeout)
    outcomes = build_chunk(jobs(4, poisoned=-1), TemplateSet(), converter, retries=1)
    assert all(o.ok for o in outcomes) and converter.calls == 1 and converter.failures == 0


class UnreadableOutput:
    """A converter whose 'PDF' qpdf cannot read: what a LibreOffice that wrote garbage would leave."""

    def __init__(self, folder: Path):
        self.profile = folder / "profile"
        self.calls = 0

    def convert(self, docx: Path, tagged: bool = False) -> Path:
        self.calls += 1
        pdf = docx.with_suffix(".pdf")
        pdf.write_bytes(b"%PDF-1.7\nnot a PDF at all")
        return pdf


def test_a_converted_pdf_that_cannot_be_split_fails_its_cases_with_a_message(tmp_path):
    converter = UnreadableOutput(tmp_path)
    outcomes = build_chunk(jobs(2, poisoned=-1), TemplateSet(), converter, retries=0)
    assert [o.ok for o in outcomes] == [False, False] and converter.calls == 3  # the chunk, then each case
    assert all(o.error.startswith("PDF转换失败：无法拆分转换后的PDF：") for o in outcomes), [o.error for o in outcomes]
    assert all(set(o.documents) == {s.copy_name(name) for s, name in job.documents()}
               for o, job in zip(outcomes, jobs(2, -1), strict=True))
