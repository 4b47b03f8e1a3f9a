"""A case's packet as named sets, each with the context its documents are rendered with: one lender
set per lender the client owes, then the borrower's set (documents/kinds.py)."""

from __future__ import annotations

from pipeline.common.model import Case, RepaymentPlan
from pipeline.contract.schema import Contract
from pipeline.documents.context import NO_ORGANISATION, build_context
from pipeline.documents.kinds import PacketSet, SetKind, documents_of
from pipeline.documents.organisation import Organisation

BORROWER_OUTLINE = "本人留存（不要寄出）"


def packet_sets(case: Case, plan: RepaymentPlan, contract: Contract,
                organisation: Organisation = NO_ORGANISATION) -> tuple[PacketSet, ...]:
    context = build_context(case, plan, contract, organisation)
    has_evidence = bool(case.evidence or case.attachments)
    lender = PacketSet("lender-1", SetKind.LENDER, "寄送件（交贷款机构）", documents_of(SetKind.LENDER, has_evidence),
                       {**context, "file_title": f"协商还款申请材料 {case.case_id}"})
    borrower = PacketSet("borrower", SetKind.BORROWER, BORROWER_OUTLINE, documents_of(SetKind.BORROWER, has_evidence),
                         context)
    return lender, borrower
