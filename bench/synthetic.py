"""A deterministic synthetic batch: N valid, varied, clearly fictitious cases (clients) as a CSV file;
every fourth client owes three debts (three rows, the client's columns on the first only), the others one.

For benchmarks and scale tests only. The same N and seed give the same bytes, so two runs (or a
run and its baselines) work on the same cases. Rows are written one at a time: N may be large.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from pipeline.contract import Contract, default_contract

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
AREAS = ("330106", "440305", "110105", "320102", "510104", "420106", "370102", "350203")
CITIES = ("浙江省杭州市西湖区", "广东省深圳市南山区", "北京市朝阳区", "江苏省南京市玄武区", "四川省成都市锦江区")
ACCOUNTS = (
    "去年底公司裁员，我失去了工作，至今只找到临时工作，收入很不稳定。",
    "家人突发疾病住院治疗，医疗费用支出很大，家庭收入明显下降。",
    "经营的小店受市场影响营业额大幅下滑，出现亏损，资金周转困难。",
    "单位减薪，每月收入比原来少了将近一半，还要负担孩子上学的费用。",
)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(rng: random.Random) -> str:
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
    body = f"{rng.choice(AREAS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
    return body + check


THREE_DEBTS_EVERY = 4  # a quarter of the clients owe three lenders' loans


def synthetic_rows(n: int, rng: random.Random, contract: Contract, packet_date: date) -> list[dict[str, str]]:
    """The rows of client `n`: one, or three for every fourth."""
    first = synthetic_row(n, rng, contract, packet_date)
    if n % THREE_DEBTS_EVERY:
        return [first]
    rows = [first]
    for _ in range(2):
        debt = synthetic_row(n, rng, contract, packet_date)
        # the client's three debts together about as long to repay as one alone: smaller loans beside it
        principal = round(float(first["剩余本金"]) * rng.uniform(0.2, 0.5), 2)
        debt |= {"剩余本金": f"{principal:.2f}", "未还利息": f"{principal * rng.uniform(0, 0.08):.2f}",
                 "罚息及费用": f"{principal * rng.uniform(0, 0.03):.2f}", "分期期数": ""}
        rows.append({key: debt[key] if key in DEBT_HEADERS else "" for key in debt} | {"案件编号": first["案件编号"]})
    return rows


DEBT_HEADERS = {"贷款机构", "借款合同编号", "剩余本金", "未还利息", "罚息及费用", "逾期开始日期", "协商诉求", "分期期数", "延期月数",
                "首期还款日"}


def synthetic_row(n: int, rng: random.Random, contract: Contract, packet_date: date) -> dict[str, str]:
    hardships = list(contract.columns["hardship_types"].labels.values())
    income = rng.randrange(3000, 15000)
    expenses = int(income * rng.uniform(0.4, 0.7))
    other = rng.choice([0, 0, 300, 800])
    # about 6–40 months of what the borrower can spare: plans of realistic length
    principal = round(max(income - expenses - other, 300) * 0.6 * rng.uniform(6, 40), 2)
    requests = ["分期还款"] + rng.sample(["停息挂账", "减免罚息"], rng.randrange(3))
    deferral = ""
    if rng.random() < 0.2:
        requests.append("延期还款")
        deferral = str(rng.randrange(1, 7))
    # a given count only where its installment stays well within what one debt may take
    counts = [c for c in (12, 24, 36) if principal * 1.12 / c < (income - expenses - other) * 0.3]
    return {
        "案件编号": f"SYN-{n:06d}",
        "姓名": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        "身份证号": resident_id(rng),
        "手机号": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
        "联系地址": f"{rng.choice(CITIES)}测试路{rng.randrange(1, 999)}号",
        "贷款机构": rng.choice(["网商贷", "网商贷", "微粒贷"]),
        "借款合同编号": f"TEST{rng.randrange(10**10):010d}",
        "剩余本金": f"{principal:.2f}",
        "未还利息": f"{principal * rng.uniform(0, 0.08):.2f}",
        "罚息及费用": f"{principal * rng.uniform(0, 0.03):.2f}",
        "逾期开始日期": (packet_date - timedelta(days=rng.randrange(10, 400))).isoformat(),
        "月收入": str(income),
        "月必要支出": str(expenses),
        "其他债务月还款": str(other),
        "需抚养人数": str(rng.randrange(4)),
        "困难类型": "、".join(rng.sample(hardships, rng.randrange(1, 3))),
        "困难情况说明": rng.choice(ACCOUNTS) + "\n" + rng.choice(ACCOUNTS),
        "协商诉求": "、".join(requests),
        "分期期数": str(rng.choice(counts)) if counts and rng.random() < 0.1 else "",
        "延期月数": deferral,
        "首期还款日": "",
        "证明材料": f"银行流水:{rng.randrange(1, 9)}、收入证明:1",
        "经办人": "测试员",
    }


def write_batch(path: Path, n: int, packet_date: date, seed: int = 20261124) -> Path:
    contract = default_contract()
    rng = random.Random(seed)
    headers = [column.header for column in contract.columns.values()]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        for client in range(1, n + 1):
            writer.writerows(synthetic_rows(client, rng, contract, packet_date))
    return path
