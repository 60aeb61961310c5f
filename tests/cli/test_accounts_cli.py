"""``padan user list|deactivate|reactivate|require-password-change`` and
``padan token list|revoke`` (and ``--days``) through Typer's runner on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.access.auth import TokenRejected, principal_for_token
from padan.cli.main import app
from padan.store import open_store
from padan.store.audit import audit_entries

runner = CliRunner()
PASSWORD = "rahasia-sekali-123"


def _db(tmp_path: Path) -> str:
    """A store with admin1 (made without --as: the store had no admin yet) and kpai1 (made by
    admin1)."""
    db = f"sqlite:///{tmp_path / 'accounts.db'}"
    for acting, name, role in ((), "admin1", "admin"), (("--as", "admin1"), "kpai1", "analis_kpai"):
        added = runner.invoke(
            app,
            [*acting, "user", "add", name, "--role", role, "--password-stdin", "--db", db],
            input=PASSWORD + "\n",
        )
        assert added.exit_code == 0, added.output
    return db


def _run(db: str, *args: str, acting: str | None = "admin1", lang: str = "en") -> tuple[int, str]:
    """The command's exit code and output, in ``lang`` (``padan --lang``)."""
    acting_args = ("--as", acting) if acting else ()
    result = runner.invoke(app, ["--lang", lang, *acting_args, *args, "--db", db])
    return result.exit_code, result.output


def test_user_lifecycle_commands_change_and_list_users(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert _run(db, "user", "deactivate", "kpai1") == (0, "User kpai1 deactivated.\n")
    assert _run(db, "user", "deactivate", "kpai1") == (0, "User kpai1 was already deactivated.\n")
    said = _run(db, "user", "deactivate", "kpai1", lang="id")
    assert said == (0, "Pengguna kpai1 sudah nonaktif.\n")
    code, shown = _run(db, "user", "require-password-change", "kpai1")
    assert code == 0 and "must change the password" in shown
    code, listed = _run(db, "user", "list", "--json")
    assert code == 0
    users = {u["username"]: u for u in json.loads(listed)["users"]}
    assert users["kpai1"]["active"] is False and users["kpai1"]["must_change_password"] is True
    assert users["admin1"]["active"] is True and users["admin1"]["must_change_password"] is False
    code, table = _run(db, "user", "list")
    assert code == 0 and "deactivated" in table and "required" in table
    code, table = _run(db, "user", "list", lang="id")
    assert code == 0 and "Pengguna" in table and "nonaktif" in table and "wajib" in table
    assert _run(db, "user", "reactivate", "kpai1") == (0, "User kpai1 reactivated.\n")
    code, error = _run(db, "user", "deactivate", "admin1")
    assert code == 2 and "'admin1' is the last active admin" in error
    code, error = _run(db, "user", "reactivate", "nobody")
    assert code == 2 and "no user 'nobody'; see the users with padan user list" in error
    store = open_store(db)
    rows = [(e.action, e.target) for e in reversed(audit_entries(store, limit=100))]
    assert rows == [
        ("user_add", "user:admin1 role:admin"),
        ("user_add", "user:kpai1 role:analis_kpai"),
        ("user_deactivate", "user:kpai1"),
        ("user_require_password_change", "user:kpai1"),
        ("user_reactivate", "user:kpai1"),
    ]
    who = [e.username for e in reversed(audit_entries(store, limit=100))]
    assert who[0].startswith("cli:") and set(who[1:]) == {"admin1"}
    store.engine.dispose()


def test_tokens_expire_list_and_revoke_from_the_cli(tmp_path: Path) -> None:
    db = _db(tmp_path)
    code, first = _run(db, "token", "create", "kpai1")
    assert code == 0 and first.startswith("padan_") and first.count("\n") == 1  # unchanged
    code, forever = _run(db, "token", "create", "kpai1", "--days", "0")
    assert code == 0
    code, error = _run(db, "token", "create", "kpai1", "--days", "-3")
    assert code == 2 and "--days -3" in error
    code, listed = _run(db, "token", "list", "--user", "kpai1", "--json")
    tokens = json.loads(listed)["tokens"]
    assert [(t["id"], t["state"]) for t in tokens] == [(2, "active"), (1, "active")]
    assert tokens[0]["expires_at"] is None and tokens[1]["expires_at"] is not None
    assert first.strip() not in listed
    assert _run(db, "token", "revoke", "1") == (0, "Token 1 revoked.\n")
    assert _run(db, "token", "revoke", "1") == (0, "Token 1 was already revoked.\n")
    code, error = _run(db, "token", "revoke", "42")
    assert code == 2 and "no API token with id 42" in error
    code, table = _run(db, "token", "list")
    assert code == 0 and "revoked" in table and "never" in table
    code, table = _run(db, "token", "list", lang="id")
    assert code == 0 and "dicabut" in table and "revoked" not in table
    store = open_store(db)
    with pytest.raises(TokenRejected, match="API token 1 was revoked"):
        principal_for_token(store, first.strip())
    assert principal_for_token(store, forever.strip()).username == "kpai1"
    targets = [e.target for e in audit_entries(store, limit=100)]
    assert "token:1 user:kpai1" in targets
    assert any(t.startswith("token:2 user:kpai1 expires:never") for t in targets)
    assert not any(first.strip() in t or forever.strip() in t for t in targets)
    store.engine.dispose()


def test_account_commands_act_as_a_named_user_once_an_admin_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _db(tmp_path)
    code, error = _run(db, "user", "list", acting=None)
    assert code == 2
    assert "padan user list acts as a named user: run padan --as NAME user list" in error
    assert "PADAN_CLI_USER" in error
    code, error = _run(db, "user", "deactivate", "admin1", acting="kpai1")
    assert code == 1 and "role analis_kpai may not use manage_users" in error
    code, error = _run(db, "user", "list", acting="nobody")
    assert code == 2 and "--as 'nobody': no such user in this store" in error
    assert _run(db, "user", "deactivate", "kpai1") == (0, "User kpai1 deactivated.\n")
    code, error = _run(db, "user", "list", acting="kpai1")
    assert code == 2 and "--as 'kpai1': the user is deactivated" in error
    monkeypatch.setenv("PADAN_CLI_USER", "admin1")
    code, listed = _run(db, "user", "list", "--json", acting=None)
    assert code == 0 and {u["username"] for u in json.loads(listed)["users"]} == {"admin1", "kpai1"}
    monkeypatch.setenv("PADAN_CLI_USER", "kpai1")  # --as wins over the setting
    assert _run(db, "user", "reactivate", "kpai1") == (0, "User kpai1 reactivated.\n")
    code, error = _run(db, "user", "list", acting=None)
    assert code == 1 and "role analis_kpai may not use manage_users" in error
    store = open_store(db)
    refused = [e for e in audit_entries(store, limit=100) if e.username == "kpai1"]
    assert refused == []  # a refused command changes nothing and is not a decision
    store.engine.dispose()
