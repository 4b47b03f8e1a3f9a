"""What a build writes into a case folder is what `packets purge` deletes: one list, kept by the module
that writes the files (output/case_folder.py). Issue 14, finding 16."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.documents.kinds import DOCUMENTS
from pipeline.output import case_folder
from pipeline.output.case_folder import CASE_FILES, PACKET, REMINDERS, TO_LENDER, write_case_folder
from pipeline.output.files import private_folder
from pipeline.output.purge import purge

EVERY_DOCUMENT = {kind.name: b"PK docx" for kind in DOCUMENTS}
EVERY_FILE = {TO_LENDER: b"%PDF-", PACKET: b"%PDF-", REMINDERS: b"BEGIN:VCALENDAR"}


def test_purge_deletes_every_file_a_build_writes_into_a_case_folder(tmp_path):
    out = private_folder(tmp_path / "out")
    written = write_case_folder(out / "C-1", EVERY_DOCUMENT, b"{}", EVERY_FILE, "key", date(2026, 11, 24))
    found = {path.name for path in (out / "C-1").iterdir()}
    assert found == CASE_FILES  # every file written is on the list, and the list holds nothing else
    assert set(written) | {case_folder.MANIFEST, case_folder.MARKER} == found
    result = purge(out, cases=("C-1",))
    assert [(c.case_id, c.kept) for c in result.cases] == [("C-1", ())]
    assert not (out / "C-1").exists()


@pytest.mark.parametrize(("documents", "files"), [
    (EVERY_DOCUMENT, {**EVERY_FILE, "notes.pdf": b"%PDF-"}),
    ({**EVERY_DOCUMENT, "cover_letter": b"PK docx"}, EVERY_FILE),
])
def test_a_file_off_the_list_is_never_written(tmp_path, documents, files):
    """A new kind of file must go on the list (and so be purged) before a build can write it."""
    out = private_folder(tmp_path / "out")
    with pytest.raises(ValueError, match="notes.pdf|cover_letter.docx"):
        write_case_folder(out / "C-1", documents, b"{}", files, "key", date(2026, 11, 24))
    assert not (out / "C-1").exists()
