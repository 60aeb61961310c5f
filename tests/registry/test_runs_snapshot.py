"""Incremental runs after a DTSEN snapshot (issue 18 item 5): what left the extract leaves the
index, only new and changed records are scored, child ids hold, and the result is a full run's.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import stat
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import padan.linkage.run_features as run_module
from padan.ingest import Snapshot, ingest_file
from padan.linkage import evaluate_run, explain_pairs, frequencies_path, read_truth
from padan.linkage.frequencies import read_frozen
from padan.linkage.model_file import read_model, read_model_info
from padan.linkage.state import state_path
from padan.registry import run_linkage
from padan.store import Store, open_store
from padan.synth import generate


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


class _World:
    """A store linked once on the first DTSEN extract and every complaint, and the next
    quarter's complete extract: whole households removed, records changed, households added."""

    def __init__(self, work: Path) -> None:
        self.work = work
        data = generate(work / "data", households=400, seed=11)
        self.truth = read_truth(data.files["truth"])
        with data.files["dtsen"].open() as handle:
            rows = list(csv.DictReader(handle))
        households = sorted({r["id_keluarga"] for r in rows})
        chance = random.Random(5)
        added = set(households[-8:])  # held back from the first extract: new next quarter
        kept = [h for h in households if h not in added]
        # People KPAI complained about: removing some of their households takes a DTSEN
        # record from a child that keeps its KPAI records.
        in_kpai = {p for uid, p in self.truth.items() if uid.startswith("kpai:")}
        person = {r["id_individu"]: self.truth[f"dtsen:{r['id_individu']}"] for r in rows}
        complained = sorted(
            {r["id_keluarga"] for r in rows if person[r["id_individu"]] in in_kpai} - added
        )
        alone = sorted(set(kept) - set(complained))
        removed = set(chance.sample(complained, 4) + chance.sample(alone, 4))
        moved = set(chance.sample(sorted(set(kept) - removed), 4))
        villages: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            villages[r["kode_wilayah"][:6]].append(r["kode_wilayah"])
        first = [r for r in rows if r["id_keluarga"] not in added]
        self.first = _write(work / "dtsen_q1.csv", first)
        nxt: list[dict[str, str]] = []
        self.changed_only: set[str] = set()  # desil, aid or address: no matching feature
        self.moved: set[str] = set()  # another village: matching features changed
        for r in rows:
            if r["id_keluarga"] in removed:
                continue
            r = dict(r)
            uid = f"dtsen:{r['id_individu']}"
            if r["id_keluarga"] in moved:
                others = sorted(set(villages[r["kode_wilayah"][:6]]) - {r["kode_wilayah"]})
                if others:
                    r["kode_wilayah"] = others[0]
                    self.moved.add(uid)
            elif r["id_keluarga"] not in added and chance.random() < 0.05:
                which = chance.randrange(3)
                if which == 0:
                    r["desil"] = "1" if r["desil"] != "1" else "2"
                elif which == 1:
                    r["penerima_pkh"] = "0" if r["penerima_pkh"] == "1" else "1"
                else:
                    r["alamat"] = r["alamat"] + " (pindah rumah)"
                self.changed_only.add(uid)
            nxt.append(r)
        self.snapshot = _write(work / "dtsen_q2.csv", nxt)
        self.removed = {f"dtsen:{r['id_individu']}" for r in rows if r["id_keluarga"] in removed}
        self.added = {f"dtsen:{r['id_individu']}" for r in rows if r["id_keluarga"] in added}
        # Complaints under the NIK of someone in a household that came or went, or of its
        # family card: the household they point to (a feature) changed.
        numbers = {
            n
            for r in rows
            if r["id_keluarga"] in removed | added
            for n in (r["nik"], r["no_kk"])
            if n
        }
        with data.files["kpai"].open() as handle:
            self.pointing = {
                f"kpai:{r['no_pengaduan']}"
                for r in csv.DictReader(handle)
                if r["nik_anak"] in numbers
            }
        store = open_store(f"sqlite:///{work / 'padan.db'}")
        ingest_file(self.first, source="dtsen", store=store)
        ingest_file(data.files["kpai"], source="kpai", store=store)
        run_linkage(store, model_path=work / "model.json")
        store.engine.dispose()

    def copy(self, target: Path, *, state: bool = True) -> tuple[Store, Path]:
        """A copy of the linked store, linked again there (a state file names its store, so
        the copy's run leaves its own; without ``state`` none), with the next quarter
        ingested as a snapshot."""
        target.mkdir()
        for name in ("padan.db", "padan.db-wal", "model.json", "model.tf.parquet"):
            if (self.work / name).exists():
                shutil.copy(self.work / name, target / name)
        store = open_store(f"sqlite:///{target / 'padan.db'}")
        assert run_linkage(store, model_path=target / "model.json", full=True).trained is False
        if not state:
            state_path(target / "model.json").unlink()
        summary = ingest_file(
            self.snapshot, source="dtsen", store=store, snapshot=Snapshot(allow_large_removal=True)
        )
        assert summary.retired == len(self.removed)
        return store, target / "model.json"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> _World:
    return _World(tmp_path_factory.mktemp("snapshot"))


