"""The office server end to end, as an office runs it: `packets serve` in its own process with the real
LibreOffice, a real Chromium (Debian's, driven by Selenium) that logs in, uploads the sample workbook,
sees the bad row's problems, builds, watches the progress and downloads a packet; the JSON API reading
the same batch, its packets checked inside the downloaded zip. One server and one real build for all.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import zipfile
from urllib.parse import urlsplit

import httpx
import pikepdf
import pytest
from browser import chromium
from conftest import ROOT
from e2e import outline_titles, pdf_text
from office import PERSONAL, add_user, csv_bytes, form_token, login, running_server, wait_for, write_workbook, zip_of
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter

FIRST_TITLE = "协商还款申请书"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    root = tmp_path_factory.mktemp("office")
    data = root / "data"
    tokens = {"alice": add_user(data, "alice", admin=True), "bob": add_user(data, "bob")}
    profiles = data / "organisations"  # the letterheads an administrator installed
    profiles.mkdir(mode=0o700)
    for name in ("organisation.yaml", "organisation-logo.png"):
        shutil.copy(ROOT / "samples" / name, profiles / name)
        (profiles / name).chmod(0o600)
    with running_server(data) as server:
        yield server, tokens, root


@pytest.fixture(scope="module")
def browsed(office):
    """Alice's whole visit, in Chromium, with axe-core on every page state at 1366 and 390 px; what she
    saw is recorded for the tests below."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    server, _, root = office
    downloads = root / "downloads"
    downloads.mkdir()
    workbook = write_workbook(root / "sample.xlsx")
    seen = {"titles": [], "urls": [], "progress": []}
    with chromium(server.url, downloads) as browser:
        driver = browser.driver

        def visit_note():
            seen["titles"].append(driver.title)
            seen["urls"].append(driver.current_url)

        def click(element_id):
            driver.find_element(By.ID, element_id).click()

        seen["browser"] = browser
        browser.get("/batches")
        seen["redirected_to"] = driver.current_url
        visit_note()
        browser.audit("login")
        driver.find_element(By.NAME, "name").send_keys("alice")
        driver.find_element(By.NAME, "password").send_keys("not her password")
        driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
        wait_for(lambda: "用户名或密码不正确" in driver.page_source, 30, what="the wrong password's answer")
        browser.audit("login, wrong password")
        driver.find_element(By.NAME, "name").send_keys("alice")
        driver.find_element(By.NAME, "password").send_keys("correct horse battery")
        driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
        wait_for(lambda: driver.current_url.endswith("/batches"), 30, what="the history page")
        visit_note()
        browser.audit("history, empty")

        click("new-batch")
        browser.wait_for_id("upload", 30, "the upload form")
        visit_note()
        browser.audit("new batch")
        click("blank-workbook")
        blank = wait_for(lambda: (downloads / "intake.xlsx").exists() and not list(downloads.glob("*.crdownload"))
                         and downloads / "intake.xlsx", 60, what="the blank workbook")
        seen["blank_sheets"] = load_workbook(blank).sheetnames
        click("help-link")
        browser.wait_for_id("help", 30, "the help page")
        seen["help_columns"] = len(driver.find_elements(By.CSS_SELECTOR, "#column-table tbody tr"))
        browser.audit("help")
        driver.back()
        browser.wait_for_id("upload", 30)
        not_a_sheet = root / "notes.txt"  # a caseworker's notes, picked instead of the sheet
        not_a_sheet.write_text("张晓明：下周一再打电话。\n", "utf-8")
        driver.find_element(By.NAME, "file").send_keys(str(not_a_sheet))
        driver.execute_script("document.getElementsByName('date')[0].value = '2026-11-24';")
        driver.find_element(By.NAME, "print_file").click()
        Select(driver.find_element(By.NAME, "organisation")).select_by_value("organisation")
        driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()
        browser.wait_for_id("refusal", 30, "the refusal on the form")
        seen["refusal"] = driver.find_element(By.ID, "refusal").text
        seen["date_limits"] = [driver.find_element(By.NAME, "date").get_attribute(a) for a in ("min", "max")]
        seen["kept"] = {"date": driver.find_element(By.NAME, "date").get_attribute("value"),
                        "organisation": Select(driver.find_element(By.NAME, "organisation")).first_selected_option
                        .get_attribute("value"),
                        "print_file": driver.find_element(By.NAME, "print_file").is_selected(),
                        "duplex": driver.find_element(By.NAME, "duplex").is_selected()}
        browser.audit("new batch, refused")
        driver.find_element(By.NAME, "file").send_keys(str(workbook))  # the choices as they were kept
        driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()

        browser.wait_for_id("validation", 120, "the check page")
        visit_note()
        browser.audit("check page")
        seen["summary"] = driver.find_element(By.ID, "summary").text
        seen["choices"] = driver.find_element(By.ID, "choices").text
        seen["rows"] = {row.get_attribute("id"): row.text
                        for row in driver.find_elements(By.CSS_SELECTOR, "#rows tbody tr")}
        click("problems-only")  # the filter a caseworker uses on a long sheet
        browser.wait_for_id("show-all", 30, "the check page's problem rows")
        browser.audit("check page, problem rows only")
        seen["problem_rows"] = [row.get_attribute("id") for row in driver.find_elements(By.CSS_SELECTOR, "#rows tbody tr")]
        click("show-all")
        browser.wait_for_id("problems-only", 30, "the check page with every row")
        click("build")

        # 停止生成 at once (LibreOffice is still starting), then 继续生成: the same one build
        browser.wait_for_id("stop", 60, "the progress page's stop button")
        seen["delete_beside_progress"] = bool(browser.present("delete"))
        click("stop")
        browser.wait_for_id("stopped", 60, "the stopped page")
        seen["stopped"] = driver.find_element(By.ID, "stopped-count").text
        browser.audit("stopped")
        click("resume")
        browser.wait_for_id("progress", 60, "the progress page")
        browser.audit("progress")
        # the session ends while the page polls: it says so and leads back here through the login
        driver.delete_cookie("packets_session")
        problem = wait_for(lambda: (e := browser.present("progress-problem")) and e.is_displayed() and e, 30,
                           what="the page to notice the expired session")
        seen["expired_progress"] = problem.text
        browser.audit("progress, session expired")
        problem.find_element(By.TAG_NAME, "a").click()
        browser.wait_for_id("login", 30, "the login page")
        driver.find_element(By.NAME, "name").send_keys("alice")
        driver.find_element(By.NAME, "password").send_keys("correct horse battery")
        driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
        wait_for(lambda: urlsplit(driver.current_url).path.startswith("/batches/"), 30, what="the batch again")
        seen["back_after_login"] = driver.current_url

        def finished():
            count = browser.present("progress-count")
            if count is not None:
                try:
                    seen["progress"].append(count.text)
                except Exception:  # the page was replaced while being read
                    pass
            return browser.present("results")

        wait_for(finished, 240, every=0.05, what="the results page")
        visit_note()
        browser.audit("results")
        seen["results"] = driver.find_element(By.ID, "summary").text
        seen["batch_url"] = driver.current_url
        seen["result_links"] = {a.get_attribute("href"): a.text
                                for a in driver.find_elements(By.CSS_SELECTOR, "#cases a")}
        driver.find_element(By.CSS_SELECTOR, "#case-2 a[href$='/packet.pdf']").click()
        packet = downloads / "E2E-001-packet.pdf"
        wait_for(lambda: packet.exists() and not list(downloads.glob("*.crdownload")), 60, what="the download")
        seen["packet"] = packet
        click("download-workbook")
        workbook_download = wait_for(lambda: (found := list(downloads.glob("report-*.xlsx")))
                                     and not list(downloads.glob("*.crdownload")) and found[0], 60)
        seen["report_rows"] = [[c.value for c in row] for row in load_workbook(workbook_download).active.iter_rows()]
        driver.find_element(By.CSS_SELECTOR, "#case-2 a[href$='/cases/E2E-001']").click()
        browser.wait_for_id("case", 30, "the case page")
        seen["case_heading"] = driver.find_element(By.ID, "case").text
        seen["links"] = {a.get_attribute("href"): a.text for a in driver.find_elements(By.CSS_SELECTOR, "#files a")}
        browser.audit("case page")
        click("back")
        browser.wait_for_id("results", 30)

        # a second upload, checked only, then deleted through the confirmation step
        browser.get("/batches/new")
        driver.find_element(By.NAME, "file").send_keys(str(write_workbook(root / "second.xlsx", ("E2E-004",))))
        driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()
        browser.wait_for_id("validation", 120, "the second check page")
        second = driver.current_url
        click("fix-2")  # 改正这一行: the income typed as 6000 this time, every other field left as it was
        browser.wait_for_id("row-fix", 30, "the form of row 2")
        browser.audit("fix a row")
        seen["fix_form_id"] = driver.find_element(By.ID, "cell-id_number").get_attribute("value")
        income = driver.find_element(By.ID, "cell-monthly_income")
        income.clear()
        income.send_keys("6000")
        click("save-row")
        browser.wait_for_id("validation", 120, "the check page after the fix")
        seen["fixed_row"] = driver.find_element(By.ID, "row-2").text
        click("delete")
        browser.wait_for_id("confirm-delete", 30, "the confirmation page")
        browser.audit("confirm delete")
        click("cancel")
        browser.wait_for_id("validation", 30, "the check page again")
        seen["kept_after_cancel"] = driver.current_url == second
        click("delete")
        browser.wait_for_id("confirm", 30)
        click("confirm")
        browser.wait_for_id("deleted", 30, "the deletion notice")
        seen["deleted_notice"] = driver.find_element(By.ID, "deleted").text
        seen["second_id"] = second.rsplit("/", 1)[-1]
        browser.audit("history, after a deletion")

        # the keyboard: the first Tab reaches the skip link, which moves focus to the content; from the
        # zip download to the delete link is a short way
        driver.get(seen["batch_url"])
        browser.wait_for_id("results")
        keys = ActionChains(driver)
        keys.send_keys(Keys.TAB).perform()
        seen["first_tab"] = driver.switch_to.active_element.get_attribute("id")
        keys.send_keys(Keys.ENTER).perform()
        seen["after_skip"] = driver.switch_to.active_element.get_attribute("id")
        driver.execute_script("document.getElementById('download-zip').focus();")
        presses = 0
        while driver.switch_to.active_element.get_attribute("id") != "delete" and presses < 200:
            ActionChains(driver).send_keys(Keys.TAB).perform()
            presses += 1
        seen["tabs_to_delete"] = presses
        browser.get("/admin/access-log")
        browser.wait_for_id("access-log", 30)
        browser.audit("access log")
        browser.get("/batches/0000000000000000")
        browser.audit("not found")
        # accounts: an administrator adds one and disables it after confirming; alice changes her password
        click("account")
        browser.wait_for_id("my-account", 30)
        browser.audit("my account")
        browser.get("/admin/users")
        browser.wait_for_id("users", 30)
        browser.audit("users")
        driver.find_element(By.ID, "new-name").send_keys("dora")
        driver.find_element(By.ID, "new-password").send_keys("dora's first password")
        driver.find_element(By.ID, "new-again").send_keys("dora's first password")
        click("add")
        browser.wait_for_id("notice", 30)
        seen["added"] = driver.find_element(By.ID, "notice").text
        driver.find_element(By.CSS_SELECTOR, "a[href='/admin/users/dora/disable']").click()
        browser.wait_for_id("confirm-change", 30)
        browser.audit("confirm disabling a user")
        click("confirm")
        browser.wait_for_id("notice", 30)
        seen["disabled"] = driver.find_element(By.ID, "notice").text
        seen["user_rows"] = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#user-table tbody tr")]
        browser.get("/account")
        driver.find_element(By.ID, "current").send_keys("correct horse battery")
        driver.find_element(By.ID, "new").send_keys("an even better horse")
        driver.find_element(By.ID, "again").send_keys("an even better horse")
        click("change-password")
        browser.wait_for_id("notice", 30)
        seen["password_changed"] = driver.find_element(By.ID, "notice").text
        browser.audit("my account, password changed")

        driver.get(seen["batch_url"])
        click("language")
        wait_for(lambda: browser.present("results") and "English" not in driver.page_source.split("<main")[0], 30)
        seen["english_heading"] = driver.find_element(By.ID, "results").text
        browser.audit("results, English")
    return seen


