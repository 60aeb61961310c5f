"""Explanations from the kept run state against those from every record (DuckDB, real Splink).

The tests share one linked store and run in file order: the later ones change it (a new batch,
a run, an erasure).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from padan.errors import InputError
from padan.ingest import ingest_file
from padan.linkage import Explanation, explain_pairs, frequencies_path
from padan.linkage import explain as explain_module
from padan.linkage.state import state_path
from padan.registry import run_linkage
from padan.store import Store, open_store
from padan.store.children import records_by_uid
from padan.store.retention import RetentionTarget, apply_retention
from padan.synth import generate


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Store]:
    work = tmp_path_factory.mktemp("explain")
    data = generate(work / "data", households=300, seed=11)
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    run_linkage(store, model_path=work / "model.json")
    assert state_path(work / "model.json").exists()
    return work, store


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times every record's features were computed (the path without the state)."""
    calls: list[int] = []
    real: Callable[..., int] = explain_module.load_features

    def counting(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(explain_module, "load_features", counting)
    return calls


def _page(store: Store) -> list[tuple[str, str]]:
    """Stored pairs (strong and doubtful) and pairs of strangers: every kind of level."""
    run = store.latest_link_run()
    assert run is not None
    stored = [(a, b) for a, b, *_ in store.link_pairs(run.id)]
    picked = stored[:: max(1, len(stored) // 25)][:25]
    strangers = [(a, picked[i - 1][1]) for i, (a, _) in enumerate(picked[:10])]
    return [(b, a) if i % 4 == 0 else (a, b) for i, (a, b) in enumerate(picked + strangers)]


def _assert_same(new: list[Explanation], old: list[Explanation]) -> None:
    assert len(new) == len(old)
    for n, o in zip(new, old, strict=True):
        assert (n.record_a, n.record_b, n.guard) == (o.record_a, o.record_b, o.guard)
        assert n.prior_weight == o.prior_weight
        assert n.parts == o.parts  # every level, weight and value
        assert n.match_weight == pytest.approx(o.match_weight, abs=1e-9)
        assert n.match_probability == pytest.approx(o.match_probability, abs=1e-9)


def test_explain_from_the_state_gives_the_numbers_of_every_record(
    linked: tuple[Path, Store], computed: list[int]
) -> None:
    work, store = linked
    pairs = _page(store)
    new = explain_pairs(store, pairs, model_path=work / "model.json")
    assert computed == []  # the state gave it: no record's features computed from the store
    old = explain_pairs(store, pairs, model_path=work / "model.json", kept_state=False)
    assert computed == [1]
    _assert_same(new, old)
    levels = {(p.comparison, p.level) for e in new for p in e.parts}
    assert len(levels) >= 12  # strong, doubtful and stranger pairs: many levels compared
    assert any(p.comparison == "name" and p.match_weight for e in new for p in e.parts)


def test_explain_without_a_state_file_computes_every_record(
    linked: tuple[Path, Store], computed: list[int], tmp_path: Path
) -> None:
    work, store = linked
    alone = tmp_path / "model.json"  # the same model, no state beside it
    shutil.copy(work / "model.json", alone)
    shutil.copy(frequencies_path(work / "model.json"), frequencies_path(alone))
    pairs = _page(store)[:5]
    old = explain_pairs(store, pairs, model_path=alone)
    assert computed == [1]
    _assert_same(explain_pairs(store, pairs, model_path=work / "model.json"), old)
    assert computed == [1]


def test_explain_after_a_new_batch_computes_every_record_until_the_next_run(
    linked: tuple[Path, Store], computed: list[int], tmp_path: Path
) -> None:
    work, store = linked
    with (work / "data" / "kpai_kasus.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    repeat = next(r for r in rows if r["nik_anak"] and r["tanggal_lahir"])
    batch = tmp_path / "kpai_baru.csv"
    with batch.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        # Another complaint about the same child: its name's frequency changes.
        writer.writerow({**repeat, "no_pengaduan": "KPAI/2026/888001"})
    ingest_file(batch, source="kpai", store=store)
    new_uid = "kpai:KPAI/2026/888001"
    pairs = [*_page(store)[:5], (new_uid, f"kpai:{repeat['no_pengaduan']}")]
    stale = explain_pairs(store, pairs, model_path=work / "model.json")
    assert computed == [1]  # the state is of the run before the batch
    # The next (incremental) run updates the state: it serves again, with the new record.
    assert run_linkage(store, model_path=work / "model.json").incremental
    kept = explain_pairs(store, pairs, model_path=work / "model.json")
    assert computed == [1]
    _assert_same(kept, stale)
    _assert_same(
        kept, explain_pairs(store, pairs, model_path=work / "model.json", kept_state=False)
    )


def test_explain_refuses_a_record_erased_since_the_run(
    linked: tuple[Path, Store], computed: list[int]
) -> None:
    work, store = linked
    pairs = [p for p in _page(store) if p[0].startswith("dtsen:") or p[1].startswith("dtsen:")]
    born = {
        uid: record["tanggal_lahir"]
        for uid, record in records_by_uid(
            store,
            [u for p in pairs for u in p if u.startswith("dtsen:")],
            columns=["tanggal_lahir"],
        ).items()
        if record["tanggal_lahir"] is not None
    }
    # Retention deletes the earliest born: the state still holds them, the store does not.
    erased = min(born, key=lambda uid: born[uid])
    pair = next(p for p in pairs if erased in p)
    earliest = born[erased]
    target = RetentionTarget(
        source="dtsen",
        extract="dtsen_individu",
        cutoff=dt.datetime.combine(earliest + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
        counted_from="tanggal_lahir",
        action="delete",
        superseded_only=False,
        identifying=(),
    )
    assert apply_retention(store, [target])[0].records >= 1
    with pytest.raises(InputError, match="not a current record") as kept:
        explain_pairs(store, [pair], model_path=work / "model.json")
    assert computed == []  # refused from the store's answer, not from the state
    assert erased in str(kept.value)
    with pytest.raises(InputError, match="not a current record"):
        explain_pairs(store, [pair], model_path=work / "model.json", kept_state=False)


def test_explain_of_a_record_blanked_since_the_run_computes_every_record(
    linked: tuple[Path, Store], computed: list[int]
) -> None:
    work, store = linked
    pairs = [p for p in _page(store) if p[0].startswith("dtsen:") and p[1].startswith("kpai:")]
    blanked, _ = pairs[0]
    born = records_by_uid(store, [blanked], columns=["tanggal_lahir"])[blanked]["tanggal_lahir"]
    target = RetentionTarget(
        source="dtsen",
        extract="dtsen_individu",
        cutoff=dt.datetime.combine(born + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
        counted_from="tanggal_lahir",
        action="pseudonymise",
        superseded_only=False,
        identifying=("nama", "nik"),
    )
    assert apply_retention(store, [target])[0].records >= 1
    # The state still holds the name; the store no longer does: the store's answer counts.
    made = explain_pairs(store, pairs[:1], model_path=work / "model.json")
    assert computed == [1]
    name = next(p for p in made[0].parts if p.comparison == "name")
    assert name.value_a is None


@pytest.mark.parametrize(
    ("left", "right", "shown"),
    [
        # Both coded to the village: the codes say it all.
        (
            ("32.01.05.2001", "sukamaju"),
            ("32.01.05.2002", "cibeber"),
            ("32.01.05.2001", "32.01.05.2002"),
        ),
        # One code stops above the village: the villages the addresses name, where named.
        (
            ("32.01", "sukamaju"),
            ("32.01.05.2001", "sukamaju"),
            ("32.01 (sukamaju)", "32.01.05.2001 (sukamaju)"),
        ),
        (("32.01", None), ("32.01.05.2001", "sukamaju"), ("32.01", "32.01.05.2001 (sukamaju)")),
    ],
)
def test_explain_region_shows_the_village_an_address_names_where_a_code_stops_above(
    left: tuple[str, str | None], right: tuple[str, str | None], shown: tuple[str, str]
) -> None:
    def columns(code: str, place: str | None, side: str) -> dict[str, Any]:
        parts = code.split(".")
        values = {
            "desa": code if len(parts) > 3 else None,
            "kec": ".".join(parts[:3]) if len(parts) > 2 else None,
            "kab": ".".join(parts[:2]) if len(parts) > 1 else None,
            "prov": parts[0],
            "place": place,
        }
        return {f"{k}_{side}": v for k, v in values.items()}

    row = columns(*left, "l") | columns(*right, "r")
    region = explain_module._SHOWN["region"]
    assert (explain_module._values(row, region, "l"), explain_module._values(row, region, "r")) == (
        shown
    )
