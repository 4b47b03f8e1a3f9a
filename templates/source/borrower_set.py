"""The borrower's set: what the borrower keeps — 通话准备与记录表, 还款跟踪表."""

from __future__ import annotations

from docx_kit import (
    Builder,
    P,
    R,
    cell,
    cm,
    header_row,
    loop_row,
    row,
    table,
    text_cell,
)

# ---------------------------------------------------------------- 通话准备与记录表

CALL_STEPS = [
    ("尽早主动联系：", "发现无法按时还款就主动联系{{ lender.short_name }}官方客服，说明还款困难，表明还款意愿；"
                     "拖延或回避只会让费用和压力更大。"),
    ("保持冷静和礼貌：", "耐心说明情况，争取对方的理解和支持；不争吵，不做做不到的承诺。"),
    ("如实说明困难：", "如实讲清困难的原因和目前的收支，不夸大也不隐瞒；说明已准备好的证明材料，"
                     "对方需要时按要求提交。"),
    ("提出具体方案：", "按下方“方案要点”说出总额、期数、每期金额和首期日期，说明这是按实际还款能力算出的。"),
    ("要求书面确认：", "达成一致后，请对方以书面形式（还款协议、短信或App内记录）确认还款方案，"
                     "认真核对期限、金额和还款方式后再确认，并妥善保存。"),
    ("只走官方渠道：", "只通过官方App、官方客服电话或书面指定的账户沟通和还款，不向任何个人账户转账。"),
]


def call_sheet() -> Builder:
    b = Builder("通话准备与记录表")
    b.title("通话准备与记录表")
    b.add(P("（供借款人致电{{ lender.short_name }}协商还款时使用；通话时放在手边，边谈边记）", style="DocNote"))
    info = [cm(7.8), cm(7.8)]
    b.add(table(info, [
        row([cell(info[0], P(R("案件编号：", bold=True), "{{ case_id }}", style="Normal")),
             cell(info[1], P(R("借款人：", bold=True), "{{ borrower.name }}", style="Normal"))]),
        row([cell(info[0] + info[1], P(R("贷款机构：", bold=True), "{{ lender.legal_name }}", style="Normal"),
                  span=2)]),
        row([cell(info[0] + info[1],
                  P(R("官方联系渠道：", bold=True),
                    "{% if lender.channels %}{{ lender.channels }}{% else %}以贷款机构官方公布的为准{% endif %}",
                    style="Normal"), span=2)]),
    ], borders=False))

    b.heading("一、通话要点（依次说明）")
    for number, (label, text) in enumerate(CALL_STEPS, start=1):
        b.para(R(f"{number}. {label}", bold=True), text)

    b.heading("二、方案要点（可直接照读）")
    widths = [cm(5.0), cm(10.6)]
    figures = [
        ("目前欠款合计", "人民币{{ loan.total_owed }}元（截至{{ today }}）"),
        ("逾期开始日期", "{{ loan.overdue_since }}（已逾期{{ loan.overdue_days }}天）"),
        ("每月还款能力", "约{{ budget.capacity }}元（月收入{{ budget.income }}元，必要支出{{ budget.expenses }}元，"
                     "其他债务{{ budget.other_debts }}元）"),
        ("请求事项", "{{ request_labels }}"),
        ("方案还款总额", "人民币{{ plan.proposed_total }}元{% if request.penalty_waiver %}"
                     "（请求减免罚息及费用{{ plan.waived_penalty }}元）{% endif %}"),
        ("还款安排", "{% if plan.count == 1 %}{{ plan.first_due }}一次性还清{% else %}分{{ plan.count }}期，"
                 "每期{{ plan.regular_amount }}元{% if not plan.equal %}（最后一期{{ plan.last_amount }}元）"
                 "{% endif %}，{{ plan.first_due }}起每月还款，{{ plan.last_due }}还清{% endif %}"),
    ]
    rows = [row([text_cell(widths[0], label, jc="left", style="TableHeading"),
                 text_cell(widths[1], value, jc="left")], min_height=454) for label, value in figures]
    rows.insert(5, row([text_cell(widths[0], "延期还款", jc="left", style="TableHeading"),
                        text_cell(widths[1], "请求延期{{ plan.deferral_months }}个月，{{ plan.first_due }}开始还款",
                                  jc="left")], min_height=454))
    b.add(table(widths, [rows[0], rows[1], rows[2], rows[3], rows[4],
                         loop_row(widths, "{%tr if request.deferral %}"), rows[5], loop_row(widths, "{%tr endif %}"),
                         rows[6]]))

    b.heading("三、通话记录（手写）")
    record = [cm(3.6), cm(12.0)]
    lines = [("通话时间", "______年____月____日　____时____分"),
             ("客服姓名／工号", ""), ("拨打的号码／渠道", ""),
             ("对方提出的方案", ""), ("", ""), ("双方达成的结果", ""), ("", ""),
             ("书面确认方式", "□ 还款协议　□ 短信　□ App内记录　□ 其他：________"),
             ("下一步／跟进日期", "")]
    b.add(table(record, [row([text_cell(record[0], label, jc="left", style="TableHeading" if label else "TableText"),
                              text_cell(record[1], value, jc="left")], min_height=cm(1.0))
                         for label, value in lines]))
    b.when("caseworker", P("经办人：{{ caseworker }}", style="SmallNote", before=240))
    return b


