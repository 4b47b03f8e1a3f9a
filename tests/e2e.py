"""Helpers for end-to-end tests: run the real CLI, read the real PDFs."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from hostile import with_check_digit
from pypdf import PdfReader


def run_cli(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )


def write_cases(path: Path, base: dict[str, str], cases: dict[str, dict[str, str]]) -> Path:
    """A CSV of one row per case id: `base` with that case's changes, each with an ID number of its own
    (a valid check digit: the same number under two case ids would make both invalid)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["案件编号", "身份证号", *base])
        writer.writeheader()
        for serial, (case_id, changes) in enumerate(cases.items(), start=1):
            writer.writerow({"案件编号": case_id, "身份证号": with_check_digit(f"33010619850312{serial:03d}"),
                             **base, **changes})
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat_text(path: Path) -> str:
    """pdftotext's reading of the whole file with all white space removed: phrases that a line
    break or a justified gap splits are found whole."""
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                           check=True).stdout)


def page_texts(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def read_report(out: Path) -> list[dict]:
    raw = (out / "report.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "report.csv must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def outline_titles(path: Path) -> list[tuple[str, int]]:
    """(title, first page) of every document and scan in the outline, in order; in packet.pdf they
    sit under their set's entry (寄送件… / 本人留存…), in to_lender.pdf at the top."""
    reader = PdfReader(path)
    found = []

    def walk(items, nested: bool):
        for position, item in enumerate(items):
            if isinstance(item, list):
                walk(item, True)
            elif nested or not (position + 1 < len(items) and isinstance(items[position + 1], list)):
                found.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, False)
    return found


def outline_sets(path: Path) -> list[tuple[str, int]]:
    """(title, first page) of the top-level entries that hold documents (the two sets of packet.pdf)."""
    reader = PdfReader(path)
    items = reader.outline
    return [(item.title, reader.get_destination_page_number(item)) for position, item in enumerate(items)
            if not isinstance(item, list) and position + 1 < len(items) and isinstance(items[position + 1], list)]


def fonts(path: Path) -> list[dict]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    result = []
    for line in lines:
        parts = line.split()
        # name type… encoding emb sub uni object ID: the flags are the 5th-3rd from the end
        result.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return result


def through_pool(pool, chunks) -> list:
    """Every chunk through a pool (local or Dask); the results in the order they came back."""
    results = []
    with pool:
        for chunk in chunks:
            results += pool.submit(chunk)
        results += list(pool.drain())
    return results


def packet_documents(folder: Path) -> list[tuple[str, int, int]]:
    """(editable copy's file name, first page, page after its last) of every document of a case's
    packet.pdf, in order: the lender sets (their copies tagged when the client has several lenders,
    as case.json's files say), then the borrower's set. Scans are not documents."""
    import json

    from pipeline.documents.kinds import DOCUMENTS

    names = {kind.title: kind.name for kind in DOCUMENTS}
    files = list(dict.fromkeys(debt["file"] for debt in json.loads((folder / "case.json").read_text("utf-8"))["debts"]))
    tags = [name.removeprefix("to_lender").removesuffix(".pdf") for name in files] + [""]
    reader = PdfReader(folder / "packet.pdf")
    entries = []  # (title, page, set number)
    sets = -1
    for item in reader.outline:
        if isinstance(item, list):
            entries += [(child.title, reader.get_destination_page_number(child), sets) for child in item]
        else:
            sets += 1
    bounds = [page for _, page, _ in entries[1:]] + [len(reader.pages)]
    return [(f"{names[title]}{tags[number]}.docx", page, end)
            for (title, page, number), end in zip(entries, bounds, strict=True) if title in names]
