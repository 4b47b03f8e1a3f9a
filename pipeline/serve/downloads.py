"""A finished batch's files as its owner downloads them — the same for pages and API: report.csv,
one case's documents, the print file, and every packet as one .zip (streamed as it is written,
so a batch of any size takes no memory and no second copy on disk).

Only names this module knows are served: a case id of the safe form the contract allows, a file
name of the form the build writes (`packet.pdf`, `to_lender.pdf`, `to_lender-2-<lender>.pdf`,
`hardship_letter.docx`, `reminders.ics`…: file_labels.CASE_FILE), regular files only — never a path
taken from the request. The report is also offered as an Excel workbook with Chinese headers.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from openpyxl import Workbook
from starlette.responses import FileResponse, Response, StreamingResponse

from pipeline.common.i18n import N_
from pipeline.output.report import FORMULA_STARTS, STATUS_LABELS
from pipeline.serve.batches import Batch
from pipeline.serve.caseworker_words import for_caseworkers
from pipeline.serve.file_labels import CASE_FILE, sort_key
from pipeline.serve.refusals import Refusal
from pipeline.serve.settings import ServerSettings
from pipeline.serve.translations import Translate

CASE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ics": "text/calendar; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}
NOT_FOUND = N_("找不到这个文件（批次可能尚未完成或已被删除）")


def out_folder(settings: ServerSettings, batch: Batch) -> Path:
    return settings.batch_folder(batch.id) / "out"


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _attachment(path: Path, filename: str) -> FileResponse:
    if not _regular(path):
        raise Refusal(404, NOT_FOUND)
    return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix, "application/octet-stream"), filename=filename,
                        content_disposition_type="attachment")


def report(settings: ServerSettings, batch: Batch) -> FileResponse:
    return _attachment(out_folder(settings, batch) / "report.csv", f"report-{batch.id}.csv")


def print_file_path(settings: ServerSettings, batch: Batch) -> Path | None:
    found = sorted((out_folder(settings, batch) / "print").glob("batch-*.pdf"))
    return found[-1] if found and _regular(found[-1]) else None


def print_file(settings: ServerSettings, batch: Batch) -> FileResponse:
    path = print_file_path(settings, batch)
    if path is None:
        raise Refusal(404, NOT_FOUND)
    return _attachment(path, path.name)


def case_file(settings: ServerSettings, batch: Batch, case_id: str, name: str) -> FileResponse:
    if not CASE_ID.match(case_id) or not CASE_FILE.match(name):
        raise Refusal(404, NOT_FOUND)
    folder = out_folder(settings, batch) / case_id
    if folder.is_symlink() or not folder.is_dir():
        raise Refusal(404, NOT_FOUND)
    return _attachment(folder / name, f"{case_id}-{name}")


def case_files(folder: Path) -> list[str]:
    """The downloadable files of one case folder, in reading order: whatever it holds of the build's
    kinds (one to_lender file per lender when a case has several)."""
    try:
        names = [n for n in os.listdir(folder) if CASE_FILE.match(n) and _regular(folder / n)]
    except OSError:
        return []
    return sorted(names, key=sort_key)


@dataclass(frozen=True)
class CaseLine:
    """One line of a finished batch's report, with the case's files when it has a packet."""

    source: str
    row: str
    case_id: str
    status: str
    messages: str
    files: list[str]


def _unneutralised(cell: str) -> str:
    """report.csv prefixes formula-like cells with ' for Excel; the page shows the value itself."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS else cell


def report_lines(settings: ServerSettings, batch: Batch, offset: int = 0, limit: int | None = None) -> Iterator[CaseLine]:
    """The report's lines from `offset` on, read as a stream (a batch may have many thousands)."""
    path = out_folder(settings, batch) / "report.csv"
    if not _regular(path):
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for n, line in enumerate(csv.DictReader(handle)):
            if n < offset:
                continue
            if limit is not None and n >= offset + limit:
                return
            case_id = _unneutralised(line["case_id"])
            has_folder = line["status"] == "ok" and CASE_ID.match(case_id)
            files = case_files(out_folder(settings, batch) / case_id) if has_folder else []
            yield CaseLine(_unneutralised(line["source"]), line["row"], case_id, line["status"],
                           _unneutralised(line["messages"]), files)


class _Sink:
    """A write-only file for ZipFile whose bytes are handed on as they are written."""

    def __init__(self):
        self.pieces: list[bytes] = []

    def write(self, data) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.pieces = b"".join(self.pieces), []
        return data


def _zip_members(settings: ServerSettings, batch: Batch) -> Iterator[tuple[Path, str]]:
    out = out_folder(settings, batch)
    yield out / "report.csv", "report.csv"
    printable = print_file_path(settings, batch)
    if printable:
        yield printable, f"print/{printable.name}"
    packed: set[str] = set()  # a case of several debts has several report lines and one folder
    for line in report_lines(settings, batch):
        if line.files and line.case_id not in packed:
            packed.add(line.case_id)
            for name in line.files:
                yield out / line.case_id / name, f"{line.case_id}/{name}"


def _zip_stream(members: Iterator[tuple[Path, str]]) -> Iterator[bytes]:
    sink = _Sink()
    # ZipFile only writes to and flushes a sink it cannot seek in; the typeshed wants a whole IO
    with zipfile.ZipFile(cast(IO[bytes], sink), "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path, name in members:
            with path.open("rb") as source, archive.open(name, "w", force_zip64=True) as target:
                while piece := source.read(2**20):
                    target.write(piece)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def packets_zip(settings: ServerSettings, batch: Batch) -> StreamingResponse:
    if not _regular(out_folder(settings, batch) / "report.csv"):
        raise Refusal(404, NOT_FOUND)
    return StreamingResponse(_zip_stream(_zip_members(settings, batch)), media_type=MEDIA_TYPES[".zip"],
                             headers={"Content-Disposition": f'attachment; filename="packets-{batch.id}.zip"'})


REPORT_HEADERS = (N_("文件"), N_("行"), N_("案件编号"), N_("状态"), N_("说明"))


def report_workbook(settings: ServerSettings, batch: Batch, _: Translate) -> Response:
    """report.csv as an Excel workbook with Chinese headers and statuses, for caseworkers (report.csv
    stays as it is, for scripts). Cells are written as text: nothing in it is a formula."""
    if not _regular(out_folder(settings, batch) / "report.csv"):
        raise Refusal(404, NOT_FOUND)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("报告"))
    sheet.append([_(header) for header in REPORT_HEADERS])
    labels = {str(status): label for status, label in STATUS_LABELS.items()}
    for line in report_lines(settings, batch):
        sheet.append([line.source, int(line.row) if line.row.isdigit() else line.row, line.case_id,
                      _(labels.get(line.status, line.status)), for_caseworkers(line.messages, _)])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(), media_type=MEDIA_TYPES[".xlsx"],
                    headers={"Content-Disposition": f'attachment; filename="report-{batch.id}.xlsx"'})


def answer(settings: ServerSettings, batch: Batch, what: str, case_id: str = "", name: str = "",
           _: Translate = str) -> tuple[Response, str]:
    """The response for one of a finished batch's downloads, and the name the access log gives it."""
    if what == "case":
        return case_file(settings, batch, case_id, name), name
    if what == "workbook":
        return report_workbook(settings, batch, _), "report.xlsx"
    responses = {"report": (report, "report.csv"), "zip": (packets_zip, "packets.zip"), "print": (print_file, "print")}
    make, item = responses[what]
    return make(settings, batch), item
