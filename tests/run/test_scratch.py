"""A run's scratch folder: private while the run lives, removed by the next run once its owner is dead.
Issue 14, finding 8 (chunk documents with full ID numbers left in /tmp by killed runs)."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time

import pytest

from pipeline.run import scratch
from pipeline.run.scratch import interrupts_held, process_start, remove_stale_scratch, run_scratch


def dead_process() -> tuple[int, int]:
    """The pid and start time of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    started = process_start(child.pid)
    child.kill()
    child.wait()
    return child.pid, started


def test_the_scratch_folder_is_private_named_after_its_owner_and_removed_after(tmp_path):
    with run_scratch(tmp_path) as folder:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert folder.name.startswith(f"packets-run-{os.getpid()}-{process_start(os.getpid())}-")
        (folder / "chunk-1").mkdir()
        (folder / "chunk-1" / "chunk.docx").write_bytes(b"full ID numbers")
    assert not folder.exists()


def test_a_dead_runs_folder_is_removed_and_a_live_ones_kept(tmp_path):
    pid, started = dead_process()
    dead = tmp_path / f"packets-run-{pid}-{started}-abc123"
    (dead / "chunk-1").mkdir(parents=True)
    (dead / "chunk-1" / "chunk.docx").write_bytes(b"full ID numbers")
    reused = tmp_path / f"packets-run-{os.getpid()}-{process_start(os.getpid()) + 1}-def456"  # pid reused
    reused.mkdir()
    with run_scratch(tmp_path) as live:
        assert sorted(remove_stale_scratch(tmp_path)) == sorted([dead, reused])
        assert live.exists()
    assert not dead.exists() and not reused.exists()


def test_only_folders_of_this_pattern_and_this_user_are_touched(tmp_path, monkeypatch):
    pid, started = dead_process()
    kept = [tmp_path / "packets-run-notes", tmp_path / f"my-packets-run-{pid}-{started}-x", tmp_path / "other"]
    for path in kept:
        path.mkdir()
    (tmp_path / f"packets-run-{pid}-{started}-file").write_text("a file, not a folder")
    assert remove_stale_scratch(tmp_path) == []
    monkeypatch.setattr(scratch.os, "geteuid", lambda: os.getuid() + 1)  # as if someone else's
    (tmp_path / f"packets-run-{pid}-{started}-theirs").mkdir()
    assert remove_stale_scratch(tmp_path) == []


def test_an_old_folder_from_before_owners_were_named_goes_after_a_day(tmp_path):
    old, recent = tmp_path / "packets-run-k2j3h4g5", tmp_path / "packets-run-a1b2c3d4"
    old.mkdir()
    recent.mkdir()
    os.utime(old, (time.time() - 2 * scratch.UNOWNED_AGE,) * 2)
    assert remove_stale_scratch(tmp_path) == [old]


def test_the_pipe_socket_of_a_dead_converter_is_removed(tmp_path):
    pid, _ = dead_process()
    path = f"/tmp/OSL_PIPE_{os.getuid()}_packets-{pid}-7"
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.close()
    mine = f"/tmp/OSL_PIPE_{os.getuid()}_packets-{os.getpid()}-7"
    server = socket.socket(socket.AF_UNIX)
    server.bind(mine)
    server.close()
    try:
        remove_stale_scratch(tmp_path)
        assert not os.path.exists(path) and os.path.exists(mine)
    finally:
        for leftover in (path, mine):
            if os.path.exists(leftover):
                os.unlink(leftover)


def test_clean_up_is_not_cut_short_by_a_second_interrupt():
    """A build child told to die with its server gets SIGTERM again each time it is handed to another
    thread of the dying server; a person presses Ctrl-C twice. The clean-up (killing workers, removing
    the scratch folder) finishes first; the interrupt is acted on after it."""
    done = []
    # as a terminal gives it: a shell's background job (`make test &`) inherits SIGINT ignored
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    with pytest.raises(KeyboardInterrupt):
        with interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
            done.append("the whole clean-up")
    assert done == ["the whole clean-up"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    signal.signal(signal.SIGINT, previous)
