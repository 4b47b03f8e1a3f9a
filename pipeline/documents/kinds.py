"""The documents of a packet, in order: which template each comes from and its outline title."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    name: str  # template file stem: hardship_letter → templates/hardship_letter.docx
    title: str  # outline entry in packet.pdf


DOCUMENTS = (
    DocumentKind("hardship_letter", "协商还款申请书"),
    DocumentKind("evidence_cover", "证明材料清单"),
    DocumentKind("repayment_agreement", "还款协议（草案）"),
    DocumentKind("call_sheet", "通话准备与记录表"),
    DocumentKind("repayment_tracker", "还款跟踪表"),
)
EVIDENCE_COVER = "evidence_cover"  # the scans follow this document
