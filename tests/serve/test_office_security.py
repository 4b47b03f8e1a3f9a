"""The office server at the door, in process (no build runs): who may see what, forms without their
CSRF token, oversized uploads, hostile evidence zips, the login rate limit, retention, and errors that
never show a traceback."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
import unicodedata
from urllib.parse import quote

import pytest
from office import PASSWORD, TestClient, csv_bytes, deep_tree, every_path, form_token, login, wait_for, zip_of

from pipeline.common.safe_files import size_text
from pipeline.serve import accounts, batches
from pipeline.serve.caseworker_words import for_caseworkers
from pipeline.serve.retention import purge_expired
from pipeline.serve.settings import MB, ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.web import create_app

SHEET = csv_bytes(("E2E-001",))
LIMITS = {"max_sheet_bytes": 64 * 1024, "max_evidence_bytes": 256 * 1024, "max_evidence_entries": 50}


def batch_folders(settings: ServerSettings) -> list[str]:
    return [p.name for p in settings.batches.iterdir() if p.is_dir()]


def settings_in(tmp_path, **changes) -> ServerSettings:
    return ServerSettings(data=tmp_path / "data", **{"run_jobs": False, **LIMITS, **changes})


@pytest.fixture
def office(tmp_path):
    settings = settings_in(tmp_path)
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        store = Store(settings.database)
        tokens = {}
        for name in ("alice", "bob"):
            accounts.add_user(store, name, PASSWORD)
            tokens[name] = accounts.new_token(store, name)
        yield client, tokens, settings


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def post_batch(client, token, sheet=SHEET, evidence: bytes | None = None, name="cases.csv"):
    files = {"file": (name, sheet, "text/csv")}
    if evidence is not None:
        files["evidence"] = ("scans.zip", evidence, "application/zip")
    return client.post("/api/batches", headers=bearer(token), files=files, data={"date": "2026-11-24"})


def test_pages_without_a_session_go_to_the_login_page(office):
    client, _, _ = office
    assert client.get("/batches", follow_redirects=False).headers["location"] == "/login"
    for path in ("/batches/new", "/batches/0123456789abcdef", "/admin/access-log"):  # and back there afterwards
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/login?next={quote(path, safe='')}", path
    upload = client.post("/batches", files={"file": ("c.csv", SHEET)}, follow_redirects=False)
    assert upload.status_code == 303 and upload.headers["location"] == "/login?next=%2Fbatches%2Fnew&expired=1"
    page = client.get(upload.headers["location"])
    assert "登录已过期，刚才提交的内容（包括上传的文件）没有保存" in page.text and 'value="/batches/new"' in page.text


def test_api_without_a_token_or_with_a_wrong_one_is_401(office):
    client, tokens, settings = office
    assert client.get("/api/batches").status_code == 401
    assert client.get("/api/batches", headers={"Authorization": "Basic YWxpY2U6eA=="}).status_code == 401
    response = post_batch(client, tokens["alice"] + "x")
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
    assert batch_folders(settings) == []


def test_another_users_batch_is_not_found(office):
    client, tokens, _ = office
    batch_id = post_batch(client, tokens["alice"]).json()["id"]
    for method, path in (("GET", ""), ("GET", "/report.csv"), ("GET", "/packets.zip"), ("GET", "/print.pdf"),
                         ("GET", "/cases/E2E-001/packet.pdf"), ("DELETE", "")):
        response = client.request(method, f"/api/batches/{batch_id}{path}", headers=bearer(tokens["bob"]))
        assert response.status_code == 404, (method, path)
        assert response.json() == {"error": "not_found", "message": "找不到这个批次（可能已被删除）"}
    assert client.get(f"/api/batches/{batch_id}", headers=bearer(tokens["alice"])).status_code == 200
    login(client, "bob")
    assert client.get(f"/batches/{batch_id}").status_code == 404
    csrf = form_token(client.get("/batches").text)
    assert client.post(f"/batches/{batch_id}/delete", data={"csrf": csrf}).status_code == 404
    assert client.get(f"/api/batches/{batch_id}", headers=bearer(tokens["alice"])).status_code == 200


def test_a_form_posted_without_its_csrf_token_is_403(office):
    client, _, settings = office
    page = client.get("/login")
    assert client.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 403
    assert client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf": "forged"}).status_code == 403
    assert login(client, "alice").status_code == 303
    assert "packets_session" in client.cookies and page.status_code == 200
    for path, files in (("/batches", {"file": ("c.csv", SHEET)}), ("/logout", None)):
        response = client.post(path, files=files, data={"csrf": "forged"} if files else {})
        assert response.status_code == 403, path
        assert "缺少安全令牌" in response.text
    assert batch_folders(settings) == []
    assert client.get("/batches", follow_redirects=False).status_code == 200  # still logged in


def test_session_cookie_is_httponly_and_samesite_lax(office):
    client, _, _ = office
    response = login(client, "alice")
    cookie = response.headers["set-cookie"]
    assert "packets_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here; behind TLS the proxy's X-Forwarded-Proto adds it


def test_behind_tls_the_session_cookie_is_secure(tmp_path):
    settings = settings_in(tmp_path)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        accounts.add_user(Store(settings.database), "alice", PASSWORD)
        cookie = login(client, "alice").headers["set-cookie"]
    assert "packets_session=" in cookie and "Secure" in cookie


def test_only_administrators_see_the_access_log(office):
    client, _, _ = office
    login(client, "alice")
    assert client.get("/admin/access-log").status_code == 404
    with Store(office[2].database).connect() as db:
        db.execute("UPDATE users SET admin = 1 WHERE name = 'alice'")
    page = client.get("/admin/access-log")
    assert page.status_code == 200 and "<td data-label=\"操作\">登录</td>" in page.text and "testclient" in page.text


def test_an_oversized_upload_is_413_with_a_clear_message(office):
    client, tokens, settings = office
    big_sheet = SHEET + b"x" * (65 * 1024)
    response = post_batch(client, tokens["alice"], big_sheet)
    assert response.status_code == 413
    assert response.json()["message"] == "案件表超过大小上限（64KB），请拆分后分批上传"
    huge = client.post("/api/batches", headers={**bearer(tokens["alice"]), "Content-Type": "multipart/form-data; boundary=x"},
                       content=b"x" * (settings.max_request_bytes + 1))
    assert huge.status_code == 413 and huge.json()["error"] == "too_large"
    login(client, "alice")
    csrf = form_token(client.get("/batches/new").text)
    page = client.post("/batches", files={"file": ("c.csv", big_sheet)}, data={"csrf": csrf})
    assert page.status_code == 413 and "案件表超过大小上限" in page.text
    assert batch_folders(settings) == []


def test_a_file_of_the_wrong_type_is_named_as_such(office):
    client, tokens, _ = office
    pdf = post_batch(client, tokens["alice"], b"%PDF-1.7\n...", name="cases.xlsx")
    assert pdf.status_code == 400 and "上传的案件表是PDF 文件" in pdf.json()["message"]
    xls = post_batch(client, tokens["alice"], b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="cases.xls")
    assert xls.status_code == 400 and "旧版 Excel 文件（.xls）" in xls.json()["message"]
    not_zip = post_batch(client, tokens["alice"], evidence=b"\x89PNG\r\n\x1a\n....")
    assert not_zip.status_code == 400 and "证明材料应为一个 .zip 压缩包，上传的是PNG 图片" in not_zip.json()["message"]


@pytest.mark.parametrize("evidence, why", [
    (zip_of({"../evil.txt": b"pwned"}), "指向压缩包以外的位置"),
    (zip_of({"scans/../../evil.txt": b"pwned"}), "指向压缩包以外的位置"),
    (zip_of({"/tmp/evil.txt": b"pwned"}), "是绝对路径"),
    (zip_of({"C:\\evil.txt": b"pwned"}), "是绝对路径"),
    (zip_of({"scans/ok.pdf": b"%PDF"}, symlinks={"scans/evil": "/etc/passwd"}), "是符号链接"),
], ids=["dotdot", "nested-dotdot", "absolute", "drive", "symlink"])
def test_zip_slip_is_400_and_nothing_is_written_outside_the_batch_folder(office, tmp_path, evidence, why):
    client, tokens, settings = office
    before = every_path(tmp_path)
    response = post_batch(client, tokens["alice"], evidence=evidence)
    assert response.status_code == 400
    assert why in response.json()["message"] and "整个压缩包未被使用" in response.json()["message"]
    assert batch_folders(settings) == []  # the refused batch's own folder is gone too
    assert not [p for p in every_path(tmp_path) - before if "evil" in p]
    assert not (tmp_path / "evil.txt").exists() and not (settings.data / "evil.txt").exists()


def test_zip_bombs_are_400_by_unpacked_size_and_by_entry_count(office):
    client, tokens, settings = office
    bomb = zip_of({"scans/zeros.pdf": b"\0" * (2 * MB)})  # 2 MB of zeros: a few KB zipped
    assert len(bomb) < settings.max_evidence_bytes
    response = post_batch(client, tokens["alice"], evidence=bomb)
    assert response.status_code == 400 and "解压后超过大小上限" in response.json()["message"]
    many = zip_of({f"scans/{n}.pdf": b"" for n in range(51)})
    response = post_batch(client, tokens["alice"], evidence=many)
    assert response.status_code == 400 and "文件过多（51 个，上限 50 个）" in response.json()["message"]
    assert batch_folders(settings) == []


def test_the_evidence_limit_counts_unpacked_bytes(office):
    client, tokens, settings = office
    inflating = zip_of({"scans/zeros.pdf": b"\0" * (settings.max_evidence_bytes + 1)})  # a few KB zipped
    assert len(inflating) < settings.max_evidence_bytes // 50
    response = post_batch(client, tokens["alice"], evidence=inflating)
    assert response.status_code == 400 and "解压后超过大小上限（256KB）" in response.json()["message"]
    assert batch_folders(settings) == []
    fits = zip_of({"scans/zeros.pdf": b"\0" * (settings.max_evidence_bytes - 1024)})
    assert post_batch(client, tokens["alice"], evidence=fits).status_code == 201


def test_each_user_has_a_disk_quota_with_a_clear_message(tmp_path):
    settings = settings_in(tmp_path, quota_bytes=400 * 1024)
    scans = zip_of({"scans/a.pdf": b"\0" * 150 * 1024})
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        tokens = {}
        for name in ("alice", "bob"):
            accounts.add_user(store, name, PASSWORD)
            tokens[name] = accounts.new_token(store, name)
        first, second = (post_batch(client, tokens["alice"], evidence=scans) for _ in range(2))
        assert first.status_code == second.status_code == 201
        third = post_batch(client, tokens["alice"], evidence=scans)  # 300 KB used + 150 KB > 400 KB
        # used: two scans, two sheets and two source.txt holding the name "cases.csv"
        assert third.status_code == 413
        message = third.json()["message"]
        assert f"你的批次已占用 {size_text(2 * (150 * 1024 + len(SHEET) + len('cases.csv')))}" in message and "400KB 的空间上限" in message and "删除不再需要的批次" in message
        assert len(batch_folders(settings)) == 2
        assert post_batch(client, tokens["bob"], evidence=scans).status_code == 201  # a quota of one's own
        login(client, "alice")
        csrf = form_token(client.get("/batches/new").text)
        page = client.post("/batches", data={"csrf": csrf}, files={"file": ("c.csv", SHEET), "evidence": ("s.zip", scans)})
        assert page.status_code == 413 and "空间上限" in page.text and 'id="upload"' in page.text  # on the form
        client.delete(f"/api/batches/{first.json()['id']}", headers=bearer(tokens["alice"]))
        assert post_batch(client, tokens["alice"], evidence=scans).status_code == 201


def test_retention_removes_batch_folders_that_have_no_record(tmp_path):
    settings = settings_in(tmp_path)
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD)
        kept = post_batch(client, accounts.new_token(store, "alice")).json()["id"]
    orphan = settings.batch_folder("0123456789abcdef") / "input" / "scans"  # a server killed -9 while unpacking
    orphan.mkdir(parents=True)
    (orphan.parent / "张三.csv").write_bytes(SHEET)
    (orphan / "流水.pdf").write_bytes(b"%PDF" * 1000)
    with TestClient(create_app(settings)) as client:  # the start's retention pass
        assert batch_folders(settings) == [kept]
        server = client.app.state.server
        later = settings.batch_folder("fedcba9876543210")
        later.mkdir()
        arriving = settings.batch_folder("00000000000000aa")
        with server.jobs.receiving(arriving.name):
            arriving.mkdir()
            purge_expired(server.jobs, settings.retain_days)  # the hourly pass
            assert sorted(batch_folders(settings)) == sorted([kept, arriving.name])  # an upload in progress stays
        purge_expired(server.jobs, settings.retain_days)
        assert batch_folders(settings) == [kept]


def test_a_good_evidence_zip_lands_next_to_the_spreadsheet(office):
    client, tokens, settings = office
    response = post_batch(client, tokens["alice"], evidence=zip_of({"scans/流水.pdf": b"%PDF-1.4"}))
    assert response.status_code == 201
    inputs = settings.batch_folder(response.json()["id"]) / "input"
    assert (inputs / "scans" / "流水.pdf").read_bytes() == b"%PDF-1.4" and (inputs / "cases.csv").exists()


def test_a_zip_entry_too_deep_or_too_long_is_400_and_leaves_no_folder(office):
    client, tokens, settings = office
    for entry, why in (("/".join(["d"] * 1000) + "/scan.pdf", "文件夹超过 16 层"), ("scans/" + "x" * 300 + ".pdf", "名称过长")):
        response = post_batch(client, tokens["alice"], evidence=zip_of({entry: b"%PDF"}))
        assert response.status_code == 400 and why in response.json()["message"]
    assert batch_folders(settings) == []


def test_a_batch_folder_nested_1000_deep_is_deleted(office):
    client, tokens, settings = office
    batch_id = post_batch(client, tokens["alice"]).json()["id"]
    deep_tree(settings.batch_folder(batch_id) / "input")
    assert client.delete(f"/api/batches/{batch_id}", headers=bearer(tokens["alice"])).status_code == 204
    assert batch_folders(settings) == []
    assert client.get(f"/api/batches/{batch_id}", headers=bearer(tokens["alice"])).status_code == 404


def test_the_server_starts_whatever_one_batch_holds_and_names_the_one_it_could_not_clean(tmp_path, monkeypatch, caplog):
    settings = settings_in(tmp_path)
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD)
        token = accounts.new_token(store, "alice")
        deep, stuck, kept = (post_batch(client, token).json()["id"] for _ in range(3))
    deep_tree(settings.batch_folder(deep) / "input")
    with sqlite3.connect(settings.database) as db:  # a server that died while deleting both
        db.execute("UPDATE batches SET status = 'deleting' WHERE id IN (?, ?)", (deep, stuck))
    from pipeline.serve import jobs
    real = jobs.remove_tree

    def stubborn(path):
        if path.name == stuck:
            raise PermissionError(13, "Permission denied")
        real(path)

    monkeypatch.setattr(jobs, "remove_tree", stubborn)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/api/batches/{kept}", headers=bearer(token)).status_code == 200
        assert client.get(f"/api/batches/{stuck}", headers=bearer(token)).status_code == 404
    assert sorted(batch_folders(settings)) == sorted([stuck, kept])
    assert f"batch {stuck}: could not delete its folder" in caplog.text
    monkeypatch.setattr(jobs, "remove_tree", real)
    with TestClient(create_app(settings)):  # the next start finishes it
        pass
    assert batch_folders(settings) == [kept]


def test_failed_logins_are_limited_per_account_from_one_address(office):
    client, _, _ = office
    for _ in range(5):
        assert login(client, "alice", "wrong password").status_code == 401
    blocked = login(client, "alice")  # even the right password, within the minute
    assert blocked.status_code == 429 and "一分钟后再试" in blocked.text
    assert login(client, "bob").status_code == 303  # the same address, another account


def test_retention_deletes_an_expired_batch_and_keeps_its_access_log_lines(tmp_path):
    settings = settings_in(tmp_path, retain_days=30)
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD)
        token = accounts.new_token(store, "alice")
        old, recent = (post_batch(client, token).json()["id"] for _ in range(2))
    day = 86400
    with sqlite3.connect(settings.database) as db:
        db.execute("UPDATE batches SET status = 'done', finished = ? WHERE id = ?", (time.time() - 31 * day, old))
        db.execute("UPDATE batches SET status = 'done', finished = ? WHERE id = ?", (time.time() - 29 * day, recent))
    assert settings.batch_folder(old).is_dir()

    with TestClient(create_app(settings)) as client:  # the server itself purges, at start and then hourly
        assert client.get(f"/api/batches/{old}", headers=bearer(token)).status_code == 404
        assert client.get(f"/api/batches/{recent}", headers=bearer(token)).status_code == 200
    assert not settings.batch_folder(old).exists() and settings.batch_folder(recent).is_dir()
    with sqlite3.connect(settings.database) as db:
        lines = db.execute("SELECT user, action FROM access_log WHERE batch_id = ? ORDER BY id", (old,)).fetchall()
    assert lines == [("alice", "upload"), ("alice", "build"), ("-", "purge")]


def test_wrong_method_and_malformed_requests_get_a_json_message(office):
    client, tokens, _ = office
    wrong = client.put("/api/batches", headers=bearer(tokens["alice"]))
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
    no_file = client.post("/api/batches", headers=bearer(tokens["alice"]), data={"date": "2026-11-24"})
    assert no_file.status_code == 400 and "请以 multipart/form-data 上传" in no_file.json()["message"]
    empty = client.post("/api/batches", headers=bearer(tokens["alice"]), files={"other": ("x", b"")})
    assert empty.status_code == 400 and "请选择要上传的案件表" in empty.json()["message"]
    no_profile = client.post("/api/batches", headers=bearer(tokens["alice"]), files={"file": ("c.csv", SHEET)},
                             data={"organisation": "../../etc/passwd"})
    assert no_profile.status_code == 400 and "没有这个机构信息" in no_profile.json()["message"]
    bad_date = client.post("/api/batches", headers=bearer(tokens["alice"]), files={"file": ("c.csv", SHEET)},
                           data={"date": "24.11.2026"})
    assert bad_date.status_code == 400 and "YYYY-MM-DD" in bad_date.json()["message"]
    broken = client.post("/api/batches", headers={**bearer(tokens["alice"]),
                                                  "Content-Type": "multipart/form-data; boundary=zz"},
                         content=b"--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc")
    assert 400 <= broken.status_code < 500 and "error" in broken.json()
    unknown = client.get("/api/nothing-here", headers=bearer(tokens["alice"]))
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"


def test_an_unexpected_error_shows_no_traceback(office, monkeypatch):
    client, tokens, _ = office

    def broken(*args, **kwargs):
        raise RuntimeError("boom in 330106198503121231")

    monkeypatch.setattr("pipeline.serve.batches.of_user", broken)
    login(client, "alice")
    for response in (client.get("/batches"), client.get("/api/batches", headers=bearer(tokens["alice"]))):
        assert response.status_code == 500
        assert "Traceback" not in response.text and "boom" not in response.text and "RuntimeError" not in response.text
        assert "服务器内部错误" in response.text


def test_english_pages_and_api_messages_from_the_same_catalog(office):
    client, tokens, _ = office
    client.get("/language/en?next=/login")
    page = client.get("/login")
    assert "<title>Log in · " in page.text and 'lang="en"' in page.text
    response = client.get("/api/batches/0000000000000000", headers={**bearer(tokens["alice"]), "Accept-Language": "en"})
    assert response.json()["message"] == "No such batch (it may have been deleted)"


def test_after_logging_in_the_reader_returns_to_the_page_asked_for_on_this_site_only(office):
    client, _, _ = office
    for target, landing in (("/batches/new", "/batches/new"), ("https://evil.example/", "/batches"),
                            ("//evil.example/x", "/batches"), ("/\\evil.example", "/batches")):
        client.cookies.clear()
        token = form_token(client.get("/login", params={"next": target}).text)
        answer = client.post("/login", data={"csrf": token, "name": "alice", "password": PASSWORD, "next": target},
                             follow_redirects=False)
        assert answer.headers["location"] == landing, target


def test_progress_without_a_session_or_for_a_batch_gone_is_json_not_the_login_page(office):
    client, tokens, _ = office
    batch_id = post_batch(client, tokens["alice"]).json()["id"]
    expired = client.get(f"/batches/{batch_id}/progress", follow_redirects=False)
    assert expired.status_code == 401 and expired.json()["error"] == "unauthorized"
    login(client, "alice")
    assert client.get(f"/batches/{batch_id}/progress").json()["status"] == "queued"
    gone = client.get("/batches/0123456789abcdef/progress")
    assert gone.status_code == 404 and gone.json()["error"] == "not_found"


def test_a_queued_batch_shows_zero_done_and_estimates_wait_for_enough_rows(office):
    client, tokens, settings = office
    login(client, "alice")
    csrf = form_token(client.get("/batches/new").text)
    batch_id = client.post("/batches", data={"csrf": csrf}, files={"file": ("c.csv", SHEET)}).url.path.rsplit("/", 1)[-1]
    with sqlite3.connect(settings.database) as db:  # as a finished check leaves it
        db.execute("UPDATE batches SET status = 'checked', total = 16, done = 16, ok = 16 WHERE id = ?", (batch_id,))
    client.post(f"/batches/{batch_id}/build", data={"csrf": csrf})
    queued = client.get(f"/batches/{batch_id}/progress").json()
    assert (queued["status"], queued["done"], queued["total"]) == ("queued", 0, 16)
    assert queued["text"]["count"].startswith("已处理 0 / 16 行")
    for done, shown in ((1, False), (4, False), (5, True)):
        with sqlite3.connect(settings.database) as db:
            db.execute("UPDATE batches SET status = 'running', started = ?, done = ? WHERE id = ?",
                       (time.time() - 10, done, batch_id))
        figures = client.get(f"/batches/{batch_id}/progress").json()
        assert bool(figures["text"]["eta"]) is shown and (figures["eta"] is not None) is shown, done


def test_the_language_switch_only_returns_to_this_site(office):
    client, _, _ = office
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.get("/language/en", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/", target


def test_logging_out_ends_the_session(office):
    client, _, _ = office
    login(client, "alice")
    csrf = form_token(client.get("/batches").text)
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).headers["location"] == "/login"
    assert client.get("/batches", follow_redirects=False).status_code == 303


def test_a_refused_upload_keeps_the_choices_and_an_oversized_one_is_answered_on_the_form(office):
    client, _, settings = office
    login(client, "alice")
    csrf = form_token(client.get("/batches/new").text)
    page = client.post("/batches", data={"csrf": csrf, "date": "2026-01-05", "duplex": "1", "print_file": "1"},
                       files={"file": ("cases.xlsx", b"%PDF-1.7 ...")}).text
    assert 'name="date" value="2026-01-05"' in page and 'name="duplex" value="1" checked' in page
    assert 'name="print_file" value="1" checked' in page and "浏览器不会保留已选的文件" in page
    huge = client.post("/batches", headers={"Content-Type": "multipart/form-data; boundary=x"},
                       content=b"x" * (settings.max_request_bytes + 1))
    assert huge.status_code == 413 and 'id="upload"' in huge.text and "上传的内容超过大小上限" in huge.text


def test_a_refused_upload_shows_the_form_again_with_the_reason(office):
    client, _, settings = office
    login(client, "alice")
    csrf = form_token(client.get("/batches/new").text)
    page = client.post("/batches", data={"csrf": csrf}, files={"file": ("cases.xlsx", b"%PDF-1.7 ...")})
    assert page.status_code == 400
    assert "上传的案件表是PDF 文件，不是案件表" in page.text and 'id="upload"' in page.text
    assert batch_folders(settings) == []


def _database_bytes(settings: ServerSettings) -> bytes:
    """The database and its -wal and -shm files as they are on disk."""
    found = b""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            found += (settings.data / f"packets.sqlite3{suffix}").read_bytes()
    return found


def test_the_database_holds_no_file_name_or_row_message_of_an_upload(tmp_path):
    settings = settings_in(tmp_path, run_jobs=True)  # the real check, in its child process
    name = "张晓明和王五的案件.csv"
    with TestClient(create_app(settings)) as client:
        store = Store(settings.database)
        accounts.add_user(store, "alice", PASSWORD)
        login(client, "alice")
        csrf = form_token(client.get("/batches/new").text)
        page = client.post("/batches", data={"csrf": csrf, "date": "2026-11-24"},
                           files={"file": (name, csv_bytes(("E2E-001", "E2E-004")))})
        batch_id = page.url.path.rsplit("/", 1)[-1]
        wait_for(lambda: 'id="validation"' in client.get(f"/batches/{batch_id}").text, 120, what="the check")
        shown = client.get(f"/batches/{batch_id}").text
        assert name in shown and client.get("/batches").text.count(name) == 1  # its owner still sees it
        folder = settings.batch_folder(batch_id)
        assert name.encode() not in _database_bytes(settings)
        messages = [p["message"] for line in (folder / "checked.jsonl").read_text("utf-8").splitlines()
                    for p in json.loads(line)["problems"]]
        assert len(messages) >= 5 and all(for_caseworkers(m, str) in shown for m in messages)
        stored = _database_bytes(settings)
        for text in (name, *messages):
            assert text.encode() not in stored, text
        assert client.delete(f"/api/batches/{batch_id}",
                             headers=bearer(accounts.new_token(store, "alice"))).status_code == 204
    assert not folder.exists()


def test_an_older_database_gives_its_file_names_and_checked_rows_to_the_batch_folders(tmp_path):
    settings = settings_in(tmp_path)
    store = Store(settings.database).initialise()
    folder = settings.batch_folder("00000000000000aa")
    folder.mkdir(parents=True)
    with store.connect() as db:  # the columns and table a server before this one kept
        for column in ("source", "reason", "notices"):
            db.execute(f"ALTER TABLE batches ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
        db.execute("ALTER TABLE batches DROP COLUMN tagged")  # before tagging could be asked for
        db.execute("CREATE TABLE checked_rows (batch_id TEXT, seq INTEGER, source TEXT, row INTEGER, case_id TEXT,"
                   " status TEXT, problems TEXT)")
        db.execute("INSERT INTO users (name, password, created) VALUES ('alice', 'x', 0)")
        db.execute("INSERT INTO batches (id, user_id, status, packet_date, created, source, reason, notices)"
                   " VALUES ('00000000000000aa', 1, 'checked', '2026-11-24', 0, '王五.csv', '', '王五.csv 的提示')")
        db.execute("INSERT INTO checked_rows VALUES ('00000000000000aa', 1, '王五.csv', 2, 'C-1', 'invalid',"
                   " '[{\"column\": \"姓名\", \"message\": \"王五 不对\", \"warning\": false}]')")
    store.initialise()
    batch = batches.load(store, "00000000000000aa")
    assert batch.source == "王五.csv" and batch.notices == "王五.csv 的提示"
    assert batch.status == "uploaded"  # checked again: its rows then go to the folder
    assert batch.tagged is False  # the column is added, untagged as it was built
    assert "王五".encode() not in _database_bytes(settings)


def test_disguised_id_and_phone_numbers_are_masked_in_the_batchs_stored_rows_and_pages(tmp_path):
    """Issue 20, finding 10: full-width, grouped and hyphenated numbers and an ID with a letter after it
    were stored in the batch's rows (and shown on its page) whole."""
    disguised = {"月收入": "１３８００１３８００１", "逾期开始日期": "3301 0619 8604 1703 58",
                 "分期期数": "330106-19860417-0358", "贷款机构": "1380 0138 001", "需抚养人数": "330106198604170358A"}
    settings = settings_in(tmp_path, run_jobs=True)
    with TestClient(create_app(settings)) as client:
        accounts.add_user(Store(settings.database), "alice", PASSWORD)
        login(client, "alice")
        csrf = form_token(client.get("/batches/new").text)
        page = client.post("/batches", data={"csrf": csrf, "date": "2026-11-24"},
                           files={"file": ("cases.csv", csv_bytes(("E2E-001",), lambda record: record.update(disguised)))})
        batch_id = page.url.path.rsplit("/", 1)[-1]
        wait_for(lambda: 'id="validation"' in client.get(f"/batches/{batch_id}").text, 120, what="the check")
        shown = client.get(f"/batches/{batch_id}").text
        stored = (settings.batch_folder(batch_id) / "checked.jsonl").read_text("utf-8")
    assert "「贷款机构」“138****** 001”" in stored  # the rows are there, masked
    for text in (stored, shown):
        folded = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text if c not in " -")
        for secret in ("13800138001", "330106198604170358", "1380013800"):
            assert secret not in folded, secret
