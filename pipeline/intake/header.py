"""The header row: which column is which, as the file spells it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.common.mask import shown
from pipeline.intake.columns import IntakeColumns
from pipeline.intake.rows import clean_cell, readable


@dataclass(frozen=True)
class Header:
    headers: dict[str, str]  # column key → header as in the file
    positions: dict[str, int]  # column key → cell index
    width: int  # cells in the header row
    personal: dict[str, str]  # column key → 'id' | 'phone', for the columns the file has
    warnings: tuple[str, ...] = field(default=())


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", clean_cell(text))
    for marker in ("（必填）", "(必填)", "*"):
        text = text.replace(marker, "")
    return text.strip().casefold()


UNKNOWN_SHOWN = 10  # a file with 100,000 unknown columns gets a line, not a megabyte


def _unknown_columns(source: str, unknown: list[str]) -> str:
    names = "、".join(shown(name) for name in unknown[:UNKNOWN_SHOWN])
    if len(unknown) > UNKNOWN_SHOWN:
        names = _("{names}等共{count}列").format(names=names, count=len(unknown))
    return _("{file}：以下列不在数据规范中，已忽略：{columns}").format(file=source, columns=names)


def map_header(source: str, cells: list[str], columns: IntakeColumns) -> Header:
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    unknown = []
    for index, cell in enumerate(cells):
        shown = readable(clean_cell(cell))
        if not shown:
            continue
        key = columns.key_for(normalise_header(cell))
        if key is None:
            unknown.append(shown)
        elif key in headers:
            raise RunError(_("{file}：表头中「{first}」和「{second}」是同一列，请删除其中一列").format(
                file=source, first=headers[key], second=shown))
        else:
            headers[key] = shown
            positions[key] = index
    missing = [columns.headers[key] for key in columns.required if key not in headers]
    if missing:
        raise RunError(_("{file}：缺少必填列 {columns}（表头可用中文或英文列名）").format(
            file=source, columns="、".join(missing)))
    warnings = (_unknown_columns(source, unknown),) if unknown else ()
    personal = {key: columns.personal[key] for key in headers if key in columns.personal}
    return Header(headers, positions, len(cells), personal, warnings)
