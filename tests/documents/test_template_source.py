"""One source for the templates: templates/source/ writes templates/*.docx, and the committed files
are exactly what it writes (edit the source and run `make templates`, never the .docx by hand)."""

from __future__ import annotations

import sys
import zipfile

from conftest import ROOT

sys.path.insert(0, str(ROOT / "templates" / "source"))
from make import DOCUMENTS, write_templates


def test_the_committed_templates_are_what_the_source_writes(tmp_path):
    written = write_templates(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in (ROOT / "templates").glob("*.docx"))
    for path in written:
        fresh, committed = zipfile.ZipFile(path), zipfile.ZipFile(ROOT / "templates" / path.name)
        assert fresh.namelist() == committed.namelist(), path.name
        for name in fresh.namelist():
            assert fresh.read(name) == committed.read(name), f"{path.name}:{name} — run `make templates`"
        assert path.read_bytes() == (ROOT / "templates" / path.name).read_bytes(), path.name


def test_every_shipped_document_has_a_source():
    from pipeline.documents.kinds import DOCUMENTS as KINDS

    assert sorted(DOCUMENTS) == sorted(f"{kind.name}.docx" for kind in KINDS)
