"""The account lifecycle in the store and its services, on SQLite and PostgreSQL: users listed,
deactivated and reactivated, forced password changes, tokens with expiry, listed and revoked,
every change audited without a password or a token."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import text, update

from padan.access.auth import (
    LoginThrottled,
    TokenRejected,
    create_user,
    login,
    principal_for_session,
    principal_for_token,
)
from padan.access.authorise import Forbidden
from padan.access.policy import Principal, get_role
from padan.errors import InputError
from padan.services import accounts
from padan.store import Store, open_store
from padan.store.audit import audit_entries
from padan.store.tokens import api_tokens, list_api_tokens, token_lookup
from padan.store.users import find_user

PASSWORD = "rahasia-sekali-123"


@pytest.fixture
def people(store: Store) -> Principal:
    """Two admins, an analyst, and the admin acting."""
    for name, role in (("admin1", "admin"), ("admin2", "admin"), ("kpai1", "analis_kpai")):
        create_user(store, name, role=role, password=PASSWORD)
    return Principal("admin1", get_role("admin"), None)


def _actions(store: Store) -> list[tuple[str, str, str]]:
    return [(e.username, e.action, e.target) for e in reversed(audit_entries(store, limit=100))]


def test_deactivation_stops_login_sessions_and_tokens_and_reactivation_restores(
    store: Store, people: Principal
) -> None:
    session, _ = login(store, "kpai1", PASSWORD, client="t")
    token, token_id, expires = accounts.grant_token(store, people, "kpai1")
    assert expires is not None and dt.timedelta(days=89) < expires - dt.datetime.now(dt.UTC)
    assert principal_for_token(store, token).username == "kpai1"
    assert accounts.deactivate(store, people, "kpai1") is True
    assert accounts.deactivate(store, people, "kpai1") is False  # already: nothing audited
    assert principal_for_session(store, session) is None
    with pytest.raises(TokenRejected, match="deactivated"):
        principal_for_token(store, token)
    with pytest.raises(InputError, match="wrong username or password"):
        login(store, "kpai1", PASSWORD, client="t")
    # Everyone else is untouched.
    other, _ = login(store, "admin2", PASSWORD, client="t")
    assert principal_for_session(store, other) is not None
    assert accounts.reactivate(store, people, "kpai1") is True
    assert principal_for_session(store, session) is None  # ended, not only suspended
    assert principal_for_token(store, token).username == "kpai1"
    assert login(store, "kpai1", PASSWORD, client="t")
    assert _actions(store) == [
        (
            "admin1",
            "token_create",
            f"token:{token_id} user:kpai1 expires:{expires.isoformat(timespec='seconds')}",
        ),
        ("admin1", "user_deactivate", "user:kpai1"),
        ("admin1", "user_reactivate", "user:kpai1"),
    ]


def test_the_last_active_admin_cannot_be_deactivated(store: Store, people: Principal) -> None:
    assert accounts.deactivate(store, people, "admin2")
    with pytest.raises(InputError, match="admin1' is the last active admin; add or reactivate"):
        accounts.deactivate(store, people, "admin1")
    assert find_user(store, "admin1") is not None and find_user(store, "admin1").active  # type: ignore[union-attr]


def test_revoked_and_expired_tokens_are_refused_saying_why(store: Store, people: Principal) -> None:
    revoked, revoked_id, _ = accounts.grant_token(store, people, "kpai1", days=5)
    expired, expired_id, _ = accounts.grant_token(store, people, "kpai1", days=1)
    forever, forever_id, never = accounts.grant_token(store, people, "kpai1", days=0)
    assert never is None
    assert accounts.revoke_token(store, people, revoked_id) is True
    assert accounts.revoke_token(store, people, revoked_id) is False
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with store.engine.begin() as conn:  # a day went by for this token
        conn.execute(
            update(api_tokens).where(api_tokens.c.id == expired_id).values(expires_at=past)
        )
    with pytest.raises(
        TokenRejected, match=f"API token {revoked_id} was revoked at .*padan token create kpai1"
    ):
        principal_for_token(store, revoked)
    with pytest.raises(TokenRejected, match=f"API token {expired_id} expired at "):
        principal_for_token(store, expired)
    with pytest.raises(TokenRejected, match="unknown API token"):
        principal_for_token(store, "padan_made-up")
    assert principal_for_token(store, forever).username == "kpai1"
    states = {t["id"]: t["state"] for t in accounts.tokens(store, people, "kpai1")}
    assert states == {revoked_id: "revoked", expired_id: "expired", forever_id: "active"}
    assert [t.id for t in list_api_tokens(store)] == [forever_id, expired_id, revoked_id]
    found = token_lookup(store, "0" * 64)
    assert found is None
    with pytest.raises(
        InputError, match="no API token with id 999; see the ids with padan token list"
    ):
        accounts.revoke_token(store, people, 999)
    with pytest.raises(InputError, match="--days -1"):
        accounts.grant_token(store, people, "kpai1", days=-1)


def test_the_default_token_lifetime_comes_from_the_settings(
    store: Store, people: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PADAN_TOKEN_DAYS", "7")
    _, _, expires = accounts.grant_token(store, people, "kpai1")
    assert expires is not None
    left = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=6, hours=23) < left <= dt.timedelta(days=7)


def test_forced_password_change_is_flagged_until_changed(store: Store, people: Principal) -> None:
    assert accounts.require_password_change(store, people, "kpai1")
    session, _ = login(store, "kpai1", PASSWORD, client="t")
    found = principal_for_session(store, session)
    assert found is not None and found[2] is True
    kpai = Principal("kpai1", get_role("analis_kpai"), None)
    with pytest.raises(InputError, match="current password is wrong"):
        accounts.change_own_password(store, kpai, "salah-sekali-123", "baru-sekali-456")
    with pytest.raises(InputError, match="must differ"):
        accounts.change_own_password(store, kpai, PASSWORD, PASSWORD)
    with pytest.raises(InputError, match="at least 10 characters"):
        accounts.change_own_password(store, kpai, PASSWORD, "pendek")
    accounts.change_own_password(store, kpai, PASSWORD, "baru-sekali-456", session_id=session)
    found = principal_for_session(store, session)
    assert found is not None and found[2] is False
    assert login(store, "kpai1", "baru-sekali-456", client="t")
    rows = audit_entries(store, limit=100)
    assert ("kpai1", "password_change", "user:kpai1") in [
        (e.username, e.action, e.target) for e in rows
    ]
    assert not any("baru-sekali" in f"{e.target} {e.purpose}" for e in rows)


def test_only_a_role_with_manage_users_changes_accounts(store: Store, people: Principal) -> None:
    kpai = Principal("kpai1", get_role("analis_kpai"), None)
    for change in (accounts.deactivate, accounts.reactivate, accounts.require_password_change):
        with pytest.raises(Forbidden, match="manage_users"):
            change(store, kpai, "admin2")
    with pytest.raises(Forbidden):
        accounts.users(store, kpai)
    with pytest.raises(Forbidden):
        accounts.grant_token(store, kpai, "kpai1")
    with pytest.raises(InputError, match="no user 'nobody'; see the users with padan user list"):
        accounts.deactivate(store, people, "nobody")
    assert [u["username"] for u in accounts.users(store, people)] == ["admin1", "admin2", "kpai1"]


def test_migration_0010_adds_the_columns_to_an_older_store(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    command.upgrade(old._alembic_config(), "0009")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, password_hash, role, active, created_at) "
                "VALUES ('lama', 'x', 'auditor', 1, '2026-01-01 00:00:00')"
            )
        )
    old.upgrade()
    user = find_user(open_store(url, create=False), "lama")
    assert user is not None and user.must_change_password is False
    command.downgrade(old._alembic_config(), "0009")
    with old.engine.connect() as conn:
        columns = [row[1] for row in conn.execute(text("PRAGMA table_info(api_tokens)"))]
    assert "expires_at" not in columns and "revoked_at" not in columns
    old.engine.dispose()


def _deactivate(
    url: str, me: str, other: str, gate: threading.Barrier, outcome: dict[str, str]
) -> None:
    """Admin ``me`` deactivates ``other`` on its own engine, once both threads are ready."""
    mine = open_store(url, create=False)
    actor = Principal(me, get_role("admin"), None)
    gate.wait()
    try:
        outcome[me] = str(accounts.deactivate(mine, actor, other))
    except InputError as exc:
        outcome[me] = str(exc)
    finally:
        mine.engine.dispose()


def test_deactivating_the_last_two_admins_at_once_leaves_one(store_url: str) -> None:
    """Two requests, each on its own connection and thread, deactivate the last two admins at
    the same moment: the check and the change are one transaction, so exactly one passes."""
    for round_ in range(4):
        setup = open_store(store_url)
        names = (f"a{round_}x", f"a{round_}y")
        with setup.engine.begin() as conn:  # only these two admins are active in this round
            conn.execute(text("UPDATE users SET active = false WHERE role = 'admin'"))
        for name in names:
            create_user(setup, name, role="admin", password=PASSWORD)
        gate = threading.Barrier(2)
        outcome: dict[str, str] = {}
        threads = [
            threading.Thread(target=_deactivate, args=(store_url, me, other, gate, outcome))
            for me, other in (names, names[::-1])
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        passed = [v for v in outcome.values() if v == "True"]
        refused = [v for v in outcome.values() if "is the last active admin" in v]
        assert (len(passed), len(refused)) == (1, 1), outcome
        still = [find_user(setup, n) for n in names]
        assert sum(1 for u in still if u is not None and u.active) == 1
        setup.engine.dispose()


def test_a_password_change_ends_the_users_other_sessions(store: Store, people: Principal) -> None:
    here, _ = login(store, "kpai1", PASSWORD, client="t")
    elsewhere, _ = login(store, "kpai1", PASSWORD, client="u")
    admins, _ = login(store, "admin1", PASSWORD, client="t")
    kpai = Principal("kpai1", get_role("analis_kpai"), None)
    accounts.change_own_password(store, kpai, PASSWORD, "baru-sekali-456", session_id=here)
    assert principal_for_session(store, here) is not None  # the one that changed it stays
    assert principal_for_session(store, elsewhere) is None
    assert principal_for_session(store, admins) is not None  # another user's is untouched
    # A forced change, done in the session it forced, ends the others the same way.
    assert accounts.require_password_change(store, people, "kpai1")
    other, _ = login(store, "kpai1", "baru-sekali-456", client="u")
    accounts.change_own_password(store, kpai, "baru-sekali-456", "lagi-baru-789", session_id=here)
    assert principal_for_session(store, other) is None
    found = principal_for_session(store, here)
    assert found is not None and found[2] is False
    # Without a session (the API, a script), every session ends.
    accounts.change_own_password(store, kpai, "lagi-baru-789", "sekali-lagi-012")
    assert principal_for_session(store, here) is None


def test_password_change_guesses_are_throttled_like_logins(store: Store, people: Principal) -> None:
    kpai = Principal("analis2", get_role("analis_kpai"), None)
    create_user(store, "analis2", role="analis_kpai", password=PASSWORD)
    for _ in range(5):
        with pytest.raises(InputError, match="current password is wrong"):
            accounts.change_own_password(store, kpai, "salah-sekali-123", "baru-sekali-456")
    # The right password no longer helps within the window: a stolen session cannot guess on.
    with pytest.raises(LoginThrottled):
        accounts.change_own_password(store, kpai, PASSWORD, "baru-sekali-456")
    with pytest.raises(LoginThrottled):
        login(store, "analis2", PASSWORD, client="t")
