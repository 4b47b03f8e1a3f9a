"""What a case's files are called on the pages: a Chinese label from a table keyed by the file name's
pattern (寄送件 PDF, 全套材料 PDF, Word 可编辑版：协商还款申请书 …), the technical name kept small
beside it. A file of a case with several lenders (`to_lender-1-<lender>.pdf`) gets its lender's
label; a file no pattern knows is shown by its name. Whatever a case folder holds is listed: the
table names files, it does not decide which exist."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.common.i18n import N_
from pipeline.documents.kinds import DOCUMENTS
from pipeline.serve.translations import Translate

# A case file's name as the build writes it: a stem, for one lender among several "-N-<lender>",
# and the kind of file. Nothing else is ever served (no dots, slashes or controls in the lender part).
CASE_FILE = re.compile(r"^(?P<stem>[a-z_]{1,40})(?:-(?P<n>\d{1,3})-(?P<lender>[\w-]{1,60}))?\.(?P<ext>pdf|docx|ics)$")

# The documents' titles (DocumentKind.title) marked for the catalog, so that an English page names
# them in English; a test checks that they are the titles DOCUMENTS gives.
DOCUMENT_TITLES = {
    "hardship_letter": N_("协商还款申请书"),
    "financial_statement": N_("收入支出及债务情况表"),
    "evidence_cover": N_("证明材料清单"),
    "repayment_agreement": N_("还款协议（草案）"),
    "debt_overview": N_("全部债务一览"),
    "borrower_summary": N_("致借款人：材料说明"),
    "evidence_checklist": N_("证明材料准备清单"),
    "call_sheet": N_("通话准备与记录表"),
    "repayment_tracker": N_("还款跟踪表"),
    "rights_and_help": N_("您的权利与求助渠道"),
}
LABELS = {
    "to_lender.pdf": N_("寄送件 PDF（寄给贷款机构）"),
    "packet.pdf": N_("全套材料 PDF（打印、留存）"),
    "reminders.ics": N_("还款提醒（日历文件）"),
    **{f"{kind.name}.docx": DOCUMENT_TITLES.get(kind.name, kind.title) for kind in DOCUMENTS},
}
WORD = N_("Word 可编辑版：{title}")
FOR_LENDER = N_("{label}：第 {n} 家 {lender}")
# The reading order: what is sent, the whole packet, the Word copies in packet order, the calendar.
ORDER = ["to_lender.pdf", "packet.pdf", *(f"{kind.name}.docx" for kind in DOCUMENTS), "reminders.ics"]


@dataclass(frozen=True)
class CaseFile:
    name: str  # the file's name in the case folder (and in the download's URL)
    label: str  # in the reader's language


def label(name: str, _: Translate) -> str:
    found = CASE_FILE.match(name)
    if found is None:
        return name
    base = f"{found['stem']}.{found['ext']}"
    if base not in LABELS:
        return name
    text = _(WORD).format(title=_(LABELS[base])) if found["ext"] == "docx" else _(LABELS[base])
    if found["lender"]:
        text = _(FOR_LENDER).format(label=text, n=int(found["n"]), lender=found["lender"])
    return text


def sort_key(name: str) -> tuple[int, int, str]:
    found = CASE_FILE.match(name)
    base = f"{found['stem']}.{found['ext']}" if found else name
    rank = ORDER.index(base) if base in ORDER else len(ORDER)
    return rank, int(found["n"]) if found and found["n"] else 0, name


def labelled(names: list[str], _: Translate) -> list[CaseFile]:
    return [CaseFile(name, label(name, _)) for name in sorted(names, key=sort_key)]
