"""The demo's first run: how to open the web app, and the demo role set (``--users``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.access.auth import login, principal_for_session
from padan.access.policy import get_role
from padan.cli.main import app
from padan.services.demo_users import DEMO_USERS
from padan.store import open_store
from padan.store.users import find_user

runner = CliRunner()
#: A printed demo user: name, one-time password, role (and region).
USER_LINE = re.compile(r"^\s+(demo-[a-z]+)\s+([A-Za-z0-9_-]{16})\s+([a-z_]+)(?: (\d+))?\s", re.M)


def _demo(work: Path, *extra: str) -> tuple[str, str]:
    db = f"sqlite:///{work / 'demo.db'}"
    result = runner.invoke(
        app,
        [
            "demo",
            "--households",
            "60",
            "--seed",
            "5",
            "--out",
            str(work / "out"),
            "--db",
            db,
            *extra,
        ],
        env={"COLUMNS": "80", "PADAN_MODEL_PATH": str(work / "model.json")},
    )
    assert result.exit_code == 0, result.output
    return db, result.stdout


def test_demo_ends_with_the_commands_that_open_the_web_app(tmp_path: Path) -> None:
    db, output = _demo(tmp_path)
    tail = output[output.index("Aplikasi web") :]
    assert f"padan user demo --db {db}" in tail
    assert f"padan user add admin --role admin --password-stdin --db {db}" in tail
    assert f"padan serve --db {db}" in tail
    assert "http://127.0.0.1:8000/" in tail
    assert not USER_LINE.search(tail)  # no account is made without --users
    store = open_store(db)
    assert find_user(store, "demo-admin") is None
    store.engine.dispose()


@pytest.mark.parametrize("later", [False, True], ids=["demo --users", "user demo"])
def test_demo_users_one_per_role_with_one_time_passwords(tmp_path: Path, later: bool) -> None:
    if later:
        db, _ = _demo(tmp_path)
        result = runner.invoke(app, ["user", "demo", "--db", db], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        output = result.stdout
    else:
        db, output = _demo(tmp_path, "--users")
    printed = {m[0]: m for m in USER_LINE.findall(output)}
    assert sorted(printed) == sorted(name for name, _, _ in DEMO_USERS)
    roles = {role for _, _, role, _ in printed.values()}
    assert roles == {role for _, role, _ in DEMO_USERS}  # every role of the policy once
    assert f"padan serve --db {db}" in output and "http://127.0.0.1:8000/" in output
    store = open_store(db)
    for name, password, role, region in printed.values():
        session, _ = login(store, name, password, client="test")
        found = principal_for_session(store, session)
        assert found is not None
        principal, _, must_change = found
        assert principal.role.name == role and must_change  # changed at the first login
        assert (region != "") == (get_role(role).scope == "region")
    # Again: the users are there, their passwords are not reset nor printed.
    again = runner.invoke(
        app, ["--as", "demo-admin", "user", "demo", "--db", db], env={"COLUMNS": "200"}
    )
    assert again.exit_code == 0, again.output
    assert not USER_LINE.search(again.stdout) and "akun sudah ada" in again.stdout
    name, password, _, _ = next(iter(printed.values()))
    login(store, name, password, client="test")
    # Without naming an admin, an account command on a store with an admin is refused.
    refused = runner.invoke(app, ["user", "demo", "--db", db])
    assert refused.exit_code != 0 and "--as NAME" in refused.output
    store.engine.dispose()
