"""Linkage on PPRL encodings: Padan's model on Dice levels, the same master index, review
queue and coverage indicators as plaintext, on a seeded synthetic population."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from padan.analysis import compute_report, load_inputs
from padan.analysis.encoded import ENCODED_INDICATORS
from padan.analysis.report import truth_links
from padan.errors import InputError
from padan.ingest import ingest_file
from padan.linkage import PairwiseMetrics, evaluate_run, explain_pairs, read_truth
from padan.linkage.blocking import BLOCKED_PAIRS_TABLE
from padan.linkage.encoded import encoded_pairs, stranger_step
from padan.pprl import ingest_encodings
from padan.registry import RunSummary, decide, review_queue, run_linkage
from padan.store import Store, open_store, store_id
from support.encoded import Population, encoded_population


@dataclass(frozen=True)
class Linked:
    population: Population
    store: Store
    model: Path
    run: RunSummary
    metrics: PairwiseMetrics
    plaintext: PairwiseMetrics


def _kpai_f1(m: PairwiseMetrics) -> float:
    p, r = m.kpai_precision or 0.0, m.kpai_recall or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    folder = tmp_path_factory.mktemp("pprl-link")
    population = encoded_population(folder / "data", households=400, seed=11)
    truth = read_truth(population.truth)
    plain = open_store(f"sqlite:///{folder / 'plain.db'}")
    ingest_file(population.dtsen_csv, source="dtsen", store=plain)
    ingest_file(population.kpai_csv, source="kpai", store=plain)
    plain_run = run_linkage(plain, model_path=folder / "plain.json")
    store = open_store(f"sqlite:///{folder / 'encoded.db'}")
    ingest_encodings(population.dtsen, source="dtsen", store=store)
    ingest_encodings(population.kpai, source="kpai", store=store)
    model = folder / "encoded.json"
    run = run_linkage(store, model_path=model)
    return Linked(
        population,
        store,
        model,
        run,
        evaluate_run(store, run.run_id, truth),
        evaluate_run(plain, plain_run.run_id, truth),
    )


def test_run_linkage_on_encodings_links_known_pairs_with_f1_close_to_plaintext(
    linked: Linked,
) -> None:
    assert linked.run.model_kind == "pprl" and linked.run.trained
    assert json.loads(linked.model.read_text())["padan"]["kind"] == "pprl"
    encoded, plaintext = linked.metrics, linked.plaintext
    assert encoded.f1 is not None and plaintext.f1 is not None
    # KPAI children found in DTSEN: the figure the gap indicators rest on.
    assert _kpai_f1(encoded) >= 0.95 * _kpai_f1(plaintext)
    assert encoded.f1 >= 0.9 * plaintext.f1
    assert (encoded.kpai_precision or 0) >= 0.95


def test_encoded_runs_keep_child_ids_and_respect_reviewers_decisions(linked: Linked) -> None:
    store = linked.store
    first = store.latest_link_run()
    assert first is not None
    before = {(x.source, x.source_id): x.child_id for x in store.child_links(first.id)}
    again = run_linkage(store, model_path=linked.model)
    assert not again.trained and again.model_kind == "pprl" and not again.incremental
    now = {(x.source, x.source_id): x.child_id for x in store.child_links(again.run_id)}
    assert now == before
    a, b = next(
        (p[0], p[1])
        for p in store.link_pairs(again.run_id)
        if p[4] == "link" and p[0].startswith("dtsen:") and p[1].startswith("kpai:")
    )
    decide(store, a, b, "different", reviewer="peninjau", reason="test: two children")
    apart = run_linkage(store, model_path=linked.model)
    links = {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(apart.run_id)}
    assert links[a] != links[b]
    decide(store, a, b, "same", reviewer="peninjau", reason="test: one child after all")
    together = run_linkage(store, model_path=linked.model)
    links = {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(together.run_id)}
    assert links[a] == links[b]


def test_explain_on_encodings_gives_dice_levels_and_weights_but_no_plaintext(
    linked: Linked,
) -> None:
    store = linked.store
    run = store.latest_link_run()
    assert run is not None
    pairs = [p for p in store.link_pairs(run.id) if p[3] == "model"][:5]
    explanations = explain_pairs(store, [(a, b) for a, b, *_ in pairs], model_path=linked.model)
    for (_, _, probability, _, _), made in zip(pairs, explanations, strict=True):
        assert made.match_probability == pytest.approx(probability, abs=1e-6)
        assert made.match_weight == pytest.approx(
            made.prior_weight + sum(p.match_weight for p in made.parts)
        )
        assert {p.comparison for p in made.parts} == {
            "name",
            "mother",
            "birth_date",
            "region",
            "nik",
        }
        for part in made.parts:
            assert (part.value_a, part.value_b, part.details) == (None, None, ())
            assert part.level.startswith(("Dice ", "unknown"))
        stranger = any(
            p.comparison == "name"
            and float(p.level.split()[1]) < stranger_step(made.record_a, made.record_b)
            for p in made.parts
            if p.level.startswith("Dice ")
        )
        assert (made.guard is not None) == stranger


def test_report_from_an_encoded_run_gives_coverage_by_regency_close_to_truth(
    linked: Linked,
) -> None:
    inputs, snapshot = load_inputs(linked.store)
    report = compute_report(inputs, snapshot)
    assert tuple(report.indicators) == ENCODED_INDICATORS
    assert report.basis == {"records": "pprl"} and report.quality == []
    truth = compute_report(
        inputs.__class__(
            **{**inputs.__dict__, "links": truth_links(read_truth(linked.population.truth))}
        ),
        snapshot,
    )
    for key in ENCODED_INDICATORS[:3]:
        found, true = report.indicators[key].value, truth.indicators[key].value
        assert abs(found - true) <= max(2, 0.05 * true), key
    regencies = [r for r in report.regions if r.level == "regency" and r.code]
    assert regencies and all(len(r.code.split(".")) == 2 for r in regencies if r.code)
    assert compute_report(inputs, snapshot, worklists=True).worklists == {}  # no names


def test_link_on_encodings_refuses_a_plaintext_model_and_a_store_with_one_source(
    linked: Linked, tmp_path: Path
) -> None:
    model = tmp_path / "plain.json"
    model.write_text(json.dumps({"padan": {"store_id": store_id(linked.store)}}))
    with pytest.raises(InputError, match="is a plaintext model"):
        run_linkage(linked.store, model_path=model)
    alone = open_store(f"sqlite:///{tmp_path / 'alone.db'}")
    ingest_encodings(linked.population.kpai, source="kpai", store=alone)
    with pytest.raises(InputError, match="needs KPAI and DTSEN encodings"):
        run_linkage(alone, model_path=tmp_path / "m.json")


def test_review_page_of_an_encoded_run_explains_pairs_without_plaintext(linked: Linked) -> None:
    from padan.access.policy import Principal, get_role
    from padan.services.review import review_queue_page

    reviewer = Principal("rina", get_role("peninjau"), None)
    page = review_queue_page(linked.store, reviewer, model_path=linked.model, lang="en")
    assert page["items"], "the synthetic population leaves doubtful pairs"
    for item in page["items"]:
        assert all(f["a"] is None and f["b"] is None for f in item["fields"]), item
        assert item["evidence"]["parts"], item


def test_encoded_run_drops_a_same_taken_back_as_unsure_and_keeps_the_pair_in_review(
    linked: Linked,
) -> None:
    """Every encoded run scores every pair again, so a "same" a reviewer takes back ("unsure")
    stops linking the pair at the next run, which leaves it in the queue, flagged unsure."""
    store = linked.store
    run = store.latest_link_run()
    assert run is not None
    child = {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(run.id)}
    a, b = next(
        (p[0], p[1])
        for p in store.link_pairs(run.id)
        if p[4] == "review" and child[p[0]] != child[p[1]]
    )
    decide(store, a, b, "same", reviewer="peninjau", reason="test: one child")
    together = run_linkage(store, model_path=linked.model)
    links = {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(together.run_id)}
    assert links[a] == links[b]
    decide(store, a, b, "unsure", reviewer="peninjau", reason="test: not sure after all")
    apart = run_linkage(store, model_path=linked.model)
    links = {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(apart.run_id)}
    assert links[a] != links[b]
    waiting = {(i.uid_a, i.uid_b): i for i in review_queue(store)}
    assert waiting[(a, b)].unsure_before


@pytest.mark.parametrize(("names", "pairs"), [(True, 8), (False, 10)])
def test_encoded_pairs_leave_out_dtsen_strangers_but_keep_complaints_with_them(
    names: bool, pairs: int
) -> None:
    same, half = "1" * 32 + "0" * 32, "1" * 16 + "0" * 16 + "1" * 16 + "0" * 16  # Dice 0.5
    rows = [
        ("dtsen", "d1", same),
        ("dtsen", "d2", same),  # d1's name: kept
        ("dtsen", "d3", half),  # a stranger to d1 and d2: those two pairs left out
        ("kpai", "k1", half),  # a complaint: kept with every record
        ("dtsen", "d4", None),  # no name filter: kept with every record
    ]
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE features (source VARCHAR, unique_id VARCHAR, name BIT, name_n INTEGER, "
        "blocks VARCHAR[])"
    )
    for source, uid, name in rows:
        con.execute(
            "INSERT INTO features VALUES (?, ?, ?::BIT, bit_count(?::BIT), ['x'])",
            [source, uid, name, name],
        )
    assert encoded_pairs(con, names=names) == pairs
    kept = {
        frozenset(k.split("-__-")[-1] for k in row)
        for row in con.execute(
            f"SELECT join_key_l, join_key_r FROM {BLOCKED_PAIRS_TABLE}"
        ).fetchall()
    }
    if names:
        assert frozenset({"d1", "d3"}) not in kept and frozenset({"d1", "k1"}) in kept


def test_name_guard_pairs_are_refused_and_a_reviewers_same_clears_the_guard_in_explain(
    linked: Linked,
) -> None:
    from padan.access.policy import Principal, get_role
    from padan.services.review import review_items

    store = linked.store
    run = store.latest_link_run()
    assert run is not None
    pairs = store.link_pairs(run.id)
    # Between the thresholds a pair waits for review; above the link threshold it is linked,
    # unless the name guard stopped it: then it is refused, as the plaintext guard's.
    assert all(p < run.link_threshold for _, _, p, _, d in pairs if d == "review")
    stopped = [(a, b) for a, b, _, rule, d in pairs if d == "refused" and rule == "model"]
    assert stopped, "the synthetic population has twins and namesakes the name guard stops"
    explained = explain_pairs(store, stopped, model_path=linked.model)
    # Stopped by the name guard, or by the clustering guard (DTSEN records only a chain joins).
    assert all(
        e.guard and ("name filters share little" in e.guard or "clustering guard" in e.guard)
        for e in explained
    )
    # Some refusals are the chain guard's: explain names the two DTSEN records never alike.
    chained = [e.guard for e in explained if "clustering guard" in (e.guard or "")]
    assert chained and all("dtsen:" in g for g in chained)
    stopped = [(e.record_a, e.record_b) for e in explained if "name filters" in (e.guard or "")]
    assert stopped
    reviewer = Principal("rina", get_role("peninjau"), None)
    queued = {
        (i["record_a"], i["record_b"]): i["reason"]
        for i in review_items(store, reviewer, limit=10_000)
    }
    assert {queued[p] for p in stopped if p in queued} == {"refused"}
    a, b = stopped[0]
    decide(store, a, b, "same", reviewer="peninjau", reason="test: one child after all")
    relinked = run_linkage(store, model_path=linked.model)
    links = {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(relinked.run_id)}
    assert links[a] == links[b]
    (made,) = explain_pairs(store, [(a, b)], model_path=linked.model)
    assert made.guard is None
