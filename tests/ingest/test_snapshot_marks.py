"""What a batch records of how it was ingested (issue 18, migration 0017): applied as a
snapshot (when, in which region), and whether it was the first load of its source or of the
snapshot's region (the baseline of the per-child events). Three households in two regencies
(tests/support/snapshots.py: H1, H2 in 32.01, H3 in 32.02)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import pytest

from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot
from padan.store import Store
from support.snapshots import write_dtsen

WHOLE = "whole"

# files in order (households, snapshot scope: None plain, WHOLE or a region), then per batch
# (snapshot, scope, baseline)
MARKS = [
    (
        "plain loads",
        [(["H1", "H2", "H3"], None), (["H1"], None)],
        [(False, None, True), (False, None, False)],
    ),
    (
        "a snapshot of the whole source",
        [(["H1", "H2", "H3"], WHOLE), (["H1", "H2", "H3"], WHOLE)],
        [(True, None, True), (True, None, False)],
    ),
    # A regency's first extract is the baseline of that regency, though the source holds
    # records of another one.
    (
        "snapshots of two regions",
        [(["H1", "H2"], "32.01"), (["H3"], "32.02"), (["H3"], "32.02")],
        [(True, "32.01", True), (True, "32.02", True), (True, "32.02", False)],
    ),
    # Without --snapshot a file says nothing of its region: only the very first is baseline.
    (
        "a plain load of another region",
        [(["H1", "H2"], None), (["H3"], None)],
        [(False, None, True), (False, None, False)],
    ),
]


@pytest.mark.parametrize(("case", "files", "marks"), MARKS)
def test_batch_records_snapshot_and_baseline(
    store: Store,
    tmp_path: Path,
    case: str,
    files: list[tuple[list[str], str | None]],
    marks: list[tuple[bool, str | None, bool]],
) -> None:
    for i, (households, scope) in enumerate(files):
        snapshot = None
        if scope is not None:
            region = None if scope == WHOLE else scope
            snapshot = Snapshot(scope=region, allow_large_removal=True)
        path = write_dtsen(
            tmp_path, f"f{i}", households, desil={"H1": str(i + 1), "H3": str(i + 1)}
        )
        ingest_file(path, source="dtsen", store=store, snapshot=snapshot)
    got = [(b.snapshot, b.snapshot_scope, b.baseline) for b in store.list_batches()]
    assert got == marks, case
    for batch in store.list_batches():
        assert (batch.snapshot_at is not None) == bool(batch.snapshot), case


def test_dry_run_marks_nothing(store: Store, tmp_path: Path) -> None:
    write = partial(write_dtsen, tmp_path)
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    stored = write("q2", ["H1", "H2", "H3"], desil={"H1": "5"})
    ingest_file(stored, source="dtsen", store=store)
    before = store.list_batches()
    summary = ingest_file(stored, source="dtsen", store=store, snapshot=Snapshot(), dry_run=True)
    assert summary.dry_run and summary.snapshot
    assert store.list_batches() == before
    assert [b.snapshot for b in before] == [False, False]


def test_stored_file_applied_later_is_a_snapshot_from_then(store: Store, tmp_path: Path) -> None:
    """A file stored without --snapshot and applied again with it is a snapshot from the time
    it was applied; applying it once more keeps that time (a re-run changes nothing)."""
    write = partial(write_dtsen, tmp_path)
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H2"])
    ingest_file(q2, source="dtsen", store=store)
    stored = store.list_batches()[-1]
    assert stored.snapshot is False
    ingest_file(q2, source="dtsen", store=store, snapshot=Snapshot(allow_large_removal=True))
    applied = store.list_batches()[-1]
    assert (applied.id, applied.snapshot, applied.snapshot_scope) == (stored.id, True, None)
    assert applied.snapshot_at is not None and applied.snapshot_at >= stored.finished_at
    assert applied.finished_at == stored.finished_at
    ingest_file(q2, source="dtsen", store=store, snapshot=Snapshot(allow_large_removal=True))
    again = store.list_batches()[-1]
    assert again.snapshot_at == applied.snapshot_at
    assert isinstance(again.snapshot_at, dt.datetime)
