"""The documents of a packet, in order, in their two sets.

The lender set (寄送件) is what the borrower sends: the letter, the list of evidence (followed by the
scans; left out when there is no evidence at all) and the draft agreement — `to_lender.pdf`. The
borrower's set (本人留存) is what the borrower keeps: nothing in it may reach the lender, since it
holds the negotiating range, the call script and advice. `packet.pdf` is both, each numbered on
its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DocumentSet(StrEnum):
    LENDER = "lender"
    BORROWER = "borrower"

    @property
    def label(self) -> str:
        """As printed in every page footer, so that a dropped stack can be sorted again."""
        return {DocumentSet.LENDER: "寄送件", DocumentSet.BORROWER: "本人留存"}[self]

    @property
    def outline(self) -> str:
        return {DocumentSet.LENDER: "寄送件（交贷款机构）", DocumentSet.BORROWER: "本人留存（不要寄出）"}[self]


@dataclass(frozen=True)
class DocumentKind:
    name: str  # template file stem: hardship_letter → templates/hardship_letter.docx
    title: str  # outline entry in the PDFs
    set: DocumentSet
    needs_evidence: bool = False  # only when the row lists evidence or scans


EVIDENCE_COVER = "evidence_cover"  # the scans follow this document
DOCUMENTS = (
    DocumentKind("hardship_letter", "协商还款申请书", DocumentSet.LENDER),
    DocumentKind(EVIDENCE_COVER, "证明材料清单", DocumentSet.LENDER, needs_evidence=True),
    DocumentKind("repayment_agreement", "还款协议（草案）", DocumentSet.LENDER),
    DocumentKind("borrower_summary", "致借款人：材料说明", DocumentSet.BORROWER),
    DocumentKind("evidence_checklist", "证明材料准备清单", DocumentSet.BORROWER),
    DocumentKind("call_sheet", "通话准备与记录表", DocumentSet.BORROWER),
    DocumentKind("repayment_tracker", "还款跟踪表", DocumentSet.BORROWER),
    DocumentKind("rights_and_help", "您的权利与求助渠道", DocumentSet.BORROWER),
)


def documents_for(has_evidence: bool) -> dict[DocumentSet, tuple[DocumentKind, ...]]:
    """The documents of one packet, by set, in order."""
    chosen = [kind for kind in DOCUMENTS if has_evidence or not kind.needs_evidence]
    return {part: tuple(kind for kind in chosen if kind.set is part) for part in DocumentSet}
