"""A finished batch as caseworkers read it, in process with a batch folder laid out by hand (no build
runs): report lines grouped by 案件编号 — a case of several debts has several rows and one folder, with
one to_lender file per lender — files labelled in Chinese from their names, the borrower's name
masked in the list and whole on the case's page, the report as an Excel workbook with Chinese
headers, and a lender problem told as "ask the administrator"."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile

import pytest
from office import PASSWORD, TestClient, csv_bytes, login
from openpyxl import load_workbook

from pipeline.contract.validator import LENDER_LIST_HINT
from pipeline.documents.kinds import DOCUMENTS
from pipeline.serve import accounts
from pipeline.serve.cases import masked_name
from pipeline.serve.caseworker_words import administrator_fixes, for_caseworkers
from pipeline.serve.file_labels import DOCUMENT_TITLES, label
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.translations import translator
from pipeline.serve.web import create_app

UNKNOWN_LENDER = ("「贷款机构」“某某贷”不在贷款机构名单中（现有：网商贷、微粒贷）；银行信用卡请填“信用卡”并在「债权人」填写发卡银行全称，"
                  "其他机构请在 schemas/lenders.yaml 中新增")
REPORT = [  # source, row, case_id, status, messages — C-1 has two debts (rows 2 and 4)
    ("cases.csv", 2, "C-1", "ok", ""), ("cases.csv", 3, "C-2", "ok", "提示：未填写联系地址"),
    ("cases.csv", 4, "C-1", "ok", ""), ("cases.csv", 5, "C-3", "invalid", UNKNOWN_LENDER),
]
C1_FILES = ("to_lender-1-网商贷.pdf", "to_lender-2-微粒贷.pdf", "packet.pdf", "hardship_letter.docx",
            "hardship_letter-2-微粒贷.docx", "reminders.ics")

C1_RECORD = {  # as output/case_folder.case_record writes it, cut to what the case page reads
    "debts": [
        {"source": "cases.csv", "row": 2, "lender": "网商贷", "addressee": "浙江网商银行股份有限公司",
         "loan_contract_no": "WSD-1", "file": "to_lender-1-网商贷.pdf",
         "plan": {"total_owed": "40380.00", "settlement": False,
                  "schedule": [{"number": n, "due": f"2027-0{n}-24", "amount": "1642.50"} for n in (1, 2, 3)]}},
        {"source": "cases.csv", "row": 4, "lender": "微粒贷", "addressee": "深圳前海微众银行股份有限公司",
         "loan_contract_no": "WLD-7", "file": "to_lender-2-微粒贷.pdf",
         "plan": {"total_owed": "22012.50", "settlement": True,
                  "schedule": [{"number": 1, "due": "2026-12-24", "amount": "21610.50"}]}},
    ],
    "budget": {"capacity": "3150.00", "monthly_offer": "1642.50"},
}


@pytest.fixture
def finished(tmp_path):
    settings = ServerSettings(data=tmp_path / "data", run_jobs=False)
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD)
        token = accounts.new_token(store, "alice")
        batch_id = client.post("/api/batches", headers={"Authorization": f"Bearer {token}"},
                               files={"file": ("cases.csv", csv_bytes(("E2E-001",)))}).json()["id"]
        out = settings.batch_folder(batch_id) / "out"
        out.mkdir()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["source", "row", "case_id", "status", "messages"])
        writer.writerows(REPORT)
        (out / "report.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))
        for case, files, name in (("C-1", C1_FILES, "张晓明"), ("C-2", ("to_lender.pdf", "packet.pdf"), "李四")):
            (out / case).mkdir()
            for file in files:
                (out / case / file).write_bytes(b"%PDF-1.4 " + file.encode())
            (out / case / "case.json").write_text(json.dumps(
                {"case": {"borrower_name": name}, **(C1_RECORD if case == "C-1" else {})}, ensure_ascii=False))
        with sqlite3.connect(settings.database) as db:
            db.execute("UPDATE batches SET status = 'done', total = 4, done = 4, ok = 3, invalid = 1 WHERE id = ?",
                       (batch_id,))
        login(client, "alice")
        yield client, batch_id, token


def test_files_are_labelled_in_chinese_from_their_names():
    _ = translator("zh")
    assert label("to_lender.pdf", _) == "寄送件 PDF（寄给贷款机构）"
    assert label("packet.pdf", _) == "全套材料 PDF（打印、留存）"
    assert label("hardship_letter.docx", _) == "Word 可编辑版：协商还款申请书"
    assert label("to_lender-2-微粒贷.pdf", _) == "寄送件 PDF（寄给贷款机构）：第 2 家 微粒贷"
    assert label("notes.txt", _) == "notes.txt" and label("new_kind.pdf", _) == "new_kind.pdf"
    assert label("hardship_letter.docx", translator("en")) == "Word copy to edit: Hardship letter"
    assert DOCUMENT_TITLES == {kind.name: kind.title for kind in DOCUMENTS}  # no drift from the documents


def test_a_lender_problem_tells_caseworkers_to_ask_the_administrator():
    _ = translator("zh")
    shown = for_caseworkers(UNKNOWN_LENDER, _)
    assert "schemas/" not in shown and shown.endswith("其他机构如需新增，请联系管理员")
    assert administrator_fixes(UNKNOWN_LENDER) == [LENDER_LIST_HINT]
    english = translator("en")("不在贷款机构名单中（现有：{names}）；银行信用卡请填“信用卡”并在「{creditor}」填写发卡银行全称，"
                               "{hint}").format(names="网商贷", creditor="债权人", hint=translator("en")(LENDER_LIST_HINT))
    assert "schemas/" not in for_caseworkers(english, translator("en"))


def test_names_are_masked_to_the_surname_and_the_given_names_first_character():
    assert [masked_name(n) for n in ("张晓明", "李四", "欧阳娜娜")] == ["张晓*", "李*", "欧阳**"]


def test_results_group_a_cases_debts_and_label_its_files(finished):
    client, batch_id, _ = finished
    page = client.get(f"/batches/{batch_id}").text
    rows = page.split('<tbody>')[1].split("</tbody>")[0].split("<tr ")[1:]
    assert len(rows) == 3  # C-1 (rows 2 and 4), C-2, C-3
    first = rows[0]
    assert 'id="case-2"' in first and "2、4" in first and "张晓*" in first and "张晓明" not in page
    assert "寄送件 PDF（寄给贷款机构）：第 1 家 网商贷" in first and "第 2 家 微粒贷" in first
    assert "全部 6 个文件（含 Word 可编辑版）" in first and ".docx" not in first  # Word copies on the case page
    assert "其他机构如需新增，请联系管理员" in rows[2] and "schemas/" not in page


def test_a_cases_page_shows_the_borrower_every_debt_and_every_file(finished):
    client, batch_id, _ = finished
    page = client.get(f"/batches/{batch_id}/cases/C-1")
    assert page.status_code == 200 and "案件 C-1：张晓明" in page.text
    assert 'id="debt-2"' in page.text and 'id="debt-4"' in page.text and 'id="debt-3"' not in page.text
    debts = page.text.split('id="debts"')[1].split("</table>")[0]
    row_2, row_4 = debts.split('id="debt-2"')[1].split('id="debt-4"')
    assert "网商贷（浙江网商银行股份有限公司）" in row_2 and "WSD-1" in row_2 and "40380.00" in row_2
    assert "1642.50 × 3" in row_2
    assert "微粒贷（深圳前海微众银行股份有限公司）" in row_4 and "2026-12-24 一次性结清 21610.50" in row_4
    assert "共2笔借款；每月还款能力3150.00元，各笔每月合计1642.50元。" in page.text
    for name in C1_FILES:
        assert f'/cases/C-1/{name}"' in page.text
    assert "Word 可编辑版：协商还款申请书：第 2 家 微粒贷" in page.text
    assert client.get(f"/batches/{batch_id}/cases/C-1/to_lender-2-微粒贷.pdf").content.endswith("微粒贷.pdf".encode())
    assert client.get(f"/batches/{batch_id}/cases/C-9").status_code == 404


def test_the_report_workbook_has_chinese_headers_and_statuses(finished):
    client, batch_id, _ = finished
    response = client.get(f"/batches/{batch_id}/report.xlsx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["文件", "行", "案件编号", "状态", "说明"]
    assert values[1] == ["cases.csv", 2, "C-1", "成功", None] and values[4][3] == "无效"
    assert values[4][4].endswith("其他机构如需新增，请联系管理员")


def test_the_packets_zip_holds_a_case_of_several_debts_once(finished):
    client, batch_id, token = finished
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/batches/{batch_id}/packets.zip").content))
    names = archive.namelist()
    assert len(names) == len(set(names)) and sorted(n for n in names if n.startswith("C-1/")) == \
        sorted(f"C-1/{n}" for n in C1_FILES)