# ---------------------------------------------------------------- 还款跟踪表


def repayment_tracker() -> Builder:
    b = Builder("还款跟踪表")
    b.title("还款跟踪表")
    b.add(P("（按协商确定的还款计划逐期记录；方案如有调整，以双方书面确认的为准）", style="DocNote"))
    info = [cm(7.8), cm(7.8)]
    b.add(table(info, [
        row([cell(info[0], P(R("案件编号：", bold=True), "{{ case_id }}", style="Normal")),
             cell(info[1], P(R("借款人：", bold=True), "{{ borrower.name }}", style="Normal"))]),
        row([cell(info[0] + info[1], P(R("贷款机构：", bold=True), "{{ lender.legal_name }}", style="Normal"),
                  span=2)]),
    ], borders=False))
    b.para("", style="Normal", after=60)

    widths = [cm(1.4), cm(3.9), cm(2.8), cm(2.8), cm(3.5), cm(1.2)]
    b.add(table(widths, [
        header_row(widths, ["期数", "还款日", "应还金额（元）", "实还日期", "还款凭证／流水号", "已还"]),
        loop_row(widths, "{%tr for i in plan.schedule %}"),
        row([text_cell(widths[0], "{{ i.number }}"),
             text_cell(widths[1], "{{ i.due }}"),
             text_cell(widths[2], "{{ i.amount }}", jc="right"),
             cell(widths[3]), cell(widths[4]),
             text_cell(widths[5], "□")], min_height=cm(0.8)),
        loop_row(widths, "{%tr endfor %}"),
        row([text_cell(widths[0] + widths[1], "合计", style="TableHeading", span=2),
             text_cell(widths[2], R("{{ plan.proposed_total }}", bold=True), jc="right"),
             cell(widths[3] + widths[4] + widths[5], span=3)]),
    ]))

    b.line(R("提示：", bold=True), before=240, keep_next=True)
    for text in (
        "1. 每期在还款日前通过官方渠道足额还款，还款后保存转账凭证或App内的还款记录截图，并在上表登记。",
        "2. 每次还款后核对贷款机构是否已入账；发现未入账或金额不符，及时联系官方客服处理并记录。",
        "3. 如收入发生变化（增加或减少），主动告知贷款机构；确有困难时应在还款日前联系协商，不要等到逾期。",
        "4. 全部还清后，请贷款机构出具结清证明，并查询个人信用报告，核对借款状态是否已更新为结清。",
    ):
        b.add(P(text, style="SmallNote", keep_next=True, ind_left=420))
    return b
