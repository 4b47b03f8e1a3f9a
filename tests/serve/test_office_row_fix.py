"""改正这一行 (issue 25, point 6): one row fixed in the browser — a form made from the contract, the
whole sheet checked again the same way, the upload left as sent — and a second build in the same
batch that makes only the case whose rows changed."""

from __future__ import annotations

import html
import re

import pytest
from office import PASSWORD, TestClient, case_rows, csv_bytes, form_token, login, wait_for

from pipeline.contract.schema import default_contract
from pipeline.output.audit import AUDIT_LOG
from pipeline.serve import accounts
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.web import create_app

CASES = ("E2E-001", "E2E-002", "E2E-003", "E2E-004")  # E2E-004 (row 5) is wrong in a dozen ways
GOOD_ID = "33010619850312124X"  # check digit by hand: Σ aᵢwᵢ = 222, 222 mod 11 = 2 → "X" (GB 11643)


def fields(page: str) -> dict[str, str]:
    """The form's inputs, text areas and selected options, by name, as a browser would send them."""
    found = {name: html.unescape(value) for name, value in re.findall(r'<input id="[^"]*" name="(cell-[^"]+)" value="([^"]*)"', page)}
    found |= {name: html.unescape(value) for name, value in
              re.findall(r'<textarea id="[^"]*" name="(cell-[^"]+)"[^>]*>(.*?)</textarea>', page, re.S)}
    for name, options in re.findall(r'<select id="[^"]*" name="(cell-[^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r"<option(?: value=\"\")? selected>([^<]*)</option>", options)
        found[name] = html.unescape(chosen.group(1)) if chosen else ""
    return found


def as_row(case_id: str) -> dict[str, str]:
    """A row of tests/data/cases.csv as the form's fields."""
    header, (row,) = case_rows((case_id,))
    columns = default_contract().intake_columns
    return {f"cell-{columns.key_for(name)}": value for name, value in zip(header, row, strict=True)}


@pytest.fixture
def office(tmp_path):
    settings = ServerSettings(data=tmp_path / "data")  # the real check (no LibreOffice: not slow)
    with TestClient(create_app(settings)) as client:
        accounts.add_user(Store(settings.database), "alice", PASSWORD)
        accounts.add_user(Store(settings.database), "bob", PASSWORD)
        login(client, "alice")
        csrf = form_token(client.get("/batches/new").text)
        sent = client.post("/batches", data={"csrf": csrf, "date": "2026-11-24"},
                           files={"file": ("cases.csv", csv_bytes(CASES))}, follow_redirects=False)
        page = sent.headers["location"]
        wait_for(lambda: 'id="summary"' in client.get(page).text, 120, what="the check")
        yield client, settings, page, csrf


def checked(client, page: str) -> str:
    return wait_for(lambda: 'id="summary"' in (r := client.get(page)).text and r.text, 120, what="the check again")


def test_a_bad_row_is_fixed_in_the_browser_and_the_sheet_checked_again(office):
    client, settings, page, csrf = office
    first = client.get(page).text
    assert "共4行：可以生成3行，有问题1行" in first and f'href="{page}/rows/5"' in first  # 改正这一行

    form = client.get(f"{page}/rows/5").text
    assert 'id="rebuild-needed"' not in form  # nothing built yet
    assert "改正第5行" in form and "「身份证号」“330106********1232”：校验码不正确" in form
    values = fields(form)
    assert values["cell-case_id"] == "E2E-004" and values["cell-monthly_income"] == "abc"
    assert values["cell-lender"] == "某某贷"  # not one of the choices, yet kept: nothing typed is lost
    assert values["cell-id_number"] == "" and "现在是 330106********1232" in form  # never the full number
    assert "330106198503121232" not in form and "1380013800" not in form

    fixed = {**as_row("E2E-003"), "cell-case_id": "E2E-004", "cell-borrower_name": "王五", "cell-id_number": GOOD_ID}
    saved = client.post(f"{page}/rows/5", data={"csrf": csrf, **fixed}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == page
    again = checked(client, page)
    assert "共4行：可以生成4行，有问题0行" in again and 'id="row-5"' in again

    batch_folder = settings.batch_folder(page.rsplit("/", 1)[1])
    assert (batch_folder / "input" / "cases.csv").read_bytes() == csv_bytes(CASES)  # the upload as sent
    with Store(settings.database).connect() as db:
        assert ("alice", "correct", "5") in [tuple(r) for r in db.execute("SELECT user, action, item FROM access_log")]


def test_an_empty_id_field_keeps_the_number_and_a_second_fix_replaces_the_first(office):
    client, settings, page, csrf = office
    good = {**as_row("E2E-001"), "cell-case_id": "E2E-001"}
    good_without_id = {**good, "cell-id_number": "", "cell-monthly_income": "很多"}
    client.post(f"{page}/rows/2", data={"csrf": csrf, **good_without_id})
    once = checked(client, page)
    assert "共4行：可以生成2行，有问题2行" in once  # the income is wrong now; the ID number was kept, not lost
    row_2 = re.search(r'<tr class="row-invalid" id="row-2">.*?</tr>', once, re.S).group(0)
    assert "「月收入」" in row_2 and "「身份证号」" not in row_2
    assert fields(client.get(f"{page}/rows/2").text)["cell-monthly_income"] == "很多"  # the form shows the fix

    client.post(f"{page}/rows/2", data={"csrf": csrf, **good})
    assert "共4行：可以生成3行，有问题1行" in checked(client, page)


def test_a_row_is_not_fixed_while_its_batch_is_checked_nor_by_another_user(office):
    client, settings, page, csrf = office
    batch_id = page.rsplit("/", 1)[1]
    for status in ("checking", "queued", "running"):
        with Store(settings.database).connect() as db:
            db.execute("UPDATE batches SET status = ? WHERE id = ?", (status, batch_id))
        busy = client.post(f"{page}/rows/2", data={"csrf": csrf, **as_row("E2E-001")})
        assert busy.status_code == 409 and "请等它结束后再改正" in busy.text, status
        assert client.get(f"{page}/rows/2").status_code == 409
    with Store(settings.database).connect() as db:
        db.execute("UPDATE batches SET status = 'checked' WHERE id = ?", (batch_id,))
    assert not (settings.batch_folder(batch_id) / "corrections.json").exists()  # nothing kept of the refused
    assert client.get(f"{page}/rows/99").status_code == 404 and client.get(f"{page}/rows/1").status_code == 404
    assert client.post(f"{page}/rows/2", data={"csrf": "forged", **as_row("E2E-001")}).status_code == 403
    client.post("/logout", data={"csrf": csrf})
    login(client, "bob")
    assert client.get(f"{page}/rows/5").status_code == 404


@pytest.mark.slow
def test_building_again_after_a_fix_makes_only_the_case_that_changed(office):
    client, settings, page, csrf = office
    batch_id = page.rsplit("/", 1)[1]
    out = settings.batch_folder(batch_id) / "out"

    def build() -> str:
        client.post(f"{page}/build", data={"csrf": csrf})
        return wait_for(lambda: 'id="results"' in (r := client.get(page)).text and r.text, 600, every=0.5,
                        what="the build")

    first = build()
    assert "共4行：成功3，无效1，失败0" in first and f'href="{page}/rows/5"' in first  # 改正第5行 on the results
    built = {case: (out / case / "packet.pdf").stat().st_mtime_ns for case in CASES[:3]}
    log_before = (out / AUDIT_LOG).read_text("utf-8").splitlines()

    form = client.get(f"{page}/rows/5").text
    assert 'id="rebuild-needed"' in form and "需要再点一次“生成材料”" in form  # said before the fix is saved
    fixed = {**as_row("E2E-003"), "cell-case_id": "E2E-004", "cell-borrower_name": "王五", "cell-id_number": GOOD_ID}
    client.post(f"{page}/rows/5", data={"csrf": csrf, **fixed})
    checked(client, page)
    second = build()
    assert "共4行：成功4，无效0，失败0" in second
    new_lines = (out / AUDIT_LOG).read_text("utf-8").splitlines()[len(log_before):]
    assert [line.split("\t")[2:4] for line in new_lines if "\t" in line] == [["built", "E2E-004"]], new_lines
    assert {case: (out / case / "packet.pdf").stat().st_mtime_ns for case in CASES[:3]} == built  # not remade
    assert "王五" in client.get(f"{page}/cases/E2E-004").text

    # a fix that makes a built case invalid withdraws its packet: an outdated one must not be printed
    client.post(f"{page}/rows/2", data={"csrf": csrf, **as_row("E2E-001"), "cell-monthly_income": "很多"})
    checked(client, page)
    third = build()
    assert "共4行：成功3，无效1，失败0" in third
    assert not (out / "E2E-001" / "packet.pdf").exists() and not (out / "E2E-001" / "to_lender.pdf").exists()
    assert "withdrawn\tE2E-001" in (out / AUDIT_LOG).read_text("utf-8")
