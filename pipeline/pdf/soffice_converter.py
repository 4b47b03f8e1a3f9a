"""The fallback converter: one `soffice --convert-to pdf` process per call; and what every LibreOffice
this program starts shares: its profile settings, its temporary folder and the pipe sockets it
leaves in /tmp (dying with this process: launcher.py).

Each converter owns a LibreOffice profile folder: two LibreOffice processes must not share one.
A conversion that exceeds its timeout, crashes, or exits without writing a PDF raises
ConversionError; the process group is killed in every case.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile
from pathlib import Path

from pipeline.common.i18n import _
from pipeline.pdf.converter import ConversionError, ConversionTimeout, export_options
from pipeline.pdf.launcher import start_office_process


def pdf_filter(tagged: bool) -> str:
    """--convert-to's argument: the PDF filter and its options, as JSON."""
    return "pdf:writer_pdf_Export:" + json.dumps(
        {name: {"type": "boolean", "value": str(value).lower()} for name, value in export_options(tagged).items()})


RESTART_REQUESTED = 81  # soffice.bin's exit code after it has set up a new profile
# LibreOffice's pipes (sal/osl/unx/pipe.cxx): in /tmp, or /var/tmp when /tmp is not writable, named
# OSL_PIPE_<uid>_<name>, whatever TMPDIR says; LibreOffice does not remove them when it is killed.
PIPE_FOLDERS = ("/tmp", "/var/tmp")

# Written into every profile before LibreOffice first starts. A conversion must not reach the network
# or run anything: links from untrusted documents (all of ours) are blocked — a template's linked
# picture would otherwise be fetched while the document loads —, links are never updated, macros
# never run.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" \
oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value>\
</prop></item>
<item oor:path="/org.openoffice.Office.Common/Font/Substitution"><prop oor:name="Replacement" oor:op="fuse">\
<value>true</value></prop></item>
{replacements}</oor:items>
"""

# The Word copies name the faces of a Chinese Windows PC (templates/source/docx_kit.py); this machine
# draws them with the Noto CJK SC faces. LibreOffice's replacement table ("always") swaps the names
# before any fallback is sought: without it the Latin text of a SimSun paragraph comes out in DejaVu.
# 仿宋, 楷体 and 微软雅黑 are there for staff templates made on Windows.
WINDOWS_FONTS = {
    "SimSun": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC", "NSimSun": "Noto Serif CJK SC",
    "FangSong": "Noto Serif CJK SC", "仿宋": "Noto Serif CJK SC", "KaiTi": "Noto Serif CJK SC",
    "楷体": "Noto Serif CJK SC", "SimHei": "Noto Sans CJK SC", "黑体": "Noto Sans CJK SC",
    "Microsoft YaHei": "Noto Sans CJK SC", "微软雅黑": "Noto Sans CJK SC",
}


def _replacement(number: int, name: str, face: str) -> str:
    props = {"Always": "true", "OnScreenOnly": "false", "ReplaceFont": name, "SubstituteFont": face}
    return ('<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{number}" oor:op="replace">'
            + "".join(f'<prop oor:name="{k}" oor:op="fuse"><value>{v}</value></prop>' for k, v in props.items())
            + "</node></item>\n")


PROFILE_SETTINGS = PROFILE_SETTINGS.format(replacements="".join(
    _replacement(number, name, face) for number, (name, face) in enumerate(WINDOWS_FONTS.items())))


def office_program(soffice: str) -> Path | None:
    """LibreOffice's own soffice.bin next to the `soffice` launcher, or None (a test stand-in).
    Started directly it is our child and dies with us; the launcher script would put oosplash between."""
    program = Path(os.path.realpath(soffice)).parent / "soffice.bin"
    return program if program.exists() else None


def prepare_profile(profile: Path) -> dict[str, str]:
    """Create the profile folder with its settings (see PROFILE_SETTINGS), and return the environment
    LibreOffice runs with: its temporary files (lu*.tmp) inside the profile folder, not in /tmp."""
    settings = profile / "user" / "registrymodifications.xcu"
    if not settings.exists():
        settings.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        settings.write_text(PROFILE_SETTINGS, encoding="utf-8")
    temporary = profile / "tmp"
    temporary.mkdir(mode=0o700, exist_ok=True)
    return {**os.environ, "TMPDIR": str(temporary)}


def pipe_sockets(profile: Path, *names: str) -> list[Path]:
    """The pipe sockets a LibreOffice with this profile makes: its single-instance pipe (named after an
    MD5 of the profile's URL in UTF-16, each byte in hex without padding: desktop/source/app/
    officeipcthread.cxx) and the `--accept` pipes given by name."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    all_names = [f"SingleOfficeIPC_{''.join(format(b, 'x') for b in digest)}", *names]
    return [Path(folder) / f"OSL_PIPE_{os.getuid()}_{name}" for folder in PIPE_FOLDERS for name in all_names]


def remove_pipe_sockets(profile: Path, *names: str) -> None:
    """Remove the sockets LibreOffice left behind (ours only: sockets owned by this user)."""
    for path in pipe_sockets(profile, *names):
        try:
            info = os.lstat(path)
            if stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid():
                path.unlink()
        except OSError:
            pass


class SofficeConverter:
    """One `soffice --convert-to pdf` process per conversion, in its own process group."""

    def __init__(self, soffice: str, timeout: float = 120.0, profile: Path | None = None):
        self.soffice = soffice
        self.timeout = timeout
        self.profile = profile or Path(tempfile.mkdtemp(prefix="packets-lo-profile-"))

    def convert(self, docx: Path, tagged: bool = False) -> Path:
        """docx → PDF next to it; returns the PDF's path."""
        pdf = docx.with_suffix(".pdf")
        pdf.unlink(missing_ok=True)
        program = office_program(self.soffice)
        command = [
            str(program or self.soffice),
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
            "--convert-to", pdf_filter(tagged), "--outdir", str(docx.parent), str(docx),
        ]
        environment = prepare_profile(self.profile)
        try:
            for _attempt in range(3):
                process = start_office_process(command, environment, stdout=subprocess.PIPE,
                                               stderr=subprocess.STDOUT)
                try:
                    output, _stderr = process.communicate(timeout=self.timeout)
                except subprocess.TimeoutExpired:
                    _kill_group(process)
                    raise ConversionTimeout(_("LibreOffice 转换超时（超过{seconds:.0f}秒）").format(
                        seconds=self.timeout)) from None
                except BaseException:
                    _kill_group(process)
                    raise
                finally:
                    _kill_group(process)  # soffice may leave helpers behind in its group
                # soffice.bin started directly sets up a new profile, then asks to be started again
                # (the launcher script would do that for us).
                if not (program and process.returncode == RESTART_REQUESTED):
                    break
        finally:
            remove_pipe_sockets(self.profile)
        if process.returncode != 0:
            raise ConversionError(_("LibreOffice 异常退出（代码 {code}）：{output}").format(code=process.returncode, output=_tail(output)))
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise ConversionError(_("LibreOffice 未生成PDF：{output}").format(output=_tail(output)))
        return pdf

    def close(self) -> None:
        remove_pipe_sockets(self.profile)
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
