"""The tagged structure of a file cut from a chunk: which elements of LibreOffice's tree belong to the
pages it takes, and the scans drawn onto its reserved pages as figures.

LibreOffice tags a chunk as one /Document whose children (a heading, a paragraph, a table…) each lie
within one document of one case, in reading order, each naming the page it starts on. A file takes
the children that start on its pages and the parent-tree entries of those pages (which element each
marked run of text on a page belongs to), under a /Document of its own. Copying is qpdf's: a child
whose /P is cut copies as its own subtree, and its /Pg references resolve to the pages the file has
already copied (one copier per pair of files). Nothing here reads page contents but a scan's drawing.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree, Page, Pdf, Rectangle


@dataclass
class Structure:
    """A tree read from, or being written into, `pdf`. `kids` are its /Document's children with the
    index of the page each starts on, in reading order; they carry no /P until `attach`."""

    pdf: Pdf
    kids: list[tuple[int, pikepdf.Object]]
    parents: dict[int, pikepdf.Object]  # parent-tree key → a page's elements by MCID
    role_map: pikepdf.Object | None
    next_key: int  # the first parent-tree key no page of the chunk uses


def read_structure(pdf: Pdf) -> Structure | None:
    """The tree of a converted chunk, its children cut loose from their /Document; None if untagged."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return None
    index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    kids: list[tuple[int, pikepdf.Object]] = []
    for document in _items(root.get("/K")):
        for kid in _items(document.get("/K")):
            if isinstance(kid, Dictionary) and "/Pg" in kid:
                del kid["/P"]  # copying the child copies its subtree, not the whole tree above it
                kids.append((index[kid.Pg.objgen], kid))
    parents = {int(key): value for key, value in NumberTree(root.ParentTree).items()} \
        if "/ParentTree" in root else {}
    next_key = int(root.get("/ParentTreeNextKey", max(parents, default=-1) + 1))
    return Structure(pdf, kids, parents, root.get("/RoleMap"), next_key)


def _items(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def take_structure(target: Pdf, source: Structure, position: dict[int, int]) -> Structure:
    """The part of `source` on the pages `target` took (source page index → target page index),
    copied into `target`. Call it once the pages are copied: the elements point to them."""
    kids = [(position[page], kid) for page, kid in source.kids if page in position]
    keys = sorted({int(page.obj.StructParents) for page in target.pages if "/StructParents" in page.obj}
                  & source.parents.keys())
    # One copy for all: the elements the children and the parent tree share stay one object each.
    items = [kid for _, kid in kids] + [source.parents[key] for key in keys]
    if source.role_map is not None:
        items.append(source.role_map)
    copied = list(target.copy_foreign(source.pdf.make_indirect(Array(items))))
    role_map = copied.pop() if source.role_map is not None else None
    return Structure(target, [(page, copied[n]) for n, (page, _) in enumerate(kids)],
                     dict(zip(keys, copied[len(kids):], strict=True)), role_map, source.next_key)


def unmark(scan: Page) -> None:
    """Take the scan's own tags off its page (a scan may be a tagged PDF): its marked runs would
    otherwise claim places in the parent tree of the page it is drawn on, inside the figure that
    stands for the whole scan. The runs stay, untagged; what they draw does not change."""
    if not any(b"/MCID" in stream.read_bytes() for stream in _items(scan.obj.get("/Contents"))):
        return  # a scanned image, as most are
    instructions = []
    for instruction in pikepdf.parse_content_stream(scan):
        if isinstance(instruction, pikepdf.ContentStreamInstruction) and str(instruction.operator) == "BDC" \
                and isinstance(instruction.operands[1], Dictionary) and "/MCID" in instruction.operands[1]:
            instruction = pikepdf.ContentStreamInstruction([instruction.operands[0]], pikepdf.Operator("BMC"))
        instructions.append(instruction)
    scan.contents_coalesce()
    scan.obj.Contents.write(pikepdf.unparse_content_stream(instructions))


def mark_figure(structure: Structure, page_index: int, alt: str, box: Rectangle) -> None:
    """Tag what was drawn last on the page (a scan, by add_overlay) as a figure with `alt` as its
    text, placed in reading order after what starts on the pages before it."""
    page = structure.pdf.pages[page_index]
    drawing = _items(page.obj.Contents)[-1]
    if "/StructParents" not in page.obj:
        page.obj.StructParents = structure.next_key
        structure.next_key += 1
    key = int(page.obj.StructParents)
    marks = structure.parents.setdefault(key, structure.pdf.make_indirect(Array()))
    mcid = len(marks)
    drawing.write(b"/Figure <</MCID %d>> BDC\n" % mcid + drawing.read_bytes() + b"\nEMC\n")
    figure = structure.pdf.make_indirect(Dictionary(
        Type=Name.StructElem, S=Name.Figure, Pg=page.obj, K=mcid, Alt=pikepdf.String(alt),
        A=Dictionary(O=Name.Layout, BBox=Array([box.llx, box.lly, box.urx, box.ury]))))
    marks.append(figure)
    at = bisect.bisect_right([start for start, _ in structure.kids], page_index)
    structure.kids.insert(at, (page_index, figure))


def attach(structure: Structure) -> None:
    """Make `structure` the tagged structure of its file (its language is set with the rest of the
    file's metadata, in assemble.py)."""
    pdf = structure.pdf
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                            K=Array([kid for _, kid in structure.kids])))
    for _, kid in structure.kids:
        kid.P = document
    numbers: list = []
    for key in sorted(structure.parents):
        numbers += [key, structure.parents[key]]
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=document, ParentTree=Dictionary(Nums=Array(numbers)),
                                        ParentTreeNextKey=max(structure.parents, default=-1) + 1))
    if structure.role_map is not None:
        root.RoleMap = structure.role_map
    document.P = root
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)

