"""Names of the bookmarks that composing places and assembling finds again in the PDF.

Letters and digits only: LibreOffice escapes other characters in PDF destination names.
"""


def document_mark(packet: int, document: int) -> str:
    """Where document `document` of packet `packet` (their indexes in the chunk) starts."""
    return f"pk{packet}doc{document}"


def end_mark(packet: int) -> str:
    """The last paragraph of a packet: its page is the packet's last page (the footer's page total)."""
    return f"pk{packet}end"
