"""Logging in to a real `packets serve` over real connections (no build runs): a burst of wrong
passwords, failures counted per account and address, and X-Forwarded-For taken only from the hop
`--trusted-proxy` names. Connections come from two loopback addresses (127.0.0.1 and 127.0.0.2);
the password gate's own limits are tested in process with a check that waits on an event."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from office import PASSWORD, add_user, login, running_server, wait_for

from pipeline.serve import accounts, logins
from pipeline.serve.logins import PasswordChecks, Refused
from pipeline.serve.store import Store

OTHER = "127.0.0.2"  # another address on this machine: the real user elsewhere, or an untrusted hop


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """One server trusting no proxy, one trusting 127.0.0.1 (as behind nginx on the same machine)."""
    root = tmp_path_factory.mktemp("doors")
    plain, proxied = root / "plain", root / "proxied"
    for data in (plain, proxied):
        for name in ("alice", "bob", "carol"):
            add_user(data, name)
    # nothing is built here: no warm LibreOffice waiting for a build
    with running_server(plain, "--no-warm-office") as one, \
            running_server(proxied, "--no-warm-office", "--trusted-proxy", "127.0.0.1") as two:
        yield one, two


def client(server, source: str = "127.0.0.1", **headers) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=60, headers=headers,
                        transport=httpx.HTTPTransport(local_address=source))


def failures(server) -> list[tuple[str, str, str]]:
    with sqlite3.connect(server.data / "packets.sqlite3") as db:
        return db.execute("SELECT user, address, action FROM access_log WHERE action LIKE 'login%' ORDER BY id").fetchall()


def forget_failures(server) -> None:
    with sqlite3.connect(server.data / "packets.sqlite3") as db:
        db.execute("DELETE FROM login_failures")
        db.execute("DELETE FROM access_log")


@pytest.mark.slow  # two real servers in their own processes
def test_forty_wrong_passwords_at_once_get_five_checks_and_the_real_user_still_logs_in(servers):
    server, _ = servers
    forget_failures(server)

    def guess(n):
        with client(server) as attacker:
            return login(attacker, "alice", f"wrong {n}").status_code

    with ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(guess, range(40)))
    assert answers.count(401) <= logins.LOGIN_FAILURES  # a 401 is a password that was checked
    assert set(answers) <= {401, 429} and answers.count(429) >= 40 - logins.LOGIN_FAILURES
    with client(server) as attacker:  # then one at a time, until the limit answers
        for _ in range(logins.LOGIN_FAILURES + 1):
            last = login(attacker, "alice", "wrong again")
            if last.status_code == 429 and "一分钟后再试" in last.text:
                break
            answers.append(last.status_code)
        else:
            pytest.fail("never blocked")
        assert answers.count(401) == logins.LOGIN_FAILURES
        assert len([f for f in failures(server) if f[2] == "login_failed"]) == logins.LOGIN_FAILURES
        assert login(attacker, "alice").status_code == 429  # from there, even the right one waits a minute
    with client(server, OTHER) as alice:  # the real user, elsewhere, is not locked out
        assert login(alice, "alice").status_code == 303
    with client(server) as bob:  # nor is another account on the attacker's address
        assert login(bob, "bob").status_code == 303


@pytest.mark.slow  # two real servers in their own processes
def test_failures_from_one_address_across_accounts_block_that_address_only(servers):
    server, _ = servers
    forget_failures(server)
    with client(server) as attacker:
        for n in range(logins.ADDRESS_FAILURES):
            assert login(attacker, f"user{n % 10}", "wrong").status_code == 401
        assert login(attacker, "carol").status_code == 429
    with client(server, OTHER) as carol:
        assert login(carol, "carol").status_code == 303


@pytest.mark.slow  # two real servers in their own processes
def test_x_forwarded_for_is_ignored_unless_the_hop_is_a_trusted_proxy(servers):
    plain, proxied = servers
    for server in servers:
        forget_failures(server)
    for n in range(logins.LOGIN_FAILURES):  # forged addresses do not get past the limit
        with client(plain, **{"X-Forwarded-For": f"10.9.9.{n}"}) as forger:
            assert login(forger, "alice", "wrong").status_code == 401
    with client(plain, **{"X-Forwarded-For": "10.9.9.99"}) as forger:
        assert login(forger, "alice", "wrong").status_code == 429
    assert {address for _, address, _ in failures(plain)} == {"127.0.0.1"}

    with client(proxied, **{"X-Forwarded-For": "203.0.113.7"}) as via_proxy:
        assert login(via_proxy, "bob", "wrong").status_code == 401
    with client(proxied, OTHER, **{"X-Forwarded-For": "203.0.113.8"}) as not_the_proxy:
        assert login(not_the_proxy, "bob", "wrong").status_code == 401
    assert [address for _, address, _ in failures(proxied)] == ["203.0.113.7", OTHER]
    https = {"X-Forwarded-Proto": "https"}  # the proxy's TLS: cookies marked Secure, from that hop only
    assert "Secure" in httpx.get(proxied.url + "/login", headers=https).headers["set-cookie"]
    for server, source in ((plain, "127.0.0.1"), (proxied, OTHER)):
        with client(server, source, **https) as untrusted:
            assert "Secure" not in untrusted.get("/login").headers["set-cookie"]


def test_serve_refuses_a_trusted_proxy_that_is_not_an_address(tmp_path):
    from click.testing import CliRunner

    from pipeline.serve.commands import serve_command
    result = CliRunner().invoke(serve_command, ["--data", str(tmp_path / "d"), "--trusted-proxy", "*"])
    assert result.exit_code == 2 and "应为反向代理的 IP 地址或网段" in result.output


@pytest.fixture
def held_checks(tmp_path, monkeypatch):
    """Password checks that wait until released, so that attempts overlap for as long as a test needs."""
    store = Store(tmp_path / "packets.sqlite3").initialise()
    for name in ("alice", "bob", "carol"):
        accounts.add_user(store, name, PASSWORD)
    release, started = threading.Event(), []
    real = accounts.check_password

    def held(store, name, password):
        started.append(name)
        release.wait(30)
        return real(store, name, password)

    monkeypatch.setattr(accounts, "check_password", held)
    return store, release, started


def test_one_password_check_at_a_time_per_account(held_checks):
    store, release, started = held_checks

    async def scene():
        checks = PasswordChecks()
        first = asyncio.create_task(checks.attempt(store, "alice", PASSWORD, "10.0.0.1"))
        await asyncio.to_thread(wait_for, lambda: started, 30)
        second = await checks.attempt(store, "alice", PASSWORD, "10.0.0.2")  # from anywhere
        other = asyncio.create_task(checks.attempt(store, "bob", PASSWORD, "10.0.0.1"))
        await asyncio.to_thread(wait_for, lambda: len(started) == 2, 30)
        release.set()
        return second, await first, await other

    second, first, other = asyncio.run(scene())
    assert second is Refused.BUSY and first.name == "alice" and other.name == "bob"
    assert started == ["alice", "bob"]  # the second attempt on alice was never checked


def test_at_most_two_password_checks_at_once_in_the_whole_server(held_checks, monkeypatch):
    store, release, started = held_checks
    monkeypatch.setattr(logins, "WAIT", 0.2)

    async def scene():
        checks = PasswordChecks()
        running = [asyncio.create_task(checks.attempt(store, n, PASSWORD, "10.0.0.1")) for n in ("alice", "bob")]
        await asyncio.to_thread(wait_for, lambda: len(started) == 2, 30)
        third = await checks.attempt(store, "carol", PASSWORD, "10.0.0.3")  # waits WAIT, then told busy
        release.set()
        return third, [await task for task in running]

    third, done = asyncio.run(scene())
    assert third is Refused.BUSY and [u.name for u in done] == ["alice", "bob"] and len(started) == 2
    with store.connect() as db:  # an attempt that was not checked is not counted as a failure
        assert db.execute("SELECT COUNT(*) FROM login_failures").fetchone()[0] == 0
