"""Bad input caught where it happens, in process: packet dates outside 2000–2100 refused on the form,
by the API (400) and by the CLI's --date; sheets judged by what they hold (a notes.txt, an old .xls,
an empty file each get their own hint; a CSV saved as .txt is a CSV); a sheet the check cannot read
answered on the form with the choices kept, and not listed as a batch."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from conftest import DATA
from office import PASSWORD, TestClient, case_rows, csv_bytes, form_token, login, wait_for

from pipeline.cli import main
from pipeline.serve import accounts
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.web import create_app

SHEET = csv_bytes(("E2E-001",))


@pytest.fixture
def office(tmp_path):
    settings = ServerSettings(data=tmp_path / "data", run_jobs=False)
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD)
        yield client, {"Authorization": f"Bearer {accounts.new_token(store, 'alice')}"}, settings


def folders(settings) -> list:
    return list(settings.batches.iterdir())


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_packet_date_outside_2000_to_2100_is_400_from_the_api(office, text):
    client, token, settings = office
    response = client.post("/api/batches", headers=token, files={"file": ("c.csv", SHEET)}, data={"date": text})
    assert response.status_code == 400
    assert response.json()["message"] == f"材料日期应在 2000-01-01 到 2100-12-31 之间（收到的是 {text}）"
    assert folders(settings) == []


def test_the_first_and_last_days_of_the_range_are_accepted(office):
    client, token, _ = office
    for text in ("2000-01-01", "2100-12-31"):
        assert client.post("/api/batches", headers=token, files={"file": ("c.csv", SHEET)},
                           data={"date": text}).status_code == 201


def test_the_form_refuses_a_far_date_with_the_range_and_keeps_the_rest(office):
    client, _, _ = office
    login(client, "alice")
    page = client.get("/batches/new").text
    assert 'min="2000-01-01" max="2100-12-31"' in page  # the browser's own date picker stops there too
    refused = client.post("/batches", data={"csrf": form_token(page), "date": "9999-12-31", "duplex": "1",
                                            "tagged": "1"},
                          files={"file": ("c.csv", SHEET)})
    assert refused.status_code == 400 and "材料日期应在 2000-01-01 到 2100-12-31 之间" in refused.text
    assert 'name="duplex" value="1" checked' in refused.text and 'value="9999-12-31"' in refused.text
    assert 'name="tagged" value="1" checked' in refused.text


def test_the_cli_refuses_a_far_date_too(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(DATA / "cases.csv"), "--date", "9999-12-31"])
    assert result.exit_code == 2 and "材料日期应在 2000-01-01 到 2100-12-31 之间" in result.output


@pytest.mark.parametrize("name, data, hint", [
    ("notes.txt", "客户说下周再联系。\n电话没人接。\n".encode(), "第一行不是案件表的列名"),
    ("notes.csv", b"hello,world\n1,2\n", "第一行不是案件表的列名"),
    ("cases.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "“另存为”→“Excel 工作簿（.xlsx）”"),
    ("cases.xlsx", b"", "空文件（0 字节）"),
], ids=["notes-txt", "notes-csv", "old-xls", "empty"])
def test_a_file_that_is_not_a_case_sheet_is_refused_with_a_hint(office, name, data, hint):
    client, token, settings = office
    response = client.post("/api/batches", headers=token, files={"file": (name, data)})
    assert response.status_code == 400 and hint in response.json()["message"]
    assert folders(settings) == []


def test_a_case_sheet_saved_as_txt_is_read_as_csv(office):
    client, token, settings = office
    for sheet in (SHEET, SHEET.decode("utf-8-sig").encode("gb18030")):
        response = client.post("/api/batches", headers=token, files={"file": ("导出.txt", sheet)})
        assert response.status_code == 201
        assert (settings.batch_folder(response.json()["id"]) / "input" / "导出.csv").is_file()


def test_a_sheet_the_check_cannot_read_is_answered_on_the_form_and_not_listed(tmp_path):
    settings = ServerSettings(data=tmp_path / "data")  # the real check
    with TestClient(create_app(settings)) as client:
        accounts.add_user(Store(settings.database), "alice", PASSWORD)
        login(client, "alice")
        csrf = form_token(client.get("/batches/new").text)
        sent = client.post("/batches", data={"csrf": csrf, "date": "2026-11-24", "print_file": "1"},
                           files={"file": ("只有编号.csv", "案件编号\nA-1\n".encode())}, follow_redirects=False)
        batch_page = sent.headers["location"]
        page = wait_for(lambda: (r := client.get(batch_page)).status_code == 400 and r, 120, what="the check")
        assert 'id="upload"' in page.text and "案件表“只有编号.csv”无法使用" in page.text
        assert 'value="2026-11-24"' in page.text and 'name="print_file" value="1" checked' in page.text
        assert "只有编号.csv" not in client.get("/batches").text and list(settings.batches.iterdir()) == []


def long_sheet(rows: int, bad: int) -> bytes:
    """`rows` copies of E2E-001 under case ids L-001…, each with an ID number of its own; L-`bad` has
    an income that is not a number."""
    from hostile import with_check_digit

    header, (row,) = case_rows(("E2E-001",))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    for n in range(1, rows + 1):
        record = dict(zip(header, row, strict=True))
        record.update({"案件编号": f"L-{n:03d}", "身份证号": with_check_digit(f"33010619850312{n:03d}")})
        if n == bad:
            record["月收入"] = "很多"
        writer.writerow(record)
    return buffer.getvalue().encode("utf-8-sig")


def test_a_long_sheet_is_checked_in_pages_of_100_with_its_problem_rows_one_click_away(tmp_path):
    """Issue 25: with 400 rows and one bad row past the first page, page 1 said 有问题1行 and showed
    none, with no filter and no page count."""
    settings = ServerSettings(data=tmp_path / "data")  # the real check
    with TestClient(create_app(settings)) as client:
        accounts.add_user(Store(settings.database), "alice", PASSWORD)
        login(client, "alice")
        csrf = form_token(client.get("/batches/new").text)
        sent = client.post("/batches", data={"csrf": csrf, "date": "2026-11-24"},
                           files={"file": ("长表.csv", long_sheet(400, bad=250))}, follow_redirects=False)
        batch_page = sent.headers["location"]
        first = wait_for(lambda: 'id="rows"' in (r := client.get(batch_page)).text and r, 120, what="the check").text
        assert "共400行：可以生成399行，有问题1行" in first
        assert first.count('<tr class="row-') == 100 and "第 1 页，共 4 页" in first
        assert f'href="{batch_page}?show=problems"' in first and "只看有问题的1行" in first
        assert "L-250" not in first and f'href="{batch_page}?page=2"' in first  # L-250 is row 251: page 3

        problems = client.get(batch_page + "?show=problems").text
        assert problems.count('<tr class="row-') == 1 and 'id="row-251"' in problems and "「月收入」" in problems
        assert "显示全部400行" in problems and 'class="pager"' not in problems  # one page: no pager

        third = client.get(batch_page + "?page=3").text
        assert 'id="row-251"' in third and "第 3 页，共 4 页" in third
        assert f'href="{batch_page}?page=4"' in third and f'href="{batch_page}?page=2"' in third
        beyond = client.get(batch_page + "?page=9").text
        assert beyond.count('<tr class="row-') == 0 and "回到第 1 页" in beyond
