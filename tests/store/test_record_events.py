"""Record events' times: on SQLite the same text as every other time (compared as text), on
PostgreSQL timestamptz; rows written before in the old form are normalised by migration 0015."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot
from padan.store import Store, open_store
from padan.store.connection import sqlite_datetime
from support.snapshots import write_dtsen

_NAIVE_UTC = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")


def test_record_events_times_are_written_like_batch_times(store: Store, tmp_path: Path) -> None:
    ingest_file(write_dtsen(tmp_path, "q1", ["H1", "H2"]), source="dtsen", store=store)
    q2 = write_dtsen(tmp_path, "q2", ["H1"], desil={"H1": "5"})
    ingest_file(q2, source="dtsen", store=store, snapshot=Snapshot(allow_large_removal=True))
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT e.event, e.at, b.finished_at FROM record_events e "
                "JOIN batches b ON b.id = e.batch_id"
            )
        ).all()
    assert {r[0] for r in rows} == {"added", "changed", "removed"}
    for event, at, finished in rows:
        if store.dialect == "sqlite":  # text, compared as text by as-of and --since
            assert _NAIVE_UTC.match(at) and _NAIVE_UTC.match(finished), (event, at, finished)
        else:
            assert abs(at - finished) < dt.timedelta(minutes=1), (event, at, finished)
    assert all(e.at.utcoffset() == dt.timedelta(0) for e in store.record_events())


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("2026-12-06 08:40:00.123456+00:00", "2026-12-06 08:40:00.123456"),
        ("2026-12-06 08:40:00+00:00", "2026-12-06 08:40:00.000000"),
        ("2026-12-06 08:40:00", "2026-12-06 08:40:00.000000"),
        ("2026-12-06 08:40:00.500000", "2026-12-06 08:40:00.500000"),
    ],
)
def test_record_events_migration_normalises_sqlite_times(
    tmp_path: Path, written: str, normalised: str
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    ingest_file(write_dtsen(tmp_path, "q1", ["H1"]), source="dtsen", store=store)
    command.downgrade(store._alembic_config(), "0014")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE record_events SET at = :at"), {"at": written})
    command.upgrade(store._alembic_config(), "head")
    with store.engine.connect() as conn:
        stored = set(conn.execute(text("SELECT at FROM record_events")).scalars())
    assert stored == {normalised}


@pytest.mark.parametrize(
    ("moment", "text_form"),
    [
        (
            dt.datetime(2026, 1, 1, 7, tzinfo=dt.timezone(dt.timedelta(hours=7))),
            "2026-01-01 00:00:00.000000",
        ),
        (dt.datetime(2026, 1, 1, 0, 0, 0, 5, tzinfo=dt.UTC), "2026-01-01 00:00:00.000005"),
        (dt.datetime(2026, 1, 1), "2026-01-01 00:00:00.000000"),
    ],
)
def test_sqlite_datetime_is_naive_utc_with_microseconds(
    moment: dt.datetime, text_form: str
) -> None:
    assert sqlite_datetime(moment) == text_form
