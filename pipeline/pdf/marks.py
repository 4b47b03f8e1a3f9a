"""Names of the bookmarks that composing places and assembling finds again in the PDF.

A chunk holds numbered sets (each case's lender set and borrower's set); `unit` is a set's index in
the chunk, `document` a document's index in its set. Letters and digits only: LibreOffice escapes
other characters in PDF destination names.
"""


def document_mark(unit: int, document: int) -> str:
    """Where a document starts."""
    return f"u{unit}d{document}"


def scans_mark(unit: int, document: int) -> str:
    """The first of the blank pages added after a document for the evidence scans."""
    return f"u{unit}s{document}"


def end_mark(unit: int) -> str:
    """The last paragraph of a set: its page is the set's last page (the footer's page total)."""
    return f"u{unit}end"