def test_a_refused_upload_keeps_every_choice_and_the_check_page_shows_them(browsed):
    assert "上传的是文本文件，但第一行不是案件表的列名" in browsed["refusal"] and "请重新选择" in browsed["refusal"]
    assert browsed["kept"] == {"date": "2026-11-24", "organisation": "organisation", "print_file": True,
                               "duplex": False}
    choices = browsed["choices"]
    assert "2026-11-24" in choices and "示例市法律援助中心（虚构）" in choices and "sample.xlsx" in choices
    assert "双面打印\n否" in choices and "生成（全部材料合为一个 PDF）" in choices


def test_the_blank_workbook_and_help_are_reached_from_the_new_batch_page(browsed):
    from pipeline.contract.schema import default_contract

    assert "填写说明" in browsed["blank_sheets"]
    assert browsed["help_columns"] == len(default_contract().columns)


def test_a_text_file_is_judged_by_content_and_the_date_picker_keeps_to_the_range(browsed):
    assert "请上传填好的案件表（.xlsx）" in browsed["refusal"]
    assert browsed["date_limits"] == ["2000-01-01", "2100-12-31"]


def test_progress_says_when_it_can_no_longer_be_read_and_login_returns_to_the_batch(browsed):
    assert "登录已过期，无法再读取进度" in browsed["expired_progress"]
    assert "重新登录后回到这个批次" in browsed["expired_progress"]
    assert browsed["back_after_login"] == browsed["batch_url"]


