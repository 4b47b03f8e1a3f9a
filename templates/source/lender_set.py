"""The lender set (寄送件): what the borrower sends — 协商还款申请书, 证明材料清单, 还款协议（草案）.

Every sentence must be true for the row it is printed for, and nothing may work against the
borrower: amounts are the borrower's understanding of the lender's records, never an admission; a
blank amount is "per the lender's statement", never 0.00; evidence is named only when the row lists
it; the draft leaves nothing for the lender alone to decide. Nothing here shows the borrower's
negotiating range, advice or help lines — those are in the borrower's own set.
"""

from __future__ import annotations

from docx.oxml.ns import qn
from docx_kit import (
    BLANK,
    DATE_BLANK,
    Builder,
    P,
    R,
    cell,
    cm,
    el,
    header_row,
    keep_with_next,
    loop_row,
    row,
    schedule_rows,
    table,
    tag,
    text_cell,
)


def info_block(*pairs: tuple[str, str]):
    """A borderless two-column block of labelled facts (案件编号, 日期…), full width when alone."""
    widths = [cm(7.8), cm(7.8)]
    rows = []
    for left, right in pairs:
        if right is None:
            rows.append(row([cell(widths[0] + widths[1], P(R(left[0], bold=True), left[1], style="Normal"), span=2)]))
        else:
            rows.append(row([cell(widths[0], P(R(left[0], bold=True), left[1], style="Normal")),
                             cell(widths[1], P(R(right[0], bold=True), right[1], style="Normal"))]))
    return table(widths, rows, borders=False)


# ---------------------------------------------------------------- 协商还款申请书

# What each hardship type is, said without costs, dates or outcomes the row does not give; the
# borrower's own account (below them) says what happened. The materials pointer lists only what the
# row itself lists for that hardship.
HARDSHIPS = [
    ("unemployment", "失业：", "本人失去了原有的工作，原有的工资收入随之中断。"),
    ("illness", "疾病：", "因疾病及其治疗，本人的收入和还款能力受到了影响。"),
    ("business_loss", "经营困难：", "本人的经营遇到困难，经营收入减少，影响了按期还款。"),
    ("income_drop", "收入下降：", "本人的收入较此前下降，现有收入不足以按原约定的金额还款。"),
    ("family_emergency", "家庭变故：", "本人家庭发生变故，影响了本人的收入和还款能力。"),
    ("disaster", "意外灾害：", "本人遭遇意外事故或灾害，正常的生产和生活受到了影响。"),
    ("other", "其他原因：", "本人因其他原因暂时无力按原约定还款，具体情况见下文本人陈述。"),
]

AMOUNT = "人民币{{ %s }}元（大写：{{ %s_words }}）"
D = "debt."  # inside `{%p for debt in lender.debts %}`: one of this lender's contracts


def owed(name: str, label: str, d: str = D) -> str:
    """A loan amount as the borrower understands it, or the lender's statement when not given."""
    given = AMOUNT % (f"{d}loan.{name}", f"{d}loan.{name}")
    return f"{label}{{% if {d}loan.{name}_given %}}{given}{{% else %}}以贵方账单为准{{% endif %}}"


def proposal_sentence(d: str = D) -> str:
    """The repayment the letter asks for, once: a date for a deferral; a settlement only when one was
    asked for (一次性结清); installments otherwise."""
    plan, funds = f"{d}plan", f"{d}funds_source"
    total = (f"人民币{{{{ {plan}.proposed_total }}}}元（大写：{{{{ {plan}.proposed_total_words }}}}，"
             f"为{{{{ {plan}.total_includes }}}}）")
    settlement = (f"{{% if {plan}.deferral %}}恳请贵方同意暂缓至{{{{ {plan}.first_due }}}}，本人于该日前{{% else %}}"
                  f"本人将于{{{{ {plan}.first_due }}}}前{{% endif %}}一次性偿还" + total +
                  f"{{% if {funds} %}}，款项来源为{{{{ {funds} }}}}{{% endif %}}。"
                  "贵方收到该款项后，本人在原借款合同项下的债务即全部结清。")
    # One installment that the monthly share pays at once (a small debt): a due date, not a settlement.
    once = (f"{{% if {plan}.deferral %}}恳请贵方同意暂缓至{{{{ {plan}.first_due }}}}，本人于该日前{{% else %}}"
            f"本人将于{{{{ {plan}.first_due }}}}前{{% endif %}}偿还" + total + "。")
    spread = (f"{{% if {plan}.deferral %}}恳请贵方同意暂缓至{{{{ {plan}.first_due }}}}开始还款，自该日起{{% else %}}"
              f"自{{{{ {plan}.first_due }}}}起，{{% endif %}}将" + total + f"分{{{{ {plan}.count }}}}期按月偿还，"
              f"每期{{{{ {plan}.regular_amount }}}}元{{% if not {plan}.equal %}}，最后一期{{{{ {plan}.last_amount }}}}元{{% endif %}}，"
              f"至{{{{ {plan}.last_due }}}}全部还清。")
    return (f"{{% if {plan}.settlement %}}" + settlement + f"{{% elif {plan}.single %}}" + once + "{% else %}" + spread
            + "{% endif %}")


