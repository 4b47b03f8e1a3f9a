"""Check templates against the context: every name a template uses must be one the pipeline provides.

A misspelt variable would otherwise surface only when a case reaches the branch that uses it
(StrictUndefined makes that case fail), or never. This reads the Jinja source of each template,
follows loop variables back to the list they iterate, and looks every dotted name up in a context
built from the example row of the schema.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

import jinja2
from docx import Document
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import nodes

from pipeline.context import build_context
from pipeline.i18n import _
from pipeline.intake import RawRow
from pipeline.plan import plan_repayment
from pipeline.render import DOCUMENTS, TemplateSet
from pipeline.schema import Contract
from pipeline.validate import BatchValidator

ELEMENT = "[]"  # path step for "an element of this list"
Path = tuple[str, ...]


@dataclass(frozen=True)
class UnknownName:
    template: str
    name: str  # as resolved, e.g. evidence.rows[].lable
    suggestion: str  # closest provided name, '' when none is close

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


def used_names(source: str) -> set[Path]:
    found: set[Path] = set()
    _visit(jinja2.Environment().parse(source), {}, found)
    return found


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


def unknown_names(source: str, template: str, context: dict) -> list[UnknownName]:
    problems = []
    for path in sorted(used_names(source)):
        depth, available = _lookup(path, context)
        if depth == len(path):
            continue
        close = difflib.get_close_matches(path[depth], available, n=1, cutoff=0.6)
        suggestion = _display(path[:depth] + (close[0],)) if close else ""
        problems.append(UnknownName(template, _display(path[: depth + 1]), suggestion))
    return problems


def check_templates(templates: TemplateSet, context: dict) -> list[UnknownName]:
    problems = []
    for kind in DOCUMENTS:
        source = template_source(templates.open(kind.name))
        problems += unknown_names(source, templates.paths[kind.name].name, context)
    return problems


def example_context(contract: Contract, packet_date: date) -> dict:
    """The context of the schema's example row, run through the same stages as any input row."""
    headers = {key: column.header for key, column in contract.columns.items()}
    cells = {key: column.example for key, column in contract.columns.items() if column.example}
    validated = BatchValidator(contract, packet_date).validate(RawRow("example", 2, cells, headers))
    if validated.case is None:
        raise ValueError("; ".join(e.message for e in validated.errors))
    planned = plan_repayment(validated.case, packet_date, headers)
    return build_context(validated.case, planned.plan, contract)
