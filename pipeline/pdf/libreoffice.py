"""Finding LibreOffice and choosing how to convert with it; stopping any instance left behind.

`UnoConverter` (uno_converter.py) keeps one LibreOffice running per worker and is what a build
uses; `SofficeConverter` (soffice_converter.py) starts `soffice --convert-to pdf` per call and is
the fallback where the UNO bridge is missing, or where a test puts a stand-in `soffice` that hangs,
crashes or writes nothing. Both kill their LibreOffice on a timeout and never leave it running.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path

import psutil

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.pdf.converter import Converter
from pipeline.pdf.soffice_converter import SofficeConverter, office_program
from pipeline.pdf.uno_converter import UnoConverter, uno_available

SOFFICE_ENV = "PACKETS_SOFFICE"


def find_soffice(explicit: str | None = None) -> str:
    candidate = explicit or os.environ.get(SOFFICE_ENV)
    if candidate:
        path = shutil.which(candidate)
        if path is None:
            raise RunError(_("找不到 LibreOffice 程序：{program}").format(program=candidate))
        return path
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise RunError(
        _("找不到 LibreOffice（soffice），无法生成PDF。请先安装：apt-get install -y libreoffice-writer-nogui fonts-noto-cjk")
    )


def is_libreoffice(soffice: str) -> bool:
    return office_program(soffice) is not None


def open_converter(soffice: str, timeout: float, profile: Path) -> Converter:
    if is_libreoffice(soffice) and uno_available():
        return UnoConverter(soffice, timeout, profile)
    return SofficeConverter(soffice, timeout, profile)


def reap_strays(folder: Path) -> int:
    """Kill any LibreOffice still running with a profile under `folder` (e.g. its worker was
    killed); returns how many were found. Called at the end of every run."""
    marker = folder.as_uri()
    killed = 0
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or ())
        if marker in command and "UserInstallation" in command:
            with contextlib.suppress(psutil.Error):
                process.send_signal(signal.SIGKILL)
                killed += 1
    return killed
