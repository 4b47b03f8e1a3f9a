"""How large an evidence file is once decoded, measured before anything decodes it whole.

A PDF stream of 1 MB can inflate to 1 GiB (Flate's ratio tops out near 1030:1), and whatever draws
or reshapes the page later — pikepdf placing the scan on its reserved page, the lender's viewer,
the printer — holds it decoded. Each stream is therefore run through its filters here in pieces of
at most `PIECE` bytes, counting what comes out and keeping none of it, and refused as soon as a count
passes its budget. Image codecs (JPEG, JPEG 2000, fax, JBIG2) are not run: their decoded size is
what the image declares — the larger of the stream's /Width × /Height and, for JPEG and JPEG 2000,
the size in the codec's own header.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
import zlib
from collections.abc import Iterable, Iterator

from PIL import Image

MIB = 2**20
# One stream, decoded: a 60-megapixel CMYK image (intake/evidence_files.py's pixel limit) is 240 MB.
MAX_DECODED_STREAM = 256 * MIB
# A page's drawing instructions, decoded: placing a scan on its page (pdf/assemble.py) reads them
# whole, twice over. A scanned page has a line of them; a dense vector page a few MB.
MAX_DECODED_CONTENT = 32 * MIB
# One file, decoded: eighty A4 pages scanned in colour at 300 dpi (26 MB each).
MAX_DECODED_FILE = 2048 * MIB

PIECE = MIB
IMAGE_CODECS = frozenset({"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"})
HEADER_BYTES = MIB  # enough of a JPEG or JPEG 2000 stream to find its frame header
COMPONENTS = {"/DeviceGray": 1, "/CalGray": 1, "/Indexed": 1, "/I": 1, "/Separation": 1, "/G": 1,
              "/DeviceRGB": 3, "/CalRGB": 3, "/Lab": 3, "/RGB": 3, "/DeviceCMYK": 4, "/CMYK": 4}


class OverBudget(Exception):
    """A decoded size passed its budget (counting stopped there)."""


def stream_size(data: bytes, filters: list[str], parameters: list[dict], image: dict | None, limit: int) -> int:
    """The decoded size of a stream stored as `data` with `filters` (in order) and their parameters;
    for an image XObject, `image` holds /Width, /Height, /BitsPerComponent and the number of colour
    components. The size is the largest that any step of decoding produces. OverBudget past `limit`."""
    largest = _declared(image) if image else 0
    if largest > limit:
        raise OverBudget
    counts: list[int] = []
    pieces: Iterable[bytes] = _pieces(data)
    for name, parameter in zip(filters, parameters, strict=True):
        if name in IMAGE_CODECS:
            largest = max(largest, _codec_size(name, pieces, image))
            if largest > limit:
                raise OverBudget
            return max(largest, *counts, 0)
        step = _STEPS.get(name)
        if step is None:  # nothing decodes a filter it does not know: it stays as stored
            break
        counts.append(0)
        pieces = _counted(step(pieces, parameter), counts, len(counts) - 1, limit)
    for _piece in pieces:
        pass
    return max(largest, *counts) if counts else max(largest, len(data))


def _pieces(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), PIECE):
        yield bytes(view[start:start + PIECE])


def _counted(pieces: Iterable[bytes], counts: list[int], index: int, limit: int) -> Iterator[bytes]:
    for piece in pieces:
        counts[index] += len(piece)
        if counts[index] > limit:
            raise OverBudget
        yield piece


def _flate(pieces: Iterable[bytes], _parameter: dict) -> Iterator[bytes]:
    # Predictors only take bytes away (one per row): the inflated size bounds the decoded one.
    inflate = zlib.decompressobj()
    try:
        for piece in pieces:
            out = inflate.decompress(piece, PIECE)
            while out:
                yield out
                out = inflate.decompress(inflate.unconsumed_tail, PIECE) if inflate.unconsumed_tail else b""
            if inflate.eof:
                return
    except zlib.error:  # damaged data: readers show what came before it
        return


def _ascii_hex(pieces: Iterable[bytes], _parameter: dict) -> Iterator[bytes]:
    carry = b""
    for piece in pieces:
        text = carry + re.sub(rb"\s", b"", piece)
        end = text.find(b">")
        if end >= 0:
            text = text[:end] + (b"0" if (end % 2) else b"")
        cut = len(text) - len(text) % 2
        try:
            yield binascii.unhexlify(text[:cut])
        except binascii.Error:
            return
        if end >= 0:
            return
        carry = text[cut:]


_A85_GROUPS = re.compile(rb"(?:z|[!-u]{5})*")


def _ascii85(pieces: Iterable[bytes], _parameter: dict) -> Iterator[bytes]:
    carry = b""
    for piece in pieces:
        text = carry + re.sub(rb"\s", b"", piece)
        end = text.find(b"~")
        if end >= 0:
            text = text[:end]
        cut = len(text) if end >= 0 else _A85_GROUPS.match(text).end()
        try:
            yield base64.a85decode(text[:cut])
        except ValueError:
            return
        if end >= 0:
            return
        carry = text[cut:]
    if carry:
        try:
            yield base64.a85decode(carry)
        except ValueError:
            return


def _run_length(pieces: Iterable[bytes], _parameter: dict) -> Iterator[bytes]:
    carry = b""
    for piece in pieces:
        data = carry + piece
        out = bytearray()
        at = 0
        while at < len(data):
            length = data[at]
            if length == 128:
                yield bytes(out)
                return
            need = length + 2 if length < 128 else 2
            if at + need > len(data):
                break
            out += data[at + 1:at + need] if length < 128 else data[at + 1:at + 2] * (257 - length)
            at += need
            if len(out) >= PIECE:
                yield bytes(out)
                out = bytearray()
        carry = data[at:]
        yield bytes(out)


def _lzw(pieces: Iterable[bytes], parameter: dict) -> Iterator[bytes]:
    early = 1 if parameter.get("/EarlyChange", 1) else 0
    table = [bytes([n]) for n in range(256)] + [b"", b""]
    width, previous, buffer, bits = 9, b"", 0, 0
    for piece in pieces:
        out = bytearray()
        for byte in piece:
            buffer, bits = (buffer << 8) | byte, bits + 8
            while bits >= width:
                bits -= width
                code = (buffer >> bits) & ((1 << width) - 1)
                buffer &= (1 << bits) - 1
                if code == 256:  # clear the table
                    del table[258:]
                    width, previous = 9, b""
                    continue
                if code == 257:  # end of data
                    yield bytes(out)
                    return
                if code < len(table):
                    entry = table[code]
                elif code == len(table) and previous:
                    entry = previous + previous[:1]
                else:  # damaged data
                    yield bytes(out)
                    return
                out += entry
                if previous and len(table) < 4096:
                    table.append(previous + entry[:1])
                previous = entry
                if len(table) + early >= 1 << width and width < 12:
                    width += 1
                if len(out) >= PIECE:
                    yield bytes(out)
                    out = bytearray()
        yield bytes(out)


_STEPS = {"/FlateDecode": _flate, "/Fl": _flate, "/ASCIIHexDecode": _ascii_hex, "/AHx": _ascii_hex,
          "/ASCII85Decode": _ascii85, "/A85": _ascii85, "/RunLengthDecode": _run_length, "/RL": _run_length,
          "/LZWDecode": _lzw, "/LZW": _lzw}


def _declared(image: dict) -> int:
    """Width × height × components at the bit depth the image dictionary declares."""
    width, height = _whole(image.get("/Width")), _whole(image.get("/Height"))
    bits = _whole(image.get("/BitsPerComponent", 8)) or 8
    components = _whole(image.get("components", 4)) or 4
    return (width * components * bits + 7) // 8 * height


def _whole(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return max(number, 0)


def _codec_size(name: str, pieces: Iterable[bytes], image: dict | None) -> int:
    """A JPEG's or JPEG 2000's size from its own header (whatever the dictionary says); the pieces
    before the codec are drained, so that the steps before it are counted."""
    head = bytearray()
    for piece in pieces:
        if len(head) < HEADER_BYTES:
            head += piece[:HEADER_BYTES - len(head)]
    if name not in ("/DCTDecode", "/DCT", "/JPXDecode"):
        return 0
    try:
        with warnings.catch_warnings():  # a size over Pillow's warning threshold is measured here, not logged
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(bytes(head))) as header:
                return header.width * header.height * len(header.getbands())
    except Image.DecompressionBombError:
        raise OverBudget from None
    except Exception:  # a header Pillow cannot read: the dictionary's size stands
        return _declared(image) if image else 0


def image_components(color_space) -> int:
    """Colour components of a PDF colour space (a name or an array such as [/ICCBased 7 0 R])."""
    if isinstance(color_space, str):
        return COMPONENTS.get(color_space, 4)
    try:
        family = str(color_space[0])
        if family == "/ICCBased":
            return _whole(color_space[1].get_object().get("/N", 4)) or 4
        if family == "/DeviceN":
            return len(color_space[1]) or 4
        return COMPONENTS.get(family, 4)
    except (TypeError, IndexError, AttributeError, KeyError):
        return 4
