"""What a converter is: .docx in, PDF out, or a ConversionError saying why not."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pipeline.common.errors import UserProblem


def export_options(tagged: bool) -> dict[str, bool]:
    """LibreOffice's PDF export options (filter data of writer_pdf_Export), for both ways of calling
    it. Word bookmarks become named destinations: that is how a chunk is split into packets
    (pdf/assemble.py). Tagged, headings, paragraphs and tables are marked for screen readers and
    archives, and pdf/structure.py carries the marks into every file cut from the chunk."""
    return {"ExportBookmarksToPDFDestination": True, "ExportBookmarks": False, "UseTaggedPDF": tagged}


class ConversionError(UserProblem):
    """One conversion failed (timeout, crash, no output); the message says which, for the report."""


class ConversionTimeout(ConversionError):
    """LibreOffice did not finish within the timeout (and was stopped): trying again costs as much."""


class Converter(Protocol):
    profile: Path  # this converter's private LibreOffice profile; scratch files go next to it

    def convert(self, docx: Path, tagged: bool = False) -> Path: ...

    def close(self) -> None: ...
