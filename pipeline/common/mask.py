"""Masking of personal numbers wherever they leave the documents (terminal, log, report)."""

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
# Control characters shown as visible symbols (␀ ␋ ␊ …) so that a message stays one readable line.
_CONTROLS = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421}


def shown(text: str, personal: str = "") -> str:
    """A cell's value as messages show it: masked when personal, control characters visible,
    long text cut to its first 40 characters with the length."""
    if personal == "id":
        return mask_id_number(text)
    if personal == "phone":
        return mask_phone(text)
    visible = text.translate(_CONTROLS)
    if len(visible) > SHOWN_VALUE_LIMIT:
        return visible[:SHOWN_VALUE_LIMIT] + _("…（共{length}个字符）").format(length=len(text))
    return visible


_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text: str) -> str:
    """Mask anything that looks like an ID or mobile number inside free text (log lines)."""
    text = _ID_LIKE.sub(lambda m: mask_id_number(m.group()), text)
    return _PHONE_LIKE.sub(lambda m: mask_phone(m.group()), text)
