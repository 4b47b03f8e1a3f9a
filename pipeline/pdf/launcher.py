"""Every LibreOffice this process starts is started by one thread that lives as long as the process.

LibreOffice runs with PR_SET_PDEATHSIG (`die_with_parent`, common/process.py): the kernel kills it
when its parent dies, even by SIGKILL. For the kernel the parent is the *thread* that forked it, not the process:
started from a thread that then ends — run/chunk.py starts a worker's office in the background so
that its first chunk does not wait; a Dask worker's threads come and go — LibreOffice was killed
(SIGKILL) the moment that thread returned, and the first conversion of almost every build failed
with a RuntimeException and fell back to converting its cases one by one (issue 24). Forking from
one long-lived thread keeps the death signal for what it is for: the office dies with its process.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
from concurrent.futures import Future

from pipeline.common.process import die_with_parent


class _Launcher:
    """A daemon thread that runs `subprocess.Popen` for whoever asks, and nothing else."""

    def __init__(self) -> None:
        self.requests: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._serve, name="office-launcher", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            command, options, future = self.requests.get()
            try:
                future.set_result(subprocess.Popen(command, **options))
            except BaseException as exc:  # handed to the caller, whose error it is
                future.set_exception(exc)

    def popen(self, command: list[str], options: dict) -> subprocess.Popen:
        future: Future = Future()
        self.requests.put((command, options, future))
        return future.result()


_launcher: _Launcher | None = None
_lock = threading.Lock()


def _forget_parents_launcher() -> None:
    # A forked child has the parent's object but not its thread (nor, maybe, a free lock).
    global _launcher, _lock
    _launcher, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_parents_launcher)


def _this_process_launcher() -> _Launcher:
    global _launcher
    with _lock:
        if _launcher is None:
            _launcher = _Launcher()
        return _launcher


def start_office_process(command: list[str], environment: dict[str, str], **options) -> subprocess.Popen:
    """Start `command` (LibreOffice) in a process group of its own, dying with this process, from
    the launcher thread; other `subprocess.Popen` options pass through (stdout, stderr)."""
    options.update(start_new_session=True, preexec_fn=die_with_parent, env=environment)
    return _this_process_launcher().popen(command, options)
