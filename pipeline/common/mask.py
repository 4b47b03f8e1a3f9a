"""What a value looks like when it leaves the documents (terminal, log, report.csv): personal
numbers masked, and characters that would act on a terminal or reorder text made visible."""

from __future__ import annotations

import re
import unicodedata

from pipeline.common.i18n import _


def mask_id_number(value: str) -> str:
    """Keep the first 6 and the last 4 characters: 330106********1234."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and the last 4 characters: 138****8000."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


SHOWN_VALUE_LIMIT = 40

# C0 controls and DEL as their control pictures (␀ ␛ ␇ …): a message stays one readable line and an
# escape sequence typed into a cell (ESC ] 0 ; … BEL retitles a terminal, ESC [ 2 J clears it) is
# printed, not obeyed.
_PICTURES = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421}
# Characters with no picture that act on a terminal or reorder the text around them: C1 controls
# (U+009B is a one-character CSI), the bidirectional marks, embeddings, overrides and isolates
# (U+202E makes "invoice\u202egpj.exe" read "invoiceexe.jpg"), line and paragraph separators, and
# lone surrogates (undecodable bytes, which a terminal cannot print at all).
_NAMED = re.compile("[\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def visible(text: str, keep_newlines: bool = False) -> str:
    """`text` with every control, bidi and separator character shown as a visible symbol or as
    <U+XXXX>; `keep_newlines` leaves line feeds alone (multi-line log records)."""
    pictures = _PICTURES if not keep_newlines else {k: v for k, v in _PICTURES.items() if k != 0x0A}
    text = text.translate(pictures)
    text = _NAMED.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
    return _SURROGATES.sub("\ufffd", text)


def shown(text: str, personal: str = "") -> str:
    """A cell's value as messages show it: masked when personal, numbers in free text masked,
    control characters visible, long text cut to its first 40 characters with the length."""
    if personal == "id":
        return visible(mask_id_number(text))
    if personal == "phone":
        return visible(mask_phone(text))
    masked = visible(scrub(text))  # before cutting: a cut must not leave half an ID number unmasked
    if len(masked) > SHOWN_VALUE_LIMIT:
        return masked[:SHOWN_VALUE_LIMIT] + _("…（共{length}个字符）").format(length=len(text))
    return masked


# Resident ID numbers (17 digits and a check character) and mobile numbers (optionally +86) as people
# type them into free text: in full-width digits (１３８…), grouped with spaces or hyphens
# (3301 0619 8604 1703 58, 330106-19860417-0358, 1380 0138 001), with invisible format characters
# (zero-width spaces, bidi marks) between the digits, an ID with letters after it. The patterns run on
# a copy folded character for character (full-width forms to ASCII, dashes and wide spaces to - and
# space, format characters to NUL, which the patterns skip), so that a match's span is the span of
# the original text; that span is masked as typed. More separators than a grouping has (dates in a
# row: 2026-11-24 2026-12-24…) is not a number.
_FOLD = {0xFF10 + n: ord("0") + n for n in range(10)} | {
    0xFF38: ord("X"), 0xFF58: ord("x"), 0xFF0B: ord("+"), 0xFF0D: ord("-"), 0xFE63: ord("-"),
    0x2010: ord("-"), 0x2011: ord("-"), 0x2012: ord("-"), 0x2013: ord("-"), 0x2014: ord("-"), 0x2212: ord("-"),
    0x3000: ord(" "), 0x00A0: ord(" "), 0x2002: ord(" "), 0x2003: ord(" "), 0x2009: ord(" "), 0x202F: ord(" "),
} | {code: 0 for code in (*range(0x10000), *range(0xE0000, 0xE0080)) if unicodedata.category(chr(code)) == "Cf"}
_GAP = r"\x00*[ -]?\x00*"  # between two digits: at most one separator, any format characters
_ID_LIKE = re.compile(rf"(?<![0-9A-Za-z])\d(?:{_GAP}\d){{16}}{_GAP}[0-9Xx](?!\x00*\d)")
_PHONE_LIKE = re.compile(rf"(?<![\d+])(\+?86{_GAP})?(1{_GAP}[3-9](?:{_GAP}\d){{9}})(?!\x00*\d)")
_ID_SEPARATORS, _PHONE_SEPARATORS = 4, 3  # 3301 0619 8604 1703 58; 1 380 0138 001


def scrub(text: str) -> str:
    """Mask anything that looks like an ID or mobile number inside free text (messages, log lines):
    the one place text leaving the documents is masked (`shown` and `for_terminal` call it)."""
    folded = text.translate(_FOLD)
    spans = []
    for match in _ID_LIKE.finditer(folded):
        if _separators(match.group()) <= _ID_SEPARATORS:
            spans.append((match.start(), match.end(), mask_id_number))
    for match in _PHONE_LIKE.finditer(folded):
        start, end = match.span(2)
        if _separators(match.group(2)) <= _PHONE_SEPARATORS and not any(a < end and start < b for a, b, _ in spans):
            spans.append((start, end, mask_phone))
    for start, end, mask in sorted(spans, reverse=True):
        text = text[:start] + mask(text[start:end]) + text[end:]
    return text


def _separators(folded: str) -> int:
    return folded.count(" ") + folded.count("-")


def for_terminal(text: str) -> str:
    """A line as it may reach a terminal or report.csv: numbers masked, controls visible."""
    return visible(scrub(text))
