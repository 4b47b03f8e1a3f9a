"""A time limit on rendering: a staff template is data, but Jinja runs its loops, and two nested
`range(100000)` never end. The conversion has its watchdog in LibreOffice's process; a render runs
in ours, in whatever thread the pool gives it (a Dask worker's thread is not the main one, so no
signal can interrupt it). A watchdog thread raises RenderTimeout in the rendering thread at its next
Python instruction, which a template loop always reaches: the case fails, the worker goes on.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)


class RenderTimeout(Exception):
    """Rendering took longer than its limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise RenderTimeout in this thread if the block runs longer than `seconds`."""
    target = threading.get_ident()
    lock = threading.Lock()
    inside = [True]
    finished = threading.Event()

    def watch() -> None:
        if finished.wait(seconds):
            return
        with lock:  # only while the block still runs: never into what comes after it
            if inside[0]:
                _set_async_exc(target, RenderTimeout)

    watchdog = threading.Thread(target=watch, name="render-time-limit", daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        with lock:
            inside[0] = False
        finished.set()
        watchdog.join()