def _outcome(store: Store, run_id: int) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    pairs = sorted((a, b, rule, d) for a, b, _, rule, d in store.link_pairs(run_id))
    return store.child_of(run_id), pairs


@pytest.mark.parametrize("whole", [True, False], ids=["read-whole", "by-household"])
def test_runs_snapshot_incremental_equals_full(
    world: _World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    if not whole:
        # A snapshot of one regency among many: its records are read household by
        # household and the kept state gives the others (and names those retired).
        monkeypatch.setattr(run_module, "_RELOAD_SHARE", 2.0)
    store, model = world.copy(tmp_path / "incremental")
    whole_reads: list[object] = []
    read_whole = run_module.load_features

    def counted(*args: Any) -> int:
        whole_reads.append(args)
        return read_whole(*args)

    monkeypatch.setattr(run_module, "load_features", counted)
    incremental = run_linkage(store, model_path=model)
    assert incremental.incremental
    # The store compared the snapshot's records with their last versions: only those that
    # differ were read, never every record.
    assert whole_reads == []
    # Without a kept state the run reads the last run from the store and cannot tell an
    # unchanged new version from a changed one: it scores the whole snapshot, same result.
    from_store, model_b = world.copy(tmp_path / "from-store", state=False)
    fallback = run_linkage(from_store, model_path=model_b)
    assert fallback.incremental and fallback.scored_records > incremental.scored_records

    everything, model_full = world.copy(tmp_path / "full")
    full = run_linkage(everything, model_path=model_full, full=True)
    assert not full.incremental and not full.trained

    after = store.child_of(incremental.run_id)
    # Retired records leave the index; the new ones are in it.
    assert not world.removed & after.keys()
    assert world.added <= after.keys()
    # The same children and pairs as a full run on the same data.
    expected = _outcome(everything, full.run_id)
    assert _outcome(store, incremental.run_id) == expected
    assert _outcome(from_store, fallback.run_id) == expected
    assert incremental.children == full.children == len(set(after.values()))
    assert incremental.records == full.records
    assert incremental.retired_records == full.retired_records == len(world.removed)
    # Only the new records and those whose matching features changed were scored: not the
    # records whose decile, aid or address (a remark added, the village it names the same)
    # alone changed. Read whole, the complaints whose
    # NIK points to a household that came or went are computed anew too; read by household,
    # they keep the kept state's features until their own batch comes (no pair changed here).
    assert world.pointing and world.changed_only
    scored = world.added | world.moved | (world.pointing if whole else set())
    assert incremental.scored_records == len(scored)


def test_runs_snapshot_retires_children_of_removed_records_and_keeps_other_ids(
    world: _World, tmp_path: Path
) -> None:
    store, model = world.copy(tmp_path / "ids")
    last = store.latest_link_run()
    assert last is not None
    before = store.child_of(last.id)
    run = run_linkage(store, model_path=model)
    after = store.child_of(run.run_id)
    members: dict[str, set[str]] = defaultdict(set)
    for uid, child in before.items():
        members[child].add(uid)
    only_removed = {c for c, uids in members.items() if uids <= world.removed}
    partly = {c for c, uids in members.items() if uids & world.removed and c not in only_removed}
    assert only_removed and partly  # the data holds both kinds
    # A child made only of retired records is no longer current, and its id is retired.
    assert not only_removed & set(after.values())
    retired = {e.child_id for e in store.child_events(run.run_id) if e.event == "retired"}
    assert only_removed <= retired
    # A child that lost a record keeps its id on the records it still has.
    for child in partly:
        assert {after[u] for u in members[child] - world.removed} == {child}
    # Every child whose records did not change keeps its id, and no retired id comes back.
    untouched = [uids for uids in members.values() if not uids & (world.removed | world.moved)]
    changed = [u for uids in untouched for u in uids if before[u] != after[u]]
    assert changed == []
    highest = max(before.values())
    assert all(
        c > highest for u, c in after.items() if u in world.added and c not in before.values()
    )
    # The store reads the same: the earlier run still holds the retired records.
    assert world.removed <= store.child_of(last.id).keys()


def test_runs_snapshot_quality_holds_against_the_truth(world: _World, tmp_path: Path) -> None:
    store, model = world.copy(tmp_path / "quality")
    run = run_linkage(store, model_path=model)
    current = {u: p for u, p in world.truth.items() if u not in world.removed}
    quality = evaluate_run(store, run.run_id, current)
    assert quality.f1 is not None and quality.f1 > 0.9
    # The next run after an incremental one scores nothing and changes nothing.
    again = run_linkage(store, model_path=model)
    assert again.incremental and again.scored_records == 0
    assert _outcome(store, again.run_id) == _outcome(store, run.run_id)


def _scores(store: Store, run_id: int) -> dict[tuple[str, str], float]:
    return {(a, b): p for a, b, p, rule, _ in store.link_pairs(run_id) if rule == "model"}


def _unchanged(world: _World, store: Store) -> dict[tuple[str, str], float]:
    """The model's pairs of the run before the snapshot between records it left as they were
    (their names all known at training)."""
    last = store.latest_link_run()
    assert last is not None
    touched = world.removed | world.added | world.moved | world.pointing
    return {pair: p for pair, p in _scores(store, last.id).items() if not touched & set(pair)}


def test_runs_snapshot_unchanged_pairs_score_as_before_in_every_run_and_explanation(
    world: _World, tmp_path: Path
) -> None:
    store, model = world.copy(tmp_path / "incremental")
    unchanged = _unchanged(world, store)
    # Pairs whose scores today's name counts would move (they moved before frequencies
    # were kept with the model), not only certainties.
    assert sum(1 for p in unchanged.values() if 0.5 <= p < 0.9999) >= 5
    incremental = run_linkage(store, model_path=model)
    everything, model_full = world.copy(tmp_path / "full")
    full = run_linkage(everything, model_path=model_full, full=True)
    assert incremental.incremental and not full.incremental and not full.trained
    for linked, run in ((store, incremental), (everything, full)):
        after = _scores(linked, run.run_id)
        assert {pair: after.get(pair) for pair in unchanged} == unchanged
        assert run.name_frequencies == "frozen"
    # An explanation weighs names as the runs do: the score it shows is the stored one.
    pairs = sorted(unchanged, key=lambda pair: abs(unchanged[pair] - 0.9))[:20]
    for kept_state in (True, False):
        shown = explain_pairs(store, pairs, model_path=model, kept_state=kept_state)
        assert [e.match_probability for e in shown] == pytest.approx(
            [unchanged[pair] for pair in pairs], abs=1e-12
        )


@pytest.mark.parametrize(
    ("case", "reported"), [("file deleted", "lost"), ("older model", "not kept")]
)
def test_runs_snapshot_without_the_models_frequencies_counts_todays_records(
    world: _World, tmp_path: Path, case: str, reported: str
) -> None:
    def without(model: Path) -> None:
        if case == "file deleted":
            frequencies_path(model).unlink()
        else:  # trained before Padan kept them: no record of them in the model file
            saved = read_model(model)
            del saved["padan"]["term_frequencies"]
            model.write_text(json.dumps(saved, indent=2))

    store, model = world.copy(tmp_path / "incremental")
    unchanged = _unchanged(world, store)
    without(model)
    incremental = run_linkage(store, model_path=model)
    everything, model_full = world.copy(tmp_path / "full")
    without(model_full)
    full = run_linkage(everything, model_path=model_full, full=True)
    assert incremental.incremental and not full.trained
    assert incremental.name_frequencies == full.name_frequencies == reported
    assert _outcome(store, incremental.run_id) == _outcome(everything, full.run_id)
    # Today's counts weigh the names: some unchanged pair's score moved in the full run.
    after = _scores(everything, full.run_id)
    assert any(after.get(pair, p) != p for pair, p in unchanged.items())


def test_runs_snapshot_retrain_freezes_the_frequencies_of_the_records_now(
    world: _World, tmp_path: Path
) -> None:
    store, model = world.copy(tmp_path / "retrain")
    path = frequencies_path(model)
    was = set(pq.read_table(path).column("value").to_pylist())
    version = read_model_info(model)
    run = run_linkage(store, model_path=model, retrain=True)
    assert run.trained and run.name_frequencies == "frozen"
    now = set(pq.read_table(path).column("value").to_pylist())
    # The names of the households added are counted now, those of the households removed not.
    assert now - was and was - now
    assert read_frozen(model, read_model(model)["padan"]).table is not None  # its own digest
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    after = read_model_info(model)
    assert version is not None and after is not None and after.version != version.version
