"""A LibreOffice that stays running: conversions over UNO instead of one `soffice` start per call.

Starting LibreOffice costs about 0.8 s of CPU here, as much as converting eight packets; a worker
keeps one instance and hands it chunk after chunk. The instance is private to its worker (its own
profile and pipe), is killed when a conversion exceeds its timeout or fails, and is started again
for the next one. Where the UNO bridge (Debian's python3-uno, installed with LibreOffice) is not
importable, or the soffice given is not LibreOffice itself (a test stand-in), `open_converter`
falls back to the one-process-per-call SofficeConverter.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from pipeline.common.i18n import _
from pipeline.pdf.converter import ConversionError, ConversionTimeout, export_options
from pipeline.pdf.launcher import start_office_process
from pipeline.pdf.soffice_converter import office_program, prepare_profile, remove_pipe_sockets

log = logging.getLogger(__name__)

UNO_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
CONNECT_SECONDS = 60.0
RESTART_REQUESTED = 81  # soffice.bin's exit code after it has set up a new profile


def _import_uno():
    for path in UNO_PATHS:
        if path not in sys.path:
            sys.path.append(path)  # appended: the venv's own packages keep priority
    import uno  # noqa: PLC0415 - optional, system-provided
    from com.sun.star.beans import PropertyValue  # noqa: PLC0415

    return uno, PropertyValue


def uno_available() -> bool:
    try:
        _import_uno()
    except Exception:  # ImportError, or a pyuno built for another Python
        return False
    return True


__all__ = ["UnoConverter", "uno_available"]


class UnoConverter:
    def __init__(self, soffice: str, timeout: float, profile: Path):
        self.soffice = soffice
        self.timeout = timeout
        self.profile = profile
        self.process: subprocess.Popen | None = None
        self.desktop: Any = None  # LibreOffice's Desktop over UNO (untyped), while it runs
        self.starts = 0
        self.pipe = ""  # the --accept pipe of the running instance
        self._starting = threading.Lock()  # `start` may run in a thread of its own (run/chunk.py)

    def start(self) -> None:
        """Have LibreOffice running (started now unless it is already)."""
        with self._starting:
            if self.process is None or self.process.poll() is not None:
                self._start()

    def _start(self) -> None:
        uno, _property_value = _import_uno()
        self.starts += 1
        pipe = self.pipe = f"packets-{os.getpid()}-{self.starts}"
        # soffice.bin itself, not the launcher script: it is then our child, and dies with us.
        program = office_program(self.soffice) or Path(self.soffice)
        environment = prepare_profile(self.profile)
        command = [str(program), f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--invisible",
                   "--nologo", "--norestore", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;"]
        def launch() -> subprocess.Popen:
            # Not from this thread: `start` may run in one that ends (pdf/launcher.py).
            return start_office_process(command, environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        self.process = launch()
        restarts = 0
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + min(CONNECT_SECONDS, self.timeout)
        while True:
            if self.process.poll() is not None:
                # A new (or half set-up) profile makes LibreOffice exit asking to be started again —
                # the launcher script's job, and so ours; however long that first exit takes.
                if self.process.returncode == RESTART_REQUESTED and restarts < 3:
                    restarts += 1
                    self.process = launch()
                    continue
                code = self.process.returncode
                self._stop()
                raise ConversionError(_("LibreOffice 启动失败（代码 {code}）").format(code=code))
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if time.monotonic() > deadline:
                    self._stop()
                    raise ConversionError(_("LibreOffice 启动超时")) from None
                time.sleep(0.1)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def convert(self, docx: Path, tagged: bool = False) -> Path:
        """docx → PDF next to it; returns the PDF's path."""
        uno, PropertyValue = _import_uno()

        def props(**values):
            result = []
            for name, value in values.items():
                prop = PropertyValue()
                prop.Name, prop.Value = name, value
                result.append(prop)
            return tuple(result)

        pdf = docx.with_suffix(".pdf")
        pdf.unlink(missing_ok=True)
        self.start()
        timed_out = threading.Event()

        def on_timeout():
            timed_out.set()
            self._stop()

        watchdog = threading.Timer(self.timeout, on_timeout)
        watchdog.start()
        try:
            document = self.desktop.loadComponentFromURL(docx.as_uri(), "_blank", 0, props(Hidden=True))
            if document is None:
                raise ConversionError(_("LibreOffice 无法打开文档"))
            try:
                filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", props(**export_options(tagged)))
                document.storeToURL(pdf.as_uri(), props(FilterName="writer_pdf_Export", FilterData=filter_data))
            finally:
                document.close(True)
        except ConversionError:
            self._stop()
            raise
        except Exception as exc:  # the bridge reports a dead or killed office as various UNO errors
            self._stop()
            if timed_out.is_set():
                raise ConversionTimeout(_("LibreOffice 转换超时（超过{seconds:.0f}秒）").format(seconds=self.timeout)) from None
            raise ConversionError(_("LibreOffice 转换失败：{kind}").format(kind=type(exc).__name__)) from None
        finally:
            watchdog.cancel()
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise ConversionError(_("LibreOffice 未生成PDF"))
        return pdf

    def _stop(self) -> None:
        process, self.process, self.desktop = self.process, None, None
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
        remove_pipe_sockets(self.profile, self.pipe)

    def close(self) -> None:
        self._stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
