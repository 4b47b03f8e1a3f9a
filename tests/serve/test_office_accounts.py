"""`packets user …`: accounts added from a script (password on standard input) or a prompt, listed,
removed, and API tokens that replace the previous one; `packets build` never loads the web stack."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from conftest import ROOT
from office import PASSWORD

from pipeline.serve import accounts
from pipeline.serve.commands import user_group
from pipeline.serve.store import Store


def run(*args, input=None):
    return CliRunner().invoke(user_group, list(args), input=input)


def test_users_are_added_from_standard_input_listed_and_removed(tmp_path):
    data = tmp_path / "data"
    assert run("add", "alice", "--admin", "--data", str(data), input=PASSWORD + "\n").exit_code == 0
    assert run("add", "bob", "--data", str(data), input=PASSWORD + "\n").exit_code == 0
    assert run("list", "--data", str(data)).output.splitlines() == ["alice\t管理员", "bob"]
    store = Store(data / "packets.sqlite3")
    assert accounts.check_password(store, "bob", PASSWORD).name == "bob"
    assert accounts.check_password(store, "bob", PASSWORD + "x") is None
    with store.connect() as db:  # only the argon2 hash is stored
        stored = db.execute("SELECT password FROM users WHERE name = 'bob'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored

    removed = run("remove", "bob", "--data", str(data))
    assert removed.exit_code == 0 and "已删除用户 bob" in removed.output
    assert run("list", "--data", str(data)).output.splitlines() == ["alice\t管理员"]
    assert accounts.check_password(store, "bob", PASSWORD) is None


def test_a_bad_request_is_one_line_and_exit_1(tmp_path):
    data = str(tmp_path / "data")
    assert run("add", "alice", "--data", data, input=PASSWORD + "\n").exit_code == 0
    again = run("add", "alice", "--data", data, input=PASSWORD + "\n")
    assert again.exit_code == 1 and "用户 alice 已存在" in again.output
    short = run("add", "carol", "--data", data, input="short\n")
    assert short.exit_code == 1 and "密码至少需要8个字符" in short.output
    odd = run("add", "../evil", "--data", data, input=PASSWORD + "\n")
    assert odd.exit_code == 1 and "用户名只能包含" in odd.output
    assert run("remove", "nobody", "--data", data).exit_code == 1
    assert run("token", "nobody", "--data", data).exit_code == 1
    assert "Traceback" not in again.output + short.output + odd.output


def test_a_new_token_replaces_the_previous_one(tmp_path):
    data = tmp_path / "data"
    run("add", "alice", "--data", str(data), input=PASSWORD + "\n")
    first = run("token", "alice", "--data", str(data))
    second = run("token", "alice", "--data", str(data))
    assert first.exit_code == 0 and len(first.output.splitlines()) == 1  # the token alone on its line
    store = Store(data / "packets.sqlite3")
    assert accounts.user_for_token(store, first.output.strip()) is None
    assert accounts.user_for_token(store, second.output.strip()).name == "alice"
    with store.connect() as db:
        assert second.output.strip() not in str(db.execute("SELECT * FROM tokens").fetchall())  # digests only


def test_the_data_folder_and_database_are_private(tmp_path):
    data = tmp_path / "data"
    run("add", "alice", "--data", str(data), input=PASSWORD + "\n")
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "packets.sqlite3").stat().st_mode & 0o777 == 0o600


def test_packets_build_does_not_load_the_web_server():
    code = ("import sys, pipeline.cli; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'starlette', 'uvicorn', 'argon2', 'multipart', 'python_multipart', 'httpx'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_server_hashes_passwords_at_argon2s_recommended_cost(tmp_path):
    """The tests in this process hash at the lowest cost (tests/conftest.py); a real `packets user
    add` uses argon2-cffi's defaults, RFC 9106's second choice: argon2id, 64 MiB, 3 passes, 4 lanes."""
    data = tmp_path / "data"
    subprocess.run([sys.executable, "-m", "pipeline", "user", "add", "alice", "--data", str(data)],
                   cwd=ROOT, input=PASSWORD + "\n", text=True, capture_output=True, check=True)
    with Store(data / "packets.sqlite3").connect() as db:
        stored = db.execute("SELECT password FROM users WHERE name = 'alice'").fetchone()[0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), stored
