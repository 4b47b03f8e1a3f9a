"""Chunks are cut by evidence bytes as well as by case count: twelve cases each carrying a row's full
evidence (40 MB) would otherwise travel to a worker, and back inside their PDFs, as one ~480 MB chunk.
Issue 14, finding 6. No LibreOffice here: a stand-in pool records what it is handed."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from conftest import make_case

from pipeline.batch.build import Build
from pipeline.batch.options import BuildOptions
from pipeline.batch.rows import Checked
from pipeline.common.model import Attachment
from pipeline.contract import default_contract
from pipeline.documents.organisation import load_organisation
from pipeline.intake import RawRow
from pipeline.plan import plan_case
from pipeline.run.chunk import ConverterSettings

build_module = importlib.import_module("pipeline.batch.build")  # the package exports build(), a function of the same name
PACKET_DATE = date(2026, 11, 24)
BUDGET = 1_000  # evidence bytes a chunk may carry, for these tests


class RecordingPool:
    """Takes chunks, runs nothing: the case ids of each chunk handed over, in order."""

    def __init__(self):
        self.chunks: list[list[str]] = []

    def submit(self, chunk):
        self.chunks.append([job.case_id for job in chunk.jobs])
        return []

    def drain(self):
        return iter(())


def checked_rows(evidence: list[int]) -> list[Checked]:
    """One valid row per entry, with a stand-in scan of that many bytes (none for 0)."""
    rows = []
    for number, size in enumerate(evidence, start=1):
        scans = (Attachment(f"scan-{number}.pdf", 1, b"%" * size, f"digest-{number}"),) if size else ()
        case = make_case(case_id=f"C-{number}", row=number + 1, attachments=scans)
        raw = RawRow("cases.csv", number + 1, {"case_id": case.case_id}, {"case_id": "案件编号"})
        rows.append(Checked((raw,), case, plan_case(case, PACKET_DATE).plan, ()))
    return rows


def chunks_for(evidence: list[int], tmp_path, monkeypatch, chunk_size: int = 12, jobs: int = 1) -> list[list[int]]:
    monkeypatch.setattr(build_module, "EVIDENCE_BYTES_PER_CHUNK", BUDGET, raising=False)
    rows = checked_rows(evidence)
    monkeypatch.setattr(build_module, "check_rows", lambda files, contract, packet_date, *rest: iter(rows))
    batch = Build(files=[], contract=default_contract(), soffice="soffice", templates={},
                  organisation=load_organisation(None), out=tmp_path,
                  options=BuildOptions(out=tmp_path, packet_date=PACKET_DATE, chunk_size=chunk_size, jobs=jobs))
    pool = RecordingPool()
    batch._convert(pool, ConverterSettings("soffice", 1.0, tmp_path), tmp_path)
    return [[int(case_id.removeprefix("C-")) for case_id in chunk] for chunk in pool.chunks]


def test_twelve_cases_with_heavy_evidence_go_in_chunks_under_the_budget(tmp_path, monkeypatch):
    chunks = chunks_for([450] * 12, tmp_path, monkeypatch)
    assert chunks == [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]


@pytest.mark.parametrize(("evidence", "expected"), [
    ([600, 0, 600, 0, 0, 1_500, 0], [[1, 2], [3, 4, 5], [6], [7]]),  # a case over the budget goes alone
    ([0] * 20, [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]]),  # by count: 8, then 12
    ([100] * 10, [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10]]),  # light evidence: by count
])
def test_a_chunk_is_cut_before_a_case_whose_evidence_would_pass_the_budget(tmp_path, monkeypatch, evidence, expected):
    chunks = chunks_for(evidence, tmp_path, monkeypatch)
    assert chunks == expected
    weight = dict(enumerate(evidence, start=1))
    assert all(sum(weight[n] for n in chunk) <= BUDGET for chunk in chunks if len(chunk) > 1)


def test_the_budget_leaves_room_for_a_row_with_all_the_evidence_it_may_carry():
    from pipeline.intake.evidence_files import MAX_ROW_BYTES

    assert MAX_ROW_BYTES < build_module.EVIDENCE_BYTES_PER_CHUNK <= 2 * MAX_ROW_BYTES
