"""A case's packet as named sets, each with the context its documents are rendered with: one lender
set per lender the client owes (its letter covering all its contracts), then the borrower's set
(documents/kinds.py)."""

from __future__ import annotations

from pipeline.common.model import Case, CasePlan
from pipeline.contract.schema import Contract
from pipeline.documents.borrower_context import borrower_set_context
from pipeline.documents.context import NO_ORGANISATION, client_context, file_tag, lender_set_context
from pipeline.documents.kinds import PacketSet, SetKind, documents_of
from pipeline.documents.organisation import Organisation

BORROWER_OUTLINE = "本人留存（不要寄出）"


def packet_sets(case: Case, plan: CasePlan, contract: Contract,
                organisation: Organisation = NO_ORGANISATION) -> tuple[PacketSet, ...]:
    client = client_context(case, plan, contract, organisation)
    has_evidence = bool(case.evidence or case.attachments)
    several = len(case.debts) > 1
    lenders = case.lenders
    sets = []
    for number, (lender, _debts) in enumerate(lenders):
        outline = f"寄送件（交{lender.key}）" if len(lenders) > 1 else "寄送件（交贷款机构）"
        sets.append(PacketSet(f"lender-{number + 1}", SetKind.LENDER, outline,
                              documents_of(SetKind.LENDER, has_evidence, several),
                              lender_set_context(client, case, plan, contract, number),
                              file_tag(number + 1, lender, len(lenders))))
    sets.append(PacketSet("borrower", SetKind.BORROWER, BORROWER_OUTLINE,
                          documents_of(SetKind.BORROWER, has_evidence, several),
                          borrower_set_context(client, case, plan, contract)))
    return tuple(sets)
