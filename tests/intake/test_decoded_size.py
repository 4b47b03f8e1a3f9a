"""Evidence measured decoded before anything decodes it: a PDF stream that inflates past its budget,
a page whose drawing does, a file whose streams together do, an image of many frames. Issue 20,
finding 5 (a 1 MB PDF inflating to 1 GiB built "ok" at 2.19 GB RSS; a 2000-frame TIFF named .png
passed validate as one page and failed the build with a message about marks)."""

from __future__ import annotations

import base64
import binascii
import io
import random
import resource
import zlib

import hostile
import pytest
from pypdf import PdfReader
from pypdf._codecs._codecs import LzwCodec

from pipeline.intake import decoded_size, pdf_safety
from pipeline.intake.decoded_size import OverBudget, stream_size
from pipeline.intake.evidence_files import load_attachments

MIB = 2**20


def load(folder, text):
    return load_attachments(text, folder, "cases.csv", 4, "证明文件")


def run_length(data: bytes) -> bytes:
    """PDF RunLength: a literal run of the first 3 bytes, then repeats of up to 128."""
    out = bytearray([2]) + data[:3]
    at = 3
    while at < len(data):
        run = 1
        while run < 128 and at + run < len(data) and data[at + run] == data[at]:
            run += 1
        out += bytes([257 - run, data[at]]) if run > 1 else bytes([0, data[at]])
        at += run
    return bytes(out + b"\x80")


# 300,000 bytes: text with runs (so that every encoder has something to do) and random bytes.
RNG = random.Random(20)
DATA = b"".join(b"BT /F1 12 Tf (%d) Tj ET\n" % n + b"\0" * RNG.randrange(200) + RNG.randbytes(20)
                for n in range(3000))[:300_000]


@pytest.mark.parametrize(("filters", "encode"), [
    (["/FlateDecode"], zlib.compress),
    (["/ASCIIHexDecode"], lambda d: binascii.hexlify(d, b" ", 7) + b">"),
    (["/ASCII85Decode"], lambda d: base64.a85encode(d, wrapcol=75) + b"~>"),
    (["/RunLengthDecode"], run_length),
    (["/LZWDecode"], LzwCodec().encode),
    (["/ASCII85Decode", "/FlateDecode"], lambda d: base64.a85encode(zlib.compress(d)) + b"~>"),
], ids=["flate", "hex", "ascii85", "runlength", "lzw", "ascii85 of flate"])
def test_a_streams_decoded_size_is_counted_through_its_filters(filters, encode):
    encoded = encode(DATA)
    assert len(encoded) != len(DATA)
    assert stream_size(encoded, filters, [{}] * len(filters), None, 10 * MIB) == len(DATA)
    with pytest.raises(OverBudget):
        stream_size(encoded, filters, [{}] * len(filters), None, len(DATA) - 1)


def test_an_image_counts_what_it_declares_and_a_jpeg_what_its_header_declares(tmp_path):
    image = {"/Width": 1000, "/Height": 2000, "/BitsPerComponent": 8, "components": 3}
    assert stream_size(zlib.compress(b"\0" * 100), ["/FlateDecode"], [{}], image, 10 * MIB) == 6_000_000
    jpeg = hostile.jpeg_decompression_bomb(tmp_path / "bomb.jpg", 9000, 10_000).read_bytes()
    small = {"/Width": 16, "/Height": 16, "/BitsPerComponent": 8, "components": 3}
    assert stream_size(jpeg, ["/DCTDecode"], [{}], small, 512 * MIB) == 9000 * 10_000 * 3


def test_a_pdf_stream_inflating_to_1_gib_is_refused_while_counting_not_holding_it(tmp_path):
    hostile.pdf_flate_bomb(tmp_path / "流水.pdf", 1024)
    assert (tmp_path / "流水.pdf").stat().st_size < 1_100_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    attachments, (problem,) = load(tmp_path, "流水.pdf")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert attachments == () and problem.code == "evidence_file"
    assert problem.message == "「证明文件」“流水.pdf”其中一项内容解压后超过256MB，请重新扫描或用“打印为PDF”另存后再附上"
    assert grown_mib < 100


def test_a_page_whose_drawing_inflates_past_its_budget_is_refused_naming_the_page(tmp_path):
    hostile.pdf_flate_bomb(tmp_path / "scan.pdf", decoded_size.MAX_DECODED_CONTENT // MIB + 1)
    _, (problem,) = load(tmp_path, "scan.pdf")
    assert "第1页的内容解压后超过32MB" in problem.message


def test_streams_that_together_inflate_past_the_files_budget_are_refused(tmp_path, monkeypatch):
    # at a budget of 400 MiB (2048 inflates for 8 s): 3 images of 150 MiB, each within the stream's
    monkeypatch.setattr(pdf_safety, "MAX_DECODED_FILE", 400 * MIB)
    hostile.pdf_flate_bomb(tmp_path / "scan.pdf", 150, streams=3, image=True)
    _, (problem,) = load(tmp_path, "scan.pdf")
    assert "解压后合计超过400MB" in problem.message
    hostile.pdf_flate_bomb(tmp_path / "two.pdf", 150, streams=2, image=True)
    assert load(tmp_path, "two.pdf")[1] == ()


def test_what_a_real_scan_inflates_to_passes(tmp_path):
    hostile.pdf_flate_bomb(tmp_path / "scan.pdf", 20)  # a 20 MiB drawing: dense, but a page
    hostile.pdf_flate_bomb(tmp_path / "photos.pdf", 200, streams=2, image=True)
    (scan, photos), problems = load(tmp_path, "scan.pdf、photos.pdf")
    assert problems == () and scan.pages == photos.pages == 1


def test_every_frame_of_an_image_is_a_page_whatever_the_files_suffix(tmp_path):
    hostile.tiff_frames(tmp_path / "收入.png", frames=3)
    (attachment,), problems = load(tmp_path, "收入.png")
    assert problems == () and attachment.pages == 3
    assert len(PdfReader(io.BytesIO(attachment.pdf)).pages) == 3


def test_an_image_of_2000_frames_is_refused_by_the_rows_page_limit(tmp_path):
    hostile.tiff_frames(tmp_path / "收入.png", frames=2000)
    attachments, (problem,) = load(tmp_path, "收入.png")
    assert attachments == () and problem.code == "evidence_too_large"
    assert problem.message == "「证明文件」“收入.png”有2000帧（每帧是一页），超过300页，请只附上需要的页面"
    hostile.plain_pdf(tmp_path / "a.pdf", pages=290)
    hostile.tiff_frames(tmp_path / "b.png", frames=11)
    (first,), (problem,) = load(tmp_path, "a.pdf、b.png")
    assert first.pages == 290 and "本行证明文件合计超过300页" in problem.message


def test_the_budgets_are_stated_in_the_readme():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"{decoded_size.MAX_DECODED_STREAM // MIB} MB a stream" in readme
    assert f"{decoded_size.MAX_DECODED_CONTENT // MIB} MB a page's drawing" in readme
    assert f"{decoded_size.MAX_DECODED_FILE // MIB} MB the file" in readme
