"""A client of three debts built by the real office server (issue 21, done-when): the sample's
WS-2026-017 — two 网商贷 contracts and one 微粒贷 — comes back as two lender files, each with every
contract of its lender and the one financial statement, and one packet.pdf with one borrower's set."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from conftest import ROOT
from office import add_user, running_server, wait_for
from pypdf import PdfReader

CASE = "WS-2026-017"
CONTRACTS = {"网商贷": ("WSD2025011200388", "WSD2025080300125"), "微粒贷": ("WLD2025061800517",)}


def _rows_of(case_id: str) -> bytes:
    text = (ROOT / "samples" / "clients.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    kept = [rows[0]] + [row for row in rows[1:] if row and row[0] == case_id]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(kept)
    return buffer.getvalue().encode("utf-8-sig")


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")


@pytest.mark.slow
def test_a_three_debt_client_built_by_the_server_gives_a_file_per_lender(tmp_path):
    data = tmp_path / "data"
    token = add_user(data, "alice")
    upload = {"files": {"file": ("clients.csv", _rows_of(CASE), "text/csv")}, "data": {"date": "2026-11-24"}}
    with running_server(data) as server, server.api(token) as api:
        batch = api.post("/api/batches", **upload).json()["id"]
        state = wait_for(lambda: (s := api.get(f"/api/batches/{batch}").json())["status"] in ("done", "failed") and s,
                         300, every=0.2, what="the build")
        assert (state["status"], state["ok"], state["total"]) == ("done", 3, 3), state  # a report line per row
        packets = zipfile.ZipFile(io.BytesIO(api.get(f"/api/batches/{batch}/packets.zip").content))
    files = {name.split("/", 1)[1]: name for name in packets.namelist() if name.startswith(f"{CASE}/")}
    assert {"to_lender-1-网商贷.pdf", "to_lender-2-微粒贷.pdf", "packet.pdf"} <= set(files), sorted(files)
    assert "to_lender.pdf" not in files
    for number, (lender, contracts) in enumerate(CONTRACTS.items(), start=1):
        text = _text(packets.read(files[f"to_lender-{number}-{lender}.pdf"]))
        for contract in contracts:
            assert contract in text, (lender, contract)
        others = [c for other, cs in CONTRACTS.items() if other != lender for c in cs]
        assert "收入支出及债务情况表" in text  # the one statement lists every debt, the other lenders' too
        assert all(c in text for c in others)
        assert "本人留存" not in text and "通话准备" not in text  # nothing of the borrower's own set
    packet = _text(packets.read(files["packet.pdf"]))
    assert packet.count("全部债务一览") >= 1 and packet.count("通话准备与记录表") >= 1
