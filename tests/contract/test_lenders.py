"""The shipped lender list: the products a legal-aid office meets, under the names staff type, each
with only the facts the domain brief states — the creditor's legal name where it is known, whether
the product is often funded by partners, and channels only where they are confirmed."""

from __future__ import annotations

import itertools

import pytest
from conftest import PACKET_DATE, ROOT

from pipeline.contract import BatchValidator
from pipeline.intake import RawRow

# entry: (kind, legal name of the usual creditor, certainty, often partner-funded), typed from the
# domain brief ("The product is not always the creditor"), not from lenders.yaml.
SHIPPED = {
    "网商贷": ("bank", "浙江网商银行股份有限公司", "confirmed", False),
    "微粒贷": ("bank", "深圳前海微众银行股份有限公司", "confirmed", False),
    "借呗": ("platform", "重庆蚂蚁消费金融有限公司", "reported", True),
    "花呗": ("platform", "重庆蚂蚁消费金融有限公司", "reported", True),
    "京东金条": ("platform", "", "", True),
    "京东白条": ("platform", "", "", True),
    "美团借钱": ("platform", "重庆美团三快小额贷款有限公司", "reported", True),
    "美团月付": ("platform", "重庆美团三快小额贷款有限公司", "reported", True),
    "度小满": ("platform", "重庆度小满小额贷款有限公司", "reported", True),
    "360借条": ("platform", "", "", True),
    "分期乐": ("platform", "", "", True),
    "招联消费金融": ("consumer_finance", "", "", False),
    "马上消费金融": ("consumer_finance", "", "", False),
    "中银消费金融": ("consumer_finance", "", "", False),
    "兴业消费金融": ("consumer_finance", "", "", False),
    "天津京东消费金融": ("consumer_finance", "天津京东消费金融有限公司", "reported", False),
    "信用卡": ("credit_card", "", "", False),
}
# What staff type in 贷款机构 → the entry it must find (the names in issue 23 and their usual forms).
TYPED = {
    "借呗": "借呗", "蚂蚁借呗": "借呗", "花呗": "花呗", "蚂蚁花呗": "花呗",
    "京东金条": "京东金条", "金条": "京东金条", "京东白条": "京东白条", "白条": "京东白条",
    "美团借钱": "美团借钱", "美团月付": "美团月付", "有钱花": "度小满", "度小满": "度小满",
    "招联": "招联消费金融", "招联消费金融": "招联消费金融", "马上消费": "马上消费金融", "中银消费": "中银消费金融",
    "兴业消费": "兴业消费金融", "捷信": "天津京东消费金融", "天津京东消费金融有限公司": "天津京东消费金融",
    "360借条": "360借条", "奇富借条": "360借条", "分期乐": "分期乐", "信用卡": "信用卡",
    "网商银行": "网商贷", "微众银行": "微粒贷",
    "重庆市蚂蚁商诚小额贷款有限公司": "借呗", "重庆市蚂蚁小微小额贷款有限公司": "花呗",
}
# The only numbers the domain brief confirms: 95188 (Alipay / MYbank) and 95384 (WeBank).
CONFIRMED_HOTLINES = {"网商贷": "95188", "借呗": "95188", "花呗": "95188", "微粒贷": "95384"}

ROW = {
    "case_id": "L-001", "borrower_name": "张晓明", "id_number": "11010519491231002X", "phone": "13800138000",
    "principal": "45000", "overdue_since": "2026-06-15", "monthly_income": "6500", "monthly_expenses": "3500",
    "hardship_types": "失业", "hardship_details": "今年三月被公司裁员，至今没有找到新的工作。", "requests": "分期还款",
}


def validated(contract, number=2, **cells):
    headers = {key: column.header for key, column in contract.columns.items()}
    return BatchValidator(contract, PACKET_DATE).validate(RawRow("cases.csv", number, dict(ROW, **cells), headers))


def test_the_shipped_entries_state_what_the_domain_brief_says(contract):
    found = {key: (lender.kind, lender.legal_name, lender.certainty, lender.partner_funded)
             for key, lender in contract.lenders.items()}
    assert found == SHIPPED


def test_older_contracts_of_jiebei_and_huabei_name_the_earlier_creditors(contract):
    assert contract.lenders["借呗"].earlier_creditors == ("重庆市蚂蚁商诚小额贷款有限公司",)
    assert contract.lenders["花呗"].earlier_creditors == ("重庆市蚂蚁小微小额贷款有限公司",)
    assert all(not lender.earlier_creditors for key, lender in contract.lenders.items() if key not in ("借呗", "花呗"))


