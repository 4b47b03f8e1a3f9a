"""The long-running LibreOffice of a worker: it converts, and recovers from a hang or a crash."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from pipeline.pdf.converter import ConversionTimeout
from pipeline.pdf.libreoffice import find_soffice, open_converter
from pipeline.pdf.uno_converter import UnoConverter, uno_available

pytestmark = [pytest.mark.skipif(not uno_available(), reason="python3-uno is not installed"),
              pytest.mark.slow]


def docx(folder: Path, name: str, text: str) -> Path:
    document = Document()
    document.add_paragraph(text)
    path = folder / f"{name}.docx"
    document.save(path)
    return path


def test_real_libreoffice_gets_the_long_running_converter_and_a_stand_in_does_not(tmp_path):
    assert isinstance(open_converter(find_soffice(), 10, tmp_path), UnoConverter)
    stand_in = Path(__file__).resolve().parent.parent / "fakes" / "soffice"
    assert not isinstance(open_converter(str(stand_in), 10, tmp_path), UnoConverter)


def test_converts_many_documents_with_one_start(tmp_path):
    with UnoConverter(find_soffice(), 60, tmp_path / "profile") as office:
        for n in range(3):
            pdf = office.convert(docx(tmp_path, f"d{n}", f"第{n}份文书"))
            assert f"第{n}份文书" in PdfReader(pdf).pages[0].extract_text().replace(" ", "")
        assert office.starts == 1


def test_an_office_started_by_a_thread_that_has_ended_keeps_running(tmp_path):
    """A worker starts its office in a background thread (run/chunk.py). LibreOffice dies with its
    parent, and for the kernel that is the thread that forked it: started from that thread, it was
    killed as the thread ended and the first conversion of a build failed (issue 24)."""
    with UnoConverter(find_soffice(), 60, tmp_path / "profile") as office:  # a new profile, as in a build
        starter = threading.Thread(target=office.start)
        starter.start()
        starter.join()
        pdf = office.convert(docx(tmp_path, "first", "第一份文书"))
        assert "第一份文书" in PdfReader(pdf).pages[0].extract_text().replace(" ", "")
        assert office.starts == 1 and office.process.poll() is None


def test_a_hung_office_times_out_and_the_next_conversion_starts_a_new_one(tmp_path):
    with UnoConverter(find_soffice(), 3, tmp_path / "profile") as office:
        office.convert(docx(tmp_path, "warm", "预热"))
        os.killpg(office.process.pid, signal.SIGSTOP)  # frozen: answers nothing
        with pytest.raises(ConversionTimeout, match="超时"):  # the watchdog stopped it, not the test
            office.convert(docx(tmp_path, "stuck", "卡住"))
        pdf = office.convert(docx(tmp_path, "after", "恢复之后"))
        assert "恢复之后" in PdfReader(pdf).pages[0].extract_text().replace(" ", "") and office.starts == 2


def test_a_crashed_office_is_started_again(tmp_path):
    with UnoConverter(find_soffice(), 30, tmp_path / "profile") as office:
        office.convert(docx(tmp_path, "warm", "预热"))
        os.killpg(office.process.pid, signal.SIGKILL)
        office.process.wait()
        pdf = office.convert(docx(tmp_path, "after", "崩溃之后"))
        assert "崩溃之后" in PdfReader(pdf).pages[0].extract_text().replace(" ", "") and office.starts == 2
