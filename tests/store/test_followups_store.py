"""The follow-ups table: inserted once by fingerprint, in one transaction, on each backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect

from padan.errors import StoreError
from padan.store import Store, open_store
from padan.store.followups import NewFollowup, add_followups, child_followups


def _new(child: str, note: str, row: int) -> NewFollowup:
    return NewFollowup(
        child_id=child,
        worklist="usulan_dtsen",
        status="dikunjungi",
        followup_date=dt.date(2026, 11, 20),
        note=note,
        username="daerah1",
        source_sha256="a" * 64,
        source_row=row,
        fingerprint=f"{child}|{note}".ljust(64, "0"),
    )


def test_followups_store_adds_each_fingerprint_once(store: Store) -> None:
    first = add_followups(store, [_new("C1", "rumah", 2), _new("C2", "rumah", 3)])
    again = add_followups(store, [_new("C1", "rumah", 2), _new("C1", "rumah", 4)])
    later = add_followups(store, [_new("C1", "sekolah", 5)])
    assert (len(first), len(again), len(later)) == (2, 0, 1)
    got = child_followups(store, "C1")
    assert [f.note for f in got] == ["sekolah", "rumah"]  # newest day, then newest row first
    assert got[1].source_row == 2 and got[1].at.tzinfo is not None
    assert child_followups(store, "C3") == []


def test_migration_0012_adds_the_followups_table_to_an_older_store(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    command.upgrade(old._alembic_config(), "0011")
    with pytest.raises(StoreError, match="padan db upgrade"):
        open_store(url, create=False)
    old.upgrade()
    upgraded = open_store(url, create=False)
    assert add_followups(upgraded, [_new("C9", "rumah", 2)]) and child_followups(upgraded, "C9")
    upgraded.engine.dispose()
    command.downgrade(old._alembic_config(), "0011")
    assert "child_followups" not in inspect(old.engine).get_table_names()
    old.engine.dispose()
