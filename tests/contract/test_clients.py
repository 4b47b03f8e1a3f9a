"""A case is a client; a row is one debt (issue 21, point 1). Rows sharing a 案件编号 are one client's
debts, in any order and in any of the batch's files; the client's columns may be left blank on its
other rows; rows that disagree on one, the same ID number under two case ids, and case ids that differ
only in letter case are refused with messages naming the rows; every row ends in a report line."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from conftest import PACKET_DATE

from pipeline.batch.rows import check_rows, open_inputs
from pipeline.common.errors import Status
from pipeline.contract import default_contract

CLIENT = {"案件编号": "K-001", "姓名": "赵磊", "身份证号": "320102198811030051", "手机号": "13800138017",
          "月收入": "9000", "月必要支出": "4500", "困难类型": "经营困难",
          "困难情况说明": "店里月营业额从八万多降到三万左右，2026年4月起没能按时还款。"}
DEBT = {"贷款机构": "网商贷", "剩余本金": "38000", "逾期开始日期": "2026-04-08", "协商诉求": "分期还款"}


def write(path: Path, rows: list[dict]) -> Path:
    """Every file has every column the sheet requires (a row may leave its client's blank)."""
    headers = list(dict.fromkeys([*CLIENT, *DEBT, *(key for r in rows for key in r)]))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def checked(tmp_path: Path, *files: list[dict]):
    contract = default_contract()
    paths = [write(tmp_path / f"f{n}.csv", rows) for n, rows in enumerate(files)]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    result = list(check_rows(open_inputs(paths, contract), contract, PACKET_DATE, scratch))
    assert not list(scratch.iterdir())  # the rows' store (full ID numbers) is gone with the run
    return result


def lines(results) -> list:
    return [o for c in results for o in c.outcomes(Status.OK if c.case else Status.INVALID)]


def test_rows_sharing_a_case_id_are_one_client_whatever_their_order_and_file(tmp_path):
    other = {**CLIENT, "案件编号": "K-002", "姓名": "钱芳", "身份证号": "11010519491231002X", "手机号": "13800138002"}
    results = checked(
        tmp_path,
        [{**CLIENT, **DEBT, "借款合同编号": "A"}, {**other, **DEBT}, {"案件编号": "K-001", **DEBT, "借款合同编号": "B",
                                                                     "剩余本金": "12500"}],
        [{"案件编号": " K-001", "贷款机构": "微粒贷", "剩余本金": "21000", "逾期开始日期": "2026-04-20",
          "协商诉求": "分期还款", "借款合同编号": "C"}],
    )
    assert [c.case_id for c in results] == ["K-001", "K-002"]  # in the order each first appears
    client = results[0]
    assert client.case is not None and [d.loan_contract_no for d in client.case.debts] == ["A", "B", "C"]
    assert [d.row for d in client.case.debts] == [2, 4, 2] and [d.source for d in client.case.debts] == \
        ["f0.csv", "f0.csv", "f1.csv"]
    assert client.case.borrower_name == "赵磊" and client.case.monthly_income == Decimal("9000")
    assert [(o.source, o.row, o.case_id, o.status) for o in lines(results)] == [
        ("f0.csv", 2, "K-001", Status.OK), ("f0.csv", 4, "K-001", Status.OK), ("f1.csv", 2, "K-001", Status.OK),
        ("f0.csv", 3, "K-002", Status.OK)]


def test_rows_that_disagree_on_a_client_column_make_the_case_invalid_with_one_message_naming_both(tmp_path):
    results = checked(tmp_path, [{**CLIENT, **DEBT}, {**CLIENT, **DEBT, "手机号": "13800138099", "月收入": "9,000.00"}])
    (client,) = results
    assert client.case is None
    report = lines(results)
    assert [o.status for o in report] == [Status.INVALID, Status.INVALID]
    (problem,) = report[1].problems  # 月收入 9,000.00 is the same amount as 9000: no disagreement
    assert problem.column == "手机号" and problem.code == "client_disagrees"
    assert "第2行" in problem.message and "138****8099" in problem.message and "138****8017" in problem.message
    assert "13800138099" not in problem.message
    assert "第3行" in report[0].problems[0].message  # the first row says which row stops its case


def test_the_same_id_number_under_two_case_ids_makes_both_invalid(tmp_path):
    results = checked(tmp_path, [{**CLIENT, **DEBT}, {**CLIENT, **DEBT, "案件编号": "K-009"}])
    assert [c.case for c in results] == [None, None]
    first, second = (o.problems[0] for o in lines(results))
    assert first.code == second.code == "same_borrower"
    assert "K-009" in first.message and "K-001" in second.message and "同一个案件编号" in first.message
    assert "320102198811030051" not in first.message


def test_case_ids_that_differ_only_in_letter_case_are_refused(tmp_path):
    results = checked(tmp_path, [{**CLIENT, **DEBT}, {**DEBT, "案件编号": "k-001"}])
    (client,) = results
    assert client.case is None
    assert "大小写" in lines(results)[1].problems[0].message


def test_a_bad_cell_on_one_debt_stops_the_client_and_every_row_says_why(tmp_path):
    results = checked(tmp_path, [{**CLIENT, **DEBT}, {"案件编号": "K-001", **DEBT, "剩余本金": "-5"}])
    first, second = lines(results)
    assert first.status == second.status == Status.INVALID
    assert second.problems[0].column == "剩余本金"
    assert first.problems[0].code == "case_row_invalid" and "第3行" in first.problems[0].message


def test_a_client_column_given_only_on_a_later_row_is_the_clients(tmp_path):
    results = checked(tmp_path, [{**{k: v for k, v in CLIENT.items() if k != "月收入"}, **DEBT},
                                 {"案件编号": "K-001", "月收入": "9000", **DEBT}])
    (client,) = results
    assert client.case is not None and client.case.monthly_income == Decimal("9000") and len(client.case.debts) == 2


def test_a_one_row_client_is_as_before(tmp_path):
    (client,) = checked(tmp_path, [{**CLIENT, **DEBT}])
    assert client.case is not None and len(client.case.debts) == 1 and client.problems == ()
