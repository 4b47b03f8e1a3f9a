"""One client, from the click to the packet: `packets build` for a single case, against the office
server (`packets serve`) with and without its warm LibreOffice, on the same case, in one run.

The server is timed from the API's upload (which checks the sheet and builds it at once) to the
batch being done, on an idle server: before each click the bench waits until the warm build's
LibreOffice has started and then a few seconds more, as a caseworker reads the check page first.
"""

from __future__ import annotations

import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
import psutil

from bench.synthetic import write_batch

SETTLE = 5.0  # seconds between LibreOffice having started and the click


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _soffice_count(pid: int) -> int:
    try:
        return sum(1 for p in psutil.Process(pid).children(recursive=True) if p.name() == "soffice.bin")
    except psutil.Error:
        return 0


def _wait(condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the office server did not get there in time")
        time.sleep(0.05)


def cli_seconds(sheet: Path, scratch: Path, jobs: int, packet_date: str, reps: int) -> list[float]:
    times = []
    for rep in range(reps):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "build", str(sheet), "--out", str(scratch / f"cli-{rep}"),
                        "--date", packet_date, "--jobs", str(jobs), "--quiet"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def server_seconds(sheet: Path, scratch: Path, jobs: int, packet_date: str, reps: int, warm: bool) -> list[float]:
    data = Path(tempfile.mkdtemp(dir=scratch)) / "data"
    password = secrets.token_urlsafe(16)
    subprocess.run([sys.executable, "-m", "pipeline", "user", "add", "bench", "--data", str(data)],
                   input=password + "\n", text=True, check=True, capture_output=True)
    token = subprocess.run([sys.executable, "-m", "pipeline", "user", "token", "bench", "--data", str(data)],
                           text=True, check=True, capture_output=True).stdout.strip()
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port), "--data", str(data),
                               "--jobs", str(jobs), "--warm-office" if warm else "--no-warm-office"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    times = []
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as api:
            _wait(lambda: _answers(api))
            for _ in range(reps):
                if warm:
                    _wait(lambda: _soffice_count(server.pid) >= jobs)
                time.sleep(SETTLE)
                started = time.perf_counter()
                batch = api.post("/api/batches", files={"file": (sheet.name, sheet.read_bytes())},
                                 data={"date": packet_date}).json()["id"]
                _wait(lambda batch=batch: api.get(f"/api/batches/{batch}").json()["status"] in ("done", "failed"))
                times.append(time.perf_counter() - started)
                if api.get(f"/api/batches/{batch}").json()["ok"] != 1:
                    raise RuntimeError("the office server did not build the client")
    finally:
        server.terminate()
        server.wait(90)
    return times


def _answers(api: httpx.Client) -> bool:
    try:
        return api.get("/login").status_code == 200
    except httpx.HTTPError:
        return False


def one_client(scratch: Path, jobs: int, day: date, reps: int = 3) -> str:
    sheet = write_batch(scratch / "one-client.csv", 1, day)
    packet_date = day.isoformat()
    rows = [("packets build (CLI)", cli_seconds(sheet, scratch, jobs, packet_date, reps)),
            ("office server, cold", server_seconds(sheet, scratch, jobs, packet_date, reps, warm=False)),
            ("office server, warm", server_seconds(sheet, scratch, jobs, packet_date, reps, warm=True))]
    cli = statistics.median(rows[0][1])
    lines = [f"{'one client, click to packet':<28} {'median s':>8} {'runs':>22} {'÷ CLI':>7}", "-" * 68]
    for name, times in rows:
        median = statistics.median(times)
        lines.append(f"{name:<28} {median:>8.2f} {' '.join(f'{t:.2f}' for t in times):>22} {median / cli:>6.2f}×")
    return "\n".join(lines)
