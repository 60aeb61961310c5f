"""Every setting comes from the typed settings object; ``padan serve`` hands them to workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from padan.settings import Settings, SettingsError, get_settings

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


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "PADAN_SNAPSHOT_MAX_REMOVAL",
            "20%",
            "PADAN_SNAPSHOT_MAX_REMOVAL is '20%', not a number from 0.0 to 1.0; "
            "correct it or unset it (default: 0.2)",
        ),
        ("PADAN_SNAPSHOT_MAX_REMOVAL", "2", "not a number from 0.0 to 1.0"),
        ("PADAN_TOKEN_DAYS", "90d", "PADAN_TOKEN_DAYS is '90d', not a whole number;"),
        ("PADAN_WEB_SECURE_COOKIES", "maybe", "PADAN_WEB_SECURE_COOKIES is 'maybe', not 1 or 0;"),
    ],
)
def test_get_settings_bad_value_names_variable_value_and_form(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        get_settings()
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--lang", "en", "batches", "list"],
            "Error: PADAN_SNAPSHOT_MAX_REMOVAL is '20%', not a number",
        ),
        (
            ["ingest", "dtsen", "q1.csv"],
            "PADAN_SNAPSHOT_MAX_REMOVAL berisi '20%', bukan angka dari 0.0",
        ),
    ],
)
def test_cli_bad_setting_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], expected: str
) -> None:
    from padan.cli.main import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PADAN_SNAPSHOT_MAX_REMOVAL", "20%")
    result = CliRunner().invoke(app, args)
    assert expected in " ".join(result.output.split())
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2
    assert "Traceback" not in result.output and not (tmp_path / "padan.db").exists()


def test_web_start_up_bad_setting_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """``padan serve --workers N`` builds each worker's app from the environment."""
    from padan.errors import InputError
    from padan.web.app import app_from_environment

    monkeypatch.setenv("PADAN_UPLOAD_MAX_BYTES", "512MB")
    with pytest.raises(InputError, match=r"PADAN_UPLOAD_MAX_BYTES is '512MB', not a whole number"):
        app_from_environment()
