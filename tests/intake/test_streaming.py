"""Input is read as a stream: a very long file is never loaded whole (its rows wait for their
clients in a SQLite file, not in memory: pipeline/batch/grouping.py)."""

from __future__ import annotations

import itertools
import tracemalloc
from datetime import date

import pytest

from bench.synthetic import write_batch
from pipeline.batch.rows import check_rows, open_inputs
from pipeline.contract import default_contract

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`


def test_the_first_clients_of_a_long_file_cost_little_memory(tmp_path):
    # A client's rows may come anywhere in the batch, so the whole file is read before the first
    # client is out; held in memory, 20,000 cases (about 25,000 rows, 10 MiB of CSV) would take
    # several times the bound. How memory grows with 10× the rows: tests/batch/test_grouping.py.
    source = write_batch(tmp_path / "big.csv", 20_000, date(2026, 11, 24))
    assert source.stat().st_size > 8 * 2**20
    contract = default_contract()
    tracemalloc.start()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    rows = check_rows(open_inputs([source], contract), contract, date(2026, 11, 24), scratch)
    first = list(itertools.islice(rows, 200))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(first) == 200 and all(c.case is not None for c in first)
    assert peak < 8 * 2**20, f"{peak / 2**20:.1f} MiB for 200 clients of a {source.stat().st_size / 2**20:.0f} MiB file"
