"""This process among others: how many cores it may use, and dying with the process that started it."""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def cores() -> int:
    """The cores this process may run on (its affinity, which a container or `taskset` narrows), not
    the machine's."""
    return len(os.sched_getaffinity(0))


def die_with_parent(signum: int = signal.SIGKILL) -> bool:
    """The kernel sends `signum` to this process when the thread that started it ends, even when its
    parent is killed by SIGKILL, which no cleanup code can catch. False where the kernel refused; an
    AttributeError where there is no prctl (not Linux). Safe between fork and exec: nothing is loaded."""
    libc = ctypes.CDLL(None, use_errno=True)  # the symbols already loaded, no library search
    return libc.prctl(PR_SET_PDEATHSIG, signum) == 0
