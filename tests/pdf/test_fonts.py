"""Characters beyond the Noto CJK faces still print: rare CJK (Extension B) and emoji."""

from __future__ import annotations

import pytest
from conftest import ROOT as PROJECT_ROOT
from e2e import fonts, pdf_text, run_cli

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

CORPUS = PROJECT_ROOT / "tests" / "corpus" / "cells_ok.csv"


def test_rare_characters_and_emoji_are_drawn_with_fonts_that_have_them(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", str(CORPUS), "--out", str(out), "--date", "2026-11-24", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    packet = out / "OK-RARE" / "packet.pdf"
    text = pdf_text(packet)
    assert "王𠀀𡃁" in text and "😀" in text
    names = [f["name"] for f in fonts(packet)]
    assert any("HanaMin" in name for name in names), names  # 𠀀 (U+20000) is not in Noto CJK
    assert any("NotoColorEmoji" in name for name in names), names
    assert all(f["emb"] == "yes" for f in fonts(packet))
