"""The office server keeps the next build's LibreOffice warm (issue 25, point 6): started before the
click, it builds that one batch and goes with it — never two batches' files in one LibreOffice — and
a LibreOffice that died while waiting costs nothing but its restart. Timings are `make bench`'s
("one client, click to packet"); these tests wait on processes, never on time."""

from __future__ import annotations

import io
import os
import signal
import zipfile

import psutil
import pytest
from office import add_user, csv_bytes, running_server, wait_for
from pypdf import PdfReader

SHEET = {"file": ("c.csv", csv_bytes(("E2E-001",)), "text/csv")}


def offices(server) -> set[int]:
    """The soffice.bin processes under the server (a batch's or the spare build's)."""
    try:
        return {p.pid for p in psutil.Process(server.process.pid).children(recursive=True) if p.name() == "soffice.bin"}
    except psutil.Error:
        return set()


def build(api) -> dict:
    batch = api.post("/api/batches", files=SHEET, data={"date": "2026-11-24"}).json()["id"]
    state = wait_for(lambda: (s := api.get(f"/api/batches/{batch}").json())["status"] in ("done", "failed") and s,
                     300, every=0.1, what="the build")
    packets = zipfile.ZipFile(io.BytesIO(api.get(f"/api/batches/{batch}/packets.zip").content))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(packets.read("E2E-001/packet.pdf"))).pages)
    return {**state, "text": text}


@pytest.mark.slow
def test_each_build_gets_a_warm_libreoffice_of_its_own_and_none_outlives_the_server(tmp_path):
    data = tmp_path / "data"
    alice, bob = add_user(data, "alice"), add_user(data, "bob")
    with running_server(data) as server:  # --jobs 2, warm by default
        first = wait_for(lambda: len(found := offices(server)) == 2 and found, 120, what="the warm LibreOffice")
        with server.api(alice) as api:
            built = build(api)
        assert (built["status"], built["ok"]) == ("done", 1) and "协商还款申请书" in built["text"]
        # the warm pair built alice's batch and went with it; the next batch has a new pair
        second = wait_for(lambda: len(found := offices(server)) == 2 and found, 120, what="the next warm LibreOffice")
        assert not first & second and not any(psutil.pid_exists(pid) for pid in first)
        with server.api(bob) as api:
            assert build(api)["ok"] == 1
        third = wait_for(lambda: len(found := offices(server)) == 2 and found, 120, what="a third warm LibreOffice")
        assert not third & second
    assert not any(psutil.pid_exists(pid) for pid in third)  # stopping the server stopped the spare's


@pytest.mark.slow
def test_a_warm_libreoffice_that_died_while_waiting_is_started_again_and_the_batch_is_built(tmp_path):
    data = tmp_path / "data"
    token = add_user(data, "alice")
    with running_server(data) as server, server.api(token) as api:
        waiting = wait_for(lambda: len(found := offices(server)) == 2 and found, 120, what="the warm LibreOffice")
        for pid in waiting:
            os.kill(pid, signal.SIGKILL)
        built = build(api)
        assert (built["status"], built["ok"]) == ("done", 1) and "协商还款申请书" in built["text"]
