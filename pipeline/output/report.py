"""The run's report: one line per input data row, as report.csv and as terminal text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from pipeline.common.errors import RowOutcome, Status
from pipeline.common.formats import money
from pipeline.common.i18n import N_, _
from pipeline.common.mask import for_terminal
from pipeline.common.model import Case, CasePlan
from pipeline.output.files import write_atomically

STATUS_LABELS = {Status.OK: N_("成功"), Status.INVALID: N_("无效"), Status.FAILED: N_("失败")}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CASE_ID_SHOWN_LIMIT = 200  # an invalid row's case_id is the cell as typed, possibly a megabyte long


def messages(outcome: RowOutcome) -> str:
    """The row's problems as one line; warnings are marked as such. Numbers that look like ID or
    phone numbers are masked and control characters shown visibly, wherever the text came from."""
    return for_terminal(_("；").join((_("提示：") if not p.is_error else "") + p.message for p in outcome.problems))


def case_id_shown(outcome: RowOutcome) -> str:
    """An invalid row's case_id is the cell as typed: escape sequences and bidi controls are made
    visible, numbers masked, and a very long one is cut."""
    text = for_terminal(outcome.case_id)
    if len(text) > CASE_ID_SHOWN_LIMIT:
        return text[:CASE_ID_SHOWN_LIMIT] + _("…（共{length}个字符）").format(length=len(outcome.case_id))
    return text


def neutralise(cell: str) -> str:
    """A cell starting like a formula is prefixed with ' so Excel shows it instead of running it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def report_csv(outcomes: list[RowOutcome]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["source", "row", "case_id", "status", "messages"])
    for o in outcomes:
        writer.writerow([neutralise(for_terminal(o.source)), o.row, neutralise(case_id_shown(o)), o.status,
                         neutralise(messages(o))])
    # UTF-8 with BOM so that Excel on Chinese Windows shows the Chinese text.
    return buffer.getvalue().encode("utf-8-sig")


def write_report(path: Path, outcomes: list[RowOutcome]) -> Path:
    return write_atomically(path, report_csv(outcomes))


def row_line(outcome: RowOutcome) -> str:
    case = f" {case_id_shown(outcome)}" if outcome.case_id else ""
    return _("{source} 第{row}行{case} [{status}] {messages}").format(
        source=for_terminal(outcome.source), row=outcome.row, case=case, status=_(STATUS_LABELS[outcome.status]),
        messages=messages(outcome))


def case_line(case: Case, plan: CasePlan) -> str:
    """What staff check before printing, per client: debts, total owed, the monthly offer, the capacity."""
    several = len(case.debts) > 1
    parts = [_("{count}笔借款（{lenders}家机构）").format(count=len(case.debts), lenders=len(case.lenders))
             if several else _("1笔借款"),
             _("合计欠款{owed}元").format(owed=money(plan.total_owed))]
    if any(not p.settlement for p in plan.plans):
        parts.append((_("各笔每月合计最多还{offer}元") if several else _("每月最多还{offer}元")).format(
            offer=money(plan.monthly_offer)))
    settled = sum((p.proposed_total for p in plan.plans if p.settlement), Decimal(0))
    if settled:
        parts.append(_("一次性结清{amount}元").format(amount=money(settled)))
    parts.append(_("每月还款能力{capacity}元").format(capacity=money(plan.capacity)))
    return _("{case}：{parts}").format(case=for_terminal(case.case_id), parts=_("，").join(parts))


def summary_line(outcomes: list[RowOutcome], report: Path | None) -> str:
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in STATUS_LABELS}
    unchanged = len({o.case_id.casefold() for o in outcomes if o.unchanged})  # packets: a client's rows share one
    text = (
        _("共{rows}行：成功{ok}，无效{invalid}，失败{failed}").format(
            rows=len(outcomes), ok=counts[Status.OK], invalid=counts[Status.INVALID], failed=counts[Status.FAILED])
        + (_("（其中{count}份未变化，沿用上次结果）").format(count=unchanged) if unchanged else "")
    )
    return text + (_("。报告：{path}").format(path=report) if report else "")
