"""The documents of a client with several debts: 收入支出及债务情况表, the financial statement that goes
to every lender (one budget, every debt, shared pro rata, signed as true and complete), and 全部债务一览,
the first page of the borrower's own set.

The statement names every lender the client owes: it is the one document in a lender's file that does
(the letter speaks of the others only in numbers). Nothing of the borrower's negotiating range is in it.
"""

from __future__ import annotations

from borrower_set import CONTACT, notices_block
from docx_kit import (
    DATE_BLANK,
    Builder,
    P,
    R,
    cell,
    cm,
    header_row,
    keep_with_next,
    loop_row,
    row,
    table,
    text_cell,
)
from lender_set import info_block

NOT_SENT = "（本人留存，不要寄给贷款机构）"


def financial_statement() -> Builder:
    b = Builder("收入支出及债务情况表")
    b.title("收入支出及债务情况表")
    b.add(info_block((("申请人：", "{{ borrower.name }}"), ("日期：", "{{ today }}")),
                     (("身份证号码：", "{{ borrower.id_number }}"), None)))
    b.para("本人目前共欠{{ summary.lender_count }}家机构{{ summary.count }}笔借款，合计欠款人民币{{ summary.total_owed }}元。"
           "{% if summary.several_lenders %}为使每一家债权人得到同等对待，本人把每月能用于还款的钱按各笔借款欠款金额"
           "（扣除请求减免的罚息及费用后）的比例分配，向每一家债权人提出还款方案，并把本表同时交给每一家债权人。"
           "{% else %}本人把每月能用于还款的钱按各笔借款欠款金额（扣除请求减免的罚息及费用后）的比例分配，"
           "对每一笔借款提出还款方案。{% endif %}", before=120)

    b.heading("一、每月收入和支出")
    widths = [cm(10.8), cm(3.6)]
    lines = [
        ("{{ budget.income_label }}", "{{ budget.income }}"),
        ("每月必要生活支出（房租、饮食、医疗、子女教育等）", "{{ budget.expenses }}"),
        ("本表以外的其他债务每月还款（如房贷、车贷）", "{{ budget.other_debts }}"),
        ("每月结余", "{{ budget.disposable }}"),
        ("其中留作生病等意外开支", "{{ statement.set_aside }}"),
        ("其中用于偿还下列全部借款", "{{ statement.repaying }}"),
    ]
    b.add(keep_with_next(table(widths, [header_row(widths, ["项目", "金额（元／月）"])] + [
        row([text_cell(widths[0], label, jc="left"), text_cell(widths[1], value, jc="right")]) for label, value in lines
    ])))
    b.para("{% if budget.dependents %}本人需抚养（赡养）家庭成员{{ budget.dependents }}人。{% endif %}"
           "{% if statement.over_capacity %}按本人提出的期数，每月最多需还{{ statement.repaying }}元，"
           "高于每月结余的七成，留作意外开支的只有{{ statement.set_aside }}元。{% else %}"
           "每月结余的七成用于还款，其余三成留作意外开支，以免再次逾期。{% endif %}", before=120)

    b.heading("二、全部借款及还款方案")
    widths = [cm(0.8), cm(3.3), cm(4.0), cm(2.1), cm(4.0), cm(1.4)]

    def debt_row():
        return row([
            text_cell(widths[0], "{{ debt.number }}"),
            text_cell(widths[1], "{{ debt.lender.label }}", jc="left"),
            text_cell(widths[2], "{% if debt.contract_no %}{{ debt.contract_no }}{% else %}—{% endif %}", jc="left"),
            text_cell(widths[3], "{{ debt.loan.total_owed }}{% if not debt.loan.all_given %}*{% endif %}", jc="right"),
            text_cell(widths[4], "{{ debt.offer }}{% if debt.plan.settlement and debt.funds_source %}"
                                 "（款项来源：{{ debt.funds_source }}）{% endif %}", jc="left"),
            text_cell(widths[5], "{% if debt.share %}{{ debt.share }}{% else %}—{% endif %}")])

    # Rows never split; the last two keep with the total, so that a table that needs two pages never
    # leaves the total alone (and a short one does not pull the whole section onto the next page).
    b.add(table(widths, [
        keep_with_next(header_row(widths, ["序号", "贷款机构（债权人）", "借款合同编号", "欠款（元）", "提出的还款方案", "份额"])),
        loop_row(widths, "{%tr for debt in all_debts[:-2] %}"),
        debt_row(),
        loop_row(widths, "{%tr endfor %}"),
        loop_row(widths, "{%tr for debt in all_debts[-2:] %}"),
        keep_with_next(debt_row()),
        loop_row(widths, "{%tr endfor %}"),
        row([text_cell(widths[0] + widths[1] + widths[2], "合计", style="TableHeading", span=3),
             text_cell(widths[3], R("{{ summary.total_owed }}", bold=True), jc="right"),
             text_cell(widths[4] + widths[5], "{% if statement.any_monthly %}每月合计最多"
                                              "{{ statement.monthly_total }}元{% endif %}", jc="left", span=2)]),
    ]))
    b.add(P("份额：每月用于还款的钱中分给该笔借款的比例，按各笔借款欠款金额（扣除请求减免的罚息及费用后）计算"
            "{% if statement.counts_given %}；已确定分期期数的借款按其期数计算，其余借款按比例分配余下部分{% endif %}"
            "{% if budget.floor_applied %}；欠款较少的借款每月按不少于100元计，其余借款按比例分配其余部分{% endif %}"
            "{% if summary.any_settlement %}；一次性结清的借款由表中所写的资金来源支付，不占每月的还款额{% endif %}。"
            "{% if statement.any_starred %}标有*的金额只含已列明的本金、利息或罚息，其余以贷款机构的账单为准。{% endif %}",
            style="SmallNote", before=120))

    b.heading("三、本人声明")
    b.para("本人确认，以上收入、支出和全部借款情况真实、完整，没有隐瞒其他借款或收入。情况发生变化时，本人将及时告知各债权人。",
           keep_next=True)
    sig = [cm(7.8), cm(7.8)]
    b.add(P("", style="Normal", keep_next=True, after=240))
    b.add(table(sig, [
        keep_with_next(row([cell(sig[0], P("申请人（签名）：", style="Normal")), cell(sig[1])], min_height=cm(1.4))),
        row([cell(sig[0], P("日期：" + DATE_BLANK, style="Normal")), cell(sig[1])]),
    ], borders=False))
    return b


