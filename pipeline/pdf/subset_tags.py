"""One subset tag per font program in every PDF we write.

An embedded subset font is named TAG+Name, TAG six capital letters (ISO 32000-1, 9.6.4); distinct
subsets in one file must have distinct tags. LibreOffice names its subsets BAAAAA+, CAAAAA+… in every
export, so two chunks' packets in one print file, or a scan's own fonts beside ours, carry the same
name for different glyph sets, and a print-shop RIP that caches fonts by name prints wrong characters.
The tag here is taken from the font program's bytes: distinct programs get distinct tags, the same
program the same tag, and a rebuild the same names (the files stay deterministic).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pikepdf

_SUBSET = re.compile(r"^/[A-Z]{6}\+(.+)$")  # as str() gives a name: with its slash
_PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")


def unique_subset_tags(pdf: pikepdf.Pdf, taken: dict[str, bytes] | None = None) -> None:
    """Rename every subset font of `pdf` (/BaseFont, its descriptor's /FontName, a composite font's
    descendant) with a tag made from its program. `taken` (tag → the digest of the program holding it)
    carries the tags of the PDFs written before this one into the same file (the print file)."""
    taken = {} if taken is None else taken
    for font in _fonts(pdf.objects):
        descriptor = _descriptor(font)
        if descriptor is None:
            continue
        program = next((descriptor[k] for k in _PROGRAMS if k in descriptor), None)
        if not isinstance(program, pikepdf.Stream) or not _SUBSET.match(str(font.get("/BaseFont", ""))):
            continue  # not embedded, or not a subset: the name is the font's own
        tag = _free_tag(hashlib.sha256(program.read_raw_bytes()).digest(), taken)
        named: list[pikepdf.Object] = [font, descriptor]
        if font.get("/Subtype") == "/Type0":
            named += list(_array(font, "/DescendantFonts"))
        for holder in named:
            for key in ("/BaseFont", "/FontName"):
                found = _SUBSET.match(str(holder.get(key, "")))
                if found:
                    holder[key] = pikepdf.Name(f"/{tag}+{found.group(1)}")


def _fonts(objects: Iterable[pikepdf.Object]) -> list[pikepdf.Dictionary]:
    """The font dictionaries, composite ones (Type0) rather than their descendants."""
    fonts = [o for o in objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]
    descendants = {d.objgen for f in fonts if f.get("/Subtype") == "/Type0" for d in _array(f, "/DescendantFonts")}
    return [f for f in fonts if f.objgen not in descendants]


def _descriptor(font: pikepdf.Dictionary) -> pikepdf.Object | None:
    if font.get("/Subtype") == "/Type0":
        descendants = _array(font, "/DescendantFonts")
        return descendants[0].get("/FontDescriptor") if descendants else None
    return font.get("/FontDescriptor")


def _array(holder: pikepdf.Object, key: str) -> list[pikepdf.Object]:
    value = holder.get(key)
    return list(value) if isinstance(value, pikepdf.Array) else []


def _free_tag(digest: bytes, taken: dict[str, bytes]) -> str:
    """Six letters from the digest; a tag another program already holds in the file moves it on."""
    for attempt in range(1000):
        value = int.from_bytes(hashlib.sha256(digest + attempt.to_bytes(2, "big")).digest()[:8], "big")
        tag = "".join(chr(ord("A") + (value // 26 ** k) % 26) for k in range(6))
        if taken.setdefault(tag, digest) == digest:
            return tag
    raise ValueError("no free subset tag")  # 26**6 tags: a bug, not a font
