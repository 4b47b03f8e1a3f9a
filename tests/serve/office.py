"""Helpers for the office-server tests: the sample workbook, users, a real server in its own process,
an in-process app, forms with their CSRF tokens, and waiting on a condition (never a fixed sleep)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from click.testing import CliRunner
from conftest import DATA, ROOT
from openpyxl import Workbook

from pipeline.serve.commands import user_group

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message=".*httpx2")
    from starlette.testclient import TestClient

PASSWORD = "correct horse battery"
# The personal data of tests/data/cases.csv that must never appear in logs, titles or URLs.
PERSONAL = ("张晓明", "李秀英", "330106198503121231", "13800138001")


def case_rows(case_ids: tuple[str, ...] | None = None) -> tuple[list[str], list[list[str]]]:
    with (DATA / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    return header, [r for r in body if case_ids is None or r[0] in case_ids]


def write_workbook(path: Path, case_ids: tuple[str, ...] | None = None) -> Path:
    """tests/data/cases.csv as an Excel workbook staff would upload: every cell text, as the intake
    workbook keeps ID and phone numbers (three valid cases, E2E-004 with a problem in most cells)."""
    header, body = case_rows(case_ids)
    book = Workbook()
    sheet = book.active
    sheet.title = "案件"
    sheet.append(header)
    for row in body:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.number_format = "@"
    book.save(path)
    return path


def csv_bytes(case_ids: tuple[str, ...], change: Callable[[dict], None] | None = None) -> bytes:
    """Rows of tests/data/cases.csv as CSV bytes; `change(record)` may alter cells or add columns."""
    header, body = case_rows(case_ids)
    records = [dict(zip(header, row, strict=True)) for row in body]
    for record in records:
        if change:
            change(record)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8-sig")


def add_user(data: Path, name: str, admin: bool = False) -> str:
    """Through the real `packets user add` (password on standard input), then a token."""
    runner = CliRunner()
    result = runner.invoke(user_group, ["add", name, "--data", str(data), *(["--admin"] if admin else [])],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    token = runner.invoke(user_group, ["token", name, "--data", str(data)])
    assert token.exit_code == 0, token.output
    return token.output.strip()


def wait_for(condition: Callable[[], object], deadline: float = 120.0, every: float = 0.1, what: str = ""):
    """Poll until `condition()` is truthy; the deadline is only a fail-safe against a hung test."""
    give_up = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > give_up:
            raise AssertionError(f"gave up waiting for {what or condition}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningServer:
    url: str
    data: Path
    process: subprocess.Popen
    log: Path

    def api(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


@contextlib.contextmanager
def running_server(data: Path, *extra: str) -> Iterator[RunningServer]:
    """`packets serve` in its own process, as an office runs it; stopped with SIGTERM at the end."""
    port = free_port()
    log = data.parent / f"{data.name}-stderr.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--data", str(data), "--jobs", "2", *extra],
            cwd=ROOT, stdout=stderr, stderr=stderr, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    server = RunningServer(f"http://127.0.0.1:{port}", data, process, log)
    try:
        wait_for(lambda: _answers(server) or process.poll() is not None, deadline=60, what="the server to start")
        assert process.poll() is None, log.read_text("utf-8")
        yield server
    finally:
        stop(process)


def _answers(server: RunningServer) -> bool:
    try:
        return httpx.get(server.url + "/login", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def login(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    token = form_token(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "name": name, "password": password}, follow_redirects=False)


def zip_of(entries: dict[str, bytes], *, symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, target)
    return buffer.getvalue()


__all__ = ["TestClient"]


def every_path(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def deep_tree(root: Path, depth: int = 1000) -> None:
    """A folder nested `depth` levels under `root`, with a file at the bottom, as an older server could
    have unpacked from a zip (made by names relative to an open folder: the path is too long to name)."""
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir("a", dir_fd=folder)
        child = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=folder)
        os.close(folder)
        folder = child
    os.close(os.open("scan.pdf", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=folder))
    os.close(folder)
