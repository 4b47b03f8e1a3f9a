"""Plain typed records passed from stage to stage. Money is Decimal, dates are date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipeline.common.errors import RowError

LENDER_KINDS = ("bank", "consumer_finance", "platform", "credit_card")  # schemas/lenders.yaml says what each is


@dataclass(frozen=True)
class Lender:
    """A lender as schemas/lenders.yaml describes it (data staff correct, never template text).

    The entry is the product staff name (借呗); its creditor — whom the letter addresses — is the
    row's 债权人 when given, else `legal_name` where the list knows it (see `addressee`).
    """

    key: str  # short name as staff write it, e.g. 网商贷
    legal_name: str = ""  # the creditor's legal name as contracts print it, '' when not known
    kind: str = "bank"  # one of LENDER_KINDS
    certainty: str = ""  # how legal_name is known: 'confirmed' or 'reported'; '' without a legal_name
    earlier_creditors: tuple[str, ...] = ()  # creditors older contracts of the product name
    partner_funded: bool = False  # loans often funded by partner banks or trusts (助贷 / 联合贷款)
    aliases: tuple[str, ...] = ()  # other names staff type
    address: str = ""  # registered address (住所), '' when not known for certain
    hotline: str = ""  # official customer-service number, '' when none is listed
    online_service: str = ""  # where to reach official customer service in writing, '' when not known
    repayment_channel: str = ""  # the official way to repay, '' when not known
    caution: str = ""  # a warning for the borrower about this lender's channels

    @property
    def creditor_needed(self) -> bool:
        """A row must name the creditor itself: a credit card the list knows no bank for."""
        return self.kind == "credit_card" and not self.legal_name

    @property
    def creditor_certain(self) -> bool:
        """The list's legal_name is the creditor of every loan of the product: a blank 债权人 needs no check."""
        return bool(self.legal_name) and self.certainty == "confirmed" and not self.partner_funded

    def addressee(self, creditor: str = "") -> str:
        """Whom a letter and a draft agreement name as the lender: the row's 债权人; else the list's
        legal name unless partners often fund the product; else words that guess no one."""
        if creditor:
            return creditor
        if self.legal_name and not self.partner_funded:
            return self.legal_name
        if self.kind == "consumer_finance":  # it lends in its own name; only the full name is missing
            return f"{self.key}（全称以借款合同载明为准）"
        return f"{self.key}的贷款人（以借款合同载明为准）"


@dataclass(frozen=True)
class ExpectedEvidence:
    """A material lenders usually expect: any one of `kinds` satisfies it (schemas/evidence.yaml)."""

    kinds: tuple[str, ...]
    what: str  # what to gather, in plain words for the borrower


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # enumeration key, e.g. bank_statement
    pages: int | None  # None when staff did not give a page count


@dataclass(frozen=True)
class Attachment:
    """An evidence scan named in the row (证明文件), checked and made safe as a PDF."""

    name: str  # as written in the cell, e.g. scans/银行流水.pdf
    pages: int
    pdf: bytes  # the scan as PDF pages (images placed on A4)
    digest: str  # sha256 of the file as found: a changed scan rebuilds the packet

    @property
    def title(self) -> str:
        return f"证明文件：{Path(self.name).name}"


@dataclass(frozen=True)
class Debt:
    """One loan of a client: one row of the case sheet (its debt columns)."""

    source: str
    row: int
    lender: Lender
    loan_contract_no: str
    principal: Decimal
    interest: Decimal | None  # None: not given (the documents say "per the lender's statement")
    penalty: Decimal | None  # None: not given — after months overdue there almost certainly is one
    overdue_since: date
    requests: tuple[str, ...]
    installments: int | None
    deferral_months: int | None
    first_payment_date: date | None
    funds_source: str  # where a lump sum comes from, '' when the row does not say
    creditor: str = ""  # 债权人 as the contract names it, '' when blank (the documents use `addressee`)
    headers: dict[str, str] = field(default_factory=dict, compare=False)  # column key → header as the file names it

    def header(self, key: str, default: str) -> str:
        """The column as the input file names it (messages quote the file's own words)."""
        return self.headers.get(key, default)

    @property
    def addressee(self) -> str:
        """Whom this debt's letter and draft agreement are addressed to."""
        return self.lender.addressee(self.creditor)

    @property
    def settlement(self) -> bool:
        """Paid in one sum (一次性结清): only when asked for, or with 分期期数 1."""
        return "settlement" in self.requests or self.installments == 1


