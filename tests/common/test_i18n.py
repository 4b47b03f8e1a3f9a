"""Messages in English with --lang en: every marked message translated, placeholders intact."""

from __future__ import annotations

import gettext
import string

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import DATA, ROOT
from e2e import read_report, run_cli

from pipeline.common.i18n import DOMAIN
from pipeline.common.resources import shipped_path

PO = shipped_path("locale") / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog():
    with PO.open("rb") as handle:
        return read_po(handle)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_every_marked_message_has_an_english_translation():
    marked = {message for _, _, message, _, _ in extract_from_dir(ROOT / "pipeline", keywords={"_": None, "N_": None})}
    translated = {m.id: m.string for m in catalog() if m.id}
    missing = sorted(m for m in marked if not translated.get(m))
    assert missing == [], "run `make messages` and translate: " + " | ".join(missing)


def test_every_column_description_quoted_in_messages_is_translated():
    from pipeline.contract import default_contract

    translated = {m.id: m.string for m in catalog() if m.id}
    missing = [c.description for c in default_contract().columns.values() if not translated.get(c.description)]
    assert missing == [], "run `make messages` and translate: " + " | ".join(missing)


def test_translations_keep_the_placeholders():
    messages = [m for m in catalog() if m.id]
    assert len(messages) > 500, len(messages)  # the catalog was read: an empty one would pass the loop
    with_placeholders = [m for m in messages if placeholders(m.id)]
    assert len(with_placeholders) > 100
    for message in messages:
        assert placeholders(message.string) == placeholders(message.id), message.id


def test_the_compiled_catalog_matches_the_po_file():
    compiled = gettext.translation(DOMAIN, localedir=shipped_path("locale"), languages=["en"])
    messages = [m for m in catalog() if m.id]
    assert len(messages) > 500, len(messages)
    for message in messages:
        assert compiled.gettext(message.id) == message.string, "run `make messages`: " + message.id


def test_lang_en_gives_english_terminal_and_report(tmp_path):
    shown = run_cli("validate", str(DATA / "cases.csv"), "--date", "2026-11-24", "--lang", "en")
    assert "4 rows: 3 ok, 1 invalid, 0 failed" in shown.stdout
    assert "cases.csv row 5 E2E-004 [invalid]" in shown.stderr
    assert '"身份证号" "330106********1232": wrong check digit' in shown.stderr
    assert "is too short: at least 10 characters, it has 3" in shown.stderr
    out = tmp_path / "out"
    built = run_cli("build", str(DATA / "cases.csv"), "--out", str(out), "--date", "2026-11-24", "--lang", "en")
    assert built.returncode == 1 and "Report:" in built.stdout
    assert "invalid" in {r["status"] for r in read_report(out)}


def test_chinese_is_the_default():
    shown = run_cli("validate", str(DATA / "cases.csv"), "--date", "2026-11-24")
    assert "共4行：成功3，无效1，失败0" in shown.stdout
