"""The lender set: what the borrower sends — 协商还款申请书, 证明材料清单, 还款协议（草案）."""

from __future__ import annotations

from docx_kit import (
    BLANK,
    DATE_BLANK,
    Builder,
    P,
    R,
    cell,
    cm,
    header_row,
    loop_row,
    row,
    table,
    tag,
    text_cell,
)

# ---------------------------------------------------------------- 协商还款申请书

HARDSHIP_PARAGRAPHS = [
    ("unemployment", "失业：",
     "本人原有工作已经终止，此后一直未能找到稳定工作，失去了主要收入来源，工资收入中断。"
     "离职或失业证明、反映收入变化的银行流水等材料附后。"),
    ("illness", "疾病：",
     "本人因病需要治疗，治疗和休养期间无法正常工作，收入减少，同时医疗费用支出明显增加。"
     "医疗诊断证明、病历及医疗费用票据等材料附后。"),
    ("business_loss", "经营困难：",
     "本人从事的经营活动出现亏损，营业收入明显下滑，资金周转困难，未能按原计划回笼资金用于还款。"
     "经营亏损情况说明、经营平台销售数据或银行流水等材料附后。"),
    ("income_drop", "收入下降：",
     "本人的工作收入较此前明显下降，减少后的收入在支付家庭必要开支后，已不足以按原约定的金额还款。"
     "收入变化前后的工资单或收入证明、银行流水等材料附后。"),
    ("family_emergency", "家庭变故：",
     "本人家庭发生重大变故，需要承担额外的医疗、照料等必要支出，家庭可用于还款的收入大幅减少。"
     "相关医疗或其他证明以及亲属关系证明等材料附后。"),
    ("disaster", "意外灾害：",
     "本人遭受意外事故或自然灾害，财产受到损失，正常的生产和生活受到影响。"
     "有关部门出具的损失证明、现场照片或保险理赔材料等附后。"),
    ("other", "其他困难：",
     "本人因其他客观原因导致收入减少、支出增加，暂时无力按期足额还款，具体情况见下文本人陈述及所附材料。"),
]

PLAN_IN_INSTALLMENTS = (
    "将{% if request.penalty_waiver %}减免罚息后的{% endif %}欠款合计人民币{{ plan.proposed_total }}元"
    "（大写：{{ plan.proposed_total_words }}）分{{ plan.count }}期按月偿还：自{{ plan.first_due }}起每月还款一期，"
    "每期{{ plan.regular_amount }}元{% if not plan.equal %}，最后一期{{ plan.last_amount }}元{% endif %}，"
    "至{{ plan.last_due }}全部还清。"
)