def test_no_hotline_the_domain_brief_does_not_confirm(contract):
    assert {key: lender.hotline for key, lender in contract.lenders.items() if lender.hotline} == CONFIRMED_HOTLINES


def test_channels_only_for_the_products_whose_channels_are_known(contract):
    # Elsewhere the documents say 以借款合同或官方App公布为准 instead of a number that may be a scam line.
    for key, lender in contract.lenders.items():
        known = key in CONFIRMED_HOTLINES
        assert bool(lender.online_service) == known and bool(lender.repayment_channel) == known, key
        assert lender.address == "", key  # no registered address is confirmed


@pytest.mark.parametrize(("typed", "entry"), TYPED.items())
def test_the_names_staff_type_find_their_entry(contract, typed, entry):
    result = validated(contract, lender=typed, creditor="某某银行股份有限公司")
    assert result.case is not None, result.problems
    assert result.case.debts[0].lender.key == entry


@pytest.mark.parametrize(("typed", "products"), [("重庆蚂蚁消费金融有限公司", "借呗、花呗"),
                                                 ("重庆美团三快小额贷款有限公司", "美团借钱、美团月付")])
def test_a_creditor_of_several_products_is_not_taken_for_one_of_them(contract, typed, products):
    (problem,) = validated(contract, lender=typed).problems
    assert problem.column == "贷款机构" and problem.is_error
    assert products in problem.message and "「债权人」" in problem.message


def test_an_unknown_lender_is_told_how_to_enter_a_card_or_another_lender(contract):
    (problem,) = validated(contract, lender="某某速贷").problems
    assert "不在贷款机构名单中" in problem.message and "信用卡" in problem.message and "债权人" in problem.message


def readme_lenders() -> dict[str, tuple]:
    """The README's table of shipped lenders, read back as (kind, legal name, certainty,
    partner-funded, aliases, hotline); its last column says what each entry rests on."""
    text = (ROOT / "README.md").read_text("utf-8")
    lines = text.split("<!-- lenders -->\n")[1].splitlines()
    rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines))[2:]
    found = {}
    for line in rows:
        entry, aliases, kind, creditor, partner, hotline, _basis = (cell.strip() for cell in line.strip("|").split("|"))
        name, certainty = creditor, "confirmed"
        if creditor.endswith("(reported)"):
            name, certainty = creditor.removesuffix("(reported)").strip(), "reported"
        if creditor == "—":
            name, certainty = "", ""
        found[entry] = (kind.strip("`"), name, certainty, {"yes": True, "no": False}[partner],
                        tuple(a.strip() for a in aliases.split(",")) if aliases != "—" else (),
                        "" if hotline == "—" else hotline)
    return found


def test_the_readme_lists_the_shipped_lenders_as_lenders_yaml_has_them(contract):
    expected = {key: (lender.kind, lender.legal_name, lender.certainty, lender.partner_funded, lender.aliases,
                      lender.hotline) for key, lender in contract.lenders.items()}
    assert readme_lenders() == expected
    assert list(readme_lenders()) == list(contract.lenders)  # in the file's order



def test_the_letter_is_addressed_to_the_row_s_creditor_else_only_to_whom_the_list_knows(contract):
    lenders = contract.lenders
    assert lenders["借呗"].addressee("某某银行股份有限公司") == "某某银行股份有限公司"
    assert lenders["网商贷"].addressee("某某资产管理有限公司") == "某某资产管理有限公司"  # an assigned debt
    # blank 债权人: the list's name only where the product is not funded by partners
    assert lenders["网商贷"].addressee() == "浙江网商银行股份有限公司"
    assert lenders["天津京东消费金融"].addressee() == "天津京东消费金融有限公司"
    assert lenders["借呗"].addressee() == "借呗的贷款人（以借款合同载明为准）"
    assert lenders["京东金条"].addressee() == "京东金条的贷款人（以借款合同载明为准）"
    assert lenders["招联消费金融"].addressee() == "招联消费金融（全称以借款合同载明为准）"


def test_only_a_card_the_list_names_no_bank_for_needs_the_row_s_creditor(contract):
    assert [key for key, lender in contract.lenders.items() if lender.creditor_needed] == ["信用卡"]
    assert [key for key, lender in contract.lenders.items() if lender.creditor_certain] == ["网商贷", "微粒贷"]
