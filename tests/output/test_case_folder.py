"""What a build writes into a case folder is what `packets purge` deletes: one rule, kept by the module
that writes the files (output/case_folder.py `is_case_file`). Issue 14, finding 16; a client with
several lenders has files of its own per lender (issue 21), and a rebuild leaves none of the earlier
build's behind."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.documents.kinds import DOCUMENTS
from pipeline.output import case_folder
from pipeline.output.case_folder import PACKET, REMINDERS, TO_LENDER, write_case_folder
from pipeline.output.files import private_folder
from pipeline.output.purge import purge

DAY = date(2026, 11, 24)
EVERY_DOCUMENT = {f"{kind.name}.docx": b"PK docx" for kind in DOCUMENTS}
EVERY_FILE = {TO_LENDER: b"%PDF-", PACKET: b"%PDF-", REMINDERS: b"BEGIN:VCALENDAR"}
TWO_LENDERS = {**{f"{kind.name}-{n}-{lender}.docx": b"PK docx" for kind in DOCUMENTS[:3]
                  for n, lender in ((1, "网商贷"), (2, "微粒贷"))},
               **{f"{kind.name}.docx": b"PK docx" for kind in DOCUMENTS[3:]}}
TWO_FILES = {"to_lender-1-网商贷.pdf": b"%PDF-", "to_lender-2-微粒贷.pdf": b"%PDF-", PACKET: b"%PDF-",
             REMINDERS: b"BEGIN:VCALENDAR"}


@pytest.mark.parametrize(("documents", "files"), [(EVERY_DOCUMENT, EVERY_FILE), (TWO_LENDERS, TWO_FILES)],
                         ids=["one-lender", "two-lenders"])
def test_purge_deletes_every_file_a_build_writes_into_a_case_folder(tmp_path, documents, files):
    out = private_folder(tmp_path / "out")
    written = write_case_folder(out / "C-1", documents, b"{}", files, "key", DAY)
    found = {path.name for path in (out / "C-1").iterdir()}
    assert set(written) | {case_folder.MANIFEST, case_folder.MARKER} == found
    assert found == {*documents, *files, "case.json", case_folder.MANIFEST, case_folder.MARKER}
    result = purge(out, cases=("C-1",))
    assert [(c.case_id, c.kept) for c in result.cases] == [("C-1", ())]
    assert not (out / "C-1").exists()


@pytest.mark.parametrize(("documents", "files"), [
    (EVERY_DOCUMENT, {**EVERY_FILE, "notes.pdf": b"%PDF-"}),
    ({**EVERY_DOCUMENT, "cover_letter.docx": b"PK docx"}, EVERY_FILE),
    (EVERY_DOCUMENT, {**EVERY_FILE, "to_lender-1-../x.pdf": b"%PDF-"}),
])
def test_a_file_off_the_list_is_never_written(tmp_path, documents, files):
    """A new kind of file must be named by is_case_file (and so be purged) before a build can write it."""
    out = private_folder(tmp_path / "out")
    with pytest.raises(ValueError, match="notes.pdf|cover_letter.docx|x.pdf"):
        write_case_folder(out / "C-1", documents, b"{}", files, "key", DAY)
    assert not (out / "C-1").exists()


def test_a_rebuild_removes_what_the_build_before_wrote_and_this_one_did_not(tmp_path):
    """A client who owed two lenders and now owes one: the second lender's letter must not stay in the
    folder to be printed or sent by mistake. Staff's own files stay."""
    out = private_folder(tmp_path / "out")
    write_case_folder(out / "C-1", TWO_LENDERS, b"{}", TWO_FILES, "key", DAY)
    (out / "C-1" / "staff-notes.txt").write_text("ours")
    write_case_folder(out / "C-1", EVERY_DOCUMENT, b"{}", EVERY_FILE, "key2", DAY)
    found = {path.name for path in (out / "C-1").iterdir()}
    assert found == {*EVERY_DOCUMENT, *EVERY_FILE, "case.json", case_folder.MANIFEST, case_folder.MARKER,
                     "staff-notes.txt"}
