"""Evidence scans: checked, measured, placed on A4 pages without re-compression."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from pipeline.intake.evidence_files import load_attachments


def pdf_bytes(pages: int, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_bytes(size=(400, 300), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "流水.pdf").write_bytes(pdf_bytes(3))
    (tmp_path / "诊断.jpg").write_bytes(jpeg_bytes())
    buffer = io.BytesIO()
    Image.new("L", (100, 140), 128).save(buffer, "PNG")
    (tmp_path / "收入.png").write_bytes(buffer.getvalue())
    (tmp_path / "加密.pdf").write_bytes(pdf_bytes(1, password="secret"))
    (tmp_path / "坏.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    (tmp_path / "坏.jpg").write_bytes(b"\xff\xd8\xff garbage")
    (tmp_path / "说明.docx").write_bytes(b"PK")
    return tmp_path


def load(folder, text):
    return load_attachments(text, folder, "cases.csv", 5, "证明文件")


def test_pdfs_and_images_are_measured_in_pages(folder):
    attachments, problems = load(folder, "scans/流水.pdf；诊断.jpg、收入.png")
    assert problems == ()
    assert [(a.name, a.pages) for a in attachments] == [("scans/流水.pdf", 3), ("诊断.jpg", 1), ("收入.png", 1)]
    # a PDF is rewritten with its visible pages only (tests/intake/test_pdf_safety.py), its pages kept
    assert len(PdfReader(io.BytesIO(attachments[0].pdf)).pages) == 3
    assert attachments[0].title == "证明文件：流水.pdf"


def test_an_image_goes_on_an_a4_page_without_recompression(folder):
    (attachment,), _ = load(folder, "诊断.jpg")
    page = PdfReader(io.BytesIO(attachment.pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert (folder / "诊断.jpg").read_bytes() in attachment.pdf  # the JPEG stream, byte for byte


def test_exif_orientation_turns_the_page_upright(folder):
    (folder / "横拍.jpg").write_bytes(jpeg_bytes(orientation=6))  # camera held sideways: rotate 90°
    (attachment,), _ = load(folder, "横拍.jpg")
    assert PdfReader(io.BytesIO(attachment.pdf)).pages[0].get("/Rotate") in (90, 270)


@pytest.mark.parametrize(("name", "expected"), [
    ("没有.pdf", "找不到该文件"),
    ("加密.pdf", "加密"),
    ("坏.pdf", "已损坏"),
    ("坏.jpg", "图片已损坏"),
    ("说明.docx", "只支持 PDF、JPEG、PNG"),
    ("../外面.pdf", "不在案件表所在的文件夹内"),
    ("/etc/passwd", "不在案件表所在的文件夹内"),
])
def test_a_bad_file_is_named_with_the_reason(folder, name, expected):
    (folder.parent / "外面.pdf").write_bytes(pdf_bytes(1))
    attachments, (problem,) = load(folder, f"scans/流水.pdf;{name}")
    assert len(attachments) == 1
    assert problem.column == "证明文件" and problem.row == 5 and problem.value == name
    assert f"“{name}”" in problem.message and expected in problem.message, problem.message


def test_a_link_that_leads_outside_the_folder_is_refused(folder):
    outside = folder.parent / "secret.pdf"
    outside.write_bytes(pdf_bytes(1))
    (folder / "link.pdf").symlink_to(outside)
    _, (problem,) = load(folder, "link.pdf")
    assert "不在案件表所在的文件夹内" in problem.message