def contract_line(d: str = D) -> str:
    """How one of several contracts of a lender is named in the letter: （一）借款合同编号…"""
    return (f"{{{{ {d}ordinal }}}}{{% if {d}contract_no %}}{{% if lender.credit_card %}}卡号或合同编号{{% else %}}"
            f"借款合同编号{{% endif %}}{{{{ {d}contract_no }}}}{{% else %}}合同编号未能提供的一笔欠款{{% endif %}}")


def amounts_table(d: str = D):
    """A contract's amounts, kept on one page (every row keeps with the next)."""
    widths = [cm(5.2), cm(10.4)]
    rows = [
        row([text_cell(widths[0], "本金", jc="left"),
             text_cell(widths[1], AMOUNT % (f"{d}loan.principal", f"{d}loan.principal"), jc="left")]),
        row([text_cell(widths[0], "利息", jc="left"), text_cell(widths[1], owed("interest", "", d), jc="left")]),
        row([text_cell(widths[0], "罚息及费用", jc="left"), text_cell(widths[1], owed("penalty", "", d), jc="left")]),
    ]
    total = row([text_cell(widths[0], f"{{% if {d}loan.all_given %}}合计{{% else %}}已列明金额合计{{% endif %}}", jc="left"),
                 text_cell(widths[1], f"人民币{{{{ {d}loan.total_owed }}}}元（大写：{{{{ {d}loan.total_owed_words }}}}，"
                                      f"为{{{{ {d}loan.total_includes }}}}）", jc="left")])
    return table(widths, [keep_with_next(header_row(widths, ["项目", "金额"])), *map(keep_with_next, rows), total])


# Several debts: the borrower's whole position in numbers (the other lenders are named only in the
# financial statement), how the monthly budget is used, and this lender's share of it.
SEVERAL_DEBTS = (
    "{% if summary.several_lenders %}本人目前共欠{{ summary.lender_count }}家机构{{ summary.count }}笔借款"
    "（其中贵方{{ lender.count }}笔），合计欠款人民币{{ summary.total_owed }}元{% else %}"
    "本人目前的全部借款是在贵方的{{ lender.count }}笔借款，合计欠款人民币{{ summary.total_owed }}元{% endif %}，"
    "各笔借款及本人对每一笔提出的还款方案见所附《收入支出及债务情况表》。"
    "{% if statement.over_capacity %}每月结余{{ budget.disposable }}元中，按本人提出的期数每月最多需还"
    "{{ statement.repaying }}元，其余{{ statement.set_aside }}元留作生病等意外开支。{% else %}"
    "每月结余{{ budget.disposable }}元中，本人留出{{ budget.reserve }}元应付生病等意外开支，以免再次逾期，"
    "其余{{ budget.capacity }}元用于偿还全部借款。{% endif %}"
    "{% if summary.several_lenders %}为使每一家债权人得到同等对待，每月用于还款的钱按各笔借款欠款金额"
    "（扣除请求减免的罚息及费用后）的比例分配给各家债权人{% else %}每月用于还款的钱按各笔借款欠款金额"
    "（扣除请求减免的罚息及费用后）的比例分配{% endif %}"
    "{% if statement.counts_given %}（已确定分期期数的借款按其期数计算，其余借款按比例分配余下部分）{% endif %}"
    "{% if budget.floor_applied %}（每笔借款每月不少于100元）{% endif %}"
    "{% if summary.any_settlement %}；一次性结清的借款由另外的资金来源支付，不占每月的还款额{% endif %}。"
    "{% if summary.several_lenders and lender.share %}贵方所占份额为{{ lender.share }}，"
    "即每月{{ lender.monthly_total }}元。{% endif %}"
)