def hardship_letter() -> Builder:
    b = Builder("协商还款申请书")
    b.title("协商还款申请书")
    b.line("致：{{ lender.legal_name }}", after=120)

    b.line(R("申请人：", bold=True), "{{ borrower.name }}")
    b.line(R("身份证号码：", bold=True), "{{ borrower.id_number }}")
    b.line(R("联系电话：", bold=True), "{{ borrower.phone }}")
    b.when("borrower.address", P(R("联系地址：", bold=True), "{{ borrower.address }}", style="Normal"))

    b.para("本人因遭遇下述客观困难，暂时无法按原约定偿还在贵方办理的{{ lender.short_name }}借款。"
           "为积极解决欠款问题，现将有关情况如实说明如下，恳请贵方予以理解，并同意本人提出的协商还款方案。",
           before=120)

    b.heading("一、借款及逾期情况")
    b.para("本人在贵方办理{{ lender.short_name }}借款"
           "{% if loan.contract_no %}（借款合同编号：{{ loan.contract_no }}）{% endif %}，"
           "自{{ loan.overdue_since }}起未能按期足额还款，截至{{ today }}已逾期{{ loan.overdue_days }}天。"
           "经本人核对，目前尚欠本金人民币{{ loan.principal }}元、利息人民币{{ loan.interest }}元、"
           "罚息及费用人民币{{ loan.penalty }}元，合计人民币{{ loan.total_owed }}元"
           "（大写：{{ loan.total_owed_words }}）。上述金额如与贵方记录不一致，以双方核对确认的金额为准。")

    b.heading("二、逾期原因")
    b.para("本次逾期并非本人不愿还款，而是由于以下客观困难导致收入减少、暂时无力按原约定还款：")
    for key, label, text in HARDSHIP_PARAGRAPHS:
        b.when(f"hardship.{key}", P(R(label, bold=True), text))
    b.para("具体经过（本人陈述）如下：")
    b.add(tag("{%p for para in hardship_details %}"), P("{{ para }}"), tag("{%p endfor %}"))

    b.heading("三、目前收支状况")
    b.para("本人目前每月的收入和支出情况如下（以所附银行流水等材料为据）：", keep_next=True)
    widths = [cm(6.0), cm(4.0)]
    budget_rows = [
        ("每月收入", "{{ budget.income }}"),
        ("每月必要生活支出", "{{ budget.expenses }}"),
        ("其他债务每月还款", "{{ budget.other_debts }}"),
        ("每月结余", "{{ budget.disposable }}"),
    ]
    b.add(table(widths, [header_row(widths, ["项目", "金额（元／月）"])] + [
        row([text_cell(widths[0], label, jc="left"), text_cell(widths[1], value, jc="right")])
        for label, value in budget_rows
    ]))
    b.para("{% if budget.dependents %}本人需抚养（赡养）家庭成员{{ budget.dependents }}人。{% endif %}"
           "在保障家庭基本生活的前提下，本人按原约定的金额和期限还款确有困难。", before=120)

    b.heading("四、还款意愿")
    b.para("对未能按期还款，本人深表歉意。本人承认所欠债务，本次逾期系上述客观困难所致，并非恶意拖欠，"
           "本人也没有逃避债务的意图。本人愿意在力所能及的范围内尽最大努力还款，特此主动向贵方提出协商还款申请。")

    b.heading("五、协商还款方案")
    b.para("结合上述收支情况，本人恳请贵方同意以下还款安排：")
    b.when("request.deferral", P(R("延期还款：", bold=True),
                                 "鉴于本人收入短期内难以恢复，恳请给予{{ plan.deferral_months }}个月的延期还款期，"
                                 "延期期间暂缓还款，自{{ plan.first_due }}起开始还款。"))
    b.when("request.installments and plan.count > 1", P(R("分期还款：", bold=True), PLAN_IN_INSTALLMENTS))
    b.when("not request.installments and plan.count > 1", P(R("还款安排：", bold=True), PLAN_IN_INSTALLMENTS))
    b.when("plan.count == 1", P(R("一次性还款：", bold=True),
                                "本人将于{{ plan.first_due }}一次性偿还"
                                "{% if request.penalty_waiver %}减免罚息后的{% endif %}欠款人民币"
                                "{{ plan.proposed_total }}元（大写：{{ plan.proposed_total_words }}）。"))
    b.when("request.penalty_waiver", P(R("减免罚息：", bold=True),
                                       "恳请贵方减免已产生的罚息及相关费用人民币{{ plan.waived_penalty }}元"
                                       "（大写：{{ plan.waived_penalty_words }}），本人将足额偿还本金和利息。"))
    b.when("request.interest_freeze", P(R("个性化还款方案：", bold=True),
                                        "恳请贵方根据本人目前的实际还款能力，为本人办理个性化还款方案，"
                                        "在方案履行期间停止计收利息和罚息，使本人有限的还款资金能够用于清偿欠款。"))
    b.para("以上方案是本人根据实际收支情况提出的。如贵方对方案有调整意见，本人愿意积极配合协商。")

    b.heading("六、本人承诺")
    b.para("如贵方同意上述申请，本人郑重承诺：")
    b.para("（一）严格按照双方确认的还款计划按时足额还款；")
    b.para("（二）保持联系方式畅通，及时接听、回复贵方的电话和信息，联系方式或住址变更时及时告知贵方；")
    b.para("（三）贵方需要时，及时补充提供收入、支出及困难情况的相关证明材料；")
    b.para("（四）经济状况好转时主动告知贵方，并争取提前还款。")
    b.para("恳请贵方予以理解和支持，批准本人的协商还款申请。特此申请。", keep_next=True)

    # The annex list, signature and date keep together on one page (keep-with-next down to the date).
    b.line(R("附件：", bold=True), "证明材料（详见《证明材料清单》）", before=240, keep_next=True)
    b.add(tag("{%p if evidence.supplied %}"),
          tag("{%p for item in evidence.supplied %}"),
          P("{{ item.number }}. {{ item.label }}{% if item.pages %}（{{ item.pages }}页）{% endif %}",
            style="Normal", ind_left=480, keep_next=True),
          tag("{%p endfor %}"),
          tag("{%p else %}"),
          P("（暂未附证明材料，本人将尽快补充提交。）", style="Normal", ind_left=480, keep_next=True),
          tag("{%p endif %}"))

    b.add(P("申请人（签名）：", style="Signature", before=600),
          P("日期：{{ today }}", style="Signature", before=240))
    b.when("caseworker", P("经办人：{{ caseworker }}", style="SmallNote", before=480))
    b.when("org.name", P("本申请书由{{ org.name }}协助准备{% if org.phone %}（联系电话：{{ org.phone }}）{% endif %}。",
                         style="SmallNote", before=120))
    return b


