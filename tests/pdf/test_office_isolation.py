"""LibreOffice as this program runs it: it fetches nothing, and leaves nothing in /tmp. Issue 14,
findings 9 (a template's linked picture was fetched during conversion: 9 requests) and 12 (a lu*.tmp
folder and OSL_PIPE sockets left in /tmp by every run)."""

from __future__ import annotations

from pathlib import Path

import hostile
import pytest
from pypdf import PdfReader

from pipeline.pdf.libreoffice import find_soffice
from pipeline.pdf.soffice_converter import SofficeConverter, pipe_sockets
from pipeline.pdf.uno_converter import UnoConverter, uno_available

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

CONVERTERS = [SofficeConverter, pytest.param(UnoConverter, marks=pytest.mark.skipif(
    not uno_available(), reason="python3-uno is not installed"))]


@pytest.mark.parametrize("converter", CONVERTERS, ids=["soffice", "uno"])
def test_a_conversion_fetches_nothing_and_leaves_nothing_in_tmp(tmp_path, converter):
    """The document is not treated here (templates are also stripped of such links when loaded): the
    profile's settings alone keep LibreOffice from fetching the linked picture."""
    profile = tmp_path / "profile"
    with hostile.LoopbackListener() as listener:
        document = hostile.docx_with_external_image(tmp_path / "linked.docx", listener.url())
        office = converter(find_soffice(), 60, profile)
        pdf = office.convert(document)
    assert "See the linked scan below." in PdfReader(pdf).pages[0].extract_text()
    assert listener.connections == []
    pipes = pipe_sockets(profile, getattr(office, "pipe", ""))
    if isinstance(office, UnoConverter):
        assert any(p.exists() for p in pipes)  # the running instance has its pipes…
        assert list((profile / "tmp").glob("lu*.tmp"))  # …and its temporary files inside the profile
    office.close()
    assert [p for p in pipes if p.exists()] == []


def test_the_pipe_names_are_the_ones_libreoffice_uses():
    """desktop/source/app/officeipcthread.cxx: MD5 of the profile URL in UTF-16, bytes in unpadded hex
    (the value LibreOffice 7.4 used for this profile, read from /tmp)."""
    (single,) = [p for p in pipe_sockets(Path("/tmp/exp1/prof")) if p.parent == Path("/tmp")]
    assert single.name.endswith("_SingleOfficeIPC_db0d71873feca08173f31a5d314fd4")