def hardship_letter() -> Builder:
    """One letter per lender, covering every contract the client has with it."""
    b = Builder("协商还款申请书")
    b.title("协商还款申请书")
    b.line("致：{{ lender.legal_name }}", after=120)

    b.line(R("申请人：", bold=True), "{{ borrower.name }}", keep_next=False)
    b.line(R("身份证号码：", bold=True), "{{ borrower.id_number }}", keep_next=False)
    b.line(R("联系电话：", bold=True), "{{ borrower.phone }}", keep_next=False)
    b.when("borrower.address", P(R("联系地址：", bold=True), "{{ borrower.address }}", style="Normal",
                                 keep_next=False))

    b.para("{% if lender.credit_card %}本人是贵方信用卡的持卡人{% else %}本人是贵方{{ lender.short_name }}借款的借款人"
           "{% endif %}{% if lender.several_contracts %}（共{{ lender.count }}笔{% if lender.credit_card %}欠款{% else %}借款{% endif %}）"
           "{% endif %}，因遭遇下述困难，暂时无法按原约定还款。"
           "现将借款和困难情况如实说明如下，并向贵方提出协商还款申请。", before=120)
    # The product is not the creditor and the rows do not name it (issue 23): say so, guess no bank.
    b.when("lender.creditor_unknown",
           P("本人的借款通过{{ lender.short_name }}办理，出借款项的机构以借款合同载明为准。如本申请应由贵方以外的机构处理，"
             "恳请转交该机构，并告知本人该机构的全称。"))

    b.heading("一、借款及逾期情况")
    b.para("{% if lender.several_contracts %}本人在贵方{% if lender.credit_card %}的{{ lender.count }}笔信用卡欠款"
           "{% else %}办理了{{ lender.count }}笔{{ lender.short_name }}借款，{% endif %}均未能按期足额还款。据本人所知的贵方账单信息，各笔借款目前的欠款情况如下"
           "（以双方书面核对一致的金额为准），合计人民币{{ lender.total_owed }}元：{% else %}"
           "{% if lender.credit_card %}本人持有贵方发行的信用卡{% if loan.contract_no %}（卡号或合同编号："
           "{{ loan.contract_no }}）{% endif %}{% else %}本人在贵方办理{{ lender.short_name }}借款"
           "{% if loan.contract_no %}（借款合同编号：{{ loan.contract_no }}）{% endif %}{% endif %}，"
           "自{{ loan.overdue_since }}起未能按期足额还款，截至{{ today }}已逾期{{ loan.overdue_days }}天。"
           "据本人所知的贵方账单信息，目前欠款情况如下（以双方书面核对一致的金额为准）：{% endif %}", keep_next=True)
    b.add(tag("{%p for debt in lender.debts %}"),
          tag("{%p if lender.several_contracts %}"),
          P(contract_line() + "，自{{ debt.loan.overdue_since }}起未能按期足额还款，"
            "截至{{ today }}已逾期{{ debt.loan.overdue_days }}天：", before=60, keep_next=True),
          tag("{%p endif %}"),
          amounts_table(),
          tag("{%p endfor %}"))

    b.heading("二、困难情况")
    b.para("本次逾期并非本人不愿还款，而是由于以下情况：", before=60)
    for key, label, text in HARDSHIPS:
        pointer = (f"{{% if hardship_evidence.{key} %}}相关证明材料：{{{{ hardship_evidence.{key} }}}}，"
                   "见所附《证明材料清单》。{% endif %}")
        b.when(f"hardship.{key}", P(R(label, bold=True), text + pointer))
    b.para("具体经过，本人陈述如下：")
    b.add(tag("{%p for para in hardship_details %}"), P("{{ para }}", style="Statement"), tag("{%p endfor %}"))

    b.heading("三、目前收支状况")
    b.para("本人{% if budget.household %}家庭{% endif %}目前每月的收支情况如下：", keep_next=True)
    widths = [cm(7.6), cm(4.0)]
    budget_rows = [
        ("{{ budget.income_label }}", "{{ budget.income }}"),
        ("每月必要生活支出", "{{ budget.expenses }}"),
        ("其他债务每月还款{% if summary.several %}（不含情况表所列借款）{% endif %}", "{{ budget.other_debts }}"),
        ("每月结余", "{{ budget.disposable }}"),
    ]
    lines = [row([text_cell(widths[0], label, jc="left"), text_cell(widths[1], value, jc="right")])
             for label, value in budget_rows]
    # The table never splits: its rows keep with each other and with the header (the income row alone
    # at a page foot was a fault of issue 22).
    b.add(table(widths, [keep_with_next(header_row(widths, ["项目", "金额（元／月）"])),
                         *map(keep_with_next, lines[:-1]), lines[-1]]))
    b.para("{% if budget.dependents %}本人需抚养（赡养）家庭成员{{ budget.dependents }}人。{% endif %}"
           "在保障家庭基本生活的前提下，本人按原约定的金额和期限还款确有困难。", before=120)
    b.when("summary.several", P(SEVERAL_DEBTS))

    b.heading("四、还款意愿")
    b.para("对未能按期还款，本人深表歉意。本次逾期系上述困难所致，并非恶意拖欠，本人没有逃避债务的意图，"
           "愿意在力所能及的范围内尽最大努力还款。")

    # No lead-in between the heading and the first request of a one-contract letter: LibreOffice keeps
    # a heading with the paragraph after it, but not reliably through a chain of three.
    b.heading("五、协商请求")
    b.para(R("{% if lender.several_contracts %}对上述{{ lender.count }}笔借款，本人分别提出以下还款方案：{% else %}"),
           R("还款安排：", bold=True), R(proposal_sentence("") + "{% endif %}"), keep_next=True)
    b.add(tag("{%p for debt in lender.debts %}"),
          tag("{%p if lender.several_contracts %}"),
          P(R(contract_line() + "：", bold=True), keep_next=True),
          P(R("还款安排：", bold=True), proposal_sentence()),
          tag("{%p endif %}"),
          tag("{%p if debt.request.penalty_waiver %}"),
          P(R("减免罚息：", bold=True), "恳请贵方减免已产生的罚息及相关费用{% if debt.loan.penalty_given %}"
            "人民币{{ debt.plan.waived_penalty }}元（大写：{{ debt.plan.waived_penalty_words }}）"
            "{% else %}（金额以贵方账单为准）{% endif %}。"),
          tag("{%p endif %}"),
          # Exactly one sentence on interest per contract: the draft proposes that nothing more accrues.
          # A credit card may ask for the personalised installment agreement of the credit-card rules
          # (art. 70: up to 5 years; collection stops once it is agreed); no other product may.
          tag("{%p if debt.lender.credit_card and not debt.plan.settlement %}"),
          P(R("个性化分期还款：", bold=True),
            "依照《商业银行信用卡业务监督管理办法》第七十条，恳请贵方与本人协商达成个性化分期还款协议"
            "（期限不超过5年），按上述还款安排分期偿还，在协议履行期间停止计收利息、罚息及其他费用；"
            "协议达成后，恳请贵方停止对本人的催收。"),
          tag("{%p elif debt.request.interest_freeze %}"),
          P(R("个性化还款方案：", bold=True),
            "恳请贵方根据本人目前的实际还款能力，为本人办理个性化还款方案，在方案履行期间停止计收利息、罚息及其他费用。"),
          tag("{%p elif not debt.plan.settlement %}"),
          P(R("停止计息：", bold=True), "恳请贵方在上述还款安排履行期间，不再计收利息、罚息及其他费用。"),
          tag("{%p endif %}"),
          tag("{%p endfor %}"))
    b.para(R("暂停催收：", bold=True), "在贵方审核本申请期间，恳请暂停对本人的催收（包括委托第三方机构进行的催收），"
           "不联系本人的亲属、工作单位及其他第三人，并暂缓起诉。")
    b.para("以上方案是本人根据实际收支情况提出的。如贵方对方案有调整意见，本人愿意继续协商。")

    b.heading("六、本人承诺")
    b.para("如贵方同意上述申请，本人承诺：")
    b.para("（一）按照双方书面确认的还款计划按时足额还款；", keep_next=True)
    b.para("（二）保持联系方式畅通，联系方式或住址变更时及时告知贵方；", keep_next=True)
    b.para("（三）贵方需要时，补充提供收入、支出及困难情况的相关证明材料；", keep_next=True)
    b.para("（四）经济状况好转时，争取提前还款。")
    b.para("恳请贵方予以理解和支持。特此申请。", keep_next=True)

    # The annex list, signature and date keep together on one page (keep-with-next down to the date).
    b.add(tag("{%p if summary.several %}"),
          P(R("附件：", bold=True), "《收入支出及债务情况表》{% if evidence.any %}；证明材料{{ evidence.count }}项"
            "（详见《证明材料清单》）{% endif %}", style="Normal", before=240, keep_next=True),
          tag("{%p elif evidence.any %}"),
          P(R("附件：", bold=True), "证明材料{{ evidence.count }}项（详见《证明材料清单》）", style="Normal", before=240,
            keep_next=True),
          tag("{%p endif %}"),
          # Where each material is (issue 22): copies the borrower adds (behind the list on paper, sent
          # separately when this goes out as a file), scans enclosed after the list, the rest on request.
          tag("{%p if evidence.paper %}"),
          P("复印件（纸质寄送时附于《证明材料清单》之后；以电子方式发送本申请时，另行寄送或当面递交）：",
            style="Normal", ind_left=480, keep_next=True),
          tag("{%p for item in evidence.rows if not item.enclosed %}"),
          P("{{ item.number }}. {{ item.label }}{% if item.pages %}（{{ item.pages }}页）{% endif %}",
            style="Normal", ind_left=480, keep_next=True),
          tag("{%p endfor %}"),
          tag("{%p endif %}"),
          tag("{%p if evidence.enclosed %}"),
          P("扫描件（附于本申请的《证明材料清单》之后）：", style="Normal", ind_left=480, keep_next=True),
          tag("{%p for item in evidence.rows if item.enclosed %}"),
          P("{{ item.number }}. {{ item.label }}{% if item.pages %}（{{ item.pages }}页）{% endif %}",
            style="Normal", ind_left=480, keep_next=True),
          tag("{%p endfor %}"),
          tag("{%p endif %}"),
          P("如贵方需要，本人可补充提供{% if evidence.any %}其他{% endif %}收入、支出及困难情况的相关证明材料。",
            style="BodyText", before=120, keep_next=True))

    b.add(P("申请人（签名）：", style="Signature", before=600),
          P("日期：{{ today }}", style="Signature", before=240, keep_next=False))
    b.when("caseworker", P("经办人：{{ caseworker }}", style="SmallNote", before=480))
    b.when("org.name", P("本申请书由{{ org.name }}协助准备{% if org.phone %}（联系电话：{{ org.phone }}）{% endif %}。",
                         style="SmallNote", before=120))
    return b


# ---------------------------------------------------------------- 证明材料清单


def evidence_cover() -> Builder:
    """Only the materials the row lists (and the scans that follow); the packet leaves this document
    out when there are none."""
    b = Builder("证明材料清单")
    b.title("证明材料清单")
    b.add(info_block((("案件编号：", "{{ case_id }}"), ("日期：", "{{ today }}")),
                     (("申请人：", "{{ borrower.name }}"), ("事由：", "协商还款（{{ lender.short_name }}）")),
                     (("贷款机构：", "{{ lender.legal_name }}"), None)))
    b.para("", style="Normal", after=120)

    widths = [cm(1.2), cm(6.4), cm(1.4), cm(3.0), cm(1.6), cm(2.0)]
    b.add(table(widths, [
        header_row(widths, ["序号", "材料名称", "页数", "提交方式", "原件", "复印件"]),
        loop_row(widths, "{%tr for item in evidence.rows %}"),
        row([
            text_cell(widths[0], "{{ item.number }}"),
            text_cell(widths[1], "{{ item.label }}", jc="left"),
            text_cell(widths[2], "{{ item.pages }}"),
            text_cell(widths[3], "{% if item.enclosed %}扫描件附后{% else %}复印件{% endif %}"),
            # □ (U+25A1) rather than ☐ (U+2610): the Noto CJK faces have no glyph for ☐.
            text_cell(widths[4], "□"),
            text_cell(widths[5], "□"),
        ], min_height=454),
        loop_row(widths, "{%tr endfor %}"),
    ]))
    b.line("共{{ evidence.count }}项{% if evidence.pages_complete %}，合计{{ evidence.total_pages }}页"
           "{% elif evidence.total_pages %}，其中已注明页数的合计{{ evidence.total_pages }}页{% endif %}。", before=120)
    b.para("{% if evidence.enclosed %}标“扫描件附后”的材料，扫描件附于本清单之后。{% endif %}"
           "{% if evidence.paper %}{% if evidence.enclosed %}标“复印件”的材料{% else %}本文件未附材料的扫描件，"
           "所列材料{% endif %}由本人另行提交复印件：纸质寄送时附于本清单之后；以电子方式发送本文件时，另行寄送或当面递交。"
           "{% endif %}", style="SmallNote", before=60)

    b.line(R("说明：", bold=True), before=240)
    for text in (
        "1. 提交复印件的，每页复印件上注明“与原件一致”，由提交人签名并注明日期。",
        "2. 在“原件”“复印件”栏的相应方框内打“√”；原件经核对后当场退还提交人。",
        "3. 本清单由提交人和接收人核对签字后，各留存一份。",
    ):
        b.add(P(text, style="SmallNote", keep_next=True, ind_left=420))

    sig = [cm(7.8), cm(7.8)]
    b.add(P("", style="Normal", keep_next=True, after=240))
    b.add(table(sig, [
        keep_with_next(row([cell(sig[0], P("提交人（签名）：", style="Normal")),
                            cell(sig[1], P("接收人（签名）：", style="Normal"))], min_height=cm(1.4))),
        row([cell(sig[0], P("日期：" + DATE_BLANK, style="Normal")),
             cell(sig[1], P("日期：" + DATE_BLANK, style="Normal"))]),
    ], borders=False))
    return b


# ---------------------------------------------------------------- 还款协议（草案）


def agreed_amount(name: str, label: str) -> str:
    """An amount the row gives, or words saying the borrower does not know it: never a blank to be
    filled in after signing, never the lender's bill (第二条 and 第七条 say what paying settles)."""
    given = AMOUNT % (f"debt.loan.{name}", f"debt.loan.{name}")
    return f"{label}：{{% if debt.loan.{name}_given %}}{given}{{% else %}}乙方未掌握具体金额{{% endif %}}；"


def page_break_between(title: str):
    """The title of each agreement; every one after the first starts on a new page (a page break run
    that only `{%r if not loop.first %}` keeps)."""
    paragraph = P(R("{%r if not loop.first %}"), R(""), R("{%r endif %}"), R(title), style="DocTitle")
    paragraph.findall(qn("w:r"))[1].append(el("w:br", {"w:type": "page"}))
    return paragraph


def repayment_agreement() -> Builder:
    """One agreement per contract (what a lawyer signs: each settles its own original contract, and a
    default under one does not reach the others), one after another, each from a new page."""
    b = Builder("还款协议（草案）")
    b.add(tag("{%p for debt in lender.debts %}"), page_break_between("还款协议（草案）"))
    b.add(P("（本草案由乙方提出，供双方协商；各条款以双方最终签署的文本为准）", style="DocNote"))
    b.when("lender.several_contracts",
           P("（乙方在甲方共有{{ lender.count }}笔借款，每笔借款一份协议；本协议适用于" + contract_line()[len("{{ debt.ordinal }}"):]
             + "）", style="DocNote"))

    b.line(R("甲方（债权人）：", bold=True), "{{ lender.legal_name }}", keep_next=False)
    b.line("住所：{% if lender.address %}{{ lender.address }}{% else %}" + BLANK * 2 + "{% endif %}")
    b.line("法定代表人（负责人）：" + BLANK)
    b.line(R("乙方（债务人）：", bold=True), "{{ borrower.name }}", before=120, keep_next=False)
    b.line("身份证号码：{{ borrower.id_number }}")
    b.line("联系电话：{{ borrower.phone }}")
    b.line("联系地址：{% if borrower.address %}{{ borrower.address }}{% else %}" + BLANK * 2 + "{% endif %}")

    b.para("{% if lender.credit_card %}乙方持有甲方发行的信用卡{% if debt.loan.contract_no %}（卡号或合同编号："
           "{{ debt.loan.contract_no }}）{% endif %}，双方签订了信用卡领用合约{% else %}乙方在甲方办理"
           "{{ lender.short_name }}借款，双方签订了{% if debt.loan.contract_no %}编号为{{ debt.loan.contract_no }}的"
           "{% endif %}借款合同{% endif %}（以下简称“原合同”）。"
           "乙方因遭遇困难，自{{ debt.loan.overdue_since }}起未能按原合同按期还款。"
           "为妥善解决欠款问题，经双方协商，达成如下协议，以资共同遵守：", before=240)

    b.heading("第一条　欠款金额")
    b.para("根据乙方所掌握的甲方账单信息，截至{{ today }}，原合同项下欠款为：")
    b.para("（一）本金：" + AMOUNT % ("debt.loan.principal", "debt.loan.principal") + "；", keep_next=True)
    b.para(agreed_amount("interest", "（二）利息"), keep_next=True)
    b.para(agreed_amount("penalty", "（三）罚息及费用"), keep_next=True)
    b.para("{% if debt.loan.all_given %}以上合计人民币{{ debt.loan.total_owed }}元（大写：{{ debt.loan.total_owed_words }}）。"
           "{% else %}以上已列明的{{ debt.loan.total_includes }}合计人民币{{ debt.loan.total_owed }}元"
           "（大写：{{ debt.loan.total_owed_words }}）。{% endif %}", keep_next=True)
    b.para("上述金额以双方书面核对一致的金额为准。")

    # The borrower's lawyer: what paying the plan settles is said here, whatever the row gives. A waiver
    # is earned installment by installment (a default does not forfeit what was paid for); nothing
    # accrues from the date of the amounts on; no rate, no blank for either side to fill in later.
    b.heading("第二条　减免、利息及费用")
    b.add(tag("{%p if debt.request.penalty_waiver %}"),
          P("（一）甲方同意减免原合同项下{% if debt.loan.penalty_given %}的罚息及费用人民币{{ debt.plan.waived_penalty }}元"
            "（大写：{{ debt.plan.waived_penalty_words }}）{% else %}已产生的全部罚息及费用{% endif %}。"
            "减免随乙方按本协议付款逐步确定：乙方已支付的款项所对应的减免，不因乙方此后未按期还款而恢复；"
            "乙方未按本协议还款的，甲方可以主张恢复的减免，以尚未支付的款项所对应的部分为限"
            "（按尚未支付的款项占第三条还款总额的比例计算）。", keep_next=True),
          tag("{%p elif debt.loan.has_penalty %}"),
          P("（一）第三条所列还款总额已包含第一条所列的罚息及费用人民币{{ debt.loan.penalty }}元；"
            "除此以外，乙方不再支付原合同项下的任何罚息及费用。", keep_next=True),
          tag("{%p elif debt.loan.penalty_given %}"),
          P("（一）据乙方所知，原合同项下未产生罚息及费用；乙方按本协议付清后，原合同项下的罚息及费用（如有）一并结清，"
            "甲方不再另行主张。", keep_next=True),
          tag("{%p else %}"),
          P("（一）乙方未掌握原合同项下罚息及费用的金额。第三条所列还款总额即乙方在原合同项下应付的全部款项，"
            "乙方按本协议付清后，原合同项下的罚息及费用一并结清，甲方不再另行主张。", keep_next=True),
          tag("{%p endif %}"),
          P("（二）自{{ today }}（第一条所列金额的截止日）起，原合同项下欠款不再计收利息、罚息、违约金及其他任何费用。"))

    b.heading("第三条　还款计划")
    # A settlement only when one was asked for (一次性结清); any other plan is its schedule, even a one-row one.
    b.add(tag("{%p if debt.plan.settlement %}"),
          P("{% if debt.plan.deferral %}甲方同意乙方暂缓至{{ debt.plan.first_due }}还款，乙方于该日前{% else %}"
            "乙方于{{ debt.plan.first_due }}前{% endif %}一次性向甲方支付人民币{{ debt.plan.proposed_total }}元"
            "（大写：{{ debt.plan.proposed_total_words }}）；甲方收到后，原合同项下债务全部结清，"
            "甲方不再向乙方主张其余任何款项。", keep_next=True),
          tag("{%p else %}"),
          P("{% if debt.plan.deferral %}甲方同意乙方暂缓至{{ debt.plan.first_due }}开始还款。{% endif %}"
            "乙方按下表{% if not debt.plan.single %}分{{ debt.plan.count }}期{% endif %}向甲方还款，"
            "{% if debt.plan.single %}款项应于还款日{% else %}每期款项应于当期还款日{% endif %}当日（含）前足额到账：", keep_next=True),
          tag("{%p endif %}"))
    widths = [cm(3.4), cm(6.0), cm(6.2)]

    def installment_row():
        return row([text_cell(widths[0], "第{{ i.number }}期"), text_cell(widths[1], "{{ i.due }}"),
                    text_cell(widths[2], "{{ i.amount }}", jc="right")])

    b.add(tag("{%p if not debt.plan.settlement %}"),
          table(widths, [header_row(widths, ["期数", "还款日", "金额（元）"]),
                         *schedule_rows(widths, installment_row, loop="debt.plan.schedule"),
                         keep_with_next(row([text_cell(widths[0] + widths[1], "合计", style="TableHeading", span=2),
                              text_cell(widths[2], R("{{ debt.plan.proposed_total }}", bold=True), jc="right")]))]),
          P("以上还款合计人民币{{ debt.plan.proposed_total }}元（大写：{{ debt.plan.proposed_total_words }}）。", before=120,
            keep_next=True),
          tag("{%p endif %}"))
    b.para("乙方可以提前偿还部分或全部款项，提前还款不另收费用。乙方支付的款项先用于清偿本金，"
           "本金清偿完毕后再清偿其他款项。")

    b.heading("第四条　还款方式")
    b.para("乙方通过甲方的官方渠道还款，即{% if lender.has_repayment_channel %}{{ lender.repayment_channel }}"
           "{% else %}原合同或甲方官方App载明的还款渠道{% endif %}，或甲方名下的还款账户（包括甲方书面指定的"
           "其他甲方名下账户）。乙方向上述渠道以外的任何单位、个人或账户支付的款项，不视为向甲方的还款。", keep_next=True)
    b.para("甲方指定还款账户：户名" + BLANK + "，开户行" + BLANK + "，账号" + BLANK + "。")

    b.heading("第五条　暂停催收")
    b.para("{% if lender.credit_card and not debt.plan.settlement %}本协议是《商业银行信用卡业务监督管理办法》"
           "第七十条所称的个性化分期还款协议。{% endif %}"
           "乙方按本协议履行期间，甲方暂停对乙方的催收，包括委托第三方机构（含外包催收机构）进行的催收，"
           "不联系乙方的亲属、工作单位及其他第三人；甲方不就原合同对乙方提起诉讼或申请仲裁。")

    b.heading("第六条　未按期还款的处理")
    b.add(tag("{%p if debt.plan.single %}"),
          P("乙方未能在约定日期前付清的，应及时告知甲方，双方另行协商。甲方可以主张的，以本协议项下尚未支付的款项"
            "{% if debt.request.penalty_waiver %}及依第二条可以恢复的减免{% endif %}为限，不按原合同另计利息、罚息或其他费用。"),
          tag("{%p else %}"),
          P("乙方连续两期未按本协议约定足额还款的，甲方应书面通知乙方；乙方自收到通知之日起十五日内仍未补足的，"
            "甲方可以要求乙方一次性偿还本协议项下剩余未还款项。甲方此时可以主张的，以本协议项下尚未支付的款项"
            "{% if debt.request.penalty_waiver %}及依第二条可以恢复的减免{% endif %}为限，"
            "不按原合同另计利息、罚息或其他费用；乙方已支付的款项不受影响。乙方因客观原因临时无法按期还款的，"
            "应在当期还款日前告知甲方，双方另行协商。"),
          tag("{%p endif %}"))

    b.heading("第七条　还清的效力")
    b.para("乙方按本协议付清第三条所列全部款项后，原合同项下乙方的全部债务即告结清，甲方不再就原合同向乙方主张本金、"
           "利息、罚息、违约金或其他任何费用，第一条未列明金额的款项亦同。甲方应在收到全部款项后，应乙方要求出具结清证明。")

    b.heading("第八条　征信报送（建议条款，供双方协商）")
    b.para("本协议履行期间，甲方按本协议约定的还款安排报送乙方的信用信息，乙方按本协议按期还款的，不作为逾期报送；"
           "乙方还清全部款项后，甲方应及时将原合同项下借款在金融信用信息基础数据库中的状态更新为结清。"
           "报送的信息有误的，甲方应在核实后及时更正。")

    # Not a deemed-service clause: a borrower who moves must not lose a case by default for it.
    b.heading("第九条　通知")
    b.para("本协议所载联系地址和联系电话用于本协议履行中的通知。一方变更联系地址或联系电话的，应及时书面通知对方。"
           "甲方依第六条发出的书面通知，应寄送至乙方最后一次书面告知的联系地址，并同时以短信或电话告知乙方。"
           "本条不构成双方对诉讼或仲裁文书送达地址的约定。")

    b.heading("第十条　争议解决")
    b.para("因本协议引起的或者与本协议有关的争议，双方应首先友好协商解决；协商不成的，可以向金融纠纷调解组织申请调解，"
           "或者依法向有管辖权的人民法院提起诉讼。")

    # The last clause keeps with the signature block: no signature page without any clause on it.
    b.heading("第十一条　生效及其他")
    b.para("本协议自甲方盖章、乙方签名并按手印之日起生效。本协议是双方对原合同项下欠款的还款安排：原合同关于利息、"
           "罚息、违约金、费用及争议解决（包括管辖法院和仲裁）的约定，不适用于本协议约定的还款安排；"
           "本协议与原合同约定不一致的，以本协议为准。", keep_next=True)
    b.when("lender.several_contracts", P("乙方在甲方的其他借款由双方另行签订的还款协议约定；本协议的履行与其他协议互不影响。",
                                         keep_next=True))
    b.para("本协议一式两份，甲乙双方各执一份，具有同等法律效力。", keep_next=True)
    b.para("（以下无正文）", keep_next=True)

    sig = [cm(7.8), cm(7.8)]
    b.add(P("", style="Normal", keep_next=True, after=120))
    b.add(table(sig, [
        keep_with_next(row([cell(sig[0], P("甲方（盖章）：", style="Normal"), valign="top"),
                            cell(sig[1], P("乙方（签名并按手印）：", style="Normal"), valign="top")],
                           min_height=cm(2.2))),
        keep_with_next(row([cell(sig[0], P("授权代表（签字）：", style="Normal"), valign="top"),
                            cell(sig[1], valign="top")], min_height=cm(1.4))),
        row([cell(sig[0], P("日期：" + DATE_BLANK, style="Normal")),
             cell(sig[1], P("日期：" + DATE_BLANK, style="Normal"))]),
    ], borders=False))
    b.add(tag("{%p endfor %}"))
    # No clause runs from one page onto the next (issue 22): every paragraph keeps its lines together,
    # and every one but a clause's last keeps with the next (set above); only 第三条's schedule may
    # continue on a new page, under its repeated header.
    for paragraph in b.body.iter(qn("w:p")):
        properties = paragraph.find(qn("w:pPr"))
        if properties is not None and properties.find(qn("w:keepLines")) is None:
            keep = properties.find(qn("w:keepNext"))
            (keep if keep is not None else properties.find(qn("w:pStyle"))).addnext(el("w:keepLines"))
    return b
