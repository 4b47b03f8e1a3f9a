"""Run as a script: gather N synthetic rows (one client in four with three rows, the rows of a client
spread through the file) into clients with the build's own store, and print the peak RSS in KiB."""

from __future__ import annotations

import csv
import resource
import sys
import tempfile
from pathlib import Path

from pipeline.batch.grouping import grouped_rows
from pipeline.contract import default_contract
from pipeline.intake import open_input


def main(rows: int, folder: Path) -> None:
    source = folder / "rows.csv"
    contract = default_contract()
    headers = [column.header for column in contract.columns.values()]
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for n in range(rows):
            client = n // 2 if n % 8 < 6 else n  # pairs of rows, far apart from their partner: see below
            writer.writerow([f"G-{(client * 7919) % rows:06d}", "张三", "11010519491231002X", "13800138000",
                             "浙江省杭州市西湖区文三路100号" * 3, "网商贷", f"C{n:08d}", "45000", "1200", "800",
                             "2026-06-15", "6500", "3500", "0", "1", "经营困难", "网店销量下滑，月营业额由三万元降至八千元。" * 8,
                             "分期还款", "", "", "", "", "", "银行流水:6", "李律师", "本人", ""][:len(headers)])
    input_file = open_input(source, contract.intake_columns)
    clients = 0
    with grouped_rows(folder) as store:
        for raw in input_file.rows():
            store.add(raw, folder)
        for _rows_of_client, _elsewhere in store.clients():
            clients += 1
    print(clients, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        main(int(sys.argv[1]), Path(scratch))
