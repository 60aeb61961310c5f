"""padan.pdp.retention: counts per source on a dry run, pseudonymise/delete on apply, atomic,
idempotent and audited; export files past their days deleted."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from padan.errors import InputError
from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot
from padan.pdp import apply_retention_plan, load_pdp_policy, parse_pdp_policy, plan_retention
from padan.store import Store
from padan.store.audit import audit_entries
from padan.store.children import records_by_uid
from padan.store.retention import (
    PSEUDONYMISED,
    RetentionTarget,
    apply_retention,
    count_retention,
)
from padan.store.tables import batches, child_links, dtsen_individu
from support.snapshots import write_dtsen

from .conftest import PdpWorld


def _counts(plan: Any) -> dict[str, tuple[int, int, int]]:
    return {s.source: (s.records, s.quarantine_rows, s.unlinked_ids) for s in plan.sources}


def _dtsen_rows(world: PdpWorld) -> int:
    with world.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(dtsen_individu)).scalar_one())


def test_retention_dry_run_counts_per_source_and_changes_nothing(world: PdpWorld) -> None:
    plan = plan_retention(world.store, load_pdp_policy())
    # KPAI: Dewi's 2019 complaint is past 5 years; DTSEN: her superseded first version only.
    assert _counts(plan) == {"kpai": (1, 0, 0), "dtsen": (1, 0, 0)}
    assert not plan.applied
    record = records_by_uid(world.store, [world.uid["dewi@kpai"]])[world.uid["dewi@kpai"]]
    assert record["nama_anak"] == "Dewi Anggraini"
    assert _dtsen_rows(world) == 8
    assert not [e for e in audit_entries(world.store) if e.action == "retention.apply"]


def test_retention_apply_pseudonymises_deletes_and_audits_once_per_run(world: PdpWorld) -> None:
    policy = load_pdp_policy()
    done = apply_retention_plan(world.store, policy, actor="ops")
    assert done.applied and _counts(done) == {"kpai": (1, 0, 0), "dtsen": (1, 0, 0)}
    records = records_by_uid(world.store, [world.uid["dewi@kpai"], world.uid["bayu@kpai"]])
    dewi = records[world.uid["dewi@kpai"]]
    assert dewi["raw"] == PSEUDONYMISED
    for column in ("nik_anak", "nama_anak", "nama_anak_norm", "nama_ibu", "tanggal_lahir"):
        assert dewi[column] is None, column
    assert (dewi["kode_wilayah"], dewi["klaster"]) == ("32.01.01", "II")  # kept for statistics
    assert records[world.uid["bayu@kpai"]]["nama_anak"] == "Bayu Aji Nugroho"
    assert _dtsen_rows(world) == 7  # her superseded version went, her current one stays
    assert world.uid["dewi"] in records_by_uid(world.store, [world.uid["dewi"]])
    # A re-run finds nothing left to do.
    again = apply_retention_plan(world.store, policy, actor="ops")
    assert _counts(again) == {"kpai": (0, 0, 0), "dtsen": (0, 0, 0)}
    rows = [e for e in audit_entries(world.store) if e.action == "retention.apply"]
    assert len(rows) == 2 and rows[-1].username == "ops"
    assert "kpai: pseudonymise 1 records" in rows[-1].target
    assert "Dewi" not in rows[-1].target


def _policy_data() -> dict[str, Any]:
    text = (resources.files("padan.access") / "policy.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_retention_delete_of_every_version_unlinks_ids_left_without_records(
    world: PdpWorld,
) -> None:
    data = _policy_data()
    data["sources"]["dtsen"]["applies_to"] = "all"
    policy = parse_pdp_policy(data)
    plan = plan_retention(world.store, policy)
    # The old extract's 7 rows; 6 ids keep no version (Dewi's current one came later).
    assert _counts(plan)["dtsen"] == (7, 0, 6)
    apply_retention_plan(world.store, policy, actor="ops")
    assert _dtsen_rows(world) == 1
    with world.store.engine.connect() as conn:
        left = conn.execute(
            select(child_links.c.source_id).where(child_links.c.source == "dtsen")
        ).scalars()
        assert [f"dtsen:{i}" for i in left] == [world.uid["dewi"]]


def test_retention_refuses_a_future_day_and_changes_nothing(world: PdpWorld) -> None:
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
    with pytest.raises(InputError, match="in the future"):
        apply_retention_plan(world.store, load_pdp_policy(), actor="ops", as_of=future)
    assert _dtsen_rows(world) == 8
    # A dry run may look ahead: in ten years Bayu's complaint is past too.
    assert _counts(plan_retention(world.store, load_pdp_policy(), as_of=future))["kpai"][0] == 2


def test_retention_deletes_export_files_past_their_days_only(
    world: PdpWorld, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    old = dt.datetime.now(dt.UTC).timestamp() - 40 * 86400
    (exports / "kept").mkdir()
    for name, stamp in (
        ("old.csv", old),
        ("new.xlsx", None),
        ("notes.txt", old),
        ("kept/old.json", old),  # a folder below is not Padan's to clean
    ):
        path = exports / name
        path.write_text("x", encoding="utf-8")
        if stamp is not None:
            os.utime(path, (stamp, stamp))
    policy = load_pdp_policy()
    plan = plan_retention(world.store, policy, exports_dir=exports)
    assert [p.name for p in plan.export_files] == ["old.csv"]
    apply_retention_plan(world.store, policy, actor="ops", exports_dir=exports)
    assert sorted(p.name for p in exports.iterdir()) == ["kept", "new.xlsx", "notes.txt"]
    assert (exports / "kept" / "old.json").exists()
    with pytest.raises(InputError, match="does not exist"):
        plan_retention(world.store, policy, exports_dir=tmp_path / "missing")


def test_retention_is_all_or_nothing_across_sources(world: PdpWorld) -> None:
    policy = load_pdp_policy()
    now = dt.datetime.now(dt.UTC)
    kpai = policy.sources["kpai"]
    good = RetentionTarget(
        "kpai", kpai.extract, now, kpai.counted_from, kpai.action, False, kpai.identifying
    )
    broken = RetentionTarget("x", "no_such_table", now, "ingested", "delete", False, ())
    with pytest.raises(InputError, match="not a record table"):
        apply_retention(world.store, [good, broken])
    uid = world.uid["dewi@kpai"]
    # The first source's change was rolled back with the failing second one.
    assert records_by_uid(world.store, [uid])[uid]["nama_anak"] == "Dewi Anggraini"


def _events(store: Store) -> list[tuple[str, str, int, tuple[Any, ...]]]:
    return [
        (e.record_id, e.event, e.batch_id, e.fields) for e in store.record_events(source="dtsen")
    ]


@pytest.mark.parametrize(
    ("action", "touched", "left"),
    [
        # Every event of a version past retention goes; D3, D4 coming back later stay.
        ("delete", 10, [("D3", "added", 3, ()), ("D4", "added", 3, ())]),
        # Only changes carry values: their old and new desil are blanked, the rest stays.
        (
            "pseudonymise",
            2,
            [
                *((f"D{i}", "added", 1, ()) for i in range(1, 7)),
                ("D1", "changed", 2, (("desil", None, None),)),
                ("D2", "changed", 2, (("desil", None, None),)),
                ("D3", "removed", 2, ()),
                ("D4", "removed", 2, ()),
                ("D3", "added", 3, ()),
                ("D4", "added", 3, ()),
            ],
        ),
    ],
)
def test_retention_deletes_or_blanks_the_record_events_of_past_versions(
    store: Store, tmp_path: Path, action: str, touched: int, left: list[Any]
) -> None:
    ingest_file(write_dtsen(tmp_path, "q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write_dtsen(tmp_path, "q2", ["H1", "H3"], desil={"H1": "5"})
    ingest_file(q2, source="dtsen", store=store, snapshot=Snapshot(allow_large_removal=True))
    with store.engine.begin() as conn:  # the first two extracts came in years ago
        conn.execute(
            update(batches)
            .where(batches.c.id.in_([1, 2]))
            .values(finished_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
        )
    ingest_file(
        write_dtsen(tmp_path, "q3", ["H1", "H2", "H3"], desil={"H1": "5"}),
        source="dtsen",
        store=store,
    )
    target = RetentionTarget(
        source="dtsen",
        extract="dtsen_individu",
        cutoff=dt.datetime.now(dt.UTC) - dt.timedelta(days=365),
        counted_from="ingested",
        action=action,
        superseded_only=True,
        identifying=("nik", "nama"),
    )
    before = _events(store)
    assert count_retention(store, target).events == touched
    assert _events(store) == before  # a dry run changes nothing
    assert apply_retention(store, [target])[0].events == touched
    assert sorted(_events(store)) == sorted(left)
    assert not any(
        value for *_, fields in _events(store) for _, *values in fields for value in values
    )
    assert apply_retention(store, [target])[0].events == 0  # a re-run finds nothing more


def test_retention_plan_counts_and_audits_record_events(world: PdpWorld) -> None:
    # Dewi's first DTSEN version goes: its added event and the change that ended it.
    plan = plan_retention(world.store, load_pdp_policy())
    assert {s.source: s.events for s in plan.sources} == {"kpai": 0, "dtsen": 2}
    done = apply_retention_plan(world.store, load_pdp_policy(), actor="ops")
    assert {s.source: s.events for s in done.sources} == {"kpai": 0, "dtsen": 2}
    dewi = world.uid["dewi"].split(":", 1)[1]
    assert world.store.record_events(source="dtsen", record_id=dewi) == []
    audit = [e for e in audit_entries(world.store) if e.action == "retention.apply"][-1]
    assert "dtsen: delete 1 records, 0 quarantined rows, 2 record events" in audit.target