# ---------------------------------------------------------------- 证明材料清单


def evidence_cover() -> Builder:
    b = Builder("证明材料清单")
    b.title("证明材料清单")
    info = [cm(7.8), cm(7.8)]
    b.add(table(info, [
        row([cell(info[0], P(R("案件编号：", bold=True), "{{ case_id }}", style="Normal")),
             cell(info[1], P(R("日期：", bold=True), "{{ today }}", style="Normal"))]),
        row([cell(info[0], P(R("借款人：", bold=True), "{{ borrower.name }}", style="Normal")),
             cell(info[1], P(R("事由：", bold=True), "协商还款（{{ lender.short_name }}）", style="Normal"))]),
        row([cell(info[0] + info[1], P(R("贷款机构：", bold=True), "{{ lender.legal_name }}", style="Normal"),
                  span=2)]),
    ], borders=False))
    b.para("", style="Normal", after=120)

    widths = [cm(1.3), cm(5.2), cm(1.4), cm(1.4), cm(1.6), cm(1.6), cm(3.1)]
    b.add(table(widths, [
        header_row(widths, ["序号", "材料名称", "页数", "原件", "复印件", "已提交", "备注"]),
        loop_row(widths, "{%tr for item in evidence.rows %}"),
        row([
            text_cell(widths[0], "{{ item.number }}"),
            text_cell(widths[1], "{{ item.label }}", jc="left"),
            text_cell(widths[2], "{{ item.pages }}"),
            # □ (U+25A1) rather than ☐ (U+2610): the Noto CJK faces have no glyph for ☐.
            text_cell(widths[3], "□"),
            text_cell(widths[4], "□"),
            text_cell(widths[5], "□"),
            text_cell(widths[6], "{% if item.suggested %}建议补充{% endif %}"),
        ], min_height=454),
        loop_row(widths, "{%tr endfor %}"),
    ]))

    b.line("已提交材料合计：{{ evidence.total_pages }}页（未注明页数的材料未计入）。", before=120)
    b.when("evidence.missing_labels",
           P(R("建议补充：", bold=True), "{{ evidence.missing_labels }}。上述材料有助于说明困难情况，"
             "建议尽快收集后补充提交。", style="Normal"))

    b.line(R("说明：", bold=True), before=240, keep_next=True)
    for text in (
        "1. 提交复印件的，请在每页复印件上注明“与原件一致”，由提交人签名并注明日期。",
        "2. 请在“原件”“复印件”“已提交”栏的相应方框内打“√”；原件经核对后当场退还提交人。",
        "3. 本清单由提交人和接收人核对签字后，各留存一份。",
    ):
        b.add(P(text, style="SmallNote", keep_next=True, ind_left=420))

    sig = [cm(7.8), cm(7.8)]
    b.add(P("", style="Normal", keep_next=True, after=240))
    b.add(table(sig, [
        row([cell(sig[0], P("提交人（签名）：", style="Normal", keep_next=True)),
             cell(sig[1], P("接收人（签名）：", style="Normal", keep_next=True))], min_height=cm(1.4)),
        row([cell(sig[0], P("日期：" + DATE_BLANK, style="Normal")),
             cell(sig[1], P("日期：" + DATE_BLANK, style="Normal"))]),
    ], borders=False))
    return b


