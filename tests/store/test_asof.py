"""The store as of a past moment: record versions valid then, the run in force then."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot
from padan.store import Store, records_as_of_arrow, run_as_of
from support.snapshots import write_dtsen
from support.trends import T_DTSEN_1, T_DTSEN_2, T_RUN_1, T_RUN_2, build_history, ingest_at

_H = dt.timedelta(hours=1)

# moment, DTSEN ids current then with their desil
VERSIONS = [
    (T_DTSEN_1 - _H, {}),
    (T_DTSEN_1, {"D1": 2, "D2": 2, "D3": 7, "D4": 7, "D5": 1, "D6": 1}),
    (T_DTSEN_2 - _H, {"D1": 2, "D2": 2, "D3": 7, "D4": 7, "D5": 1, "D6": 1}),
    (T_DTSEN_2, {"D3": 3, "D4": 3, "D5": 1, "D6": 1}),
    (T_RUN_2 + 100 * _H, {"D3": 3, "D4": 3, "D5": 1, "D6": 1}),
]


@pytest.mark.parametrize(("moment", "expected"), VERSIONS)
def test_records_as_of_are_the_versions_valid_then(
    store: Store, tmp_path: Path, moment: dt.datetime, expected: dict[str, int]
) -> None:
    build_history(store, tmp_path)
    table = records_as_of_arrow(store, "dtsen_individu", ["id_individu", "desil"], moment)
    got = dict(zip(*table.to_pydict().values(), strict=True))
    assert got == expected


# moment, run in force (key of build_history's ids; None: none yet)
RUNS = [
    (T_RUN_1 - _H, None),
    (T_RUN_1, "run_1"),
    (T_DTSEN_2, "run_1"),
    (T_RUN_2 - _H, "run_1"),
    (T_RUN_2, "run_2"),
]


@pytest.mark.parametrize(("moment", "expected"), RUNS)
def test_run_as_of_is_the_latest_finished_by_then(
    store: Store, tmp_path: Path, moment: dt.datetime, expected: str | None
) -> None:
    ids = build_history(store, tmp_path)
    run = run_as_of(store, moment)
    assert (run.id if run else None) == (ids[expected] if expected else None)


def test_records_as_of_a_snapshot_applied_again_end_at_its_removal(
    store: Store, tmp_path: Path
) -> None:
    """A file stored before and applied again as a snapshot retires records when the snapshot
    is applied, not when the file was first ingested: in between they were still current."""
    header = "id_individu,id_keluarga,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_wilayah,desil\n"
    full = tmp_path / "full.csv"
    full.write_text(
        header
        + "D1,H1,Asep,L,1980-01-01,KEPALA KELUARGA,32.01.01.1001,2\n"
        + "D2,H2,Ujang,L,1975-02-02,KEPALA KELUARGA,32.01.01.1002,3\n"
    )
    part = tmp_path / "part.csv"
    part.write_text(header + "D1,H1,Asep,L,1980-01-01,KEPALA KELUARGA,32.01.01.1001,2\n")
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ingest_at(store, full, "dtsen", t0, snapshot=False)
    ingest_at(store, part, "dtsen", t0 + 10 * _H, snapshot=False)
    # The same file again, now declared complete: D2 leaves at t0 + 20 h.
    ingest_at(store, part, "dtsen", t0 + 20 * _H, snapshot=True)
    for moment, expected in ((t0 + 15 * _H, ["D1", "D2"]), (t0 + 25 * _H, ["D1"])):
        table = records_as_of_arrow(store, "dtsen_individu", ["id_individu"], moment)
        assert sorted(table.column("id_individu").to_pylist()) == expected, moment


def test_records_as_of_a_naive_moment_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="time zone"):
        records_as_of_arrow(store, "dtsen_individu", ["id_individu"], dt.datetime(2026, 1, 1))


def test_records_as_of_a_batch_that_retired_records_before_and_again(
    store: Store, tmp_path: Path
) -> None:
    """A snapshot retires D3, D4 (region 32.01) when first ingested, then, applied again to
    the whole source, D5 and D6: between the two, only the second retirement is pending."""
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def move(sql: str, at: dt.datetime, **params: object) -> None:
        moment = at.replace(tzinfo=None) if store.dialect == "sqlite" else at
        with store.engine.begin() as conn:
            conn.execute(text(sql), {"t": moment, **params})

    ingest_at(store, write_dtsen(tmp_path, "q1", ["H1", "H2", "H3"]), "dtsen", t0, snapshot=False)
    q2 = write_dtsen(tmp_path, "q2", ["H1"])
    scoped = Snapshot("32.01", allow_large_removal=True)
    batch = ingest_file(q2, source="dtsen", store=store, snapshot=scoped).batch_id
    move(
        "UPDATE batches SET started_at = :t, finished_at = :t WHERE id = :b", t0 + 10 * _H, b=batch
    )
    move("UPDATE record_events SET at = :t WHERE batch_id = :b", t0 + 10 * _H, b=batch)
    whole = Snapshot(None, allow_large_removal=True)
    assert ingest_file(q2, source="dtsen", store=store, snapshot=whole).retired == 2
    move(
        "UPDATE record_events SET at = :t WHERE batch_id = :b AND record_id IN ('D5', 'D6')",
        t0 + 20 * _H,
        b=batch,
    )
    for hours, expected in (
        (5, ["D1", "D2", "D3", "D4", "D5", "D6"]),
        (15, ["D1", "D2", "D5", "D6"]),
        (25, ["D1", "D2"]),
    ):
        moment = t0 + hours * _H
        table = records_as_of_arrow(store, "dtsen_individu", ["id_individu"], moment)
        assert sorted(table.column("id_individu").to_pylist()) == expected, hours
