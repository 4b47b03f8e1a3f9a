"""Every lender `schemas/lenders.yaml` ships, built through the real CLI (LibreOffice, pdftotext): one
single-debt client per entry. Issue 23, done-when: the right addressee and channels for each, the
creditor a row names kept with the product's channels, no guessed bank for a partner-funded product
with 债权人 blank (a warning saying where to look instead; so for a
consumer-finance company the list holds no full name for), and no hotline printed that the list does not hold.

The expected addressee is worked out here from the yaml's raw fields by the issue's rule, not taken
from `Lender.addressee`."""

from __future__ import annotations

import csv
import re

import pytest
import yaml
from conftest import ROOT
from e2e import flat_text, read_report, run_cli
from hostile import with_check_digit

pytestmark = pytest.mark.slow

LENDERS = yaml.safe_load((ROOT / "schemas" / "lenders.yaml").read_text(encoding="utf-8"))
CARD_BANK = "招商银行股份有限公司"  # a card's issuer, as the row names it (the list names no bank for 信用卡)
NAMED = "某某商业银行股份有限公司"  # a creditor the row names for a product the list knows
PUBLIC_LINES = {"12348", "12378", "12363", "12315"}  # legal aid, the regulators' and consumers' lines
BASE = {"姓名": "王芳", "手机号": "13800138017",
        "联系地址": "江苏省南京市玄武区中山路18号", "月收入": "8000", "月必要支出": "4000", "其他债务月还款": "0",
        "需抚养人数": "1", "困难类型": "失业", "困难情况说明": "2026年5月公司裁员，我失去工作，目前靠打零工维持生活。",
        "证明材料": "银行流水:6", "经办人": "陈静", "剩余本金": "20,000.00", "未还利息": "500.00",
        "罚息及费用": "300.00", "逾期开始日期": "2026-06-08", "协商诉求": "分期还款、停息挂账", "借款合同编号": "HT2025000001"}


def cases() -> list[tuple[str, str, str]]:
    """(case id, 贷款机构, 债权人) — every entry with 债权人 blank (a card with its bank), and one entry
    that the list does name a creditor for, with another creditor the row names."""
    rows = [(f"L-{n:02d}", key, CARD_BANK if entry["kind"] == "credit_card" else "")
            for n, (key, entry) in enumerate(LENDERS.items(), start=1)]
    return [*rows, ("L-99", "网商贷", NAMED)]


def expected_addressee(key: str, creditor: str) -> str:
    entry = LENDERS[key]
    if creditor:
        return creditor
    if entry.get("legal_name") and not entry.get("partner_funded"):
        return entry["legal_name"]
    if entry["kind"] == "consumer_finance":
        return f"{key}（全称以借款合同载明为准）"
    return f"{key}的贷款人（以借款合同载明为准）"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lenders")
    source = folder / "clients.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["案件编号", "贷款机构", "债权人", "身份证号", *BASE])
        writer.writeheader()
        for case_id, key, creditor in cases():
            writer.writerow({"案件编号": case_id, "贷款机构": key, "债权人": creditor, **BASE,
                             "身份证号": with_check_digit(f"32010219881103{int(case_id[2:]):03d}")})
    out = folder / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24")
    assert result.returncode == 0, result.stderr
    return out


def test_every_shipped_lender_builds(built):
    report = {row["case_id"]: row for row in read_report(built)}
    assert sorted(report) == sorted(case_id for case_id, _, _ in cases())
    assert {row["status"] for row in report.values()} == {"ok"}, [r for r in report.values() if r["status"] != "ok"]


@pytest.mark.parametrize(("case_id", "key", "creditor"), cases(), ids=[f"{k}-{c or 'blank'}" for _, k, c in cases()])
def test_letter_and_draft_name_the_right_creditor_and_the_product_s_channels(built, case_id, key, creditor):
    entry = LENDERS[key]
    lender_file = flat_text(built / case_id / "to_lender.pdf")
    addressee = expected_addressee(key, creditor)
    assert f"致：{addressee}" in lender_file
    assert f"甲方（债权人）：{addressee}" in lender_file
    # no bank the row did not name: the list's usual creditor of a partner-funded product stays out
    if entry.get("partner_funded") and not creditor and entry.get("legal_name"):
        assert entry["legal_name"] not in lender_file
    # the draft's repayment channel is the product's own, whoever the creditor is
    channel = entry.get("repayment_channel")
    assert re.sub(r"\s+", "", channel) in lender_file if channel else "原合同或甲方官方App载明的还款渠道" in lender_file

    borrower = flat_text(built / case_id / "packet.pdf")
    if entry.get("hotline"):
        assert f"客服电话{entry['hotline']}" in borrower
    else:
        assert "以借款合同或官方App公布的为准" in borrower
    # every number printed as a phone line is this product's hotline or a public line
    printed = set(re.findall(r"(?:电话|热线|拨打)[：:]?(\d{5,})", borrower + lender_file)) - {BASE["手机号"]}
    assert printed <= PUBLIC_LINES | ({entry["hotline"]} if entry.get("hotline") else set()), printed
    for other in {e.get("hotline") for e in LENDERS.values()} - {entry.get("hotline"), None}:
        assert other not in borrower + lender_file, other


def test_a_partner_funded_product_without_creditor_is_a_warning_saying_where_to_look(built):
    report = {row["case_id"]: row for row in read_report(built)}
    for case_id, key, creditor in cases():
        entry, messages = LENDERS[key], report[case_id]["messages"]
        warned = "「债权人」未填写" in messages and "借款合同" in messages
        # the list stands in for a blank 债权人 only with a legal name every contract prints (certainty
        # confirmed, the default) and no partners funding the product
        certain = entry.get("legal_name") and entry.get("certainty", "confirmed") == "confirmed" \
            and not entry.get("partner_funded")
        assert warned == (not creditor and not certain), (key, messages)
        if entry.get("partner_funded") and not creditor:
            assert "征信" in messages, messages
