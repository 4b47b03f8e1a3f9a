"""Gathering rows into clients does not hold the batch in memory (issue 21, point 7): the rows wait
in a SQLite file of the run's scratch folder, so peak RSS for 100,000 rows stays within 15 % of
10,000 rows. Every row of the probe has the same ID number, as a sheet with one number pasted down a
column would: naming the other cases stays bounded too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

PROBE = Path(__file__).with_name("grouping_probe.py")


def _peak(rows: int) -> tuple[int, int]:
    result = subprocess.run([sys.executable, str(PROBE), str(rows)], cwd=ROOT, capture_output=True, text=True,
                            check=True, timeout=600)
    clients, peak = map(int, result.stdout.split())
    return clients, peak


def _clients_written(rows: int) -> int:
    return len({((n // 2 if n % 8 < 6 else n) * 7919) % rows for n in range(rows)})


def test_peak_memory_is_flat_from_ten_thousand_to_a_hundred_thousand_rows():
    small_clients, small = _peak(10_000)
    large_clients, large = _peak(100_000)
    # the clients the probe writes, counted here from its rule (grouping_probe.py), not from the store
    assert (small_clients, large_clients) == (_clients_written(10_000), _clients_written(100_000))
    assert large <= small * 1.15, (small, large)
