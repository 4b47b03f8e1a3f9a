"""The language of terminal messages and report.csv: Chinese by default, English with `--lang en`.

Messages are written in Chinese in the code (the source language) and marked with `_()`; the
English catalog is `pipeline/locale/en/LC_MESSAGES/packets.po`, compiled to `.mo` by `make messages`
(Babel). The documents themselves are always Chinese. Worker processes get the language with
their chunk of work.
"""

from __future__ import annotations

import gettext

from pipeline.common.resources import shipped_path

DOMAIN = "packets"
LANGUAGES = ("zh", "en")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "zh"


def set_language(language: str) -> None:
    global _current, _language
    if language == _language:
        return
    if language == "zh":
        _current = gettext.NullTranslations()
    else:
        _current = gettext.translation(DOMAIN, localedir=shipped_path("locale"), languages=[language])
    _language = language


def language() -> str:
    return _language


def _(message: str) -> str:
    return _current.gettext(message)


def N_(message: str) -> str:
    """Marks a message for translation where it is defined; `_()` translates it where it is shown."""
    return message


def extract_schema(fileobj, keywords, comment_tags, options):
    """Babel extractor for schemas/case.yaml: the column descriptions that messages quote."""
    import yaml  # noqa: PLC0415 - only when extracting

    for rules in yaml.safe_load(fileobj).values():
        description = rules.get("meta", {}).get("description")
        if description:
            yield 0, None, description, []
