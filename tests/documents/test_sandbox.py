"""Templates get data, never objects (issue 20, finding 2): the sandbox itself refuses every attribute
and method beyond reading the context — whatever `templates check` said — and the logo reaches a
template as prepared text, not as docxtpl's InlineImage (whose `.tpl` is the running DocxTemplate).
Rendering has a time limit (finding 3)."""

from __future__ import annotations

import io
import threading
import time

import jinja2
import pytest
from conftest import PACKET_DATE, ROOT, make_case
from docx import Document
from markupsafe import Markup

from pipeline.contract import default_contract
from pipeline.documents.organisation import Organisation
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import TemplateEnvironment, TemplateSet
from pipeline.documents.time_limit import RenderTimeout, time_limit
from pipeline.plan import plan_case

LOGO = (ROOT / "samples" / "organisation-logo.png").read_bytes()


def _context(logo: bool = False) -> dict:
    case = make_case()
    organisation = Organisation(name="示例法律援助中心", logo=LOGO if logo else b"")
    return packet_sets(case, plan_case(case, PACKET_DATE).plan, default_contract(), organisation)[0].context


def _render(source: str, context: dict) -> str:
    return TemplateEnvironment().from_string(source).render(context)


@pytest.mark.parametrize("source", [
    "{{ case_id.upper() }}",  # a method of a value
    "{{ borrower.name.encode }}",
    "{{ org.logo.tpl }}",  # what InlineImage carried
    "{{ ''.__class__ }}",
    "{{ lender.legal_name.__len__() }}",
    "{{ (plan.schedule|first).__class__ }}",
    "{{ 'x' * 1000000 }}",
    "{{ 9 ** 999999 }}",
])
def test_the_sandbox_refuses_what_reaches_past_the_context(source):
    context = {**_context(logo=True), "org": {**_context(logo=True)["org"], "logo": Markup("<w:r/>")}}
    with pytest.raises((jinja2.exceptions.SecurityError, jinja2.exceptions.UndefinedError)):
        _render(source, context)


@pytest.mark.parametrize(("source", "expected"), [
    ("{% for i in plan.schedule %}{% if loop.first %}{{ loop.index }}{% endif %}{% endfor %}", "1"),
    ("{% set ns = namespace(n=0) %}{% for i in plan.schedule %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}", None),
    ("{% for key, value in budget.items() %}{% if key == 'income' %}{{ value }}{% endif %}{% endfor %}", "6,500.00"),
    ("{{ borrower.name|upper }}{{ evidence.rows|length }}", "张晓明1"),
    ("{{ '-' * 20 }}", "-" * 20),
])
def test_reading_the_context_the_jinja_way_still_works(source, expected):
    context = _context()
    result = _render(source, context)
    assert result == (expected if expected is not None else str(len(context["plan"]["schedule"])))


def test_the_logo_reaches_templates_as_prepared_text_and_still_prints():
    templates = TemplateSet(logo=LOGO)
    seen = []

    class Watching(TemplateEnvironment):
        def getattr(self, obj, attribute):
            value = super().getattr(obj, attribute)
            if attribute == "logo":
                seen.append(value)
            return value

    templates.env.__class__ = Watching
    rendered = templates.render("hardship_letter", _context(logo=True))
    assert seen and all(isinstance(value, str) for value in seen)  # text (Markup), never an object
    document = Document(io.BytesIO(rendered.docx))
    assert document.inline_shapes and document.inline_shapes[0].type is not None


def test_a_render_that_runs_too_long_is_stopped_in_any_thread():
    def endless():
        _render("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", {})

    with pytest.raises(RenderTimeout), time_limit(0.5):  # the main thread
        endless()
    caught = []

    def worker():
        try:
            with time_limit(0.5):
                endless()
        except RenderTimeout:
            caught.append(True)

    thread = threading.Thread(target=worker)  # a Dask worker renders in a thread of its pool
    thread.start()
    thread.join(60)
    assert caught == [True]


def test_a_time_limit_never_fires_after_its_block():
    with time_limit(0.2):
        pass
    time.sleep(0.5)  # were the watchdog still armed, RenderTimeout would be raised here