def test_the_keyboard_skips_to_the_content_and_reaches_delete_in_a_few_presses(browsed):
    assert browsed["first_tab"] == "skip" and browsed["after_skip"] == "main"
    assert browsed["tabs_to_delete"] <= 20  # the zip, three reports, the print file, three links per case


def test_accounts_are_managed_in_the_browser(office, browsed):
    server, _, _ = office
    assert browsed["added"] == "已添加用户 dora。" and browsed["disabled"].startswith("已停用用户 dora")
    assert any(row.startswith("dora") and "已停用" in row for row in browsed["user_rows"])
    assert browsed["password_changed"] == "密码已修改。"
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert login(client, "dora", "dora's first password").status_code == 401
    import sqlite3

    with sqlite3.connect(server.data / "packets.sqlite3") as db:
        lines = db.execute("SELECT user, action, item FROM access_log WHERE action IN"
                           " ('user_add', 'user_disable', 'password_change')").fetchall()
    assert lines == [("alice", "user_add", "dora"), ("alice", "user_disable", "dora"), ("alice", "password_change", "")]


def test_axe_finds_no_wcag_2_1_aa_violation_on_any_page_state_at_either_width(browsed):
    browser = browsed["browser"]
    assert len(browser.audited) >= 21
    assert browser.findings == [], "\n".join(f"{f['state']} @ {f['width']}: {f['rule']} ({f['impact']}) {f['nodes']}"
                                             for f in browser.findings)


