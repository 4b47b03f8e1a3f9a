"""Help in the browser, in process: the help page names every column of the contract with its
meaning (so a new column shows up there by itself), and the blank intake workbook and the sample
sheet download from the new-batch page — the same workbook `packets init` writes."""

from __future__ import annotations

import io

import pytest
from conftest import ROOT
from office import PASSWORD, TestClient, login
from openpyxl import load_workbook

from pipeline.contract.describe import describe_columns
from pipeline.contract.intake_form import write_intake_workbook
from pipeline.contract.schema import default_contract
from pipeline.serve import accounts
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.web import create_app


@pytest.fixture
def client(tmp_path):
    settings = ServerSettings(data=tmp_path / "data", run_jobs=False, retain_days=45)
    with TestClient(create_app(settings)) as client:
        accounts.add_user(Store(settings.database), "alice", PASSWORD)
        login(client, "alice")
        yield client


def test_the_help_page_explains_every_column_of_the_contract(client):
    page = client.get("/help").text
    for column in describe_columns(default_contract()):
        row = page.split(f'id="column-{column.key}"')[1].split("</tr>")[0]
        assert f"<strong>{column.header}</strong>" in row and column.description in row, column.key
        assert ("必填" if column.required else "可不填") in row
    assert page.count('<tr id="column-') == len(default_contract().columns)
    assert "45 天后" in page and "to_lender.pdf" in page and "不要寄出" in page


def test_the_new_batch_page_offers_the_blank_workbook_the_sample_and_help(client):
    page = client.get("/batches/new").text
    for link in ("/downloads/intake.xlsx", "/downloads/sample-clients.csv", "/help"):
        assert f'href="{link}"' in page


def test_the_blank_workbook_is_the_one_packets_init_writes(client, tmp_path):
    response = client.get("/downloads/intake.xlsx")
    assert response.status_code == 200 and 'filename="intake.xlsx"' in response.headers["content-disposition"]
    write_intake_workbook(tmp_path / "init.xlsx", default_contract())

    def cells(book):
        return {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets}

    assert cells(load_workbook(io.BytesIO(response.content))) == cells(load_workbook(tmp_path / "init.xlsx"))


def test_the_sample_sheet_is_the_shipped_sample(client):
    response = client.get("/downloads/sample-clients.csv")
    assert response.status_code == 200 and response.content == (ROOT / "samples" / "clients.csv").read_bytes()


def test_help_and_downloads_need_a_session(tmp_path):
    with TestClient(create_app(ServerSettings(data=tmp_path / "data", run_jobs=False))) as anonymous:
        for path in ("/help", "/downloads/intake.xlsx", "/downloads/sample-clients.csv"):
            assert anonymous.get(path, follow_redirects=False).status_code == 303, path
