"""Shared fixtures: a fixed 'today', and stores on SQLite and on a throwaway PostgreSQL server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from padan.store import Store, open_store
from support.postgres import create_database, throwaway_postgres

TODAY = dt.date(2026, 11, 28)
_db_numbers = count(1)


@pytest.fixture(scope="session", autouse=True)
def audit_key_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The audit log's key file and checkpoints in a temporary directory, never the work tree."""
    home = tmp_path_factory.mktemp("audit")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PADAN_AUDIT_KEY_FILE", str(home / "audit.key"))
        patch.setenv("PADAN_AUDIT_CHECKPOINT_DIR", str(home / "checkpoints"))
        yield


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL server for the whole session; yields a base URL."""
    with throwaway_postgres() as base:
        yield base


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'padan.db'}"
    base = request.getfixturevalue("postgres_server")
    return create_database(base, f"padan_test_{next(_db_numbers)}")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated, empty store on each backend."""
    opened = open_store(store_url)
    yield opened
    opened.engine.dispose()
