"""Incremental runs give what a full run gives, from the state file or from the store."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from padan.ingest import ingest_file
from padan.linkage.features import FEATURE_COLUMNS
from padan.linkage.state import (
    LINK_STATE_SCHEMA,
    PAIR_STATE_SCHEMA,
    RunKey,
    complete_draft,
    draft_path,
    read_state,
    run_key,
    save_features,
    state_path,
    update_state,
)
from padan.registry import decide, run_linkage
from padan.store import Store, open_store
from padan.synth import generate


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A store linked once on DTSEN and most complaints; the rest of the complaints wait in
    two more files. Returns the work directory and those files."""
    work = tmp_path_factory.mktemp("runs")
    data = generate(work / "data", households=500, seed=11)
    with data.files["kpai"].open() as handle:
        rows = list(csv.DictReader(handle))
    # Whole complaints only: a complaint's rows share its number.
    numbers = sorted({r["no_pengaduan"] for r in rows})
    parts = {
        "first": numbers[: len(numbers) * 7 // 10],
        "later": numbers[len(numbers) * 7 // 10 : len(numbers) * 85 // 100],
        "last": numbers[len(numbers) * 85 // 100 :],
    }
    for name, wanted in parts.items():
        with (work / f"kpai_{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(r for r in rows if r["no_pengaduan"] in set(wanted))
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    ingest_file(data.files["dtsen"], source="dtsen", store=store)
    ingest_file(work / "kpai_first.csv", source="kpai", store=store)
    run_linkage(store, model_path=work / "model.json")
    return work, [work / "kpai_later.csv", work / "kpai_last.csv"]


def _copy(first_run: tuple[Path, list[Path]], target: Path) -> tuple[Store, Path]:
    """A copy of the linked store with the second file ingested and linked."""
    work, (later, _) = first_run
    target.mkdir()
    for name in ("padan.db", "padan.db-wal", "model.json"):
        if (work / name).exists():  # SQLite keeps recent writes in its write-ahead log
            shutil.copy(work / name, target / name)
    store = open_store(f"sqlite:///{target / 'padan.db'}")
    ingest_file(later, source="kpai", store=store)
    assert run_linkage(store, model_path=target / "model.json").incremental
    return store, target / "model.json"


def _outcome(store: Store, run_id: int) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """Children and pairs with their decisions (scores apart: a full run scores the old pairs
    again with term frequencies that now count the new records too)."""
    pairs = sorted((a, b, rule, d) for a, b, _, rule, d in store.link_pairs(run_id))
    return store.child_of(run_id), pairs


def test_runs_incremental_equals_full_from_state_and_from_store(
    first_run: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    last = first_run[1][1]
    store, model = _copy(first_run, tmp_path / "state")
    previous = store.latest_link_run()
    assert previous is not None
    before = store.child_of(previous.id)
    key = run_key(store, previous)
    assert read_state(state_path(model), key) is not None
    ingest_file(last, source="kpai", store=store)
    incremental = run_linkage(store, model_path=model)
    assert incremental.incremental and 0 < incremental.scored_records < incremental.records

    from_store, model_b = _copy(first_run, tmp_path / "store")
    state_path(model_b).unlink()  # no state kept: the run reads the last run from the store
    ingest_file(last, source="kpai", store=from_store)
    fallback = run_linkage(from_store, model_path=model_b)
    assert fallback.incremental

    everything, model_c = _copy(first_run, tmp_path / "full")
    ingest_file(last, source="kpai", store=everything)
    full = run_linkage(everything, model_path=model_c, full=True)
    assert not full.incremental

    assert store.link_pairs(incremental.run_id) == from_store.link_pairs(fallback.run_id)
    expected = _outcome(everything, full.run_id)
    assert _outcome(store, incremental.run_id) == expected
    assert incremental.children == full.children == len(set(expected[0].values()))
    assert store.child_of(previous.id) == before  # the earlier run still reads as it was
    # Both incremental runs left a state the next run can start from.
    assert state_path(model).exists() and state_path(model_b).exists()
    again = run_linkage(store, model_path=model)
    assert again.scored_records == 0
    assert _outcome(store, again.run_id) == expected


@pytest.mark.parametrize(
    "other",
    [
        RunKey("sqlite:/elsewhere/padan.db", 1, "v1", (1, 2)),  # another store
        RunKey("sqlite:/here/padan.db", 2, "v1", (1, 2)),  # a later run
        RunKey("sqlite:/here/padan.db", 1, "v2", (1, 2)),  # another model
        RunKey("sqlite:/here/padan.db", 1, "v1", (1, 2, 3)),  # other batches
    ],
)
def test_runs_state_is_used_only_for_the_run_it_describes(tmp_path: Path, other: RunKey) -> None:
    path = tmp_path / "model.state.duckdb"
    key = RunKey("sqlite:/here/padan.db", 1, "v1", (1, 2))
    links = pa.table(
        {"uid": ["kpai:K1"], "child_id": ["PDN000000001"], "probability": [None]},
        schema=LINK_STATE_SCHEMA,
    )
    with duckdb.connect() as con:
        con.execute(
            f"CREATE TABLE features AS SELECT 'kpai:K1' AS {', NULL AS '.join(FEATURE_COLUMNS)}"
        )
        save_features(con, draft_path(path))
    complete_draft(path, key, links=links, pairs=PAIR_STATE_SCHEMA.empty_table())
    assert path.stat().st_mode & 0o077 == 0  # personal data: the owner's alone
    assert not draft_path(path).exists()
    kept = read_state(path, key)
    assert kept is not None and kept.links.to_pylist() == links.to_pylist()
    assert read_state(path, other) is None
    # Changes relative to a run the file does not hold remove it rather than mix two runs.
    update_state(path, key, since=other, features=None, links=links, pairs=kept.pairs)
    assert not path.exists()


def test_runs_state_update_waits_for_a_reader(tmp_path: Path) -> None:
    # A review page reads the state (read-only) from another process: a run finishing at that
    # moment waits for it rather than lose the state.
    path = tmp_path / "model.state.duckdb"
    key = RunKey("sqlite:/here/padan.db", 1, "v1", (1,))
    later = RunKey("sqlite:/here/padan.db", 2, "v1", (1, 2))
    with duckdb.connect() as con:
        con.execute(
            f"CREATE TABLE features AS SELECT 'kpai:K1' AS {', NULL AS '.join(FEATURE_COLUMNS)}"
        )
        save_features(con, draft_path(path))
    empty = LINK_STATE_SCHEMA.empty_table()
    complete_draft(path, key, links=empty, pairs=PAIR_STATE_SCHEMA.empty_table())
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "print('reading', flush=True)\n"
            "time.sleep(1.5)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        update_state(
            path,
            later,
            since=key,
            features=None,
            links=empty,
            pairs=PAIR_STATE_SCHEMA.empty_table(),
        )
    finally:
        reader.wait(timeout=30)
    assert read_state(path, later) is not None


def test_runs_decision_taken_back_is_respected_incrementally(
    first_run: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    stores = [_copy(first_run, tmp_path / name) for name in ("incremental", "full")]
    last = stores[0][0].latest_link_run()
    assert last is not None
    # A pair for review whose records are two children (a pair inside one child is reviewed
    # too: "different" could split it).
    first = stores[0][0].child_of(last.id)
    a, b, *_ = next(
        p
        for p in stores[0][0].link_pairs(last.id)
        if p[4] == "review" and first[p[0]] != first[p[1]]
    )
    for store, model in stores:
        decide(store, a, b, "same", reviewer="rina", reason="same child, checked")
        run = run_linkage(store, model_path=model)
        assert run.incremental
        child = store.child_of(run.run_id)
        assert child[a] == child[b]
        decide(store, a, b, "unsure", reviewer="rina", reason="taken back")
    incremental = run_linkage(stores[0][0], model_path=stores[0][1])
    full = run_linkage(stores[1][0], model_path=stores[1][1], full=True)
    assert incremental.incremental and not full.incremental
    assert _outcome(stores[0][0], incremental.run_id) == _outcome(stores[1][0], full.run_id)
    child = stores[0][0].child_of(incremental.run_id)
    assert child[a] != child[b]
