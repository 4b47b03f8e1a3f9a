"""Text for a PDF's outline and document information — what a viewer shows in its side panel and in
the file's properties, where a character must not act: format characters (Unicode category Cf: the
bidi overrides, embeddings and isolates — U+202E makes "invoice\u202egpj.exe" read "invoiceexe.jpg" —,
zero-width characters, soft hyphens) are dropped, and control characters become spaces."""

from __future__ import annotations

import unicodedata


def outline_text(text: str) -> str:
    kept = (" " if unicodedata.category(c) == "Cc" else c for c in text if unicodedata.category(c) != "Cf")
    return "".join(kept)
