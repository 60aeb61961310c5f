"""Every setting comes from the typed settings object; ``padan serve`` hands them to workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from padan.settings import Settings, get_settings

_NAMES = [f"PADAN_{name.upper()}" for name in Settings.model_fields]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PADAN_* variable from outside; whatever a test sets is undone afterwards."""
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("1", True), ("0", False)])
def test_web_secure_cookies_is_a_typed_setting(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool | None
) -> None:
    if value is not None:
        monkeypatch.setenv("PADAN_WEB_SECURE_COOKIES", value)
    assert get_settings().web_secure_cookies is expected


def test_settings_round_trip_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    given = get_settings(
        database_url="sqlite:////tmp/x.db",
        model_path=Path("/tmp/m.json"),
        spark_partitions=3,
        web_secure_cookies=False,
    )
    env = given.environment()
    assert env["PADAN_WEB_SECURE_COOKIES"] == "0"
    assert "PADAN_SPARK_EXCHANGE_DIR" not in env  # unset stays unset
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert get_settings() == given


@pytest.mark.parametrize(
    ("value", "secure"), [(None, True), ("1", True), ("0", False)], ids=["unset", "1", "0"]
)
def test_worker_app_takes_secure_cookies_from_the_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None, secure: bool
) -> None:
    from padan.web.app import app_from_environment

    monkeypatch.setenv("PADAN_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    if value is not None:
        monkeypatch.setenv("PADAN_WEB_SECURE_COOKIES", value)
    app = app_from_environment()
    assert app.state.padan.secure_cookies is secure
    app.state.padan.store.engine.dispose()


@pytest.mark.parametrize(
    ("host", "value", "workers", "secure"),
    [
        ("127.0.0.1", None, 1, False),  # loopback: plain HTTP
        ("0.0.0.0", None, 1, True),
        ("127.0.0.1", "1", 1, True),  # behind a TLS proxy on loopback
        ("0.0.0.0", "0", 1, False),
        ("127.0.0.1", None, 2, False),
        ("0.0.0.0", None, 2, True),
    ],
)
def test_serve_decides_secure_cookies_and_hands_settings_to_workers(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    host: str,
    value: str | None,
    workers: int,
    secure: bool,
) -> None:
    import os

    import uvicorn

    from padan.cli.main import app

    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda target, **kwargs: ran.update(target=target))
    if value is not None:
        monkeypatch.setenv("PADAN_WEB_SECURE_COOKIES", value)
    db = f"sqlite:///{tmp_path / 'p.db'}"
    args = ["serve", "--host", host, "--workers", str(workers), "--db", db]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    if workers == 1:
        assert ran["target"].state.padan.secure_cookies is secure
        ran["target"].state.padan.store.engine.dispose()
        return
    # A worker builds its app from the environment this process hands on.
    assert ran["target"] == "padan.web.app:app_from_environment"
    assert os.environ["PADAN_DATABASE_URL"] == db
    assert os.environ["PADAN_WEB_SECURE_COOKIES"] == ("1" if secure else "0")
    from padan.web.app import app_from_environment

    built = app_from_environment()
    assert built.state.padan.secure_cookies is secure
    built.state.padan.store.engine.dispose()