def test_a_row_is_fixed_in_the_browser_and_checked_again(browsed):
    assert browsed["fix_form_id"] == ""  # the ID number is not in the page; left empty, it is kept
    assert "「月收入」" not in browsed["fixed_row"]  # fixed
    assert "「身份证号」“330106********1232”" in browsed["fixed_row"]  # the rest still as typed: kept, still wrong


def test_deleting_asks_first_and_says_what_was_deleted(office, browsed):
    server, _, _ = office
    assert browsed["kept_after_cancel"]
    assert "上传的批次及其全部文件" in browsed["deleted_notice"] and browsed["deleted_notice"].startswith("已删除 ")
    assert not (server.data / "batches" / browsed["second_id"]).exists()


def test_a_build_can_be_stopped_keeping_its_upload_and_started_again(browsed):
    assert not browsed["delete_beside_progress"]  # 停止生成, not 删除, beside the progress bar
    assert "已处理" in browsed["stopped"] and "/ 4 行" in browsed["stopped"] and "已保留" in browsed["stopped"]
    assert "共4行：成功3，无效1，失败0" in browsed["results"]  # started again, it finished


def test_a_visitor_without_a_session_is_sent_to_the_login_page(browsed):
    assert browsed["redirected_to"].endswith("/login")


def test_the_check_page_shows_the_bad_row_with_its_problems_before_anything_is_built(browsed):
    assert "共4行：可以生成3行，有问题1行" in browsed["summary"]
    bad = browsed["rows"]["row-5"]
    assert "E2E-004" in bad and "无效" in bad
    assert "「身份证号」“330106********1232”：校验码不正确" in bad
    assert "「手机号」" in bad and "「月收入」“abc”" in bad
    assert "330106198503121232" not in bad  # masked on the page too
    assert "可以生成" in browsed["rows"]["row-2"]
    # 只看有问题的行: the invalid row and E2E-002, whose 延期还款 the check questions, nothing else
    assert "提示：「协商诉求」含“延期还款”" in browsed["rows"]["row-3"]
    assert browsed["problem_rows"] == ["row-3", "row-5"]


