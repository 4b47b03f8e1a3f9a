"""The chunked, parallel path: same documents as the simple path, faster, no LibreOffice left behind."""

from __future__ import annotations

import os
import pty
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from conftest import ROOT
from e2e import packet_documents, run_cli
from pypdf import PdfReader

from bench.measure import PACKET_DATE
from bench.synthetic import write_batch
from pipeline.batch.rows import check_rows, open_inputs
from pipeline.contract import default_contract
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import TemplateSet
from pipeline.pdf.converter import ConversionError
from pipeline.pdf.libreoffice import find_soffice
from pipeline.pdf.uno_converter import UnoConverter
from pipeline.run.chunk import CaseJob, build_chunk
from pipeline.run.scratch import PREFIX as SCRATCH_PREFIX

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

FOOTER = re.compile(r"案件编号：\S+?\s*(?:寄送件|本人留存)?\s*第\s*\d+\s*页\s*/\s*共\s*\d+\s*页")


def page_words(text: str) -> str:
    return re.sub(r"\s+", "", FOOTER.sub("", text))


def page_lines(pdf: Path | bytes) -> list[list[str]]:
    """Each page's lines of text as pdftotext lays them out, spaces and the footer left out: two
    PDFs with equal lines broke every line and every page at the same place. (Not the glyphs'
    exact positions: LibreOffice splits a font into subsets in the order glyphs first appear in the
    file, and positions each switch of subset to a tenth of a point; pdftotext, like pypdf, turns
    the gaps that leaves into spaces.)"""
    data = pdf if isinstance(pdf, bytes) else pdf.read_bytes()
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    pages = text.decode("utf-8").split("\f")[:-1]  # pdftotext ends every page with a form feed
    return [[line for line in (re.sub(r"\s+", "", FOOTER.sub("", row)) for row in page.splitlines()) if line]
            for page in pages]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    source = write_batch(folder / "batch.csv", 12, PACKET_DATE)
    out = folder / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", PACKET_DATE.isoformat(),
                     "--jobs", "2", "--chunk-size", "5")
    assert result.returncode == 0, result.stderr
    return source, out


def test_every_case_of_a_parallel_run_is_built_once(batch):
    _, out = batch
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == [f"SYN-{n:06d}" for n in range(1, 13)]
    report = (out / "report.csv").read_text("utf-8-sig").splitlines()
    # one line per row: clients 4, 8 and 12 have three debts each, so 12 + 3 × 2 = 18 rows
    assert len(report) == 1 + 18 and all(",ok," in line for line in report[1:])
    assert sum(line.endswith(",SYN-000008,ok,") or ",SYN-000008,ok," in line for line in report) == 3


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """One LibreOffice kept running for the documents converted one by one."""
    with UnoConverter(find_soffice(), 300, tmp_path_factory.mktemp("office") / "profile") as converter:
        yield converter


@pytest.mark.parametrize("case_id", ["SYN-000001", "SYN-000007", "SYN-000012"])
def test_documents_in_a_packet_match_the_same_document_converted_on_its_own(batch, office, case_id, tmp_path):
    """Chunked conversion must not change pagination or text: each document is also converted
    alone from its editable copy, and compared page by page (footers aside)."""
    _, out = batch
    folder = out / case_id
    packet = PdfReader(folder / "packet.pdf")
    documents = packet_documents(folder)
    assert len(documents) >= 8  # SYN-000012 owes three lenders' loans: more sets, more documents
    for name, start, end in documents:
        copy = tmp_path / name
        copy.write_bytes((folder / name).read_bytes())
        converted = office.convert(copy)
        alone = PdfReader(converted)
        in_packet = packet.pages[start:end]
        assert len(alone.pages) == len(in_packet), name
        for page_alone, page_packet in zip(alone.pages, in_packet, strict=True):
            assert page_words(page_alone.extract_text()) == page_words(page_packet.extract_text()), name
        assert page_lines(converted) == page_lines(folder / "packet.pdf")[start:end], name


class ChunkFails:
    """A real LibreOffice that fails the first conversion it is given, a chunk's: the build then
    converts the chunk's cases one by one, from their editable copies (run/chunk.py)."""

    def __init__(self, real: UnoConverter):
        self.real, self.profile, self.calls = real, real.profile, 0

    def convert(self, docx: Path, tagged: bool = False) -> Path:
        self.calls += 1
        if self.calls == 1:
            raise ConversionError("the chunk's conversion, failed on purpose")
        return self.real.convert(docx, tagged)

    def close(self) -> None:
        self.real.close()


