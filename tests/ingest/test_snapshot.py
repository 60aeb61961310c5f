"""Snapshots (issue 18): a complete extract retires what left it, guarded, atomic, idempotent,
with record events. Three households in two regencies; the next quarter loses one, re-ranks one.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from padan.errors import InputError
from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot, check_scope, quarantined_id
from padan.store import Store
from support.snapshots import HOUSEHOLDS, write_dtsen

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    return partial(write_dtsen, tmp_path)


def _current(store: Store) -> set[str]:
    return {r["id_individu"] for r in store.fetch_records("dtsen_individu")}


def _snap(scope: str | None = None, **kw: Any) -> Snapshot:
    return Snapshot(scope=scope, **kw)


def test_snapshot_retires_absent_records_with_a_removed_event(store: Store, write: Write) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H3"], desil={"H1": "5"})
    summary = ingest_file(q2, source="dtsen", store=store, snapshot=_snap(allow_large_removal=True))
    assert (summary.retired, summary.added, summary.changed) == (2, 0, 2)
    assert _current(store) == {"D1", "D2", "D5", "D6"}
    every = {r["id_individu"] for r in store.fetch_records("dtsen_individu", current_only=False)}
    assert {"D3", "D4"} <= every  # kept with their history
    removed = store.record_events(source="dtsen", record_id="D3")
    assert [(e.event, e.batch_id, e.kode_wilayah) for e in removed] == [
        ("added", 1, "32.01.01.1002"),
        ("removed", summary.batch_id, "32.01.01.1002"),
    ]
    changed = store.record_events(source="dtsen", record_id="D1")[-1]
    assert (changed.event, changed.fields) == ("changed", (("desil", 2, 5),))


def test_snapshot_removed_records_are_named_per_batch(store: Store, write: Write) -> None:
    # What an incremental linkage run reads to take retired records out of the index.
    first = ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H3"])
    second = ingest_file(q2, source="dtsen", store=store, snapshot=_snap(allow_large_removal=True))
    assert store.removed_records([first.batch_id]) == []
    assert store.removed_records([first.batch_id, second.batch_id]) == [
        ("dtsen", "D3"),
        ("dtsen", "D4"),
    ]


def test_snapshot_changed_records_are_those_that_differ_in_the_columns_asked(
    store: Store, write: Write
) -> None:
    # What an incremental linkage run reads to compute only the records whose features may
    # have changed: a snapshot writes a new version of every record it holds.
    ingest_file(write("q1", ["H1", "H2"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H3"], desil={"H1": "5"})
    second = ingest_file(q2, source="dtsen", store=store, snapshot=_snap(allow_large_removal=True))
    batch = [second.batch_id]
    # New records always; the decile changed for H1 only.
    assert store.changed_records("dtsen_individu", batch, ["nama_norm"]) == {"D5", "D6"}
    assert store.changed_records("dtsen_individu", batch, ["desil"]) == {"D1", "D2", "D5", "D6"}
    # A record a snapshot retired and a later batch brought back superseded no version.
    q3 = write("q3", ["H1", "H2", "H3"], desil={"H1": "5"})
    third = ingest_file(q3, source="dtsen", store=store)
    assert store.changed_records("dtsen_individu", [third.batch_id], ["desil"]) == {"D3", "D4"}
    assert store.changed_records("dtsen_individu", [], ["desil"]) == set()


def test_snapshot_changed_field_counts_come_from_the_events(store: Store, write: Write) -> None:
    first = ingest_file(write("q1", ["H1", "H2"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H2"], desil={"H1": "5"})
    second = ingest_file(q2, source="dtsen", store=store, snapshot=_snap())
    counts = store.changed_field_counts([second.batch_id], source="dtsen", fields=["desil"])
    assert counts == {"desil": 2}
    assert store.changed_field_counts([second.batch_id], source="dtsen", fields=["nik"]) == {}
    # A batch that wrote no event (as those ingested before events were written): no answer.
    both = [first.batch_id, second.batch_id]
    assert store.changed_field_counts(both, source="dtsen", fields=["desil"]) == {"desil": 2}
    missing = [second.batch_id, second.batch_id + 1]
    assert store.changed_field_counts(missing, source="dtsen", fields=["desil"]) is None


def test_ingest_without_snapshot_retires_nothing(store: Store, write: Write) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    summary = ingest_file(write("q2", ["H1"]), source="dtsen", store=store)
    assert summary.retired == 0
    assert _current(store) == {f"D{i}" for i in range(1, 7)}


@pytest.mark.parametrize(
    ("scope", "current"),
    [
        ("32.01", {"D1", "D2", "D5", "D6"}),  # H2 left regency 32.01; H3 (32.02) is untouched
        ("3201", {"D1", "D2", "D5", "D6"}),  # the same scope without dots
        ("32.02", {"D1", "D2", "D3", "D4"}),  # H3 left 32.02; H2 (32.01) is untouched
        ("32.01.01.1002", {"D1", "D2", "D5", "D6"}),  # a village
    ],
)
def test_snapshot_scope_retires_only_inside_the_region(
    store: Store, write: Write, scope: str, current: set[str]
) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    snapshot = _snap(check_scope(scope), allow_large_removal=True)
    ingest_file(write("q2", ["H1"]), source="dtsen", store=store, snapshot=snapshot)
    assert _current(store) == current


@pytest.mark.parametrize(
    ("scope", "h2", "current"),
    [
        # H2 is written with Merauke's pre-2022 codes: a current scope around it covers it.
        ("93.01", "91.01.01", {"D1", "D2", "D5", "D6"}),
        ("93.01.01", "91.01.01", {"D1", "D2", "D5", "D6"}),
        ("93", "91.01.01", {"D1", "D2", "D5", "D6"}),
        ("93.01", "91.01", {"D1", "D2", "D5", "D6"}),
        # Boven Digoel (93.02) is not where 91.01.01 went; a district is not inside a village.
        ("93.02", "91.01.01", {f"D{i}" for i in range(1, 7)}),
        ("93.01.01.1002", "91.01.01", {f"D{i}" for i in range(1, 7)}),
        ("93.01.01", "91.01", {f"D{i}" for i in range(1, 7)}),
    ],
)
def test_snapshot_scope_covers_records_written_with_a_retired_code(
    store: Store,
    write: Write,
    monkeypatch: pytest.MonkeyPatch,
    scope: str,
    h2: str,
    current: set[str],
) -> None:
    for household, village in (("H1", "93.01.01.1002"), ("H2", h2), ("H3", "93.01.01.1003")):
        monkeypatch.setitem(HOUSEHOLDS, household, (village, *HOUSEHOLDS[household][1:]))
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    assert _current(store) == {f"D{i}" for i in range(1, 7)}  # H2 stored as written
    snapshot = _snap(check_scope(scope), allow_large_removal=True)
    ingest_file(write("q2", ["H1", "H3"]), source="dtsen", store=store, snapshot=snapshot)
    assert _current(store) == current


@pytest.mark.parametrize(
    ("raw", "header", "found"),
    [
        ('{"id_individu": " D4 "}', "id_individu", "D4"),
        ('{"ID Individu": "D4"}', "id_individu", "D4"),  # as the mapping matches headers
        ('{"id_individu": ""}', "id_individu", None),
        ("a broken line, not JSON", "id_individu", None),
        ('["D4"]', "id_individu", None),
    ],
)
def test_quarantined_id_reads_the_id_of_a_quarantined_row(
    raw: str, header: str, found: str | None
) -> None:
    assert quarantined_id(raw, header) == found


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("32.1", "is not a Kemendagri region code"),
        ("abc", "is not a Kemendagri region code"),
        ("99.99", "is in no release"),
        # Kab. Merauke before the 2022 Papua split: refused, naming its current code.
        ("91.01", r"retired region code; the region is now 93\.01 .*give --snapshot-scope 93\.01"),
        ("910101", r"retired region code; the region is now 93\.01\.01 "),
    ],
)
def test_check_scope_refuses_bad_codes_naming_the_flag(raw: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        check_scope(raw)
    assert "--snapshot-scope" in str(caught.value) and repr(raw) in str(caught.value)


def test_snapshot_guard_refuses_a_large_removal_and_changes_nothing(
    store: Store, write: Write
) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    batches = store.list_batches()
    truncated = write("q2", ["H1"])
    with pytest.raises(InputError, match=r"retire 4 of the 6 current .*--allow-large-removal"):
        ingest_file(truncated, source="dtsen", store=store, snapshot=_snap())
    assert store.list_batches() == batches
    assert _current(store) == {f"D{i}" for i in range(1, 7)}
    assert len(store.record_events()) == 6  # the first file's "added" only
    passed = ingest_file(
        truncated, source="dtsen", store=store, snapshot=_snap(allow_large_removal=True)
    )
    assert passed.retired == 4 and _current(store) == {"D1", "D2"}


@pytest.mark.parametrize(("share", "refused"), [(0.2, True), (0.34, False), (0.0, True)])
def test_snapshot_guard_follows_the_configured_share(
    store: Store, write: Write, share: float, refused: bool
) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H3"])  # 2 of 6 = 33 %
    if refused:
        with pytest.raises(InputError, match="PADAN_SNAPSHOT_MAX_REMOVAL"):
            ingest_file(q2, source="dtsen", store=store, snapshot=_snap(max_removal=share))
    else:
        assert ingest_file(q2, source="dtsen", store=store, snapshot=_snap(max_removal=share))


def test_snapshot_dry_run_counts_and_changes_nothing(store: Store, write: Write) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    batches, events = store.list_batches(), store.record_events()
    q2 = write("q2", ["H1", "H3"], desil={"H3": "4"})
    dry = ingest_file(
        q2, source="dtsen", store=store, snapshot=_snap(max_removal=0.5), dry_run=True
    )
    assert (dry.dry_run, dry.retired, dry.changed, dry.added, dry.batch_id) == (True, 2, 2, 0, 0)
    assert store.list_batches() == batches and store.record_events() == events
    assert _current(store) == {f"D{i}" for i in range(1, 7)}


def test_snapshot_rerun_is_idempotent(store: Store, write: Write) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H3"])
    first = ingest_file(q2, source="dtsen", store=store, snapshot=_snap(max_removal=0.5))
    events = store.record_events()
    again = ingest_file(q2, source="dtsen", store=store, snapshot=_snap(max_removal=0.5))
    assert (again.already_ingested, again.retired, again.batch_id) == (True, 0, first.batch_id)
    assert store.record_events() == events
    assert _current(store) == {"D1", "D2", "D5", "D6"}


def test_snapshot_of_a_file_ingested_before_retires_what_it_lacks(
    store: Store, write: Write
) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H3"])
    ingest_file(q2, source="dtsen", store=store)  # forgot --snapshot
    again = ingest_file(q2, source="dtsen", store=store, snapshot=_snap(max_removal=0.5))
    assert (again.already_ingested, again.retired) == (True, 2)
    assert _current(store) == {"D1", "D2", "D5", "D6"}


def test_snapshot_keeps_records_whose_row_was_quarantined(store: Store, write: Write) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H2", "H3"], broken={"D4"})
    summary = ingest_file(q2, source="dtsen", store=store, snapshot=_snap())
    assert (summary.quarantined, summary.retired, summary.kept_quarantined) == (1, 0, 1)
    assert "D4" in _current(store)


def test_snapshot_failure_midway_leaves_the_store_as_it_was(
    store: Store, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    from padan.store.batches import BatchWriter

    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    batches, events = store.list_batches(), store.record_events()
    every = store.fetch_records("dtsen_individu", current_only=False)

    def broken(self: BatchWriter, rows: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(BatchWriter, "retire", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        q2 = write("q2", ["H1", "H3"], desil={"H1": "7"})
        ingest_file(q2, source="dtsen", store=store, snapshot=_snap(max_removal=0.5))
    assert store.list_batches() == batches and store.record_events() == events
    assert store.fetch_records("dtsen_individu", current_only=False) == every


def test_records_events_by_region_and_period(store: Store, write: Write) -> None:
    first = ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    ingest_file(
        write("q2", ["H1", "H3"], desil={"H3": "6"}),
        source="dtsen",
        store=store,
        snapshot=_snap(max_removal=0.5),
    )
    since = max(e.at for e in store.record_events() if e.batch_id == first.batch_id)
    in_3202 = store.record_events(regions=["32.02"])
    assert {(e.record_id, e.event) for e in in_3202 if e.event != "added"} == {
        ("D5", "changed"),
        ("D6", "changed"),
    }
    later = [e for e in store.record_events(since=since) if e.batch_id != first.batch_id]
    assert sorted(e.event for e in later) == ["changed", "changed", "removed", "removed"]
    assert store.record_events(regions=[]) == []


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


KPAI = ["no_pengaduan", "tanggal_pengaduan", "nama_anak", "jenis_kelamin", "kode_wilayah"]
KPAI += ["klaster", "status_penanganan"]
LEMBAGA = ["id_lembaga", "nama_lembaga", "jenis", "kode_wilayah", "status_izin"]


def test_kpai_status_change_is_a_changed_event(store: Store, tmp_path: Path) -> None:
    row = ["K/1", "2026-01-05", "Siti", "P", "32.01", "V"]
    ingest_file(_csv(tmp_path / "a.csv", KPAI, [[*row, "baru"]]), source="kpai", store=store)
    later = ingest_file(
        _csv(tmp_path / "b.csv", KPAI, [[*row, "selesai"]]), source="kpai", store=store
    )
    assert (later.added, later.changed) == (0, 1)
    event = store.record_events(source="kpai", record_id="K/1")[-1]
    assert (event.event, event.fields) == ("changed", (("status_penanganan", "baru", "selesai"),))


def test_lembaga_snapshot_retires_a_closed_institution(store: Store, tmp_path: Path) -> None:
    rows = [
        ["L1", "LKSA Harapan", "LKSA", "32.01", "BERIZIN"],
        ["L2", "TPA Ceria", "TPA", "32.01", "BERIZIN"],
        ["L3", "LKSA Kasih", "LKSA", "32.02", "DALAM_PROSES"],
        ["L4", "Rumah Aman", "RUMAH_AMAN", "32.02", "BERIZIN"],
        ["L5", "TPA Bunda", "TPA", "32.02", "BERIZIN"],
    ]
    ingest_file(_csv(tmp_path / "a.csv", LEMBAGA, rows), source="lembaga", store=store)
    changed = [*rows[:2], [*rows[2][:4], "BERIZIN"], *rows[3:4]]  # L5 closed, L3 licensed
    summary = ingest_file(
        _csv(tmp_path / "b.csv", LEMBAGA, changed),
        source="lembaga",
        store=store,
        snapshot=_snap(),
    )
    assert (summary.retired, summary.changed) == (1, 1)
    assert {r["id_lembaga"] for r in store.fetch_records("lembaga")} == {"L1", "L2", "L3", "L4"}
    assert [e.event for e in store.record_events(source="lembaga", record_id="L5")] == [
        "added",
        "removed",
    ]


@pytest.mark.parametrize("dry_run", [False, True])
def test_snapshot_of_a_stored_file_that_is_not_the_newest_is_refused(
    store: Store, write: Write, dry_run: bool
) -> None:
    ingest_file(write("q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write("q2", ["H1", "H3"])
    stored = ingest_file(q2, source="dtsen", store=store)  # forgot --snapshot
    later = ingest_file(write("fix", ["H1"], desil={"H1": "4"}), source="dtsen", store=store)
    every = store.fetch_records("dtsen_individu", current_only=False)
    events = store.record_events()
    message = rf"batch {stored.batch_id} .*batch {later.batch_id} \(fix\.csv\).*Re-export"
    with pytest.raises(InputError, match=message):
        ingest_file(
            q2, source="dtsen", store=store, snapshot=_snap(max_removal=0.5), dry_run=dry_run
        )
    assert store.fetch_records("dtsen_individu", current_only=False) == every
    assert store.record_events() == events