def test_progress_is_shown_while_building_and_ends_on_the_results(browsed):
    shown = [text for text in browsed["progress"] if text]
    assert shown, "the progress page showed no count"
    assert all(text.startswith("已处理 ") and "/ 4 行" in text for text in shown)
    assert "共4行：成功3，无效1，失败0" in browsed["results"]


def test_the_downloaded_packet_is_the_borrowers_real_packet(browsed):
    text = pdf_text(browsed["packet"])
    assert FIRST_TITLE in text and "张晓明" in text and "E2E-001" in text
    assert "示例市法律援助中心（虚构）" in text  # the letterhead chosen on the upload form
    assert [title for title, _ in outline_titles(browsed["packet"])][0] == FIRST_TITLE


def test_results_list_each_case_with_its_borrower_masked_and_its_pdfs_labelled(browsed):
    links = browsed["result_links"]
    for case in ("E2E-001", "E2E-002", "E2E-003"):
        assert links[f"{browsed['batch_url']}/cases/{case}/to_lender.pdf"] == "寄送件 PDF（寄给贷款机构）"
        assert links[f"{browsed['batch_url']}/cases/{case}/packet.pdf"] == "全套材料 PDF（打印、留存）"
    assert not any("E2E-004" in link for link in links)
    assert not any(text.endswith((".pdf", ".docx")) for text in links.values())
    assert browsed["english_heading"] == "Results"


def test_the_case_page_links_every_file_the_build_wrote_with_chinese_labels(office, browsed):
    """to_lender.pdf, packet.pdf, the Word copies, reminders.ics: whatever the case folder holds."""
    server, _, _ = office
    assert browsed["case_heading"] == "案件 E2E-001：张晓明"
    batch_id = browsed["batch_url"].rsplit("/", 1)[-1]
    folder = server.data / "batches" / batch_id / "out" / "E2E-001"
    written = {p.name for p in folder.iterdir() if p.suffix in (".pdf", ".docx", ".ics")}
    linked = {link.rsplit("/", 1)[-1]: text for link, text in browsed["links"].items()}
    assert set(linked) == written and "packet.pdf" in linked
    assert linked["hardship_letter.docx"] == "Word 可编辑版：协商还款申请书"
    assert linked["call_sheet.docx"] == "Word 可编辑版：通话准备与记录表"


def test_the_report_downloads_as_a_workbook_with_chinese_headers(browsed):
    rows = browsed["report_rows"]
    assert rows[0] == ["文件", "行", "案件编号", "状态", "说明"]
    assert [(r[2], r[3]) for r in rows[1:]] == [("E2E-001", "成功"), ("E2E-002", "成功"), ("E2E-003", "成功"),
                                               ("E2E-004", "无效")]


def test_no_page_a_caseworker_sees_names_a_command_or_a_server_path(browsed):
    for state, text in browsed["browser"].texts.items():
        for operator_words in ("packets ", "schemas/", ".yaml", "serve-data", "/var/lib"):
            assert operator_words not in text, (state, operator_words)


def test_no_personal_data_in_page_titles_or_urls(browsed):
    for text in browsed["titles"] + browsed["urls"] + list(browsed["links"]) + list(browsed["result_links"]):
        assert not [p for p in PERSONAL if p in text], text


def _browser_batch(office) -> dict:
    server, tokens, _ = office
    with server.api(tokens["alice"]) as api:
        (batch,) = [b for b in api.get("/api/batches").json() if b["status"] == "done" and b["total"] == 4]
    return batch


def test_api_reports_the_batch_built_in_the_browser(office, browsed):
    batch = _browser_batch(office)
    assert {k: batch[k] for k in ("total", "done", "ok", "invalid", "failed")} == \
        {"total": 4, "done": 4, "ok": 3, "invalid": 1, "failed": 0}
    server, tokens, _ = office
    with server.api(tokens["alice"]) as api:
        assert api.get(f"/api/batches/{batch['id']}").json()["status"] == "done"


