"""Background builds: deleting a running batch, stopping the server or killing it outright stops the
build and its LibreOffice (no process outlives them); the next server finishes the batch; a batch the
server died on too often is given up."""

from __future__ import annotations

import signal
import sqlite3

import psutil
import pytest
from office import PASSWORD, TestClient, add_user, csv_bytes, running_server, stop, wait_for

from pipeline.serve import accounts
from pipeline.serve.jobs import GAVE_UP, MAX_ATTEMPTS
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.web import create_app

TWO_CASES = csv_bytes(("E2E-001", "E2E-002"))


def _tree(pid: int) -> list[psutil.Process]:
    """The server's descendants but its multiprocessing resource tracker (it lives as long as the server)."""
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if not _is_resource_tracker(p)]
    except psutil.NoSuchProcess:
        return []


def _is_resource_tracker(process: psutil.Process) -> bool:
    try:
        return "multiprocessing.resource_tracker" in " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return False


def _libreoffice_running(pid: int) -> list[psutil.Process] | None:
    """The server's whole process tree, once a LibreOffice is part of it."""
    tree = _tree(pid)
    names = []
    for process in tree:
        try:
            names.append(process.name())
        except psutil.NoSuchProcess:
            pass
    return tree if "soffice.bin" in names else None


def _alive(processes: list[psutil.Process]) -> list[str]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {process.name()}")
        except psutil.NoSuchProcess:
            pass
    return alive


def _status(data, batch_id) -> str:
    with sqlite3.connect(data / "packets.sqlite3") as db:
        return db.execute("SELECT status FROM batches WHERE id = ?", (batch_id,)).fetchone()[0]


@pytest.mark.slow
def test_delete_shutdown_and_a_killed_server_stop_libreoffice_and_the_next_server_finishes_the_batch(tmp_path):
    data = tmp_path / "data"
    # processes the test run already had (a multiprocessing forkserver another test started…) are not the server's
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    token = add_user(data, "alice")
    post = {"files": {"file": ("two.csv", TWO_CASES, "text/csv")}, "data": {"date": "2026-11-24"}}
    # no warm spare here: the server's tree is the batch's alone (tests/serve/test_office_warm.py has the spare)
    with running_server(data, "--no-warm-office") as server, server.api(token) as api:
        deleted = api.post("/api/batches", **post).json()["id"]
        tree = wait_for(lambda: _libreoffice_running(server.process.pid), 120, every=0.05, what="LibreOffice")
        assert api.delete(f"/api/batches/{deleted}").status_code == 204
        assert _alive(tree) == [] and _tree(server.process.pid) == []
        assert not (data / "batches" / deleted).exists()

        stopped = api.post("/api/batches", **post).json()["id"]
        tree = wait_for(lambda: _libreoffice_running(server.process.pid), 120, every=0.05, what="LibreOffice")
        # uvicorn shuts down gracefully (lifespan included), then re-raises SIGTERM on itself
        assert stop(server.process) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in server.log.read_text("utf-8")
    assert _alive(tree) == []
    assert _alive([child for child in psutil.Process().children(recursive=True) if child.pid not in before]) == []
    assert _status(data, stopped) == "queued"

    with running_server(data) as server:  # the next server resumes it (in its warm spare); this one is killed outright
        tree = wait_for(lambda: _libreoffice_running(server.process.pid), 120, every=0.05, what="LibreOffice")
        server.process.kill()
        server.process.wait()
        # the build was told to die with the server (PR_SET_PDEATHSIG) and takes its LibreOffice along
        wait_for(lambda: _alive(tree) == [], 60, what="the orphaned build to stop")
    assert _status(data, stopped) == "running"

    with running_server(data) as server, server.api(token) as api:
        state = wait_for(lambda: (s := api.get(f"/api/batches/{stopped}").json())["status"] in ("done", "failed") and s,
                         180, every=0.2, what="the resumed build")
        assert (state["status"], state["ok"], state["total"]) == ("done", 2, 2)
        report = api.get(f"/api/batches/{stopped}/report.csv").content.decode("utf-8-sig")
    assert report.count(",ok,") == 2


def test_a_batch_the_server_died_on_is_resumed_and_given_up_after_repeated_deaths(tmp_path):
    settings = ServerSettings(data=tmp_path / "data", run_jobs=False)
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD)
        token = accounts.new_token(store, "alice")
        headers = {"Authorization": f"Bearer {token}"}
        ids = [client.post("/api/batches", headers=headers, files={"file": ("c.csv", TWO_CASES)}).json()["id"]
               for _ in range(2)]
    with sqlite3.connect(settings.database) as db:  # as a server killed mid-build leaves them
        db.execute("UPDATE batches SET status = 'running', attempts = 0 WHERE id = ?", (ids[0],))
        db.execute("UPDATE batches SET status = 'running', attempts = ? WHERE id = ?", (MAX_ATTEMPTS - 1, ids[1]))
    with TestClient(create_app(settings)) as client:
        resumed, given_up = (client.get(f"/api/batches/{i}", headers=headers).json() for i in ids)
    assert resumed["status"] == "queued" and resumed["reason"] == ""
    assert given_up["status"] == "failed" and given_up["reason"] == GAVE_UP
    with sqlite3.connect(settings.database) as db:
        assert db.execute("SELECT attempts FROM batches WHERE id = ?", (ids[0],)).fetchone()[0] == 1
