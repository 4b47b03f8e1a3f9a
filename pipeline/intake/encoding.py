"""Which text encoding a CSV file is in: UTF-8 (with or without BOM), GB18030/GBK, or UTF-16.

Bytes that do not decode are kept (as lone surrogates, see `BROKEN`) so that the one broken cell
can be named instead of the whole file being refused.
"""

from __future__ import annotations

import codecs

from pipeline.common.errors import RunError
from pipeline.common.i18n import _

BROKEN = "packets-broken-bytes"


def _broken_bytes(error: UnicodeError) -> tuple[str, int]:
    """Like surrogateescape, but for every byte (a broken UTF-16 pair may hold bytes < 0x80)."""
    assert isinstance(error, UnicodeDecodeError)  # registered for decoding only
    bad = error.object[error.start:error.end]
    return "".join(chr(0xDC00 + b) if b >= 0x80 else "\udc80" for b in bad), error.end


codecs.register_error(BROKEN, _broken_bytes)


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(b"PK\x03\x04"):
        raise RunError(_("不是CSV文本文件，而是Excel工作簿（.xlsx）或其他压缩的二进制文件；Excel工作簿请把文件扩展名改为 .xlsx 后直接使用，或在Excel中“另存为”CSV UTF-8（逗号分隔）"))
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise RunError(_("不是CSV文本文件，而是旧版Excel工作簿（.xls，二进制文件）；请在Excel中“另存为”Excel工作簿（.xlsx）或CSV UTF-8（逗号分隔）后再运行"))
    nuls = sample.count(b"\x00")
    if nuls:
        # UTF-16 without a byte-order mark: text with a NUL in every other byte.
        even, odd = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if zeros * 20 >= len(sample) and others * 10 <= zeros and _decode_errors(sample, encoding) == 0 \
                    and _is_text(sample, encoding):
                return encoding
        if nuls > max(2, len(sample) // 100):
            raise RunError(_("不是文本格式的CSV文件（含有二进制内容）"))
    # Chinese UTF-8 often also decodes as GB18030, so UTF-8 wins unless it is broken often;
    # a file with one broken byte sequence still has its one encoding.
    non_ascii = sum(1 for b in sample if b >= 0x80)
    utf8_errors = _decode_errors(sample, "utf-8")
    encoding = "utf-8" if utf8_errors * 20 <= non_ascii else "gb18030"
    if not _is_text(sample, encoding):
        raise RunError(_("不是文本格式的CSV文件（大部分内容无法识别为文字）"))
    return encoding


def _is_text(sample: bytes, encoding: str) -> bool:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    unreadable = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\r\n"))
    return unreadable <= max(2, len(text) // 20)


def _decode_errors(sample: bytes, encoding: str) -> int:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(sample, final=False)
    return text.count("\ufffd")