def test_api_packets_zip_holds_every_packet_the_report_and_the_print_file(office, browsed, tmp_path):
    server, tokens, _ = office
    batch = _browser_batch(office)
    with server.api(tokens["alice"]) as api:
        response = api.get(f"/api/batches/{batch['id']}/packets.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"report.csv", "print/batch-2026-11-24.pdf"} <= names
    report = list(csv.DictReader(archive.read("report.csv").decode("utf-8-sig").splitlines()))
    assert [(r["case_id"], r["status"]) for r in report] == [
        ("E2E-001", "ok"), ("E2E-002", "ok"), ("E2E-003", "ok"), ("E2E-004", "invalid")]
    assert not [n for n in names if n.startswith("E2E-004")]
    for case, borrower in (("E2E-001", "张晓明"), ("E2E-002", "李秀英")):
        packet = tmp_path / f"{case}.pdf"
        packet.write_bytes(archive.read(f"{case}/packet.pdf"))
        assert outline_titles(packet)[0] == (FIRST_TITLE, 0)
        assert case in PdfReader(packet).metadata.title
        text = pdf_text(packet)
        assert borrower in text and f"案件编号：{case}" in text
        assert f"{case}/repayment_agreement.docx" in names


def test_api_downloads_one_packet_and_the_report(office, browsed):
    server, tokens, _ = office
    batch = _browser_batch(office)
    with server.api(tokens["alice"]) as api:
        packet = api.get(f"/api/batches/{batch['id']}/cases/E2E-002/packet.pdf")
        report = api.get(f"/api/batches/{batch['id']}/report.csv")
        missing = api.get(f"/api/batches/{batch['id']}/cases/E2E-004/packet.pdf")
        sneaky = api.get(f"/api/batches/{batch['id']}/cases/E2E-002/case.json")
    assert packet.status_code == 200 and packet.content.startswith(b"%PDF")
    assert report.status_code == 200 and report.content.startswith(b"\xef\xbb\xbf")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert sneaky.status_code == 404


def test_another_user_cannot_see_or_delete_the_batch(office, browsed):
    server, tokens, _ = office
    batch = _browser_batch(office)
    with server.api(tokens["bob"]) as api:
        assert api.get("/api/batches").json() == []
        for response in (api.get(f"/api/batches/{batch['id']}"), api.get(f"/api/batches/{batch['id']}/packets.zip"),
                         api.delete(f"/api/batches/{batch['id']}")):
            assert response.status_code == 404
            assert response.json()["error"] == "not_found"
    assert (server.data / "batches" / batch["id"] / "out" / "E2E-001" / "packet.pdf").exists()


def test_api_builds_a_posted_batch_and_deletes_it(office, browsed):
    """POST → 201 queued → the build (its only row is invalid, so no LibreOffice) → done → DELETE → 204."""
    server, tokens, _ = office
    with server.api(tokens["bob"]) as api:
        created = api.post("/api/batches", files={"file": ("bad.csv", csv_bytes(("E2E-004",)), "text/csv")},
                           data={"date": "2026-11-24"})
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "queued"
        batch_id = created.json()["id"]
        state = wait_for(lambda: (s := api.get(f"/api/batches/{batch_id}").json())["status"] in ("done", "failed") and s,
                         120, every=0.2)
        assert (state["status"], state["total"], state["invalid"], state["ok"]) == ("done", 1, 1, 0)
        report = api.get(f"/api/batches/{batch_id}/report.csv").content.decode("utf-8-sig")
        assert "E2E-004,invalid" in report
        assert (server.data / "batches" / batch_id).is_dir()
        deleted = api.delete(f"/api/batches/{batch_id}")
        assert deleted.status_code == 204
        assert not (server.data / "batches" / batch_id).exists()
        assert api.get(f"/api/batches/{batch_id}").status_code == 404


def test_a_batch_asked_tagged_is_built_tagged(office, browsed):
    """The upload's tagged field reaches the build: its packet and lender file are tagged PDFs."""
    server, tokens, _ = office
    with server.api(tokens["bob"]) as api:
        created = api.post("/api/batches", files={"file": ("one.csv", csv_bytes(("E2E-001",)), "text/csv")},
                           data={"date": "2026-11-24", "tagged": "1"})
        assert created.status_code == 201, created.text
        batch_id = created.json()["id"]
        state = wait_for(lambda: (s := api.get(f"/api/batches/{batch_id}").json())["status"] in ("done", "failed") and s,
                         300, every=0.2)
        assert (state["status"], state["ok"]) == ("done", 1), state
        for name in ("packet.pdf", "to_lender.pdf"):
            response = api.get(f"/api/batches/{batch_id}/cases/E2E-001/{name}")
            assert response.status_code == 200
            with pikepdf.open(io.BytesIO(response.content)) as pdf:
                assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root, name
        assert api.delete(f"/api/batches/{batch_id}").status_code == 204


def test_api_without_a_valid_token_is_401(office):
    server, _, _ = office
    assert httpx.get(server.url + "/api/batches").status_code == 401
    wrong = httpx.get(server.url + "/api/batches", headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "unauthorized"


def test_server_files_are_private_and_its_log_holds_no_personal_data(office, browsed):
    server, _, root = office
    for path in [server.data, *server.data.rglob("*")]:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    logged = (server.data / "server.log").read_text("utf-8") + server.log.read_text("utf-8")
    assert "/api/batches" in logged  # requests are logged…
    assert not [p for p in PERSONAL if p in logged]  # …without a borrower's name, ID or phone
    assert "sample.xlsx" not in logged


def test_the_access_log_names_who_did_what_without_personal_data(office, browsed):
    server, _, _ = office
    batch = _browser_batch(office)
    import sqlite3

    with sqlite3.connect(server.data / "packets.sqlite3") as db:
        lines = db.execute("SELECT user, address, action, batch_id, case_id, item FROM access_log").fetchall()
    mine = [(user, action, case, item) for user, address, action, batch_id, case, item in lines
            if batch_id == batch["id"]]
    for expected in (("alice", "upload", "", ""), ("alice", "build", "", ""), ("alice", "view", "", ""),
                     ("alice", "download", "E2E-001", "packet.pdf"), ("alice", "download", "", "packets.zip")):
        assert expected in mine, expected
    assert all(address == "127.0.0.1" for _, address, *_ in lines)
    flat = " ".join(str(value) for line in lines for value in line)
    assert not [p for p in PERSONAL if p in flat] and "sample.xlsx" not in flat


def test_packets_are_in_the_batch_folder_as_packets_build_writes_them(office, browsed):
    server, _, _ = office
    batch = _browser_batch(office)
    out = server.data / "batches" / batch["id"] / "out"
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["E2E-001", "E2E-002", "E2E-003", "print"]


def test_evidence_scans_in_the_zip_resolve_next_to_the_uploaded_sheet(office, browsed):
    """The check page, reached without a browser: E2E-001 names a scan that is in the zip, E2E-002 one
    that is not; only E2E-002 gets the 证明文件 problem."""
    server, _, _ = office
    named = {"E2E-001": "scans/流水.pdf", "E2E-002": "scans/没有这个.pdf"}
    sheet = csv_bytes(("E2E-001", "E2E-002"), lambda row: row.update({"证明文件": named[row["案件编号"]]}))
    scan = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(scan)
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert login(client, "bob").status_code == 303
        csrf = form_token(client.get("/batches/new").text)
        uploaded = client.post("/batches", data={"csrf": csrf, "date": "2026-11-24"}, files={
            "file": ("带扫描件.csv", sheet, "text/csv"),
            "evidence": ("scans.zip", zip_of({"scans/流水.pdf": scan.getvalue()}), "application/zip")})
        assert uploaded.status_code == 303
        page_url = uploaded.headers["location"]
        page = wait_for(lambda: (text := client.get(page_url).text) and 'id="validation"' in text and text, 120,
                        every=0.2, what="the check page")
        assert "共2行：可以生成1行，有问题1行" in page
        assert "「证明文件」“scans/没有这个.pdf”找不到该文件" in page
        ok_row = page.split('id="row-2"')[1].split("</tr>")[0]
        assert "可以生成" in ok_row and "证明文件" not in ok_row
        batch_id = page_url.rsplit("/", 1)[-1]
        assert (server.data / "batches" / batch_id / "input" / "scans" / "流水.pdf").is_file()
        assert client.post(f"/batches/{batch_id}/delete", data={"csrf": csrf}).status_code == 303
    assert not (server.data / "batches" / batch_id).exists()


def test_a_user_added_while_the_server_runs_can_use_it_at_once(office):
    server, _, _ = office
    token = add_user(server.data, "carol")
    with server.api(token) as api:
        assert api.get("/api/batches").json() == []