def debt_overview() -> Builder:
    b = Builder("全部债务一览", body_style="PlainText")
    b.title("全部债务一览")
    b.add(P(NOT_SENT, style="DocNote"))
    b.para("{{ borrower.name }}，您一共欠{{ summary.lender_count }}家机构{{ summary.count }}笔借款，"
           "合计{{ summary.total_owed }}元。下面是每一笔借款提出的方案，和它的材料寄给谁。")
    b.add(*notices_block())
    widths = [cm(1.1), cm(2.0), cm(4.1), cm(2.3), cm(4.1), cm(2.0)]
    b.add(table(widths, [
        header_row(widths, ["序号", "贷款机构（债权人）", "合同编号", "欠款（元）", "提出的方案", "寄给它的文件"]),
        loop_row(widths, "{%tr for debt in all_debts %}"),
        row([text_cell(widths[0], "{{ debt.number }}"),
             text_cell(widths[1], "{{ debt.lender.short_name }}（{{ debt.lender.legal_name }}）", jc="left"),
             text_cell(widths[2], "{% if debt.contract_no %}{{ debt.contract_no }}{% else %}—{% endif %}", jc="left"),
             text_cell(widths[3], "{{ debt.loan.total_owed }}{% if not debt.loan.all_given %}*{% endif %}", jc="right"),
             text_cell(widths[4], "{{ debt.offer }}{% if debt.request_labels %}（请求：{{ debt.request_labels }}）{% endif %}",
                       jc="left"),
             text_cell(widths[5], "{{ debt.file }}", jc="left")], min_height=cm(0.9)),
        loop_row(widths, "{%tr endfor %}"),
    ]))
    b.when("any_amount_missing", P("标有*的欠款只含已列明的本金、利息或罚息，其余以贷款机构的账单为准。",
                                   style="SmallNote", before=60))
    b.heading("每月的钱怎么安排")
    b.para("您每月收入{{ budget.income }}元，必要生活支出{{ budget.expenses }}元"
           "{% if has_other_debts %}，本表以外的其他债务还款{{ budget.other_debts }}元{% endif %}，"
           "剩下{{ budget.disposable }}元。"
           "{% if any_installments %}这些方案从{{ first_due }}起，按月还的几笔加起来每月最多要还{{ budget.monthly_offer }}元，"
           "每月能拿出来还款的是{{ budget.capacity }}元；付完生活支出和这些还款，每月还剩{{ budget.left_for_living }}元，"
           "留着应付看病、修车这样的意外开支。{% endif %}"
           "{% if summary.any_settlement %}一次结清的借款用写明的资金来源来还，不占每月的钱。{% endif %}")
    b.para("每一家的方案都是按同一个比例算的：每月能拿出来的钱按各笔欠款的多少分给各家。一家要求多还，"
           "多出来的钱只能从给别家的钱或留作意外开支的钱里出，不是新的钱：不要为了一家多答应，"
           "让别家的方案落空。每个文件只寄给表里对应的那一家（《收入支出及债务情况表》每个文件里都有一份）。", before=120)
    b.when("contact.any", P(CONTACT, style="PlainText", before=120))
    return b
