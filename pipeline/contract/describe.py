"""The contract described for people: one description per column (`describe_columns`) feeds the
intake workbook (`packets init`), the column table in the terminal (`packets schema`) and its
Markdown form for the README, so they all say the same."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.common.i18n import N_, _
from pipeline.contract.schema import Contract


@dataclass(frozen=True)
class ColumnInfo:
    key: str
    header: str
    required: bool
    kind: str  # 'text' | 'money' | 'date' | 'integer' | 'choice' | 'choices'
    form: str  # what kind of value, with its limits: "整数，0–20"
    description: str
    choices: tuple[str, ...]  # allowed values ((), when any)
    default: str
    example: str
    client: bool = False  # the client's column: the same on each of the client's rows, needed on one


def _chinese(message: str) -> str:
    return message


def describe_columns(contract: Contract, tr=_chinese) -> list[ColumnInfo]:
    """Every column of schemas/case.yaml, in its order, as staff need to know it; `tr` translates
    the descriptions and forms (the terminal passes `_`)."""
    result = []
    for key, column in contract.columns.items():
        rules = contract.cerberus_schema[key]
        kind, form = _kind(rules, tr)
        if rules.get("coerce") == "lender":
            kind, form = "choice", tr(N_("单选（下拉列表）"))
            choices = tuple(contract.lenders)
        elif rules.get("single_choice"):
            kind, form = "choice", tr(N_("单选（下拉列表）"))
            choices = tuple(column.labels.values())
        else:
            choices = tuple(column.labels.values())
        result.append(ColumnInfo(
            key=key, header=column.header, required=column.required, kind=kind, form=form,
            description=tr(column.description), choices=choices,
            default=column.labels.get(str(rules.get("default", "")), str(rules.get("default", ""))),
            example=column.example, client=column.client,
        ))
    return result


def _kind(rules: dict, tr) -> tuple[str, str]:
    kind = rules.get("type")
    if kind == "decimal":
        return "money", tr(N_("金额（元），大于0")) if rules.get("positive") else tr(N_("金额（元），不小于0"))
    if kind == "date":
        return "date", tr(N_("日期"))
    if kind == "integer":
        return "integer", tr(N_("整数，{low}–{high}")).format(low=rules.get("min", 0), high=rules.get("max", ""))
    if kind == "list":
        return "choices", tr(N_("可多选，用、或;分隔"))
    if rules.get("coerce") == "id_number":
        return "text", tr(N_("文本，18位"))
    if rules.get("coerce") == "phone":
        return "text", tr(N_("文本，11位数字"))
    low, high = rules.get("minlength"), rules.get("maxlength")
    if low and high and low > 1:
        return "text", tr(N_("文本，{low}–{high}个字符")).format(low=low, high=high)
    if high:
        return "text", tr(N_("文本，最长{high}个字符")).format(high=high)
    return "text", tr(N_("文本"))


ONE_ROW_PER_DEBT = N_(
    "每行是一笔借款。一个借款人有几笔借款，就填几行，每行填同一个案件编号；借款人的信息（标为“借款人”的列："
    "姓名、身份证号、收入、支出、困难情况等）只需在其中一行填写，其他行可以留空，填了就必须一致。"
    "程序把同一借款人每月能还的钱按各笔欠款的比例分给各笔借款，每家贷款机构收到一封申请书和同一份收支及债务情况表。"
    "同一个身份证号不要用两个案件编号。")

# A client with three debts, two with one lender (the rows as staff fill them in, client columns once).
THREE_DEBTS = (
    {"case_id": "WS-2026-017", "borrower_name": "赵磊", "lender": "网商贷", "loan_contract_no": "WSD2025011200388",
     "principal": "38,000.00", "requests": "分期还款、停息挂账、减免罚息"},
    {"case_id": "WS-2026-017", "lender": "网商贷", "loan_contract_no": "WSD2025080300125", "principal": "12,500.00",
     "requests": "分期还款、停息挂账"},
    {"case_id": "WS-2026-017", "lender": "微粒贷", "loan_contract_no": "WLD2025061800517", "principal": "21,000.00",
     "requests": "分期还款、减免罚息"},
)


def three_debt_example(contract: Contract) -> tuple[list[str], list[list[str]]]:
    """Three rows of one client, in the file's own headers: what ONE_ROW_PER_DEBT means."""
    keys = list(dict.fromkeys(key for row in THREE_DEBTS for key in row))
    return [contract.columns[key].header for key in keys], [[row.get(key, "") for key in keys] for row in THREE_DEBTS]


def table_rows(contract: Contract) -> tuple[list[str], list[list[str]]]:
    """The column table: the 填写说明 sheet, `packets schema --markdown`."""
    head = ["列名", "英文列名", "属于", "必填", "格式", "说明", "可选值", "默认值", "示例"]
    rows = [
        [c.header, c.key, "借款人" if c.client else "这笔借款", "必填" if c.required else "可选", c.form,
         c.description, "、".join(c.choices), c.default, c.example]
        for c in describe_columns(contract)
    ]
    return head, rows


def schema_text(contract: Contract) -> str:
    """The column table for a terminal: one block per column (wide tables wrap badly in Chinese)."""
    head, example = three_debt_example(contract)
    lines = [_(ONE_ROW_PER_DEBT), "", _("例如一个借款人有三笔借款（两笔网商贷、一笔微粒贷）："), "  " + " | ".join(head)]
    lines += ["  " + " | ".join(cell or _("（留空）") for cell in row) for row in example]
    lines += ["", _("案件表的列（按顺序；表头可用中文列名或英文列名）："), ""]
    for number, c in enumerate(describe_columns(contract, _), start=1):
        required = _("必填") if c.required else _("可选")
        scope = _("借款人") if c.client else _("这笔借款")
        lines.append(f"{number:>2}. {c.header} ({c.key}) — " + _("{scope}，{required}，{form}").format(
            scope=scope, required=required, form=c.form))
        lines.append("    " + c.description)
        if c.choices:
            lines.append("    " + _("可选值：{values}").format(values="、".join(c.choices)))
        if c.default:
            lines.append("    " + _("默认值：{value}").format(value=c.default))
        if c.example:
            lines.append("    " + _("示例：{value}").format(value=c.example))
    return "\n".join(lines)


def schema_markdown(contract: Contract) -> str:
    """The column table as Markdown (README)."""
    head, rows = table_rows(contract)

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ") or " "

    example_head, example = three_debt_example(contract)
    lines = [ONE_ROW_PER_DEBT, "", "| " + " | ".join(example_head) + " |", "|" + "---|" * len(example_head)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in example]
    lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        row = [f"`{row[1]}`" if i == 1 else cell(v) for i, v in enumerate(row)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)
