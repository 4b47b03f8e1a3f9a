"""Words for caseworkers, not for whoever runs the server: a row's message that tells the reader to
edit a server file (`schemas/lenders.yaml`) is shown with "ask the administrator" instead, and the
exact fix goes to server.log for the administrator (`administrator_fixes`)."""

from __future__ import annotations

from pipeline.common.i18n import N_
from pipeline.contract.validator import LENDER_LIST_HINT
from pipeline.serve.translations import Translate, translator

# An operator's fix, as a message says it → what a caseworker is told instead.
INSTEAD = {LENDER_LIST_HINT: N_("其他机构如需新增，请联系管理员")}


def _spellings(msgid: str) -> set[str]:
    """The hint as any batch may have been written: messages are in their batch owner's language."""
    return {translator(language)(msgid) for language in ("zh", "en")}


def for_caseworkers(text: str, _: Translate) -> str:
    for hint, plain in INSTEAD.items():
        for spelling in _spellings(hint):
            text = text.replace(spelling, _(plain))
    return text


def administrator_fixes(text: str) -> list[str]:
    """The operator's fixes a message names (for server.log, in Chinese)."""
    return [hint for hint in INSTEAD if any(spelling in text for spelling in _spellings(hint))]
