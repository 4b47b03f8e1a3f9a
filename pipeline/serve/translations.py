"""Pages and API messages in the reader's language — Chinese unless they chose English — from the
same gettext catalogs as the terminal (pipeline/locale). The command line has one language per run
(`pipeline.common.i18n`); a server answers many people at once, so each request gets its own
translator instead of switching the process-wide one.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable

from pipeline.common.i18n import DOMAIN, LANGUAGES
from pipeline.common.resources import shipped_path

DEFAULT = "zh"
Translate = Callable[[str], str]


@functools.cache
def _catalog(language: str) -> gettext.NullTranslations:
    if language == DEFAULT:
        return gettext.NullTranslations()  # the messages are written in Chinese
    return gettext.translation(DOMAIN, localedir=shipped_path("locale"), languages=[language])


def translator(language: str) -> Translate:
    return _catalog(language if language in LANGUAGES else DEFAULT).gettext


def chosen(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT
