"""The borrower's set (本人留存): what the borrower keeps and uses — a plain summary in front, the
checklist of evidence to gather, the call sheet with the negotiating range, the repayment tracker,
and a page of rights and where to get help. Plain words for someone who may not read legal text;
nothing here is sent to the lender.
"""

from __future__ import annotations

from docx.oxml.ns import qn
from docx_kit import (
    SANS,
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
from lender_set import info_block

NOT_SENT = "（本人留存，不要寄给贷款机构）"
RED = "C00000"


def red(paragraph):
    """The paragraph's runs in red (w:color after a run's face and weight, the only properties it has)."""
    for r in paragraph.iter(qn("w:r")):
        properties = r.find(qn("w:rPr"))
        if properties is None:
            properties = el("w:rPr")
            r.insert(0, properties)
        properties.append(el("w:color", {"w:val": RED}))
    return paragraph


# The summary and the call sheet are read by people with little schooling, often aloud: 小四 (12 pt)
# throughout, tables and notes included (the shared kit's table and note styles are 五号, 10.5 pt).
LARGE = "Normal"


def big_cell(width: int, content, jc: str = "center", span: int = 1):
    return text_cell(width, content, jc=jc, style=LARGE, span=span)


def big_header(widths: list[int], labels: list[str]):
    return row([big_cell(w, R(label, bold=True, face=SANS)) for w, label in zip(widths, labels, strict=True)],
               header=True)


def notes(*texts: str) -> list:
    """The lines under a title (本人留存…), each a paragraph of its own, so that a short one is never
    the tail of a long one ('贷款机构）' alone on a line)."""
    return [P(text, style="DocNote", after=0 if n < len(texts) - 1 else None) for n, text in enumerate(texts)]


def big_notes(*texts: str) -> list:
    return [P(text, style=LARGE, jc="center", after=0 if n < len(texts) - 1 else 240, keep_next=False)
            for n, text in enumerate(texts)]


# A lender the list gives no channel for (a creditor on no list, a bank's credit card): only what is
# printed on the card, the contract or in the official app — a number found online may be a scam line.
NO_CHANNELS = ("{% if not l.listed %}这家机构不在本材料的贷款机构名单里，{% endif %}材料里没有写它的客服电话和还款渠道。"
               "请只用{% if l.credit_card %}信用卡背面、信用卡账单或发卡银行官方App上{% else %}借款合同上或它的官方App里{% endif %}"
               "印着的电话和还款方式；网上搜到的“客服电话”可能是诈骗号码，不要打，也不要向它给的账户转账。")
CHANNELS = ("{% if l.has_channels %}{{ l.contact }}（请以官方公布为准）{% else %}只用"
            "{% if l.credit_card %}信用卡背面、信用卡账单或发卡银行官方App{% else %}借款合同或它的官方App{% endif %}"
            "上印着的电话；网上搜到的“客服电话”可能是诈骗号码{% endif %}")

CONTACT = ("{% if contact.any %}有疑问，请联系{% if contact.org %}{{ contact.org }}"
           "{% if contact.phone %}（电话：{{ contact.phone }}）{% endif %}"
           "{% if contact.caseworker %}的经办人{{ contact.caseworker }}{% endif %}"
           "{% else %}为您准备材料的经办人{{ contact.caseworker }}{% endif %}。{% endif %}")


# ---------------------------------------------------------------- 先看这里 (the first page of the set)


def notices_block(style: str = "PlainText") -> list:
    """What the plan's warnings say, in plain words, where the borrower starts reading: installments
    above the capacity in some months, a deferral the budget does not need, installments worked out by
    capacity because the row asked neither for installments nor for a settlement."""
    def item(text: str):
        return P("· " + text, style=style, ind_left=420, no_indent=True)

    return [
        tag("{%p if notices.any %}"),
        red(P(R("先看这里：", bold=True), style=style, before=120, keep_next=True, no_indent=True)),
        tag("{%p if notices.above_capacity %}"),
        item("{{ notices.months }}，{% if summary.several %}几笔借款加起来{% endif %}每月最多要还{{ notices.amount }}元，"
             "超过了您每月能拿出来还款的{{ notices.capacity }}元（每月结余{{ notices.surplus }}元的七成），"
             "留给看病、修车这类意外开支的只剩{{ notices.left }}元。这几个月一有意外，就可能又还不上："
             "谈的时候不要再往上加；对方能延长期数、让每月少还一点的，就请对方延长。"),
        tag("{%p endif %}"),
        tag("{%p for d in all_debts %}"),
        tag("{%p if d.notice.deferral_not_needed %}"),
        item("{% if summary.several %}{{ d.name }}：{% endif %}您要求先暂缓还款，但按您的收支，每月能用来还"
             "{% if summary.several %}这笔借款{% endif %}的{{ d.notice.available }}元已经够"
             "{% if d.plan.single %}一次还清{% else %}还每期的{{ d.plan.regular_amount }}元{% endif %}。"
             "暂缓只是把还款往后推，欠款不会因此变少；寄出之前，请{% if contact.any %}和经办人{% endif %}"
             "再确认一下是否确实需要暂缓。"),
        tag("{%p endif %}"),
        tag("{%p if d.notice.by_capacity %}"),
        item("{% if summary.several %}{{ d.name }}：{% endif %}案件表里没有写您要分期还款还是一次结清，"
             "这里按您每月能拿出来的钱算成了分期还款：{{ d.offer }}。如果您其实想一次还清，要先确定钱从哪里来，"
             "{% if contact.any %}再请经办人改成“一次性结清”{% else %}在寄出之前改成“一次性结清”{% endif %}。"),
        tag("{%p endif %}"),
        tag("{%p endfor %}"),
        tag("{%p for l in lenders %}"), tag("{%p if not l.has_channels %}"),
        item("{{ l.short_name }}：" + NO_CHANNELS),
        tag("{%p endif %}"), tag("{%p endfor %}"),
        tag("{%p endif %}"),
    ]


# ---------------------------------------------------------------- 致借款人：材料说明


def borrower_summary() -> Builder:
    b = Builder("致借款人：材料说明")
    b.title("致借款人：这套材料怎么用")
    b.add(*big_notes(NOT_SENT))
    b.line("{{ borrower.name }}，您好：", keep_next=False)
    b.para("这套材料分两部分。前一部分是“寄送件”，是交给贷款机构的"
           "{% if summary.several_lenders %}，每一家一份，见下表{% else %}：协商还款申请书"
           "{% if summary.several %}、收入支出及债务情况表{% endif %}{% if evidence.any %}、证明材料清单{% endif %}"
           "和还款协议（草案），交给{{ lender.short_name }}，电子版是 {{ lender.file }}{% endif %}。"
           "这一部分是“本人留存”，是给您自己用的，请不要寄出，里面有您谈判时不能告诉对方的底线。", jc="left")
    # With several debts the overview of all debts is the first page and says these things first.
    b.add(tag("{%p if not summary.several %}"), *notices_block("BodyText"), tag("{%p endif %}"))
    widths = [cm(5.6), cm(4.4), cm(5.6)]
    b.add(tag("{%p if summary.several_lenders %}"),
          table(widths, [
              big_header(widths, ["文件", "交给谁", "里面是哪几笔借款"]),
              loop_row(widths, "{%tr for l in lenders %}"),
              row([big_cell(widths[0], "{{ l.file }}", jc="left"),
                   big_cell(widths[1], "{{ l.short_name }}（{{ l.legal_name }}）", jc="left"),
                   big_cell(widths[2], "{% for d in l.debts %}{% if d.contract_no %}合同编号{{ d.contract_no }}"
                                        "{% else %}第{{ d.number }}笔{% endif %}{% if not loop.last %}、{% endif %}"
                                        "{% endfor %}", jc="left")]),
              loop_row(widths, "{%tr endfor %}"),
          ]),
          P("每个文件只交给表里对应的那一家，不要交错。每个文件里都有一份《收入支出及债务情况表》，列着您的全部借款："
            "这是为了让每一家都看到，您对各家一视同仁。", style="BodyText", before=60),
          tag("{%p endif %}"))

    b.heading("一、这次向{% if summary.several_lenders %}各家{% else %}{{ lender.short_name }}{% endif %}提出什么")
    b.add(tag("{%p for debt in all_debts %}"),
          P("{% if summary.several %}{{ debt.number }}. {{ debt.name }}：{% endif %}"
            "{% if debt.plan.single %}在{{ debt.plan.first_due }}前一次还清{{ debt.plan.proposed_total }}元"
            "{% if debt.plan.deferral %}（在那之前先暂缓还款）{% endif %}"
            "{% else %}{% if debt.plan.deferral %}先暂缓，到{{ debt.plan.first_due }}再开始还；{% endif %}"
            "把{{ debt.plan.proposed_total }}元分{{ debt.plan.count }}个月还{% endif %}"
            "{% if debt.request.penalty_waiver %}；免掉罚息和相关费用{% if debt.loan.penalty_given %}"
            "（{{ debt.plan.waived_penalty }}元）{% endif %}{% endif %}"
            "{% if debt.plan.no_further_interest %}；从签协议起不再加收利息和其他费用{% endif %}。", style="BodyText"),
          tag("{%p endfor %}"))
    b.para("还请对方在审核期间暂停催收，不联系您的家人和工作单位。")

    b.heading("二、您要还多少，从什么时候到什么时候")
    b.add(tag("{%p for debt in all_debts %}"),
          P("{% if summary.several %}{{ debt.number }}. {{ debt.name }}：{% endif %}"
            "{% if debt.plan.single %}一次还清{{ debt.plan.proposed_total }}元，最晚在{{ debt.plan.first_due }}前到账。"
            "{% else %}每月还{{ debt.plan.regular_amount }}元{% if not debt.plan.equal %}（最后一个月"
            "{{ debt.plan.last_amount }}元）{% endif %}，共{{ debt.plan.count }}个月：第一次在{{ debt.plan.first_due }}，"
            "最后一次在{{ debt.plan.last_due }}，合计{{ debt.plan.proposed_total }}元。{% endif %}"
            "这个数是按{{ debt.plan.total_includes }}算的{% if not debt.loan.all_given %}；案件表里没有填写的利息或罚息，"
            "以贷款机构的账单为准，核对后金额可能会变{% endif %}。", style="BodyText"),
          tag("{%p endfor %}"))
    b.para("{% if summary.several and any_installments %}几笔加起来，每月最多要还{{ budget.monthly_offer }}元。{% endif %}"
           "对方同意之前，这只是您提出的方案。")

    b.heading("三、如果没能按时还")
    b.para("{% if any_installments %}{% if summary.any_settlement %}分期还的：{% endif %}"
           "按草案，连续两期没还上，对方要先书面通知您；您收到通知后15天内补上，方案继续有效；"
           "没有补上，对方可以要求您一次还清剩下的钱。{% endif %}"
           "{% if summary.any_settlement %}{% if any_installments %}一次还清的：{% endif %}"
           "按草案，到期没能付清的，要及时告诉对方，双方另行协商。草案里没有宽限期，到时候对方不一定还同意原来的方案"
           "和减免，所以只有确定到期前钱能到位，才答应这个日期。{% endif %}"
           "手头有困难时，一定要在{% if any_installments %}还款日{% else %}付款日{% endif %}之前主动联系对方说明，"
           "不要等逾期了再说。")

    b.heading("四、接下来做什么")
    b.para("1. 在申请书上签名{% if summary.several %}，也在《收入支出及债务情况表》上签名{% endif %}，"
           "把寄送件交给{% if summary.several_lenders %}各家：每一家都通过它的官方渠道（见下面）{% else %}"
           "{{ lender.short_name }}：通过官方渠道（{{ lender.contact }}）{% endif %}提交，"
           "或按对方告知的地址邮寄；不要交给自称能代办的个人。保留寄送凭证：快递单号、上传或提交成功的截图。")
    b.add(tag("{%p if summary.several_lenders %}"), tag("{%p for l in lenders %}"),
          P("{{ l.short_name }}：{{ l.contact }}", style="BodyText", ind_left=840, no_indent=True, jc="left"),
          tag("{%p endfor %}"), tag("{%p endif %}"))
    b.para("2. 对照《证明材料准备清单》准备还缺的材料{% if evidence.missing %}（还缺{{ evidence.missing|length }}项）"
           "{% endif %}，齐了以后补交。")
    b.para("3. 如果到{{ follow_up }}还没有收到答复，就打电话跟进，电话怎么说、底线是多少，看《通话准备与记录表》"
           "{% if summary.several_lenders %}（每一家一节）{% endif %}。")
    b.para("4. 谈定以后，一定要拿到书面确认（签字盖章的协议，或对方的短信、线上记录），再按《还款跟踪表》"
           "{% if any_installments %}按期还款{% else %}在约定的日期前付款{% endif %}。"
           "手机或电脑日历可以导入还款提醒文件 reminders.ics：在手机上直接打开这个文件，或在 Outlook、WPS 日历中"
           "选择“导入”，每个还款日前3天会提醒您。")
    b.para("5. 不要找收费的“代理协商”“代理停息挂账”“债务优化”“反催收”中介，也不要借新的贷款来还旧的"
           "（见《您的权利与求助渠道》第四部分）。有问题，拨打12348公共法律服务热线或到当地的法律援助机构，都可以免费咨询。")
    b.add(tag("{%p for l in lenders %}"), tag("{%p if l.caution %}"),
          P(R("特别提醒：", bold=True), "{{ l.caution }}", style="BodyText", before=60),
          tag("{%p endif %}"), tag("{%p endfor %}"))
    b.when("contact.any", P(CONTACT, style="BodyText", before=120))
    return b


# ---------------------------------------------------------------- 证明材料准备清单


def evidence_checklist() -> Builder:
    b = Builder("证明材料准备清单")
    b.title("证明材料准备清单")
    b.add(P(NOT_SENT, style="DocNote"))
    b.para("贷款机构通常需要看到下面这些材料，才能相信并理解您的困难。已经在案件表里列明的打了“√”；"
           "打“□”的请尽快准备，准备好后补交，并在方框里打勾。", keep_next=True)
    widths = [cm(1.2), cm(9.4), cm(1.6), cm(3.4)]
    b.add(table(widths, [
        header_row(widths, ["序号", "需要准备的材料", "已列明", "案件表中列明的"]),
        loop_row(widths, "{%tr for item in evidence.checklist %}"),
        row([text_cell(widths[0], "{{ item.number }}"),
             text_cell(widths[1], "{{ item.what }}", jc="left"),
             text_cell(widths[2], "{% if item.have %}√{% else %}□{% endif %}"),
             text_cell(widths[3], "{{ item.listed }}", jc="left")], min_height=cm(0.9)),
        loop_row(widths, "{%tr endfor %}"),
    ]))
    b.line(R("提示：", bold=True), before=240)
    for text in (
        "1. 交复印件，原件自己保管；每页复印件上写“与原件一致”，签名并写上日期。",
        "2. 材料不齐也可以先提交申请书，之后再补交；每次补交都留一份清单和寄送凭证。",
        "3. 材料里有别人的身份证号、银行卡号等信息的，只保留能说明情况的部分，其余可以遮住。",
    ):
        b.add(P(text, style="SmallNote", keep_next=True, ind_left=420))
    return b


# ---------------------------------------------------------------- 通话准备与记录表

CALL_STEPS = [
    ("主动联系，越早越好：", "已经逾期的，不要再拖，也不要回避对方的电话；拖延只会让费用和压力更大。"
                     "提交申请后，主动打电话确认对方已经收到。"),
    ("保持冷静和礼貌：", "耐心说明情况，争取对方的理解；不争吵，不做自己做不到的承诺。"),
    ("如实说明困难：", "讲清困难是什么、从什么时候开始、现在每月收支多少，不夸大也不隐瞒；说明已经准备好的证明材料。"),
    ("提出具体方案：", "照下面“开口时可以这样说”讲出您的方案：分期的讲清每月金额、期数和第一次还款的日期，"
                 "一次还清的讲清金额和日期。"),
    ("要求书面确认：", "谈定后请对方以书面形式确认（还款协议、短信或线上记录），核对金额、日期和还款方式后再确认，并保存好。"),
    ("只走官方渠道：", "只通过官方客服和官方还款渠道沟通、还款，不向任何个人账户转账，不把验证码告诉任何人。"),
]

# Inside the loop over lenders: `l` is the lender the section is about, `d` each of its debts.
OPENING = ("“您好，我是{{ borrower.name }}，在贵方办理的{{ l.short_name }}借款"
           "{% if l.several_contracts %}有{{ l.debts|length }}笔：{% for d in l.debts %}"
           "{% if d.contract_no %}合同编号{{ d.contract_no }}，{% endif %}从{{ d.loan.overdue_since }}起逾期"
           "{% if not loop.last %}；{% endif %}{% endfor %}。"
           "{% else %}{% for d in l.debts %}{% if d.contract_no %}（合同编号{{ d.contract_no }}）{% endif %}"
           "从{{ d.loan.overdue_since }}起逾期了。{% endfor %}{% endif %}"
           "我因为{{ hardship_labels }}，暂时没办法按原来的约定还款，已经提交了协商还款申请书。"
           "我的方案是：{% for d in l.debts %}{% if l.several_contracts %}"
           "{% if d.contract_no %}合同编号{{ d.contract_no }}{% else %}第{{ d.number }}笔{% endif %}，{% endif %}"
           "{% if d.plan.single %}{% if d.plan.deferral %}暂缓到{{ d.plan.first_due }}，到时一次还清"
           "{% else %}在{{ d.plan.first_due }}前一次还清{% endif %}{{ d.plan.proposed_total }}元{% else %}"
           "{% if d.plan.deferral %}暂缓到{{ d.plan.first_due }}，从那天起{% endif %}分{{ d.plan.count }}期，"
           "每月还{{ d.plan.regular_amount }}元{% endif %}"
           "{% if d.request.penalty_waiver %}，并请减免罚息和相关费用{% endif %}"
           "{% if d.request.interest_freeze %}，请为我办理个性化还款方案，方案期间不再计收利息和罚息{% endif %}"
           "{% if not loop.last %}；{% endif %}{% endfor %}。"
           "{% if summary.several_lenders and l.share %}我一共欠{{ summary.lender_count }}家机构的钱，每月能拿出来还款的钱"
           "按欠款多少分给了每一家，贵方这一份占{{ l.share }}，全部收支和债务都写在申请材料的情况表里。"
           "{% elif l.negotiation.monthly %}这是按我现在的实际收入算出来的，"
           "{% else %}这是我一次能拿出来的钱，{% endif %}请问贵方能否同意？”")

# What to answer, true at every amount it is used for: between the opening and the step the reserve
# for the unexpected and the risk of falling behind again; "beyond what I can do" only above the limit.
# A settlement is answered as a settlement. `l` is the lender of the section.
REFUSED = ("对方不同意：", "问对方：“请问贵方对有困难的客户有哪些个性化的还款安排？需要我补充哪些材料？”"
                     "请对方说明不同意的理由，记下客服的姓名和工号。可以要求转给上级或投诉部门，"
                     "也可以按《您的权利与求助渠道》投诉。")
MORE_EACH_MONTH = (
    "对方要每月多还：",
    "{% if l.negotiation.above_limit %}您的方案已经高于底线（见本表开头的红字），一分钱也不要再加。可以说："
    "“这已经是我每月最多能拿出来的钱，再多我肯定会再次逾期，对双方都不好。能不能把期数延长一些？”"
    "{% else %}先问能不能延长期数。{% if l.negotiation.step %}要加，就慢慢加，每次少加一点，最多加到“可让步到”的"
    "{{ l.negotiation.step.amount }}元。可以说：“每月再多还，我留着应付看病这些意外开支的钱就少了，一有意外又会"
    "还不上。我尽量每月多还一点，期数也能缩短，您看这样行不行？”{% endif %}"
    "{% if l.negotiation.limit %}对方要的超过“可让步到”、还在底线{{ l.negotiation.limit.amount }}元以内的，"
    "不要当场答应，说：“这要动用我留着应付意外的钱，我回去算一下再答复您。”{% endif %}"
    "超过底线的，就说：“这个数超出了我的能力：每月付完生活费，我就剩不下应付意外的钱，肯定会再次逾期，"
    "我不能答应。”不要说出底线是多少。{% endif %}"
    "{% if summary.several_lenders %}给这一家多加的钱，只能从给别家的钱或留作意外开支的钱里出：不要为了这一家，"
    "让别家的方案落空。{% endif %}")
ALL_AT_ONCE = ("对方要一次还清：", "说实话：“我现在没有能力一次还清，所以才申请分期。”如果能向家人筹到钱，可以问："
                        "一次还清能不能减免罚息和部分利息？不要为了还这笔钱去借别的网贷，也不要找收费的中介“代还”。")
SETTLEMENT_MORE = (
    "对方要一次多付一些：",
    "说：“{% if d.funds_source %}这笔钱来自{{ d.funds_source }}，{% endif %}我一次能拿出来的就是"
    "{{ d.settlement.amount }}元。”{% if d.settlement.waiver %}确实能多凑到钱的，最多到不减免罚息的"
    "{{ d.settlement.with_penalty }}元；{% endif %}凑不到的数不要答应，也不要为了凑钱去借别的网贷或找收费的中介。")
SETTLEMENT_MONTHLY = (
    "对方要改成按月还：",
    "{% if d.settlement.monthly %}按您每月的结余，这笔借款每月最多能还{{ d.settlement.monthly_amount }}元"
    "（这是底线，不要说出口），要{{ d.settlement.monthly_months }}个月才能还完"
    "{% if d.settlement.monthly_over_cap %}，超过了5年，对方一般不会同意：请尽量争取一次还清{% endif %}。"
    "对方提出的每月金额在这以内的，可以考虑；超过的不要答应，说：“这个数超出了我每月的能力，我回去算一下再答复您。”"
    "{% elif d.settlement.has_surplus %}您每月能拿出来还款的钱已经分给了其他借款，这一笔改成按月还，就要少给别家："
    "不要当场答应，说“我回去算一下再答复您”。"
    "{% else %}按案件表，您每月已经没有结余，不能改成按月还。可以说：“我每月的收入只够生活，只能用一次凑出来的钱还。”"
    "{% endif %}")
SETTLEMENT_EARLIER = ("对方要更早付清：", "只答应钱确定能到手的日子；钱没到手以前，不要答应具体日期。")
THREATS = ("对方说要起诉或上门：", "保持冷静，说明已经提交协商申请、愿意还款，记下对方的姓名、工号和原话。"
                        "受到威胁、辱骂的，可以投诉；人身安全受到威胁，立即拨打110。真收到法院的传票或支付令，"
                        "不要不理，看《您的权利与求助渠道》第三部分。")


def answers(b: Builder) -> None:
    """四、对方这样说时, for the lender `l` of the section: its installment debts, then each settlement."""
    b.heading("四、对方这样说时")
    b.para(R(REFUSED[0], bold=True), REFUSED[1], keep_next=False)
    b.add(tag("{%p if l.negotiation.monthly %}"),
          *(P(R(label, bold=True), text) for label, text in (MORE_EACH_MONTH, ALL_AT_ONCE)),
          tag("{%p endif %}"),
          tag("{%p for d in l.debts %}"), tag("{%p if d.plan.single %}"),
          *(P(R("{% if l.several_contracts %}" + "{{ d.name }}，{% endif %}" + label, bold=True), text)
            for label, text in (SETTLEMENT_MORE, SETTLEMENT_MONTHLY, SETTLEMENT_EARLIER)),
          tag("{%p endif %}"), tag("{%p endfor %}"))
    b.para(R(THREATS[0], bold=True), THREATS[1], keep_next=False)


def offer_row(widths, label: str, name: str, note: str):
    """A lender with one installment debt: one row per level, as the amount, its months, what to do."""
    level = "l.negotiation." + name
    amount = "{% if " + level + " %}{{ " + level + ".amount }}元{% else %}—{% endif %}"
    months = "{% if " + level + " %}{{ " + level + ".months }}{% else %}—{% endif %}"
    note = "{% if " + level + " %}" + note + "{% else %}方案已经高于这一档，见本表开头的红字{% endif %}"
    return row([big_cell(widths[0], R(label, bold=True), jc="left"),
                big_cell(widths[1], amount, jc="right"), big_cell(widths[2], months),
                big_cell(widths[3], note, jc="left")], min_height=cm(0.9))


def contracts_range_table():
    """A lender with several installment debts: one row per debt, one column per level, the total."""
    widths = [cm(2.4), cm(4.4), cm(4.4), cm(4.4)]

    def level(name: str, value: str) -> str:
        return "{{ " + value + "." + name + ".amount }}元，" + "{{ " + value + "." + name + ".months }}" + (
            "" if name == "opening" else "{% if " + value + "." + name + ".held %}（不再加）{% endif %}")

    def total(name: str) -> str:
        return "{% if l.negotiation." + name + " %}{{ l.negotiation." + name + ".amount }}元{% else %}—{% endif %}"

    return table(widths, [
        big_header(widths, ["", "开口方案", "可让步到", "底线（不说出口）"]),
        loop_row(widths, "{%tr for c in l.negotiation.debts %}"),
        row([big_cell(widths[0], R("第{{ c.number }}笔", bold=True), jc="left")]
            + [big_cell(w, level(name, "c"), jc="left") for w, name in zip(widths[1:], LEVEL_NAMES, strict=True)],
            min_height=cm(0.9)),
        loop_row(widths, "{%tr endfor %}"),
        row([big_cell(widths[0], R("每月合计", bold=True), jc="left")]
            + [big_cell(w, R(total(name), bold=True), jc="left") for w, name in zip(widths[1:], LEVEL_NAMES, strict=True)],
            min_height=cm(0.9)),
    ])


LEVEL_NAMES = ("opening", "step", "limit")


def settlement_range_table():
    """A settlement's range: an amount and a date, never a monthly amount; `d` is the debt."""
    widths = [cm(3.9), cm(3.2), cm(3.2), cm(5.3)]
    waiver = "d.settlement.waiver"
    return table(widths, [
        big_header(widths, ["", "一次还清的金额", "最晚付款日", "怎么用"]),
        row([big_cell(widths[0], R("开口方案", bold=True), jc="left"),
             big_cell(widths[1], "{{ d.settlement.amount }}元", jc="right"),
             big_cell(widths[2], "{{ d.settlement.due }}前"),
             big_cell(widths[3], "先提这个方案", jc="left")], min_height=cm(0.9)),
        row([big_cell(widths[0], R("可让步到", bold=True), jc="left"),
             big_cell(widths[1], "{% if " + waiver + " %}{{ d.settlement.with_penalty }}元{% else %}—{% endif %}",
                       jc="right"),
             big_cell(widths[2], "{% if " + waiver + " %}{{ d.settlement.due }}前{% else %}—{% endif %}"),
             big_cell(widths[3], "{% if " + waiver + " %}罚息也付、不再要求减免：只有确定能多凑到这么多钱才答应"
                                  "{% else %}这就是您能凑到的钱，不要再往上加{% endif %}", jc="left")],
            min_height=cm(0.9)),
        row([big_cell(widths[0], R("底线（不说出口）", bold=True), jc="left"),
             big_cell(widths[1], "不超过能凑到的钱", jc="right"),
             big_cell(widths[2], "不早于钱到手的日子"),
             big_cell(widths[3], "凑不到的数、来不及的日子，都不要答应", jc="left")], min_height=cm(0.9)),
    ])


def call_log(widths, number: int):
    lines = [(f"第{number}次通话时间", "______年____月____日　____时____分"), ("客服姓名／工号", ""),
             ("对方提出的方案", ""), ("双方谈定的结果", ""), ("下一步／跟进日期", "")]
    rows = [row([big_cell(widths[0], R(label, bold=True, face=SANS), jc="left"), big_cell(widths[1], value, jc="left")],
                min_height=cm(0.9)) for label, value in lines]
    for block_row in rows[:-1]:  # one call's lines stay together
        keep_with_next(block_row)
    return table(widths, rows)


def all_lenders_table():
    """With several lenders: every lender's range added up, and what it leaves of the surplus."""
    widths = [cm(3.6), cm(4.2), cm(7.8)]
    rows = [big_header(widths, ["", "各家加起来每月", "每月结余{{ ranges.surplus }}元里还剩（应付意外）"])]
    for label, name in (("都按开口方案", "opening"), ("都让步到", "step"), ("都到底线", "limit")):
        rows.append(row([big_cell(widths[0], R(label, bold=True), jc="left"),
                         big_cell(widths[1], "{{ ranges." + name + " }}元", jc="right"),
                         big_cell(widths[2], "{{ ranges.left_at_" + name + " }}元", jc="right")], min_height=cm(0.8)))
    return table(widths, rows)


def above_range_warnings() -> list:
    """In red at the top: a lender whose plan already asks more each month than its step or its limit
    (a given count, or 60 installments above the share), and what to do then."""
    return [
        tag("{%p for l in lenders %}"), tag("{%p if l.negotiation.above_step %}"),
        red(P(R("注意：", bold=True),
              "{% if summary.several_lenders %}给{{ l.short_name }}的{% endif %}方案每月{{ l.negotiation.opening.amount }}元，"
              "已经高于{% if l.negotiation.above_limit %}底线{{ l.negotiation.limit_at }}元（您每月结余的九成"
              "{% else %}“可让步到”的{{ l.negotiation.step_at }}元（您每月结余的八成{% endif %}"
              "{% if summary.several_lenders %}中分给这一家的部分{% endif %}）。"
              "{% if l.negotiation.above_limit %}这样每月几乎剩不下应付意外的钱，很容易再次逾期。"
              "怎么办：谈的时候一分钱也不要再加，只请对方延长期数、让每月少还一点"
              "{% else %}再加就要动用留着应付意外的钱。怎么办：尽量不要再加，先请对方延长期数、让每月少还一点；"
              "无论如何不要超过底线{{ l.negotiation.limit_at }}元{% endif %}"
              "{% if contact.any %}；寄出之前，请经办人再核对一下期数{% endif %}。",
              style="Normal", before=60, after=120)),
        tag("{%p endif %}"), tag("{%p endfor %}"),
    ]


def lender_block(name: str):
    """贷款机构 and its official channel; `name` is the template name of the lender (`lender`, `l`)."""
    channels = CHANNELS if name == "l" else CHANNELS.replace("l.", name + ".")
    return info_block((("贷款机构：", "{{ " + name + ".legal_name }}"), None), (("官方联系渠道：", channels), None))


def call_sheet() -> Builder:
    b = Builder("通话准备与记录表")
    b.title("通话准备与记录表")
    b.add(*big_notes(NOT_SENT, "（致电{% if summary.several_lenders %}各家{% else %}{{ lender.short_name }}{% endif %}"
                               "协商时放在手边，边谈边记）"))
    b.add(*above_range_warnings())
    b.add(info_block((("案件编号：", "{{ case_id }}"), ("借款人：", "{{ borrower.name }}"))))
    b.add(tag("{%p if not summary.several_lenders %}"), lender_block("lender"), tag("{%p endif %}"))
    b.add(tag("{%p if summary.several_lenders %}"),
          P("您要和{{ summary.lender_count }}家机构分别谈，下面每一家一节。每月能拿出来还款的钱是按欠款多少分给各家的，"
            "每一家的开口方案、可让步到和底线都是它的那一份；几家加起来是这样：", keep_next=True),
          tag("{%p if ranges.monthly %}"), all_lenders_table(), tag("{%p endif %}"),
          P("给一家多让一点，多出来的钱只能从给别家的钱或留作意外开支的钱里拿，不是多出来的新钱："
            "一家超过它的底线，别家的方案就会落空，您自己也很可能再次逾期。", before=120),
          tag("{%p endif %}"))

    b.heading("一、通话要点")
    for number, (label, text) in enumerate(CALL_STEPS, start=1):
        b.para(R(f"{number}. {label}", bold=True), text, keep_next=False)

    b.add(tag("{%p for l in lenders %}"))
    section = P("第{{ l.number }}家：{{ l.short_name }}", style="DocTitle")
    section.find(qn("w:pPr")).append(el("w:pageBreakBefore"))
    b.add(tag("{%p if summary.several_lenders %}"), section, tag("{%p endif %}"))
    b.add(tag("{%p if summary.several_lenders %}"), lender_block("l"), tag("{%p endif %}"),
          tag("{%p if l.several_contracts %}"),
          P(R("借款：", bold=True), "{% for d in l.debts %}第{{ d.number }}笔{% if d.contract_no %}，合同编号"
            "{{ d.contract_no }}{% endif %}{% if not loop.last %}；{% endif %}{% endfor %}", style="Normal", jc="left"),
          tag("{%p endif %}"))

    b.heading("二、开口时可以这样说（可以照着读）")
    b.para(OPENING, jc="left")

    b.heading("三、谈判的范围（只给自己看，不要说出口）")
    widths = [cm(3.9), cm(2.8), cm(2.4), cm(6.5)]
    b.add(tag("{%p if l.negotiation.several %}"), contracts_range_table(),
          P("开口方案先说；对方不同意时，可以慢慢加到“可让步到”，不要一步加到位；超过底线，以后很可能再次逾期："
            "不要答应，说要回去算一下。", style="BodyText", before=120),
          tag("{%p elif l.negotiation.monthly %}"), table(widths, [
              big_header(widths, ["", "每月金额", "约需期数", "怎么用"]),
              offer_row(widths, "开口方案", "opening", "先说这个数"),
              offer_row(widths, "可让步到", "step", "对方不同意时，可以慢慢加到这个数，不要一步加到位"),
              offer_row(widths, "底线（不说出口）", "limit", "超过这个数，以后很可能再次逾期：不要答应，说要回去算一下"),
          ]), tag("{%p endif %}"))
    b.add(tag("{%p if l.negotiation.monthly %}"),
          P("三档按您每月的结余{{ ranges.surplus }}元算：开口方案是申请书里的每月金额，可让步到结余的八成，"
            "底线是结余的九成{% if summary.several_lenders %}（都是其中分给这一家的部分）{% endif %}，"
            "留一成应付看病、修车这样的意外开支。"
            "{% if summary.several_lenders and l.negotiation.step %}从开口加到可让步到，每月多出的"
            "{{ l.negotiation.step_extra }}元来自留作意外开支的钱；几家都让步到可让步到，每月合计{{ ranges.step }}元，"
            "只剩{{ ranges.left_at_step }}元应付意外。{% endif %}",
            style="BodyText", before=120),
          tag("{%p endif %}"))
    b.add(tag("{%p for d in l.debts %}"), tag("{%p if d.plan.single %}"),
          P(R("{% if l.several_contracts or l.negotiation.monthly %}{{ d.name }}（一次还清）：{% endif %}", bold=True),
            style="Normal", keep_next=True),
          settlement_range_table(),
          P("一次还清的钱{% if d.funds_source %}来自{{ d.funds_source }}，{% endif %}不占每月的钱。"
            "{% if d.settlement.waiver %}可让步到的数是不再要求减免罚息（{{ d.settlement.waived }}元）时的金额。"
            "{% endif %}", style="BodyText", before=120),
          tag("{%p endif %}"), tag("{%p endfor %}"))

    answers(b)

    b.heading("五、通话记录（每次通话后马上记下）")
    record = [cm(4.0), cm(11.6)]
    for number in (1, 2, 3):
        b.add(call_log(record, number), P("", style="Normal", after=120, keep_next=False))
    b.add(tag("{%p endfor %}"))
    b.when("contact.any", P(CONTACT, style="BodyText", before=120))
    return b


# ---------------------------------------------------------------- 还款跟踪表


def repayment_tracker() -> Builder:
    b = Builder("还款跟踪表")
    b.title("还款跟踪表")
    b.add(*notes(NOT_SENT, "（按谈定的还款计划逐期记录；计划如有调整，以双方书面确认的为准）"))
    b.add(info_block((("案件编号：", "{{ case_id }}"), ("借款人：", "{{ borrower.name }}"))))
    b.line(R("怎么用：", bold=True), before=120)
    for text in (
        "1. 每期在还款日之前，通过官方渠道足额还款；保存转账凭证或线上还款记录的截图，在下表登记。",
        "2. 每次还款后核对是否已经入账；没入账或金额不对，马上联系官方客服，记下工号。",
        "3. 把 reminders.ics 导入手机或电脑日历，每个还款日前3天会提醒您。",
        "4. 全部还清后，请贷款机构出具结清证明，并查询个人信用报告，核对这笔借款已经显示为结清。",
    ):
        b.add(P(text, style="SmallNote", keep_next=True, ind_left=420))
    b.when("summary.several", P("5. 每一笔借款一张表，表头写着贷款机构和合同编号：还款时核对清楚，"
                                "不要把这一笔的钱还到另一笔上。", style="SmallNote", keep_next=True, ind_left=420))

    # 还款日 holds the widest date (2027年12月24日) on one line at 五号 with LibreOffice's spacing between
    # Chinese and digits: 3.4 cm wrapped every October–December date.
    widths = [cm(1.1), cm(3.9), cm(2.3), cm(2.3), cm(2.3), cm(2.6), cm(1.1)]

    def installment_row():
        return row([text_cell(widths[0], "{{ i.number }}"), text_cell(widths[1], "{{ i.due }}"),
                    text_cell(widths[2], "{{ i.amount }}", jc="right"), text_cell(widths[3], "{{ i.remaining }}", jc="right"),
                    cell(widths[4]), cell(widths[5]), text_cell(widths[6], "□")], min_height=cm(0.8))

    # One table per debt; its first row names the lender and the contract and repeats on every page
    # the table reaches, so that two loans of one lender are never mixed up.
    title = row([text_cell(sum(widths), [R("{% if summary.several %}{{ debt.number }}. {% endif %}"
                                           "{{ debt.lender.short_name }}（{{ debt.lender.legal_name }}）", bold=True),
                                         "{% if debt.contract_no %}　合同编号{{ debt.contract_no }}{% endif %}",
                                         "　还款渠道：{{ debt.lender.repayment_channel }}"],
                           jc="left", span=len(widths))], header=True)
    b.add(tag("{%p for debt in all_debts %}"),
          P("", style="Normal", after=60, keep_next=True),
          table(widths, [
              title,
              header_row(widths, ["期数", "还款日", "应还（元）", "还后剩余（元）", "实际还款日", "凭证／流水号", "已还"]),
              *schedule_rows(widths, installment_row, loop="debt.plan.schedule"),
              row([text_cell(widths[0] + widths[1], "合计", style="TableHeading", span=2),
                   text_cell(widths[2], R("{{ debt.plan.proposed_total }}", bold=True), jc="right"),
                   cell(widths[3] + widths[4] + widths[5] + widths[6], span=4)]),
          ]),
          P("", style="Normal", after=120),
          tag("{%p endfor %}"))
    return b


# ---------------------------------------------------------------- 您的权利与求助渠道


def rights_and_help() -> Builder:
    b = Builder("您的权利与求助渠道", body_style="PlainText")
    b.title("您的权利与求助渠道")
    b.add(P(NOT_SENT, style="DocNote"))

    b.heading("一、个人信用报告（征信）方面的权利")
    b.para("根据《征信业管理条例》：", keep_next=True)
    for text in (
        "贷款机构向征信系统报送您的不良信息前，应当事先告诉您（第十五条）。",
        "不良信息自不良行为或者事件终止之日起保存5年，到期删除；在此期间，您可以对不良信息添加自己的说明（第十六条）。",
        "您每年可以免费查询两次本人的信用报告（第十七条）。",
        "发现信用报告有错误或遗漏，可以向征信机构或报送信息的贷款机构提出异议，"
        "对方应当自收到异议之日起20日内处理并书面答复您（第二十五条）。",
    ):
        b.add(P("· " + text, style="PlainText", ind_left=420, no_indent=True, keep_next=False))

    b.heading("二、遇到问题，按这个顺序求助")
    for text in (
        "1. 先向{% if summary.several_lenders %}贷款机构{% else %}{{ lender.short_name }}{% endif %}本身投诉："
        "{% for l in lenders %}{% if summary.several_lenders %}{{ l.short_name }}，{% endif %}{{ l.contact }}"
        "{% if not loop.last %}；{% endif %}{% endfor %}。监管部门要求先向机构投诉；记下投诉时间和受理编号。",
        "2. 和贷款机构谈不拢的，可以申请调解：各地有金融纠纷调解组织（如银行业保险业纠纷调解中心），"
        "由中立的调解员帮双方商量还款方案。",
        "3. 对贷款机构的处理不满意的，再向监管部门投诉：12378，国家金融监督管理总局的银行保险消费者投诉维权热线"
        "（工作日工作时间）。",
        "4. 12363：中国人民银行的金融消费权益保护咨询投诉电话，征信问题也可以问（工作日工作时间）。",
        "5. 12348：公共法律服务热线，可以咨询法律问题、申请法律援助。",
        "遇到电信诈骗，拨打反诈专线96110；受到威胁、恐吓或人身安全受到威胁，立即拨打110。",
    ):
        b.add(P(text, style="PlainText", ind_left=420, no_indent=True, keep_next=False))

    # If you are sued. The 15 days are the Civil Procedure Law's (支付令: pay, or object in writing, within
    # 15 days of receipt; else the creditor may apply for enforcement); its article number changed with
    # each revision, so none is cited.
    b.heading("三、收到法院的传票或支付令")
    b.para("收到法院寄来的传票、起诉状副本或支付令，不要不理，也不要扔掉。核实是不是真的法院文书，"
           "用法院官方公布的电话问。然后马上拨打12348，或到当地的法律援助机构，请他们帮您看。", keep_next=True)
    for text in (
        "传票：按上面写的时间到法院。去不了的，马上和法院联系说明；不到庭，法院也可以照样判决。",
        "支付令：从收到那天起15日内，要么还清，要么向发出支付令的法院提出书面异议。15日内既不还也不提异议，"
        "对方就可以申请法院强制执行。异议怎么写，请法律援助帮您看，不要拖到最后几天。",
        "去咨询时带上：法院的文书、这套材料、借款合同和还款凭证。",
    ):
        b.add(P("· " + text, style="PlainText", ind_left=420, no_indent=True, keep_next=False))

    b.heading("四、不要花钱找中介，不要借新还旧")
    b.para("和贷款机构协商、投诉、查询信用报告、对错误记录提出异议，您本人都可以免费办理，不需要花钱请人。"
           "自称能“代理协商”“代理停息挂账”“债务优化”“反催收”“修复征信”并收费的中介，不要相信，也不要把材料交给他们："
           "这类中介有的收取高额费用，拿走身份证和银行卡，还以您的名义编造投诉，出了问题要您自己承担。"
           "正确的逾期记录不会因为交钱而删除，错误的记录您可以自己免费申请更正。")
    b.para("也不要为了还这笔钱去借新的网贷，或找人“过桥”“垫还”：借新还旧只会让欠款越滚越多。")
    b.para("只通过贷款机构的官方渠道沟通和还款。需要帮助，找免费的公共法律服务：拨打12348，或到当地的法律援助机构。"
           "不要把身份证、银行卡、手机验证码交给任何人，不要向个人账户转账。")

    b.heading("五、这些东西要保存好")
    for text in (
        "寄出的申请书和全部材料的复印件，以及寄送凭证（快递单号、上传成功的截图）；",
        "双方签字盖章的还款协议，或贷款机构的书面确认（短信、线上记录的截图）；",
        "每一笔还款的凭证；",
        "每次通话的记录：时间、客服工号、谈了什么。",
    ):
        b.add(P("· " + text, style="PlainText", ind_left=420, no_indent=True, keep_next=False))
    b.para("至少保存到全部还清、信用报告上显示结清以后。", before=60)
    return b