@dataclass(frozen=True)
class Case:
    """One client: who they are, what they live on, their hardship — and every debt of theirs in the
    batch (rows sharing a 案件编号), in the order the rows came."""

    source: str  # where the client's first row is
    row: int
    case_id: str
    borrower_name: str
    id_number: str
    phone: str
    address: str
    monthly_income: Decimal
    income_scope: str  # 'self' (the borrower's own income) or 'household'
    monthly_expenses: Decimal
    other_debt_payments: Decimal  # payments on debts outside this case (a mortgage, a car loan)
    dependents: int
    hardship_types: tuple[str, ...]
    hardship_details: str
    evidence: tuple[EvidenceItem, ...]
    caseworker: str
    debts: tuple[Debt, ...]
    attachments: tuple[Attachment, ...] = ()  # evidence scans, in the row's order
    headers: dict[str, str] = field(default_factory=dict, compare=False)  # column key → header as the file names it
    warnings: tuple[RowError, ...] = field(default=(), compare=False)

    def header(self, key: str, default: str) -> str:
        """The column as the input file names it (messages quote the file's own words)."""
        return self.headers.get(key, default)

    @property
    def lenders(self) -> tuple[tuple[Lender, tuple[Debt, ...]], ...]:
        """The lenders the client owes, each with its debts, in the order they first appear. A lender
        is a product of the list and the creditor the rows name: two 借呗 loans from different banks
        are two lenders."""
        groups: dict[tuple[str, str], list[Debt]] = {}
        for debt in self.debts:
            groups.setdefault((debt.lender.key, debt.addressee), []).append(debt)
        return tuple((debts[0].lender, tuple(debts)) for debts in groups.values())


@dataclass(frozen=True)
class Installment:
    number: int
    due: date
    amount: Decimal


@dataclass(frozen=True)
class RepaymentPlan:
    """The proposal for one debt."""

    packet_date: date
    total_owed: Decimal
    waived_penalty: Decimal
    proposed_total: Decimal
    deferral_months: int
    schedule: tuple[Installment, ...]
    settlement: bool  # one payment, asked for as a settlement (一次性结清)
    allotment: Decimal  # what it was given of the monthly budget (0 for a settlement)

    @property
    def count(self) -> int:
        return len(self.schedule)

    @property
    def first_due(self) -> date:
        return self.schedule[0].due

    @property
    def last_due(self) -> date:
        return self.schedule[-1].due

    @property
    def regular(self) -> Decimal:
        """The amount of every installment but maybe the last."""
        return self.schedule[0].amount


@dataclass(frozen=True)
class CasePlan:
    """The client's plan: one budget, shared among the debts (plan/budget.py)."""

    packet_date: date
    disposable: Decimal  # what is left each month after necessary expenses and debts outside the case
    capacity: Decimal  # the share of it offered each month (70 %)
    plans: tuple[RepaymentPlan, ...]  # one per debt, in the case's order
    floor_applied: bool = False  # some debt was given the monthly floor rather than its pro-rata share

    @property
    def reserve(self) -> Decimal:
        """What stays free each month for the unexpected."""
        return self.disposable - self.capacity

    @property
    def total_owed(self) -> Decimal:
        return sum((plan.total_owed for plan in self.plans), Decimal(0))

    @property
    def proposed_total(self) -> Decimal:
        return sum((plan.proposed_total for plan in self.plans), Decimal(0))

    def monthly_totals(self) -> dict[tuple[int, int], Decimal]:
        """What the installments (settlements aside) come to in each calendar month."""
        totals: dict[tuple[int, int], Decimal] = {}
        for plan in self.plans:
            if plan.settlement:
                continue
            for installment in plan.schedule:
                month = (installment.due.year, installment.due.month)
                totals[month] = totals.get(month, Decimal(0)) + installment.amount
        return totals

    @property
    def monthly_offer(self) -> Decimal:
        """The highest monthly total the installments reach."""
        return max(self.monthly_totals().values(), default=Decimal(0))
