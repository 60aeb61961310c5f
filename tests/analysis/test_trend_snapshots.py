"""The points of a "per snapshot" trend (issue 18): the DTSEN batches applied as snapshots, not
every DTSEN batch; stores from before snapshots were recorded (migration 0017) keep a point per
batch not known to be otherwise. Two quarters with known truth (tests/support/trends.py) and a
partial DTSEN delivery in August (not a snapshot)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from padan.analysis.trends import snapshot_batches, trend_series
from padan.store import Store, open_store
from support.trends import build_history, dtsen_file, ingest_at

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
AUGUST = dt.datetime(2026, 8, 5, 10, tzinfo=dt.UTC)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[tuple[Store, dict[str, int]]]:
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    ids = build_history(store, tmp_path)
    # An August delivery of H3 alone, not a complete extract: H2 and H3 stay as they were.
    august = dtsen_file(tmp_path / "dtsen_aug.csv", gone={"H2"}, changes={"H3": (2, 0)})
    ids["august"] = ingest_at(store, august, "dtsen", AUGUST, snapshot=False)
    yield store, ids
    store.engine.dispose()


def _mark(store: Store, batch: int, snapshot: bool | None, scope: str | None = None) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE batches SET snapshot = :s, snapshot_scope = :c WHERE id = :b"),
            {"s": snapshot, "c": scope, "b": batch},
        )


# how the store knows its DTSEN batches (q1, q2, august; None: not known), the points
SNAPSHOT_POINTS = [
    ("recorded", (True, True, False), ["dtsen_1", "dtsen_2"]),
    # A store from before 0017: nothing is known, every DTSEN batch is a point (as before).
    ("before 0017", (None, None, None), ["dtsen_1", "dtsen_2", "august"]),
    # Upgraded, then a partial delivery: the older batches stay points, the delivery does not.
    ("upgraded", (None, None, False), ["dtsen_1", "dtsen_2"]),
    # No snapshot at all: a point per DTSEN delivery rather than no series.
    ("no snapshot", (False, False, False), ["dtsen_1", "dtsen_2", "august"]),
]


@pytest.mark.parametrize(("case", "known", "points"), SNAPSHOT_POINTS)
def test_snapshot_batches_are_the_points(
    history: tuple[Store, dict[str, int]],
    case: str,
    known: tuple[bool | None, ...],
    points: list[str],
) -> None:
    store, ids = history
    for name, snapshot in zip(("dtsen_1", "dtsen_2", "august"), known, strict=True):
        _mark(store, ids[name], snapshot)
    series = trend_series(store, period="snapshot", now=NOW)
    assert [p.batch_id for p in series.points] == [ids[n] for n in points], case
    assert [b.id for b, _ in snapshot_batches(store)] == [ids[n] for n in points], case


def test_snapshot_point_includes_later_deliveries_until_the_next_snapshot(
    history: tuple[Store, dict[str, int]],
) -> None:
    store, ids = history
    series = trend_series(store, period="snapshot", now=NOW)
    last = series.points[-1]
    # The second snapshot's point runs to now: the August delivery is ingested but not linked
    # by a run (runs are by hand here), so the figures are those of run 2, as of now.
    assert last.at == NOW and last.batch_id == ids["dtsen_2"]
    assert last.report.values()["left_dtsen"] == 1  # A (H1 gone in the second snapshot)
    assert series.points[0].at < dt.datetime(2026, 7, 10, 10, tzinfo=dt.UTC)


def test_snapshot_point_label_names_the_scope(history: tuple[Store, dict[str, int]]) -> None:
    store, ids = history
    _mark(store, ids["dtsen_2"], True, "32.01")
    labels = [p.label for p in trend_series(store, period="snapshot", now=NOW).points]
    assert labels == [f"2026-04-10 #{ids['dtsen_1']}", f"2026-07-10 #{ids['dtsen_2']} (32.01)"]


def test_snapshot_point_is_when_a_stored_file_was_applied(
    history: tuple[Store, dict[str, int]],
) -> None:
    store, ids = history
    moment = dt.datetime(2026, 9, 1, 8)
    with store.engine.begin() as conn:  # the August delivery applied as a snapshot in September
        conn.execute(
            text("UPDATE batches SET snapshot = 1, snapshot_at = :t WHERE id = :b"),
            {"t": moment, "b": ids["august"]},
        )
    found = {b.id: at for b, at in snapshot_batches(store)}
    assert found[ids["august"]] == moment.replace(tzinfo=dt.UTC)
    series = trend_series(store, period="snapshot", now=NOW)
    assert [p.batch_id for p in series.points][-1] == ids["august"]
    assert series.points[-2].at == moment.replace(tzinfo=dt.UTC) - dt.timedelta(microseconds=1)


def test_migration_0017_marks_what_the_history_shows(store: Store, tmp_path: Path) -> None:
    """Downgraded to 0016 and upgraded again: the batch that retired records is a snapshot
    applied at its first removed event; the others are not known; the first batch of each
    source is the baseline (SQLite and PostgreSQL)."""
    ids = build_history(store, tmp_path)
    august = dtsen_file(tmp_path / "dtsen_aug.csv", gone={"H2"}, changes={"H3": (2, 0)})
    ids["august"] = ingest_at(store, august, "dtsen", AUGUST, snapshot=False)
    command.downgrade(store._alembic_config(), "0016")
    command.upgrade(store._alembic_config(), "head")
    batches = {b.id: b for b in store.list_batches()}
    assert batches[ids["dtsen_2"]].snapshot is True
    applied = batches[ids["dtsen_2"]].snapshot_at
    assert applied is not None
    aware = applied if applied.tzinfo else applied.replace(tzinfo=dt.UTC)
    assert aware == dt.datetime(2026, 7, 10, 10, tzinfo=dt.UTC)
    assert batches[ids["dtsen_1"]].snapshot is None  # a snapshot that retired nothing
    assert batches[ids["august"]].snapshot is None
    assert {b for b in batches if batches[b].baseline} == {ids["dtsen_1"], ids["kpai_1"]}
    points = [p.batch_id for p in trend_series(store, period="snapshot", now=NOW).points]
    assert points == [ids["dtsen_1"], ids["dtsen_2"], ids["august"]]
