"""Print-shop grade PDFs (issue 24, point 3): every file we write — packet.pdf, the lender files, the
print file — passes qpdf --check and mutool clean without a warning, has no empty content stream (the
duplex padding pages had one each), gives distinct embedded fonts distinct subset names (LibreOffice
names them BAAAAA+, CAAAAA+… in every export, and a scan brings its own), declares a version no older
than what it uses, and says its language (/Lang zh-CN, and in its XMP).

The scan of E2E-001 is hostile on purpose: LibreOffice's pages of another packet with every one of
its fonts renamed BAAAAA+Scan — one name for several different programs, and a name LibreOffice
itself gives."""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest
from conftest import DATA
from e2e import pdf_text, read_report, run_cli

pytestmark = pytest.mark.slow

PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")


def _rows(count: int) -> list[dict]:
    with (DATA / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))[:count]


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print_shop")
    first = run_cli("build", str(_write(folder / "one.csv", _rows(3)[2:])), "--out", str(folder / "first"), "--tagged",
                    "--date", "2026-11-24")
    assert first.returncode == 0, first.stderr
    (case,) = [p for p in (folder / "first").iterdir() if p.is_dir()]
    with pikepdf.open(case / "to_lender.pdf") as scan:
        renamed = 0
        for obj in scan.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                obj.BaseFont = pikepdf.Name("/BAAAAA+Scan")
                obj.FontDescriptor.FontName = pikepdf.Name("/BAAAAA+Scan")
                renamed += 1
        assert renamed >= 2  # several programs under one name
        scan.save(folder / "信.pdf")
    rows = _rows(3)
    rows[0]["证明文件"] = "信.pdf"
    result = run_cli("build", str(_write(folder / "cases.csv", rows)), "--out", str(folder / "out"),
                     "--date", "2026-11-24", "--print-file", "--duplex", "--tagged")
    assert result.returncode == 0, result.stderr
    assert {r["status"] for r in read_report(folder / "out")} == {"ok"}
    return folder / "out"


def _written(out: Path) -> list[Path]:
    files = sorted(out.glob("*/to_lender*.pdf")) + sorted(out.glob("*/packet.pdf")) + sorted(out.glob("print/*.pdf"))
    assert len(files) == 7  # three cases' lender files and packets, and the print file
    return files


def test_qpdf_and_mutool_find_nothing_to_warn_of(out):
    for path in _written(out):
        qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert qpdf.returncode == 0 and "WARNING" not in qpdf.stdout + qpdf.stderr, (path, qpdf.stdout, qpdf.stderr)
        mutool = subprocess.run(["mutool", "clean", str(path), str(out.parent / "clean.pdf")], capture_output=True,
                                text=True)
        assert mutool.returncode == 0 and mutool.stdout + mutool.stderr == "", (path, mutool.stderr)


def test_no_page_has_an_empty_content_stream(out):
    blank_pages = 0
    for path in _written(out):
        with pikepdf.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                contents = page.obj.get("/Contents")
                if contents is None:
                    blank_pages += 1
                    continue
                streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
                assert b"".join(s.read_bytes() for s in streams).strip(), (path, number)
    assert blank_pages > 0  # --duplex padded some documents: the check saw padding pages


def test_distinct_fonts_have_distinct_subset_names_in_every_file(out):
    for path in _written(out):
        by_name: dict[str, set[bytes]] = defaultdict(set)
        by_tag: dict[str, set[bytes]] = defaultdict(set)
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"):
                    continue
                descriptor = obj.get("/FontDescriptor")
                if obj.get("/Subtype") == "/Type0":
                    descriptor = obj.DescendantFonts[0].get("/FontDescriptor")
                program = next((descriptor[k] for k in PROGRAMS if descriptor is not None and k in descriptor), None)
                name = str(obj.BaseFont)[1:]
                if program is None or not re.match(r"[A-Z]{6}\+", name):
                    continue
                digest = hashlib.sha256(program.read_raw_bytes()).digest()
                by_name[name].add(digest)
                by_tag[name[:6]].add(digest)
                assert str(descriptor.FontName)[1:] == name, path
        assert by_name, path  # the check saw subset fonts
        shared = {name: len(d) for name, d in by_name.items() if len(d) > 1}
        assert not shared, (path, shared)
        assert all(len(d) == 1 for d in by_tag.values()), path
        assert "BAAAAA" not in by_tag, path  # neither LibreOffice's first tag nor the scan's


def test_every_file_says_its_language_and_declares_the_version_it_uses(out):
    for path in _written(out):
        header = path.read_bytes()[:8].decode("ascii")
        assert re.fullmatch(r"%PDF-1\.[0-7]", header), header
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.get("/Lang")) == "zh-CN", path
            uses_soft_masks = any(isinstance(o, pikepdf.Dictionary) and "/SMask" in o for o in pdf.objects)
            assert float(header[5:]) >= (1.4 if uses_soft_masks else 1.3), path
            assert float(header[5:]) >= 1.6 or path.parent.name == "print", path  # LibreOffice's 1.6 pages
            if path.parent.name != "print":
                meta = pdf.open_metadata()
                assert set(meta.get("dc:language", ())) == {"zh-CN"} and meta.get("dc:title"), path


