"""Workers belong to their run: they die with it, take LibreOffice with them, and create nothing others
can read. Issue 14, finding 8 (`kill -9` of the parent alone left the workers and two soffice.bin,
about 670 MB, running indefinitely)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psutil
from conftest import ROOT

from bench.synthetic import write_batch


def umask_of(process: psutil.Process) -> int:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    raise AssertionError("no Umask line")


def test_killing_the_run_alone_takes_its_workers_and_libreoffice_with_it(tmp_path):
    source = write_batch(tmp_path / "cases.csv", 20, date(2026, 11, 24))
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "build", str(source), "--out", str(tmp_path / "out"),
                            "--date", "2026-11-24", "--jobs", "2"], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main = psutil.Process(run.pid)
    deadline = time.monotonic() + 180  # a bound for a broken build, not a timing
    tree: list[psutil.Process] = []
    while time.monotonic() < deadline and run.poll() is None:
        tree = main.children(recursive=True)
        offices = [p for p in tree if p.name() == "soffice.bin"]
        if len(offices) >= 2:
            break
        time.sleep(0.1)
    assert len(offices) >= 2, "the build never had two LibreOffice running"
    workers = [p for p in tree if p.name().startswith("python") and any(o.ppid() == p.pid for o in offices)]
    assert len(workers) == 2
    # nothing a worker or its LibreOffice creates (chunk documents, PDFs) is readable by others
    assert [umask_of(p) for p in workers + offices] == [0o077] * 4

    os.kill(run.pid, signal.SIGKILL)  # the main process only
    run.wait()
    _, alive = psutil.wait_procs(tree, timeout=60)
    for process in alive:  # do not leave them behind for the next test
        process.kill()
    assert [(p.pid, p.name()) for p in alive] == []
