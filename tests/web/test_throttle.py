"""Login throttling that holds: attempts counted atomically (no check-then-record race), and
``X-Forwarded-For`` believed only from configured proxies."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.requests import Request

from padan.access.auth import (
    MAX_FAILURES_PER_CLIENT,
    MAX_FAILURES_PER_USER,
    LoginThrottled,
    create_user,
    login,
)
from padan.errors import InputError
from padan.store import Store
from padan.store.sessions import login_attempts
from padan.web import create_app
from padan.web.client_address import client_address, trusted_networks
from web.conftest import PASSWORD, WebWorld


def _attempts(store: Store, **where: str) -> int:
    query = select(func.count()).select_from(login_attempts)
    for column, value in where.items():
        query = query.where(login_attempts.c[column] == value)
    with store._connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_parallel_wrong_passwords_get_at_most_the_limit_of_checks(store: Store) -> None:
    create_user(store, "sasaran", role="auditor", password=PASSWORD)
    start = Barrier(40)

    def guess(i: int) -> str:
        start.wait()
        try:
            login(store, "sasaran", f"tebakan-ke-{i:03d}", client=f"10.0.0.{i}")
        except LoginThrottled:
            return "throttled"
        except InputError:
            return "wrong"
        return "in"

    with ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(guess, range(40)))
    # Every password check follows a counted attempt: exactly the limit were checked.
    assert outcomes.count("wrong") == MAX_FAILURES_PER_USER
    assert outcomes.count("throttled") == 40 - MAX_FAILURES_PER_USER
    assert _attempts(store, username="sasaran") == MAX_FAILURES_PER_USER
    with pytest.raises(LoginThrottled):
        login(store, "sasaran", PASSWORD, client="10.9.9.9")  # even the right password now


def test_a_right_password_is_recorded_as_a_success_not_a_failure(store: Store) -> None:
    create_user(store, "benar", role="auditor", password=PASSWORD)
    for _ in range(MAX_FAILURES_PER_USER + 2):  # more successes than failures are allowed
        login(store, "benar", PASSWORD, client="10.0.0.1")
    assert _attempts(store, username="benar") == MAX_FAILURES_PER_USER + 2
    with store._connect() as conn:
        failed = conn.execute(
            select(func.count()).select_from(login_attempts).where(~login_attempts.c.success)
        ).scalar_one()
    assert failed == 0


# (peer, X-Forwarded-For, trusted proxies, the address the throttle counts)
ADDRESSES = [
    ("203.0.113.9", "198.51.100.1", "", "203.0.113.9"),  # default: no proxy trusted
    ("127.0.0.1", "198.51.100.1", "", "127.0.0.1"),  # loopback is not trusted by itself
    ("203.0.113.9", "198.51.100.1", "10.0.0.0/8", "203.0.113.9"),  # peer not a proxy
    ("10.0.0.2", "198.51.100.1", "10.0.0.0/8", "198.51.100.1"),
    ("10.0.0.2", "1.1.1.1, 198.51.100.1", "10.0.0.2", "198.51.100.1"),  # rightmost untrusted
    ("10.0.0.2", "198.51.100.1, 10.0.0.3", "10.0.0.0/8", "198.51.100.1"),  # two proxies
    ("10.0.0.2", "", "10.0.0.2", "10.0.0.2"),  # no header: the proxy itself
    ("10.0.0.2", "not-an-ip", "10.0.0.2", "10.0.0.2"),
    ("::1", "2001:db8::7", "::1", "2001:db8::7"),
]


@pytest.mark.parametrize(("peer", "forwarded", "proxies", "expected"), ADDRESSES)
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
    peer: str, forwarded: str, proxies: str, expected: str
) -> None:
    app = SimpleNamespace(state=SimpleNamespace(trusted_proxies=trusted_networks(proxies)))
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    request = Request({"type": "http", "client": (peer, 40000), "headers": headers, "app": app})
    assert client_address(request) == expected


def test_trusted_proxies_refuse_an_entry_that_is_not_an_address() -> None:
    assert len(trusted_networks("10.0.0.2, 10.1.0.0/16,")) == 2
    with pytest.raises(InputError, match=r"'proxy\.local' is not an IP address or network"):
        trusted_networks("10.0.0.2,proxy.local")


def _login(client: TestClient, username: str, password: str, forwarded: str) -> int:
    client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": client.cookies.get("padan_login_csrf"),
        },
        headers={"X-Forwarded-For": forwarded},
        follow_redirects=False,
    )
    return response.status_code


def test_a_forged_forwarded_for_does_not_move_the_per_address_counter(
    world: WebWorld, web_store: Store
) -> None:
    peer = "192.0.2.77"  # an untrusted peer (no proxies configured)
    app = create_app(web_store, model_path=world.model, secure_cookies=False)
    with TestClient(app, client=(peer, 40000)) as client:
        codes = [
            _login(client, f"nobody{i}", "salah-salah-salah", forwarded=f"198.51.100.{i}")
            for i in range(MAX_FAILURES_PER_CLIENT)
        ]
        # A new username and a new forged address: still this peer, still throttled.
        last = _login(client, "tinjau1", PASSWORD, forwarded="198.51.100.250")
    assert codes == [401] * MAX_FAILURES_PER_CLIENT
    assert last == 429
    assert _attempts(web_store, client=peer) == MAX_FAILURES_PER_CLIENT
    assert _attempts(web_store, client="198.51.100.1") == 0


def test_behind_a_trusted_proxy_each_client_has_its_own_counter(
    world: WebWorld, web_store: Store
) -> None:
    proxy = "10.20.0.1"
    app = create_app(web_store, model_path=world.model, secure_cookies=False, trusted_proxies=proxy)
    with TestClient(app, client=(proxy, 40000)) as client:
        codes = [
            _login(client, f"ghost{i}", "salah-salah-salah", forwarded="198.51.100.33")
            for i in range(MAX_FAILURES_PER_CLIENT)
        ]
        blocked = _login(client, "tinjau2", PASSWORD, forwarded="198.51.100.33")
        other = _login(client, "tinjau2", PASSWORD, forwarded="198.51.100.34")
    assert codes == [401] * MAX_FAILURES_PER_CLIENT
    assert (blocked, other) == (429, 303)
    assert _attempts(web_store, client=proxy) == 0
