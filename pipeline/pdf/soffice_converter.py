"""The fallback converter: one `soffice --convert-to pdf` process per call.

Each converter owns a LibreOffice profile folder: two LibreOffice processes must not share one.
A conversion that exceeds its timeout, crashes, or exits without writing a PDF raises
ConversionError; the process group is killed in every case.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipeline.common.i18n import _
from pipeline.pdf.converter import ConversionError

# Word bookmarks become PDF named destinations: that is how a chunk PDF is split into packets.
PDF_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {
        "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
        "ExportBookmarks": {"type": "boolean", "value": "false"},
    }
)


class SofficeConverter:
    """One `soffice --convert-to pdf` process per conversion, in its own process group."""

    def __init__(self, soffice: str, timeout: float = 120.0, profile: Path | None = None):
        self.soffice = soffice
        self.timeout = timeout
        self.profile = profile or Path(tempfile.mkdtemp(prefix="packets-lo-profile-"))

    def convert(self, docx: Path) -> Path:
        """docx → PDF next to it; returns the PDF's path."""
        pdf = docx.with_suffix(".pdf")
        pdf.unlink(missing_ok=True)
        command = [
            self.soffice,
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
            "--convert-to", PDF_FILTER, "--outdir", str(docx.parent), str(docx),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            output, _stderr = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionError(_("LibreOffice 转换超时（超过{seconds:.0f}秒）").format(seconds=self.timeout)) from None
        except BaseException:
            _kill_group(process)
            raise
        finally:
            _kill_group(process)  # soffice may leave helpers behind in its group
        if process.returncode != 0:
            raise ConversionError(_("LibreOffice 异常退出（代码 {code}）：{output}").format(code=process.returncode, output=_tail(output)))
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise ConversionError(_("LibreOffice 未生成PDF：{output}").format(output=_tail(output)))
        return pdf

    def close(self) -> None:
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _tail(output: bytes) -> str:
    text = output.decode("utf-8", errors="replace").strip().splitlines()
    return text[-1][:200] if text else _("无输出")
