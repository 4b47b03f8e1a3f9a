"""The pages' own words: every template message is listed for extraction (so the English catalog has
it), and an English reader sees no Chinese but the data itself."""

from __future__ import annotations

import re
import sqlite3

from office import PASSWORD, TestClient, csv_bytes, login

from pipeline.common.errors import RowError, RowOutcome, Status
from pipeline.common.resources import shipped_path
from pipeline.serve import accounts, batches
from pipeline.serve.batch_notes import checked_rows
from pipeline.serve.page_messages import PAGE_MESSAGES
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.web import create_app
from pipeline.serve.work import CheckedRows

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def chinese(page: str, data: tuple[str, ...] = ()) -> list[str]:
    """Chinese text on a page but the switch back to Chinese (中文) and the given data."""
    for allowed in ("中文", *data):
        page = page.replace(allowed, "")
    return CJK.findall(page)


def test_every_template_message_is_listed_for_extraction():
    found = {}
    for template in sorted(shipped_path("serve", "pages").glob("*.html")):
        messages = re.findall(r'_\("((?:[^"\\]|\\.)*)"\)', template.read_text("utf-8"))
        if messages:
            found[template.name] = tuple(dict.fromkeys(messages))
    assert found == PAGE_MESSAGES


def test_english_pages_show_no_chinese_but_the_data(tmp_path):
    settings = ServerSettings(data=tmp_path / "data", run_jobs=False)
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD, admin=True)
        token = accounts.new_token(store, "alice")
        batch_id = client.post("/api/batches", headers={"Authorization": f"Bearer {token}"},
                               files={"file": ("cases.csv", csv_bytes(("E2E-001",)))}).json()["id"]
        # as a finished check leaves it (no check runs here), with an English problem message
        problem = RowError("cases.csv", 2, "手机号", "138***8001", "regex", "the phone number is wrong")
        batches.record_checked_rows(store, batch_id, [RowOutcome("cases.csv", 2, "E2E-001", Status.INVALID,
                                                                    (problem,))])
        with sqlite3.connect(settings.database) as db:
            db.execute("UPDATE batches SET status = 'checked', total = 1, invalid = 1 WHERE id = ?", (batch_id,))
        client.get("/language/en")
        assert chinese(client.get("/login").text) == []
        login(client, "alice")
        for path in ("/batches", "/batches/new", f"/batches/{batch_id}", "/admin/access-log", "/no-such-page"):
            # the column names staff see in their sheet, and the example path, stay Chinese
            assert chinese(client.get(path).text, data=("手机号", "证明文件", "张三", "银行流水")) == [], path
        assert "the phone number is wrong" in client.get(f"/batches/{batch_id}").text
        client.get("/language/zh")
        assert "检查结果" in client.get(f"/batches/{batch_id}").text


def test_a_long_check_is_stored_in_input_order_and_shown_page_by_page(tmp_path):
    settings = ServerSettings(data=tmp_path / "data", run_jobs=False)
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD)
        token = accounts.new_token(store, "alice")
        batch_id = client.post("/api/batches", headers={"Authorization": f"Bearer {token}"},
                               files={"file": ("cases.csv", csv_bytes(("E2E-001",)))}).json()["id"]
        rows = CheckedRows(store, batch_id)  # what the check process writes as validate_inputs reports rows
        for n in range(450):
            rows.row(RowOutcome("cases.csv", n + 2, f"C-{n:03d}", Status.OK if n % 3 else Status.INVALID))
        rows.flush()
        stored = checked_rows(store.batch_folder(batch_id))
        assert [r.row for r in stored] == list(range(2, 452))
        with sqlite3.connect(settings.database) as db:
            db.execute("UPDATE batches SET status = 'checked' WHERE id = ?", (batch_id,))
            assert db.execute("SELECT total, ok, invalid FROM batches WHERE id = ?", (batch_id,)).fetchone() == \
                (450, 300, 150)
        login(client, "alice")
        first, last = client.get(f"/batches/{batch_id}").text, client.get(f"/batches/{batch_id}?page=5").text
    assert 'id="row-2"' in first and 'id="row-101"' in first and 'id="row-102"' not in first  # 100 a page
    assert "?page=2" in first and 'id="row-402"' in last and 'id="row-451"' in last and "?page=6" not in last
    assert "第 5 页，共 5 页" in last
