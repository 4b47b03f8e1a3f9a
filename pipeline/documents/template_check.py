"""Check templates against the context before a run: every name a template uses must be one the
pipeline provides, and a template may only read the context — never reach past it.

A misspelt variable would otherwise surface only when a case reaches the branch that uses it
(StrictUndefined makes that case fail), or never. This reads the Jinja source of each template,
follows loop variables back to the list they iterate, and looks every dotted name up in a context
built from the example row of the schema. Attribute access on anything that is not the context
(`''.__class__…`), names starting with `_`, method calls other than `items/keys/values` and the
`attr` filter are errors: rendering runs in Jinja's sandbox anyway, and templates are data. So is
what cannot be put together with the other documents (documents/reconcile.py). It also says what of
a template's page layout the packet does not use (its footer), and which outside addresses its text
links to. `packets build` refuses a set with any error before it reads a row.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from datetime import date

import jinja2
from docx import Document
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import nodes

from pipeline.common.i18n import _
from pipeline.contract import BatchValidator, Contract
from pipeline.documents.kinds import DOCUMENTS, PacketSet
from pipeline.documents.packet import packet_sets
from pipeline.documents.reconcile import refusals
from pipeline.documents.render import TemplateSet, hyperlink_targets
from pipeline.intake.rows import RawRow
from pipeline.plan import plan_case

ELEMENT = "[]"  # path step for "an element of this list"
Path = tuple[str, ...]


@dataclass(frozen=True)
class UnknownName:
    template: str
    name: str  # as resolved, e.g. evidence.rows[].lable
    suggestion: str  # closest provided name, '' when none is close
    is_error = True

    def message(self) -> str:
        hint = _("，是否应为 {name}？").format(name=self.suggestion) if self.suggestion else ""
        return _("{template}：未提供的变量 {name}").format(template=self.template, name=self.name) + hint


def template_source(blob) -> str:
    """The Jinja source docxtpl renders: the body plus headers and footers, tags already patched."""
    template = DocxTemplate(blob)
    document = Document(blob)
    source = template.patch_xml(template.xml_to_string(document._element.body))
    for rel in document.part.rels.values():
        if rel.reltype in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI) and rel.target_part.blob:
            source += template.patch_xml(template.xml_to_string(parse_xml(rel.target_part.blob)))
    return source


@dataclass(frozen=True)
class TemplateNote:
    """A problem that is not an unknown name: unsafe access (an error) or a layout note (not one)."""

    template: str
    text: str
    is_error: bool

    def message(self) -> str:
        return _("{template}：{text}").format(template=self.template, text=self.text)


SAFE_METHODS = {"items", "keys", "values"}


def used_names(source: str) -> set[Path]:
    found: set[Path] = set()
    _visit(jinja2.Environment().parse(source), {}, found)
    return found


def unsafe_accesses(source: str) -> list[str]:
    """What in a template reaches beyond reading the context, in words for the user."""
    problems: list[str] = []
    for node in jinja2.Environment().parse(source).find_all((nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            if node.attr.startswith("_"):
                problems.append(_("使用了以下划线开头的属性 {name}（不允许）").format(name=node.attr))
            elif not _rooted(node.node):
                problems.append(_("读取了上下文以外的值的属性 {name}（模板只能读取程序提供的变量）").format(name=node.attr))
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
                problems.append(_("使用了以下划线开头的属性 {name}（不允许）").format(name=node.arg.value))
        elif isinstance(node, nodes.Call):
            method = node.node.attr if isinstance(node.node, nodes.Getattr) else None
            if method is not None and method not in SAFE_METHODS:
                problems.append(_("调用了方法 {name}()（模板中只允许 items()、keys()、values()）").format(name=method))
        elif isinstance(node, nodes.Filter) and node.name == "attr":
            problems.append(_("使用了 attr 过滤器（不允许：它能读取任意属性）"))
    return list(dict.fromkeys(problems))


def _rooted(node: nodes.Node) -> bool:
    """True when `node` is a name or a chain of attributes/items starting at a name."""
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        node = node.node
    return isinstance(node, nodes.Name)


def layout_notes(blob) -> list[str]:
    """What of the template's page layout will not appear as it is in the packet."""
    document = Document(blob)
    notes = []
    section = document.sections[-1]
    footer = "".join(p.text for p in section.footer.paragraphs)
    own = re.sub(r"\{\{\s*case_id\s*\}\}|案件编号|[第页共/：:\s\d]", "", footer)
    if own or section.footer.tables:  # anything beyond the case id and page numbers the packet prints anyway
        notes.append(_("模板中的页脚不会出现在PDF中：每页页脚由程序统一生成（案件编号和页码）"))
    if section.different_first_page_header_footer or document.settings.odd_and_even_pages_header_footer:
        notes.append(_("模板设置了“首页不同”或“奇偶页不同”的页眉，PDF中每页都使用普通页眉"))
    return notes


def _path(node: nodes.Node, scope: dict[str, Path | None]) -> Path | None:
    if isinstance(node, nodes.Name):
        return scope[node.name] if node.name in scope else (node.name,)
    if isinstance(node, nodes.Getattr):
        base = _path(node.node, scope)
        return base + (node.attr,) if base is not None else None
    if isinstance(node, nodes.Getitem):
        base = _path(node.node, scope)
        if base is None:
            return None
        if isinstance(node.arg, nodes.Slice):  # `plan.schedule[:-3]` is still the list
            return base
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return base + (node.arg.value,)
        return base + (ELEMENT,)
    return None


