"""What a value looks like when it leaves the documents (terminal, log, report.csv): personal
numbers masked, and characters that would act on a terminal or reorder text made visible."""

from __future__ import annotations

import re

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


# Resident ID numbers (17 digits and a check character) and mobile numbers (optionally +86, optionally
# grouped 3-4-4 with spaces or hyphens) as people type them into free text.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<![\d+])(\+?86[ -]?)?(1[3-9]\d(?:[ -]?\d{4}){2})(?!\d)")


def scrub(text: str) -> str:
    """Mask anything that looks like an ID or mobile number inside free text (messages, log lines)."""
    text = _ID_LIKE.sub(lambda m: mask_id_number(m.group()), text)
    return _PHONE_LIKE.sub(lambda m: (m.group(1) or "") + mask_phone(m.group(2)), text)


def for_terminal(text: str) -> str:
    """A line as it may reach a terminal or report.csv: numbers masked, controls visible."""
    return visible(scrub(text))
