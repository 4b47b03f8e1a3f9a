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
import pytest
from conftest import ROOT

from bench.synthetic import write_batch

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`


def umask_of(process: psutil.Process) -> int | None:
    """None when the process is gone (a LibreOffice setting up a new profile exits once and is
    started again; an exited process has no Umask line)."""
    try:
        lines = Path(f"/proc/{process.pid}/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    return None


def test_killing_the_run_alone_takes_its_workers_and_libreoffice_with_it(tmp_path):
    source = write_batch(tmp_path / "cases.csv", 20, date(2026, 11, 24))
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "build", str(source), "--out", str(tmp_path / "out"),
                            "--date", "2026-11-24", "--jobs", "2"], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main = psutil.Process(run.pid)
    deadline = time.monotonic() + 180  # a bound for a broken build, not a timing
    tree: list[psutil.Process] = []
    offices: list[psutil.Process] = []
    workers: list[psutil.Process] = []
    masks: list[int | None] = []
    while time.monotonic() < deadline and run.poll() is None:
        try:
            tree = main.children(recursive=True)
            offices = [p for p in tree if p.name() == "soffice.bin" and p.status() != psutil.STATUS_ZOMBIE]
            workers = [p for p in tree if p.name().startswith("python") and any(o.ppid() == p.pid for o in offices)]
        except psutil.NoSuchProcess:
            continue
        masks = [umask_of(p) for p in workers + offices]
        if len(offices) >= 2 and len(workers) == 2 and None not in masks:
            break
        time.sleep(0.1)
    assert len(offices) >= 2, "the build never had two LibreOffice running"
    assert len(workers) == 2
    # nothing a worker or its LibreOffice creates (chunk documents, PDFs) is readable by others
    assert masks == [0o077] * len(masks) and len(masks) >= 4

    os.kill(run.pid, signal.SIGKILL)  # the main process only
    run.wait()
    _, alive = psutil.wait_procs(tree, timeout=60)
    for process in alive:  # do not leave them behind for the next test
        process.kill()
    assert [(p.pid, p.name()) for p in alive] == []



# As a build child of `packets serve` runs: a process started by multiprocessing, which waits for its own
# children when its work returns — here, a pool entered and never closed (as when a second SIGTERM
# cut the clean-up short).
POOL_LEFT_OPEN = """
from pathlib import Path
from pipeline.run.chunk import Chunk, ConverterSettings
from pipeline.run.local_pool import LocalPool

def leave_a_pool_open(folder):
    pool = LocalPool(2).__enter__()
    pool.submit(Chunk((), {}, ConverterSettings("soffice", 10.0, Path(folder))))
    list(pool.drain())
"""
RUN_IT = """
import multiprocessing, sys
sys.path.insert(0, sys.argv[1])
from pool_left_open import leave_a_pool_open
child = multiprocessing.get_context("spawn").Process(target=leave_a_pool_open, args=(sys.argv[1],))
child.start()
child.join(60)
print("exit code", child.exitcode)
"""


def test_a_process_whose_pool_was_never_closed_still_ends(tmp_path):
    """multiprocessing makes such a process wait for its children when its work returns, and the pool's
    workers wait for work forever: the build child of a killed server was found hanging like this.
    The workers are now killed first."""
    (tmp_path / "pool_left_open.py").write_text(POOL_LEFT_OPEN, encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-c", RUN_IT, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    tree = []
    try:
        output, _ = run.communicate(timeout=120)
    finally:
        tree = psutil.Process(run.pid).children(recursive=True) if run.poll() is None else []
    for process in tree:  # a hanging child left behind by a failure: not for the next test
        process.kill()
    assert "exit code 0" in output