def _visit(node: nodes.Node, scope: dict[str, Path | None], found: set[Path]) -> None:
    if isinstance(node, nodes.For):
        _visit(node.iter, scope, found)
        source = _path(node.iter, scope)
        inner = dict(scope, loop=None)
        if isinstance(node.target, nodes.Name):
            inner[node.target.name] = source + (ELEMENT,) if source is not None else None
        else:  # `for a, b in …`: unpacked elements are not followed
            inner.update((name.name, None) for name in node.target.find_all(nodes.Name))
        for child in [*node.body, *node.else_, *([node.test] if node.test else [])]:
            _visit(child, inner, found)
        return
    if isinstance(node, nodes.Assign):
        _visit(node.node, scope, found)
        if isinstance(node.target, nodes.Name):
            scope[node.target.name] = _path(node.node, scope)
        else:
            scope.update((name.name, None) for name in node.target.find_all(nodes.Name))
        return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        # `x.items()`: a method of the value, check only the value
        _visit(node.node.node, scope, found)
        for child in [*node.args, *node.kwargs]:
            _visit(child, scope, found)
        return
    if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
        path = _path(node, scope)
        if path is not None:
            found.add(path)
            if isinstance(node, nodes.Getitem):
                _visit(node.arg, scope, found)
            return
    for child in node.iter_child_nodes():
        _visit(child, scope, found)


def _lookup(path: Path, context: dict) -> tuple[int, list[str]]:
    """How many steps of `path` resolve, and the names available where it stops."""
    values = [context]
    for depth, step in enumerate(path):
        if step == ELEMENT:
            values = [item for v in values if isinstance(v, list | tuple) for item in v]
            if not values:
                return depth, []
            continue
        dicts = [v for v in values if isinstance(v, dict)]
        if not dicts:
            return (depth + 1, []) if all(hasattr(v, step) for v in values) else (depth, [])
        if not all(step in d for d in dicts):
            return depth, sorted({k for d in dicts for k in d})
        values = [d[step] for d in dicts]
    return len(path), []


def _display(path: Path) -> str:
    return ".".join(path).replace("." + ELEMENT, ELEMENT)


JINJA_GLOBALS = frozenset(jinja2.Environment().globals)  # range, namespace, cycler…: Jinja's own


def unknown_names(source: str, template: str, context: dict) -> list[UnknownName]:
    problems = []
    for path in sorted(used_names(source)):
        if path[0] in JINJA_GLOBALS and path[0] not in context:
            continue
        depth, available = _lookup(path, context)
        if depth == len(path):
            continue
        close = difflib.get_close_matches(path[depth], available, n=1, cutoff=0.6)
        suggestion = _display(path[:depth] + (close[0],)) if close else ""
        problems.append(UnknownName(template, _display(path[: depth + 1]), suggestion))
    return problems


def check_templates(blobs: dict[str, bytes], sets: tuple[PacketSet, ...],
                    only: set[str] | None = None) -> list[UnknownName | TemplateNote]:
    """Unknown names, unsafe access and what cannot be put together (errors), layout and link notes,
    for every template of `blobs` (document name → .docx bytes; `only`: just these), each read against
    the context of the set it belongs to — or of a set of its kind where the example's sets leave it out
    (the financial statement and the overview of all debts are only in a client's with several debts;
    every context has the names they read)."""
    contexts = {name: packet_set.context for packet_set in reversed(sets) for name in packet_set.documents}
    of_kind = {packet_set.kind: packet_set.context for packet_set in reversed(sets)}
    contexts.update({kind.name: of_kind[kind.set] for kind in DOCUMENTS if kind.name not in contexts and kind.set in of_kind})
    problems: list[UnknownName | TemplateNote] = []
    for kind in DOCUMENTS:
        if only is not None and kind.name not in only:
            continue
        name = f"{kind.name}.docx"
        blob = blobs[kind.name]
        refused = refusals(name, blob)
        problems += [TemplateNote(name, text, True) for text in refused]
        if refused and not _is_docx(blob):
            continue
        source = template_source(io.BytesIO(blob))
        problems += [TemplateNote(name, text, True) for text in unsafe_accesses(source)]
        problems += unknown_names(source, name, contexts.get(kind.name, {}))
        problems += [TemplateNote(name, text, False) for text in layout_notes(io.BytesIO(blob))]
        problems += [TemplateNote(name, _("文中的链接指向外部地址 {target}（只在读者点击时打开）").format(target=target), False)
                     for target in hyperlink_targets(blob)]
    return problems


def _is_docx(blob: bytes) -> bool:
    try:
        Document(io.BytesIO(blob))
    except Exception:
        return False
    return True


def refuse_unsafe_templates(templates: TemplateSet, sets: tuple[PacketSet, ...]) -> list[str]:
    """What makes a staff template set unusable, in words for the user (empty when nothing): what
    `packets build` checks before it reads a row."""
    if not templates.custom:
        return []
    found = check_templates(templates.originals, sets, only=set(templates.custom))
    return [finding.message() for finding in found if finding.is_error]


def example_sets(contract: Contract, packet_date: date) -> tuple[PacketSet, ...]:
    """The packet of the schema's example row, run through the same stages as any input row."""
    headers = {key: column.header for key, column in contract.columns.items()}
    cells = {key: column.example for key, column in contract.columns.items() if column.example}
    validated = BatchValidator(contract, packet_date).validate(RawRow("example", 2, cells, headers))
    if validated.case is None:
        raise ValueError("; ".join(e.message for e in validated.problems))
    planned = plan_case(validated.case, packet_date)
    return packet_sets(validated.case, planned.plan, contract)
