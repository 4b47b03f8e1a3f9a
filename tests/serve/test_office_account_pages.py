"""Accounts in the browser, in process: changing one's own password (the current one checked, other
sessions ended), and an administrator adding, disabling, enabling and removing accounts and
resetting passwords — each with its CSRF token, disabling and removing after a confirmation, each
a line in the access log; not for anyone else, and never on one's own account."""

from __future__ import annotations

import sqlite3

import pytest
from office import PASSWORD, TestClient, form_token, login

from pipeline.serve import accounts
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.web import create_app

NEW = "a new longer secret"


@pytest.fixture
def office(tmp_path):
    settings = ServerSettings(data=tmp_path / "data", run_jobs=False)
    app = create_app(settings)
    with TestClient(app) as admin, TestClient(app) as bob:
        store = Store(settings.database)
        accounts.add_user(store, "admin", PASSWORD, admin=True)
        accounts.add_user(store, "bob", PASSWORD)
        login(admin, "admin")
        login(bob, "bob")
        yield admin, bob, store, settings


def audit(settings) -> list[tuple[str, str, str]]:
    with sqlite3.connect(settings.database) as db:
        return db.execute("SELECT user, action, item FROM access_log WHERE action NOT IN ('login', 'login_failed')"
                          " ORDER BY id").fetchall()


def test_changing_ones_password_checks_the_current_one_and_ends_other_sessions(office, tmp_path):
    _, bob, store, settings = office
    with TestClient(create_app(settings)) as elsewhere:
        login(elsewhere, "bob")
        csrf = form_token(bob.get("/account").text)
        wrong = bob.post("/account/password", data={"csrf": csrf, "current": "nope", "new": NEW, "again": NEW})
        assert wrong.status_code == 400 and "当前密码不正确" in wrong.text
        mismatch = bob.post("/account/password", data={"csrf": csrf, "current": PASSWORD, "new": NEW, "again": "x"})
        assert mismatch.status_code == 400 and "两次输入的新密码不一致" in mismatch.text
        short = bob.post("/account/password", data={"csrf": csrf, "current": PASSWORD, "new": "short", "again": "short"})
        assert short.status_code == 400 and "密码至少需要8个字符" in short.text
        assert bob.post("/account/password", data={"current": PASSWORD, "new": NEW, "again": NEW}).status_code == 403
        done = bob.post("/account/password", data={"csrf": csrf, "current": PASSWORD, "new": NEW, "again": NEW})
        assert done.status_code == 200 and "密码已修改" in done.text  # still logged in here…
        assert elsewhere.get("/batches", follow_redirects=False).status_code == 303  # …not elsewhere
    assert accounts.check_password(store, "bob", NEW) and not accounts.check_password(store, "bob", PASSWORD)
    assert ("bob", "password_change", "") in audit(settings)


def test_an_administrator_adds_resets_disables_enables_and_removes_accounts(office):
    admin, bob, store, settings = office
    page = admin.get("/admin/users").text
    csrf = form_token(page)
    added = admin.post("/admin/users", data={"csrf": csrf, "name": "carol", "password": PASSWORD, "again": PASSWORD})
    assert "已添加用户 carol" in added.text and 'id="user-' in added.text
    taken = admin.post("/admin/users", data={"csrf": csrf, "name": "carol", "password": PASSWORD, "again": PASSWORD})
    assert taken.status_code == 400 and "用户 carol 已存在" in taken.text
    reset = admin.post("/admin/users/bob/password", data={"csrf": csrf, "password": NEW})
    assert "已重设用户 bob 的密码" in reset.text and accounts.check_password(store, "bob", NEW)
    assert bob.get("/batches", follow_redirects=False).status_code == 303  # bob's session ended with the reset
    login(bob, "bob", NEW)
    question = admin.get("/admin/users/bob/disable")
    assert "停用用户 bob？" in question.text and 'action="/admin/users/bob/disable"' in question.text
    assert admin.post("/admin/users/bob/disable", data={}).status_code == 403  # the token, even after asking
    assert "已停用用户 bob" in admin.post("/admin/users/bob/disable", data={"csrf": csrf}).text
    assert bob.get("/batches", follow_redirects=False).status_code == 303
    assert login(bob, "bob", NEW).status_code == 401
    admin.post("/admin/users/bob/enable", data={"csrf": csrf})
    assert login(bob, "bob", NEW).status_code == 303
    assert "删除用户 bob？" in admin.get("/admin/users/bob/remove").text
    assert "已删除用户 bob" in admin.post("/admin/users/bob/remove", data={"csrf": csrf}).text
    assert [u.name for u in accounts.list_users(store)] == ["admin", "carol"]
    assert [a for a in audit(settings) if a[0] == "admin"] == [
        ("admin", "user_add", "carol"), ("admin", "password_reset", "bob"), ("admin", "user_disable", "bob"),
        ("admin", "user_enable", "bob"), ("admin", "user_remove", "bob")]


def test_a_disabled_accounts_api_token_stops_working(office):
    admin, _, store, _ = office
    token = accounts.new_token(store, "bob")
    bearer = {"Authorization": f"Bearer {token}"}
    assert admin.get("/api/batches", headers=bearer).status_code == 200
    admin.post("/admin/users/bob/disable", data={"csrf": form_token(admin.get("/admin/users").text)})
    assert admin.get("/api/batches", headers=bearer).status_code == 401


def test_users_page_is_for_administrators_and_not_for_their_own_account(office):
    admin, bob, _, _ = office
    for path in ("/admin/users", "/admin/users/admin/remove"):
        assert bob.get(path).status_code == 404
    csrf = form_token(bob.get("/account").text)
    assert bob.post("/admin/users", data={"csrf": csrf, "name": "eve", "password": PASSWORD,
                                          "again": PASSWORD}).status_code == 404
    assert admin.get("/admin/users/admin/remove").status_code == 404
    assert admin.get("/admin/users/admin/disable").status_code == 404
    assert 'href="/admin/users/admin/remove"' not in admin.get("/admin/users").text