def _items(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _claimed(pdf: pikepdf.Pdf) -> tuple[dict[tuple[int, int], tuple[int, int]], list[pikepdf.Object]]:
    """(page, MCID) → the element that claims that marked run, walking down from the /Document and
    checking every element's /P and /Pg on the way; and the /Document's children."""
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    root = pdf.Root.StructTreeRoot
    (document,) = _items(root.K)
    assert document.S == "/Document" and document.P.objgen == root.objgen
    claimed: dict[tuple[int, int], tuple[int, int]] = {}
    stack = [(document, None)]
    while stack:
        element, page = stack.pop()
        if "/Pg" in element:
            assert element.Pg.objgen in pages, "an element on a page of another file"
            page = pages[element.Pg.objgen]
        for item in _items(element.get("/K")):
            if isinstance(item, int):
                claimed[(page, int(item))] = element.objgen
            elif item.get("/Type") == "/MCR":
                claimed[(pages[item.Pg.objgen] if "/Pg" in item else page, int(item.MCID))] = element.objgen
            elif item.get("/Type") != "/OBJR":
                assert item.P.objgen == element.objgen
                stack.append((item, page))
    return claimed, _items(document.K)


def test_packets_and_lender_files_are_tagged_run_by_run(out):
    """Each file cut from a chunk is tagged on its own: every marked run of text on its pages belongs,
    through the parent tree, to the element of its tree that claims it, and no element points to a
    page the file does not have (which would also drag the other case's pages in with it)."""
    files = [path for path in _written(out) if path.parent.name != "print"]
    for path in files:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), path
        with pikepdf.open(path) as pdf:
            assert pdf.Root.MarkInfo.Marked
            claimed, _ = _claimed(pdf)
            parents = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
            runs = set()
            for number, page in enumerate(pdf.pages):
                if "/Contents" not in page.obj:
                    continue  # a duplex padding page
                data = b"".join(s.read_bytes() for s in _items(page.obj.Contents))
                for mcid in map(int, re.findall(rb"/MCID (\d+)", data)):
                    runs.add((number, mcid))
                    assert parents[int(page.obj.StructParents)][mcid].objgen == claimed[(number, mcid)], \
                        (path, number, mcid)
            assert runs and runs == set(claimed), path  # and no element claims a run that is not there


def test_every_document_starts_with_a_heading_and_every_scan_page_is_a_figure(out):
    scan_pages = 0
    for path in [path for path in _written(out) if path.parent.name != "print"]:
        with pikepdf.open(path) as pdf:
            pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
            _, kids = _claimed(pdf)
            starting: dict[int, list] = defaultdict(list)
            for kid in kids:
                starting[pages[kid.Pg.objgen]].append(kid)
            with pdf.open_outline() as outline:
                entries = [entry for top in outline.root for entry in (top.children or [top])]
                for entry in entries:
                    page = pages[entry.destination[0].objgen]
                    if entry.title.startswith("证明文件："):  # a scan: its pages are figures, named
                        figures = [kid for kid in starting[page] if kid.S == "/Figure"]
                        assert len(figures) == 1 and str(figures[0].Alt).startswith(f"{entry.title} 第1页"), path
                    else:
                        assert starting[page][0].S == "/H1", (path, entry.title)
            figures = [kid for kid in kids if kid.S == "/Figure"]
            scan_pages += len(figures)
            for figure in figures:
                assert re.fullmatch(r"证明文件：信\.pdf 第\d+页（共\d+页）", str(figure.Alt)), path
                # the scan (a tagged PDF itself) brought none of its own marks into the page
                for form in figure.Pg.Resources.XObject.values():
                    assert b"/MCID" not in form.read_bytes(), path
    assert scan_pages >= 2  # E2E-001's packet and its lender file each hold the scan's pages


def test_tagging_is_asked_for_and_a_tagged_run_rebuilds_an_untagged_packet(tmp_path):
    """Untagged by default (tagging costs about a third more time, README); --tagged over an
    up-to-date untagged batch does not keep its packets: tagging is part of each case's key."""
    source = _write(tmp_path / "one.csv", _rows(1))
    plain = run_cli("build", str(source), "--out", str(tmp_path / "out"), "--date", "2026-11-24")
    assert plain.returncode == 0, plain.stderr
    (case,) = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    with pikepdf.open(case / "packet.pdf") as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
    key = (case / "manifest.json").read_text("utf-8")
    untagged = {path.name: (_pages(path, tmp_path / f"plain-{path.stem}"), pdf_text(path)) for path in case.glob("*.pdf")}
    tagged = run_cli("build", str(source), "--out", str(tmp_path / "out"), "--date", "2026-11-24", "--tagged")
    assert tagged.returncode == 0, tagged.stderr
    assert (case / "manifest.json").read_text("utf-8") != key
    assert sorted(untagged) == sorted(path.name for path in case.glob("*.pdf")) == ["packet.pdf", "to_lender.pdf"]
    for path in case.glob("*.pdf"):
        with pikepdf.open(path) as pdf:
            assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root, path
        # the marks change nothing on paper: the same pages, pixel for pixel, and the same text
        assert (_pages(path, tmp_path / f"tagged-{path.stem}"), pdf_text(path)) == untagged[path.name], path


def _pages(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")], check=True)
    return [image.read_bytes() for image in sorted(folder.glob("page-*.png"))]