# ---------------------------------------------------------------- 还款协议（草案）


def repayment_agreement() -> Builder:
    b = Builder("还款协议（草案）")
    b.title("还款协议（草案）")
    b.add(P("（本草案由乙方提出，供双方协商；各条款以双方最终签署的文本为准）", style="DocNote"))

    b.line(R("甲方（债权人）：", bold=True), "{{ lender.legal_name }}")
    b.line("住所：" + BLANK * 2)
    b.line("法定代表人（负责人）：" + BLANK)
    b.line(R("乙方（债务人）：", bold=True), "{{ borrower.name }}", before=120)
    b.line("身份证号码：{{ borrower.id_number }}")
    b.line("联系电话：{{ borrower.phone }}")
    b.line("联系地址：{% if borrower.address %}{{ borrower.address }}{% else %}" + BLANK * 2 + "{% endif %}")

    b.para("乙方在甲方办理{{ lender.short_name }}借款，双方签订了"
           "{% if loan.contract_no %}编号为{{ loan.contract_no }}的{% endif %}借款合同"
           "（以下简称“原合同”）。因乙方出现还款困难，原合同项下借款自{{ loan.overdue_since }}起逾期未还。"
           "为妥善解决欠款问题，经双方友好协商，达成如下协议，以资共同遵守：", before=240)

    b.heading("第一条　债务确认")
    b.para("截至{{ today }}，乙方尚欠甲方原合同项下款项如下：")
    for label, name in (("（一）本金", "principal"), ("（二）利息", "interest"), ("（三）罚息及费用", "penalty")):
        b.para(f"{label}：人民币{{{{ loan.{name} }}}}元（大写：{{{{ loan.{name}_words }}}}）；")
    b.para("以上合计：人民币{{ loan.total_owed }}元（大写：{{ loan.total_owed_words }}）。")
    b.para("上述金额以甲方核对确认的金额为准；如有差异，双方按核对一致的金额相应调整本协议。")

    b.heading("第二条　减免与计息")
    b.add(tag("{%p if request.penalty_waiver %}"),
          P("（一）甲方同意减免乙方罚息及相关费用人民币{{ plan.waived_penalty }}元"
            "（大写：{{ plan.waived_penalty_words }}）。乙方按本协议约定还清第三条所列款项后，"
            "甲方不再向乙方主张已减免的款项。"),
          tag("{%p else %}"),
          P("（一）本协议不涉及罚息及费用的减免。"),
          tag("{%p endif %}"),
          tag("{%p if request.interest_freeze %}"),
          P("（二）自本协议生效之日起，在乙方按约履行本协议期间，原合同项下欠款停止计收利息、罚息及其他费用。"),
          tag("{%p else %}"),
          P("（二）本协议履行期间是否继续计收利息及计息标准，以甲方确认为准；如继续计息，"
            "双方应将利率及应付金额载入本协议。"),
          tag("{%p endif %}"))

    b.heading("第三条　还款计划")
    b.when("request.deferral",
           P("甲方同意给予乙方{{ plan.deferral_months }}个月的延期还款期，延期期间乙方暂缓还款，"
             "第一期还款日为{{ plan.first_due }}。"))
    b.para("{% if plan.count == 1 %}乙方按下表一次性向甲方还款，款项应于还款日当日（含）前足额到账："
           "{% else %}乙方按下表分{{ plan.count }}期向甲方还款，每期款项应于当期还款日当日（含）前足额到账："
           "{% endif %}", keep_next=True)
    widths = [cm(3.4), cm(6.0), cm(6.2)]
    b.add(table(widths, [
        header_row(widths, ["期数", "还款日", "金额（元）"]),
        loop_row(widths, "{%tr for i in plan.schedule %}"),
        row([text_cell(widths[0], "第{{ i.number }}期"),
             text_cell(widths[1], "{{ i.due }}"),
             text_cell(widths[2], "{{ i.amount }}", jc="right")]),
        loop_row(widths, "{%tr endfor %}"),
        row([text_cell(widths[0] + widths[1], "合计", style="TableHeading", span=2),
             text_cell(widths[2], R("{{ plan.proposed_total }}", bold=True), jc="right")]),
    ]))
    b.para("以上还款合计人民币{{ plan.proposed_total }}元（大写：{{ plan.proposed_total_words }}）。"
           "乙方可以提前偿还部分或全部剩余款项，提前还款不另收费用。", before=120)

    b.heading("第四条　还款方式")
    b.para("乙方应通过甲方官方渠道还款，即甲方官方App、甲方名下的还款账户或甲方书面指定的其他方式。"
           "乙方向上述渠道以外的任何单位、个人或账户支付的款项，不视为向甲方的还款。")
    b.para("甲方指定还款账户：户名" + BLANK + "，开户行" + BLANK + "，账号" + BLANK + "。")

    b.heading("第五条　还清的效力")
    b.para("乙方按本协议约定足额偿还全部款项后，原合同项下乙方的全部债务即告结清，甲方不再就原合同向乙方主张"
           "本金、利息、罚息或其他任何费用，并应乙方要求出具结清证明。")

    b.heading("第六条　未按期还款的处理（草拟条款，供双方协商）")
    b.para("乙方连续两期未按本协议约定足额还款的，甲方可以书面通知乙方，要求乙方一次性偿还剩余未还款项。"
           "乙方因客观原因临时无法按期还款的，应在当期还款日前主动告知甲方，双方另行协商处理。")

    b.heading("第七条　征信报送（建议条款，供双方协商）")
    b.para("本协议履行期间，甲方如实报送乙方按本协议还款的情况；乙方还清全部款项后，甲方应及时将原合同项下借款"
           "在金融信用信息基础数据库中的状态更新为结清。报送信息有误的，甲方应在核实后及时更正。")

    b.heading("第八条　送达地址")
    b.para("双方确认本协议所载地址和联系电话为各自的送达地址和联系方式，适用于本协议履行中的通知以及争议解决时"
           "有关文书的送达。一方变更送达地址或联系方式的，应及时书面通知对方。")

    b.heading("第九条　争议解决")
    b.para("因本协议引起的或者与本协议有关的争议，双方应首先友好协商解决；协商不成的，任何一方均可以向有管辖权的"
           "人民法院提起诉讼。")

    # The last clause keeps with the signature block: no signature page without any clause on it.
    b.heading("第十条　生效及其他")
    b.para("本协议自甲方盖章（或其授权代表签字）及乙方签字之日起生效。本协议未约定的事项，仍按原合同执行；"
           "本协议与原合同约定不一致的，以本协议为准。", keep_next=True)
    b.para("本协议一式两份，甲乙双方各执一份，具有同等法律效力。", keep_next=True)
    b.para("（以下无正文）", keep_next=True)

    sig = [cm(7.8), cm(7.8)]
    b.add(P("", style="Normal", keep_next=True, after=120))
    b.add(table(sig, [
        row([cell(sig[0], P("甲方（盖章）：", style="Normal", keep_next=True), valign="top"),
             cell(sig[1], P("乙方（签名）：", style="Normal", keep_next=True), valign="top")], min_height=cm(2.2)),
        row([cell(sig[0], P("授权代表（签字）：", style="Normal", keep_next=True), valign="top"),
             cell(sig[1], valign="top")], min_height=cm(1.4)),
        row([cell(sig[0], P("日期：" + DATE_BLANK, style="Normal")),
             cell(sig[1], P("日期：" + DATE_BLANK, style="Normal"))]),
    ], borders=False))
    return b
