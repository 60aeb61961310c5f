"""The store's identity: made once, kept, the same by any URL, made by the upgrade too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from padan.errors import StoreError
from padan.store import Store, open_store, store_id


def test_identity_is_made_once_and_kept(store: Store, store_url: str) -> None:
    made = store_id(store)
    assert len(made) == 36 and made.count("-") == 4  # a UUID
    again = open_store(store_url, create=False)
    assert store_id(again) == made
    again.engine.dispose()


def test_identity_differs_between_stores(tmp_path: Path) -> None:
    a, b = (open_store(f"sqlite:///{tmp_path / name}") for name in ("a.db", "b.db"))
    assert store_id(a) != store_id(b)


def test_identity_is_given_by_the_upgrade_to_an_older_store(store_url: str) -> None:
    from alembic import command

    old = Store(store_url)
    command.upgrade(old._alembic_config(), "0006")
    old.upgrade()  # what padan db upgrade does
    made = store_id(old)
    assert made and store_id(open_store(store_url, create=False)) == made
    command.downgrade(old._alembic_config(), "0006")
    with old.engine.connect() as conn:
        assert "store_identity" not in {
            name for (name,) in conn.execute(text(_TABLES[old.dialect])).all()
        }
    old.engine.dispose()


_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
}


def test_identity_missing_row_is_a_clear_error(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM store_identity"))
    with pytest.raises(StoreError, match="no identity row"):
        store_id(store)
