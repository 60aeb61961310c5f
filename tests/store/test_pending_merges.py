"""Held merges (a first reviewer's approval across different valid NIKs): one per pair."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from padan.store import Store, open_store
from padan.store.pending_merges import add_pending_merge, pending_merges_for


def test_pending_merges_hold_one_approval_per_pair(store: Store) -> None:
    assert add_pending_merge(store, "dtsen:A", "dtsen:B", reviewer="tinjau1", reason="ibu sama")
    assert not add_pending_merge(store, "dtsen:A", "dtsen:B", reviewer="tinjau2", reason="sama")
    assert add_pending_merge(store, "dtsen:A", "dtsen:C", reviewer="tinjau2", reason="sama")
    assert [m.reviewer for m in pending_merges_for(store, "dtsen:A", "dtsen:B")] == ["tinjau1"]


def test_migration_0013_keeps_the_first_of_twin_held_merges(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    command.upgrade(old._alembic_config(), "0012")
    with old.engine.begin() as conn:  # two approvals stored at the same moment, before 0013
        for reviewer in ("tinjau1", "tinjau2"):
            conn.execute(
                text(
                    "INSERT INTO pending_merges (uid_a, uid_b, reviewer, reason, created_at) "
                    "VALUES ('dtsen:A', 'dtsen:B', :r, 'sama', CURRENT_TIMESTAMP)"
                ),
                {"r": reviewer},
            )
    old.upgrade()
    upgraded = open_store(url, create=False)
    assert [m.reviewer for m in pending_merges_for(upgraded, "dtsen:A", "dtsen:B")] == ["tinjau1"]
    assert not add_pending_merge(upgraded, "dtsen:A", "dtsen:B", reviewer="tinjau3", reason="x")
    upgraded.engine.dispose()
    command.downgrade(old._alembic_config(), "0012")
    old.engine.dispose()
