"""A template set made into documents of one package, once, when it is loaded.

A chunk is its documents' bodies laid one after another in one copy of a package (pdf/compose.py),
which needs every template to share that package: the same styles, numbering, pictures, page headers
and settings, differing only in their text. The shipped templates are made that way. A template
edited in Word comes back with styles and settings of its own; here, once per run, docxcompose
copies what each template uses (styles by name, numbering, pictures, its page header and footer)
into the package of the first, and each template becomes that package with its own body. What
cannot be put together that way (more than one section, footnotes, comments, embedded objects,
charts) is refused, with a message `packets templates check` prints too.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import deepcopy

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docxcompose.composer import Composer
from docxcompose.image import ImageWrapper

from pipeline.common.errors import UserProblem
from pipeline.common.i18n import _

# Parts that may differ between templates of one package: the text, its footer, its properties.
OWN_PARTS = re.compile(r"word/document\.xml|word/footer\d+\.xml|docProps/(core|app)\.xml")
# What a template may not hold at all: nothing puts it together with other documents.
REFUSED_PARTS = {
    re.compile(r"word/footnotes\.xml"): lambda: _("模板含有脚注，无法与其他文书合并打印，请删除脚注后再用"),
    re.compile(r"word/endnotes\.xml"): lambda: _("模板含有尾注，无法与其他文书合并打印，请删除尾注后再用"),
    re.compile(r"word/comments\.xml"): lambda: _("模板含有批注，无法与其他文书合并打印，请删除批注后再用"),
    re.compile(r"word/(embeddings|diagrams|charts)/.*"): lambda: _(
        "模板含有嵌入的对象、图表或 SmartArt，无法与其他文书合并打印，请删除后再用"),
}
_EMPTY_NOTES = re.compile(rb"<w:(footnote|endnote) [^>]*w:type=\"(separator|continuationSeparator|continuationNotice)\"")


class TemplatesRefused(UserProblem, ValueError):
    """A template set that cannot be put together into one package; `problems` in words for staff."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{name}: {text}" for name, text in problems))
        self.problems = problems  # (document name, what is wrong)


def refusals(name: str, blob: bytes) -> list[str]:
    """What in one template cannot be put together with other documents (empty when nothing)."""
    problems = []
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as package:
            names = package.namelist()
            for pattern, message in REFUSED_PARTS.items():
                # Word writes footnotes.xml with its separator notes even when a document has no footnote.
                found = [n for n in names if pattern.fullmatch(n)
                         and not (n.endswith("notes.xml") and _only_separators(package.read(n)))]
                if found:
                    problems.append(message())
            document = package.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [_("不是有效的 Word（.docx）文件")]
    if _sections(document) > 1:
        problems.append(_("模板含有分节符（{count}节），每份文书只能有一节，请删除分节符").format(count=_sections(document)))
    return list(dict.fromkeys(problems))


def _only_separators(xml: bytes) -> bool:
    return len(re.findall(rb"<w:(?:footnote|endnote)[ >]", xml)) == len(_EMPTY_NOTES.findall(xml))


def _sections(document: bytes) -> int:
    return 1 + len(re.findall(rb"<w:pPr>(?:(?!</w:pPr>).)*?<w:sectPr", document, re.DOTALL))


def share_one_package(blobs: dict[str, bytes]) -> bool:
    """Whether the templates differ only in their text (the parts OWN_PARTS names)."""
    contents: dict[str, bytes] | None = None
    for blob in blobs.values():
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as package:
                shared = {n: package.read(n) for n in package.namelist() if not OWN_PARTS.fullmatch(n)}
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        if contents is None:
            contents = shared
        elif shared != contents:
            return False
    return contents is not None


def one_package(blobs: dict[str, bytes]) -> dict[str, bytes]:
    """The templates as documents of one package (see the module's docstring); TemplatesRefused
    names what cannot be."""
    problems = [(name, text) for name, blob in blobs.items() for text in refusals(name, blob)]
    if problems:
        raise TemplatesRefused(problems)
    if share_one_package(blobs):
        return blobs
    names = list(blobs)
    master = Document(io.BytesIO(blobs[names[0]]))
    body = master.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    composer = Composer(master)
    pieces: dict[str, tuple[list, object]] = {}
    for name in names:
        document = Document(io.BytesIO(blobs[name]))
        section = deepcopy(document.element.body.sectPr)
        if name != names[0]:  # the first template's header and footer are the package's already
            _bring_headers_and_footers(composer, document, section)
        start = len(body) - 1
        composer.append(document)
        pieces[name] = (list(body)[start:len(body) - 1], section)
    result = {}
    for name in names:
        elements, section = pieces[name]
        for element in list(body):
            body.remove(element)
        for element in elements:
            body.append(deepcopy(element))
        body.append(deepcopy(section))
        buffer = io.BytesIO()
        master.save(buffer)
        result[name] = _with_own_properties(buffer.getvalue(), blobs[name])
    if not share_one_package(result):  # a bug: every part but the text comes from one package
        raise AssertionError("reconciled templates do not share one package")
    return result


def _bring_headers_and_footers(composer: Composer, document, section) -> None:
    """The template's page header and footer parts, copied into the package (pictures too), and its
    section pointed at them."""
    package = composer.doc.part.package
    for tag, name, reltype in (("w:headerReference", "/word/header%d.xml", RT.HEADER),
                               ("w:footerReference", "/word/footer%d.xml", RT.FOOTER)):
        for reference in section.findall(qn(tag)):
            source = document.part.rels[reference.get(qn("r:id"))].target_part
            part = XmlPart.load(package.next_partname(name), source.content_type, source.blob, package)
            for relationship in source.rels.values():  # under the same ids: the part's XML names them
                if relationship.is_external:
                    part.rels.add_relationship(relationship.reltype, relationship.target_ref, relationship.rId,
                                               is_external=True)
                elif relationship.reltype == RT.IMAGE:
                    image = package.image_parts._get_by_sha1(relationship.target_part.sha1) or \
                        package.image_parts._add_image_part(ImageWrapper(relationship.target_part))
                    part.rels.add_relationship(RT.IMAGE, image, relationship.rId)
            reference.set(qn("r:id"), composer.doc.part.relate_to(part, reltype))


def _with_own_properties(reconciled: bytes, original: bytes) -> bytes:
    """The reconciled template with its own document properties (a templated title, say)."""
    with zipfile.ZipFile(io.BytesIO(original)) as source:
        own = {n: source.read(n) for n in source.namelist() if n == "docProps/core.xml"}
    if not own:
        return reconciled
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(reconciled)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, own.get(info.filename) or source.read(info))
        for name in own.keys() - set(source.namelist()):
            target.writestr(name, own[name])
    return buffer.getvalue()
