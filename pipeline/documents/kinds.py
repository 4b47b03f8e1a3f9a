"""The documents of a packet and the sets they come in.

A packet is a list of numbered sets: one lender set (寄送件) per lender the client owes — what the
borrower sends that lender: the letter, the financial statement (with several debts), the list of
evidence (followed by the scans; left out when there is no evidence at all) and the draft
agreement — and then the borrower's set (本人留存), what
the borrower keeps: nothing in it may reach a lender, since it holds the negotiating range, the call
script and advice. Each set is numbered on its own and known by its name, never by its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class SetKind(StrEnum):
    LENDER = "lender"
    BORROWER = "borrower"

    @property
    def label(self) -> str:
        """As printed in every page footer, so that a dropped stack can be sorted again."""
        return {SetKind.LENDER: "寄送件", SetKind.BORROWER: "本人留存"}[self]


@dataclass(frozen=True)
class DocumentKind:
    name: str  # template file stem: hardship_letter → templates/hardship_letter.docx
    title: str  # outline entry in the PDFs
    set: SetKind
    needs_evidence: bool = False  # only when the client's rows list evidence or scans
    needs_several: bool = False  # only for a client with more than one debt


EVIDENCE_COVER = "evidence_cover"  # the scans follow this document
DOCUMENTS = (
    DocumentKind("hardship_letter", "协商还款申请书", SetKind.LENDER),
    DocumentKind("financial_statement", "收入支出及债务情况表", SetKind.LENDER, needs_several=True),
    DocumentKind(EVIDENCE_COVER, "证明材料清单", SetKind.LENDER, needs_evidence=True),
    DocumentKind("repayment_agreement", "还款协议（草案）", SetKind.LENDER),
    DocumentKind("debt_overview", "全部债务一览", SetKind.BORROWER, needs_several=True),
    DocumentKind("borrower_summary", "致借款人：材料说明", SetKind.BORROWER),
    DocumentKind("evidence_checklist", "证明材料准备清单", SetKind.BORROWER),
    DocumentKind("call_sheet", "通话准备与记录表", SetKind.BORROWER),
    DocumentKind("repayment_tracker", "还款跟踪表", SetKind.BORROWER),
    DocumentKind("rights_and_help", "您的权利与求助渠道", SetKind.BORROWER),
)
TITLES = {kind.name: kind.title for kind in DOCUMENTS}
_SET_NAME = re.compile(r"[a-z0-9-]{1,40}")


def documents_of(kind: SetKind, has_evidence: bool, several: bool = False) -> tuple[str, ...]:
    """The documents of one set, in order: the evidence list only with evidence, the financial
    statement and the overview of all debts only for a client with several."""
    return tuple(d.name for d in DOCUMENTS if d.set is kind and (has_evidence or not d.needs_evidence)
                 and (several or not d.needs_several))


@dataclass(frozen=True)
class PacketSet:
    """One numbered set of a packet, with the context its documents are rendered with."""

    name: str  # 'lender-1', 'lender-2'…, 'borrower': what the split PDF hands it back by
    kind: SetKind
    outline: str  # its entry in packet.pdf's outline, e.g. 寄送件（交网商贷）
    documents: tuple[str, ...]  # template names, in order
    context: dict
    file_tag: str = ""  # '' or e.g. '-1-网商贷': tells this set's files from another lender set's

    def __post_init__(self):
        if not _SET_NAME.fullmatch(self.name):
            raise ValueError(f"set name {self.name!r}")

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(TITLES[name] for name in self.documents)

    def copy_name(self, document: str) -> str:
        """The editable copy of one of its documents."""
        return f"{document}{self.file_tag}.docx"

    @property
    def pdf_name(self) -> str | None:
        """The file a lender set is sent as (the borrower's set is only in packet.pdf)."""
        return f"to_lender{self.file_tag}.pdf" if self.kind is SetKind.LENDER else None

    @property
    def scans_after(self) -> int | None:
        """The document whose reserved pages hold the evidence scans, in a lender set."""
        return self.documents.index(EVIDENCE_COVER) if EVIDENCE_COVER in self.documents else None