@pytest.fixture(scope="module")
def one_by_one(batch, office):
    """The batch's cases as one chunk whose conversion failed: each case converted alone."""
    source, _ = batch
    contract = default_contract()
    with tempfile.TemporaryDirectory() as scratch:
        rows = list(check_rows(open_inputs([source], contract), contract, PACKET_DATE, Path(scratch)))
    jobs = [CaseJob(c.case.case_id, packet_sets(c.case, c.plan, contract)) for c in rows]
    converter = ChunkFails(office)
    outcomes = build_chunk(jobs, TemplateSet(), converter)
    assert converter.calls == 1 + len(jobs) and all(o.ok for o in outcomes), [o.error for o in outcomes]
    return {outcome.case_id: outcome.files for outcome in outcomes}


def test_a_case_converted_alone_after_its_chunk_failed_has_the_pages_and_lines_of_the_chunk(batch, one_by_one):
    """The fallback path lays the packet out as the chunk path does: same pages, every line broken
    at the same place, in packet.pdf and in every lender's file."""
    _, out = batch
    for case_id, files in one_by_one.items():
        folder = out / case_id
        assert page_lines(files.packet) == page_lines(folder / "packet.pdf"), case_id
        for name, data in files.lender_files.items():
            assert page_lines(data) == page_lines(folder / name), (case_id, name)


def test_one_worker_and_two_workers_give_the_same_packets(batch, tmp_path):
    source, out = batch
    single = tmp_path / "single"
    result = run_cli("build", str(source), "--out", str(single), "--date", PACKET_DATE.isoformat(), "--jobs", "1")
    assert result.returncode == 0
    for case in ("SYN-000003", "SYN-000010"):
        texts = [[page_words(p.extract_text()) for p in PdfReader(o / case / "packet.pdf").pages] for o in (out, single)]
        assert texts[0] == texts[1]


def _our_soffice(owner: int | None = None) -> list[int]:
    """LibreOffice processes of a build: those whose profile is in the scratch folder of `owner` (a
    build's pid), or with no owner given, those whose build is gone — left behind. Builds that other
    tests or other users run at the same time are not ours to count. The scratch folder's name is
    the pipeline's own (run/scratch.py PREFIX): a renamed folder cannot make this find nothing."""
    found = []
    named = re.compile(re.escape(SCRATCH_PREFIX) + r"(\d+)-")
    for process in psutil.process_iter(["pid", "cmdline"]):
        command = " ".join(process.info["cmdline"] or ())
        run = named.search(command)
        if run is None or "soffice" not in command:
            continue
        build = int(run.group(1))
        if build == owner or (owner is None and not psutil.pid_exists(build)):
            found.append(process.info["pid"])
    return found


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["ctrl-c", "terminate", "kill-9"])
def test_no_libreoffice_is_left_running_after_an_interrupted_run(tmp_path, how):
    assert _our_soffice() == []
    source = write_batch(tmp_path / "batch.csv", 60, PACKET_DATE)
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", str(source), "--out", str(tmp_path / "out"),
         "--date", PACKET_DATE.isoformat(), "--jobs", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        # Ctrl-C as at a terminal, even when the tests run as a shell's background job (which starts
        # with SIGINT ignored, and Python keeps it so)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert _wait_until(lambda: _our_soffice(process.pid) != [], 60), "LibreOffice never started"
        # Ctrl-C reaches the whole foreground process group; `kill` reaches only the main process;
        # `kill -9` of the group leaves no cleanup code running: the kernel must take LibreOffice down.
        if how in (signal.SIGINT, signal.SIGKILL):
            os.killpg(process.pid, how)
        else:
            process.send_signal(how)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0
    assert _wait_until(lambda: _our_soffice() == [], 10), _our_soffice()
    if how == signal.SIGKILL:
        return  # nothing could print
    assert b"Traceback" not in process.stderr.read()


def test_no_libreoffice_is_left_running_after_a_normal_run(batch):
    assert _our_soffice() == []


def _run_in_terminal(*args: str) -> str:
    """Run the CLI with a pseudo-terminal as stdout/stderr, as staff see it."""
    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                               stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_progress_bar_on_a_terminal_only_and_quiet_silences_it(tmp_path):
    source = write_batch(tmp_path / "two.csv", 2, PACKET_DATE)
    shown = _run_in_terminal("build", str(source), "--out", str(tmp_path / "a"), "--date", PACKET_DATE.isoformat())
    assert "生成中" in shown and "2/2" in shown and "份/秒" in shown
    piped = run_cli("build", str(source), "--out", str(tmp_path / "b"), "--date", PACKET_DATE.isoformat())
    assert "生成中" not in piped.stderr + piped.stdout and "共2行：成功2" in piped.stdout
    quiet = _run_in_terminal("build", str(source), "--out", str(tmp_path / "c"), "--date", PACKET_DATE.isoformat(), "--quiet")
    assert quiet.strip() == ""
