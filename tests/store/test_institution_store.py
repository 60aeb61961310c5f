from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from padan.errors import InputError
from padan.store import HistoryEntry, InstitutionRecord, InstitutionStore, Store
from padan.store.tables import metadata

NOW = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)


def test_migrations_create_every_institution_table_as_declared(store: Store) -> None:
    # The institution tables arrive with 0003; later migrations stack on top (head, not "0003").
    assert store.current_revision() == store.head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_institution_store_versions_and_history_roundtrip(store: Store) -> None:
    registry = InstitutionStore(store)
    record = InstitutionRecord(
        "L1", "TPA A", "TPA", "32.01", tanggal_akreditasi=dt.date(2024, 1, 2)
    )
    entry = HistoryEntry("L1", 1, NOW, "rina", "form", {"nama_lembaga": [None, "TPA A"]})
    registry.save_changes([(record, entry, None, None)])
    v2 = InstitutionRecord("L1", "TPA B", "TPA", "32.01", version=2)
    registry.save_changes(
        [
            (
                v2,
                HistoryEntry("L1", 2, NOW, "rina", "form", {"nama_lembaga": ["TPA A", "TPA B"]}),
                None,
                None,
            )
        ]
    )
    # A stale version (someone else saved version 2 first) is refused, nothing written.
    with pytest.raises(InputError, match="changed by someone else"):
        registry.save_changes([(v2, HistoryEntry("L1", 2, NOW, "budi", "form", {}), None, None)])
    stored = registry.institutions()
    assert [(r.nama_lembaga, r.version) for r in stored] == [("TPA B", 2)]
    assert [(h.version, h.changed_by) for h in registry.history("L1")] == [(1, "rina"), (2, "rina")]
    assert registry.history("L1")[0].changed_at.replace(tzinfo=dt.UTC) == NOW


def test_institution_store_batch_is_atomic(store: Store) -> None:
    registry = InstitutionStore(store)
    good = (
        InstitutionRecord("L1", "A", "TPA", "32"),
        HistoryEntry("L1", 1, NOW, "a", "form", {}),
        None,
        None,
    )
    clash = (
        InstitutionRecord("L1", "B", "TPA", "32"),
        HistoryEntry("L1", 1, NOW, "a", "form", {}),
        None,
        None,
    )
    with pytest.raises(InputError, match="already exists"):
        registry.save_changes([good, clash])
    assert registry.institutions() == []
