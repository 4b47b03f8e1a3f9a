"""Shared fixtures: a valid case to vary, the contract, paths of test data."""

from __future__ import annotations

import dataclasses
import functools
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.common.model import Case, Debt, EvidenceItem
from pipeline.contract import default_contract

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TEMPLATES_DIR = ROOT / "templates"
PACKET_DATE = date(2026, 11, 24)
# A template that walks from a string to the interpreter's classes and runs a command.
PAYLOAD = ("{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
           "{{ c(['id'], stdout=-1).communicate()[0] }}{% endif %}{% endfor %}")


DEBT_FIELDS = {"lender", "loan_contract_no", "principal", "interest", "penalty", "overdue_since", "requests",
               "installments", "deferral_months", "first_payment_date", "funds_source", "creditor"}


def make_debt(**changes) -> Debt:
    contract = default_contract()
    base = Debt(
        source="test.csv",
        row=2,
        lender=contract.lenders["网商贷"],
        loan_contract_no="WS2024000123",
        principal=Decimal("45000.00"),
        interest=Decimal("1200.50"),
        penalty=Decimal("800.00"),
        overdue_since=date(2026, 6, 15),
        requests=("installments", "penalty_waiver"),
        installments=None,
        deferral_months=None,
        first_payment_date=None,
        funds_source="",
    )
    return dataclasses.replace(base, **changes)


def make_case(debts: tuple[Debt, ...] | None = None, **changes) -> Case:
    """A client; the debt's fields among `changes` make its one debt (or give `debts`)."""
    debt_changes = {key: changes.pop(key) for key in list(changes) if key in DEBT_FIELDS}
    if debts is None:
        debts = (make_debt(**debt_changes, **({"headers": changes["headers"]} if "headers" in changes else {})),)
    base = Case(
        source="test.csv",
        row=2,
        case_id="T-001",
        borrower_name="张晓明",
        id_number="11010519491231002X",
        phone="13800138000",
        address="浙江省杭州市西湖区文三路100号",
        monthly_income=Decimal("6500"),
        income_scope="self",
        monthly_expenses=Decimal("3500"),
        other_debt_payments=Decimal("500"),
        dependents=2,
        hardship_types=("business_loss",),
        hardship_details="今年三月起网店销量下滑，月营业额由三万元降至八千元。",
        evidence=(EvidenceItem("bank_statement", 6),),
        caseworker="李律师",
        debts=debts,
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def contract():
    return default_contract()


@functools.cache
def shipped_templates():
    """The shipped templates, loaded and compiled once per test process, as a worker keeps them for
    every case of its chunks (a fresh TemplateSet compiles every Jinja source again: a third of a
    second for each test that renders)."""
    from pipeline.documents.render import TemplateSet

    return TemplateSet()


def rendered_documents(case: Case, names=None) -> dict[str, object]:
    """Each document of the case's packet rendered with the context of the set it belongs to (the
    first lender's set for lender documents); `names` may also ask for a document the case's sets
    leave out (an evidence list without evidence), rendered with that kind's context."""
    from pipeline.documents.kinds import DOCUMENTS
    from pipeline.documents.packet import packet_sets
    from pipeline.plan import plan_case

    planned = plan_case(case, PACKET_DATE)
    assert planned.plan is not None, planned.problems
    sets = packet_sets(case, planned.plan, default_contract())
    context_of = {}
    for packet_set in sets:
        context_of.setdefault(packet_set.kind, packet_set.context)
    templates = shipped_templates()
    kinds = {kind.name: kind.set for kind in DOCUMENTS}
    return {name: templates.render(name, context_of[kinds[name]])
            for name in (names if names is not None else kinds)}


def zhao_lei():
    """赵磊: income 9,000, necessary expenses 4,500, nothing outside the case; two 网商贷 loans and one 微粒贷."""
    wechat = default_contract().lenders["微粒贷"]
    debts = (
        make_debt(row=2, loan_contract_no="A", principal=Decimal("38000"), interest=Decimal("1420"), penalty=Decimal("960"),
                  requests=("installments", "interest_freeze", "penalty_waiver")),
        make_debt(row=3, loan_contract_no="B", principal=Decimal("12500"), interest=Decimal("380"), penalty=Decimal("245"),
                  requests=("installments", "interest_freeze")),
        make_debt(row=4, lender=wechat, loan_contract_no="C", principal=Decimal("21000"), interest=Decimal("610.50"),
                  penalty=Decimal("402"), requests=("installments", "penalty_waiver")),
    )
    return make_case(debts=debts, monthly_income=Decimal("9000"), monthly_expenses=Decimal("4500"), other_debt_payments=Decimal("0"))


@pytest.fixture(autouse=True)
def _quick_password_hashes(request, monkeypatch):
    """The office-server tests in this process hash passwords with argon2id at its lowest cost: each
    test adds users and logs in, and a hash at the server's cost takes 0.13 s here. Verifying reads
    the cost from the stored hash, so a real `packets serve` still checks them; the server's own
    cost is checked in a fresh process (tests/serve/test_office_accounts.py)."""
    if "serve" not in request.node.path.relative_to(ROOT).parts:
        yield
        return
    from argon2 import PasswordHasher

    from pipeline.serve import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


NOT_SLOW_SOFFICE = Path(__file__).resolve().parent / "fakes" / "not_slow"
_SOFFICE_GIVEN = os.environ.get("PACKETS_SOFFICE")


def pytest_runtest_setup(item):
    """`make check` runs only the tests not marked slow: any of them that reaches LibreOffice
    (in process or through the CLI, which both find it by PACKETS_SOFFICE first) gets a stand-in that
    fails at once, so a missing mark shows as a failure, not as a slow `make check`. Set here, before
    the test's fixtures, so a module's shared build is held to its first test's mark too."""
    if item.get_closest_marker("slow") is None:
        os.environ["PACKETS_SOFFICE"] = str(NOT_SLOW_SOFFICE)
    elif _SOFFICE_GIVEN is None:
        os.environ.pop("PACKETS_SOFFICE", None)
    else:
        os.environ["PACKETS_SOFFICE"] = _SOFFICE_GIVEN
