"""Undecided links: counted as "possibly in DTSEN", first in the review queue, settled by review.

A strict link threshold (only near-certain pairs linked without a person) leaves KPAI children
whose DTSEN match waits in the review band: known truth for what a reviewer's decision moves.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from analysis.conftest import Linked
from padan.analysis import Report, compute_report, default_rules, indicator_labels, load_inputs
from padan.analysis.html import render_html
from padan.analysis.tables import report_dict, report_tables
from padan.registry import IMPACTS, decide, review_queue, run_linkage
from padan.store import Store, open_store

STRICT = {"link_threshold": 0.99999, "review_threshold": 0.05}
COVERAGE = ("kpai_children_in_dtsen", "kpai_children_maybe_in_dtsen", "kpai_children_not_in_dtsen")


@pytest.fixture
def strict(linked: Linked, tmp_path: Path) -> tuple[Store, Path]:
    """A copy of the linked store, linked again with the strict thresholds."""
    for name in ("padan.db", "padan.db-wal", "model.json"):
        if (linked.work / name).exists():
            shutil.copy(linked.work / name, tmp_path / name)
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    run_linkage(store, model_path=tmp_path / "model.json", **STRICT)  # type: ignore[arg-type]
    return store, tmp_path / "model.json"


def _report(store: Store) -> Report:
    inputs, snapshot = load_inputs(store)
    return compute_report(inputs, snapshot, worklists=True)


def _complaints(report: Report, worklist: str) -> set[str]:
    w = report.worklists[worklist]
    at = w.columns.index("no_pengaduan")
    return {n for row in w.rows for n in str(row[at]).split(", ")}


def _gap_children(store: Store) -> dict[str, list[tuple[str, str]]]:
    """KPAI child → its gap-tier pairs (the pair's KPAI record of that child, the other)."""
    run = store.latest_link_run()
    assert run is not None
    child = store.child_of(run.id)
    sources: dict[str, set[str]] = {}
    for uid, c in child.items():
        sources.setdefault(c, set()).add(uid.split(":")[0])
    found: dict[str, list[tuple[str, str]]] = {}
    for item in review_queue(store):
        if item.impact != "gap":
            continue
        for mine, other in ((item.uid_a, item.uid_b), (item.uid_b, item.uid_a)):
            if mine.startswith("kpai:") and "dtsen" not in sources[child[mine]]:
                found.setdefault(child[mine], []).append((mine, other))
    return found


def test_review_gap_maybe_children_are_the_queue_first_tier(strict: tuple[Store, Path]) -> None:
    store, _ = strict
    report = _report(store)
    values = report.values()
    assert values["kpai_children_maybe_in_dtsen"] > 0
    assert sum(values[k] for k in COVERAGE) == values["kpai_children"]
    for region in report.regions:
        assert (
            sum(region.figures[k].value for k in COVERAGE) == region.figures["kpai_children"].value
        )
    maybe = report.worklists["mungkin_terdaftar"]
    maybe_children = {str(row[0]) for row in maybe.rows}
    assert len(maybe_children) == values["kpai_children_maybe_in_dtsen"]
    # The children a "gap" pair would find in DTSEN are exactly those counted as "maybe".
    assert set(_gap_children(store)) == maybe_children
    assert not _complaints(report, "usulan_dtsen") & _complaints(report, "mungkin_terdaftar")
    queue = review_queue(store)
    tiers = [IMPACTS.index(i.impact) for i in queue]
    assert tiers == sorted(tiers) and tiers[0] == 0
    for a, b in itertools.pairwise(queue):
        if a.impact == b.impact:
            assert a.match_probability >= b.match_probability
    # The JSON, the HTML (table and chart by region) show the figure too.
    data = report_dict(report, suppress_small=False)
    assert (
        data["indicators"]["kpai_children_maybe_in_dtsen"]
        == values[  # type: ignore[index]
            "kpai_children_maybe_in_dtsen"
        ]
    )
    labels = indicator_labels(default_rules())
    html = render_html(
        report, report_tables(report, labels, suppress_small=False), suppressed=False
    )
    assert "Mungkin terdaftar di DTSEN" in html and "menunggu pemeriksaan" in html
    # Reading only the DTSEN records the report needs gives the figures of reading them all.
    inputs, snapshot = load_inputs(store, all_dtsen=True)
    full = compute_report(inputs, snapshot, worklists=True)
    assert full.values() == values and full.quality == report.quality
    at = maybe.columns.index("kandidat_terdekat")
    assert sorted((r[0], r[at]) for r in full.worklists["mungkin_terdaftar"].rows) == sorted(
        (r[0], r[at]) for r in maybe.rows
    )


def test_review_gap_decisions_move_the_child_after_the_next_run(
    strict: tuple[Store, Path],
) -> None:
    store, model = strict
    before = _report(store)
    gaps = _gap_children(store)
    # One child whose only waiting DTSEN match is one pair: "same"; another such: "different".
    single = sorted(c for c, pairs in gaps.items() if len(pairs) == 1)
    assert len(single) >= 2
    ((same_kpai, same_other),) = gaps[single[0]]
    ((apart_kpai, apart_other),) = gaps[single[1]]
    decide(store, same_kpai, same_other, "same", reviewer="rina", reason="KK dan ibu sama")
    decide(store, apart_kpai, apart_other, "different", reviewer="rina", reason="beda ibu")
    # The figures of a run stay as they were until linking runs again.
    assert _report(store).values() == before.values()
    run_linkage(store, model_path=model, **STRICT)  # type: ignore[arg-type]
    after = _report(store)
    run = store.latest_link_run()
    assert run is not None
    child = store.child_of(run.id)
    with_dtsen = {c for uid, c in child.items() if uid.startswith("dtsen:")}
    same_id = same_kpai.removeprefix("kpai:")
    apart_id = apart_kpai.removeprefix("kpai:")
    # "same": found in DTSEN, on no list of children missing or possibly missing.
    assert child[same_kpai] in with_dtsen
    assert same_id not in _complaints(after, "usulan_dtsen") | _complaints(
        after, "mungkin_terdaftar"
    )
    # "different": nothing waits any more, so the child is missing and proposed to DTSEN.
    assert child[apart_kpai] not in with_dtsen
    assert apart_id in _complaints(after, "usulan_dtsen")
    assert apart_id not in _complaints(after, "mungkin_terdaftar")
    b, a = before.values(), after.values()
    assert a["kpai_children_maybe_in_dtsen"] == b["kpai_children_maybe_in_dtsen"] - 2
    assert a["kpai_children_not_in_dtsen"] == b["kpai_children_not_in_dtsen"] + 1
    assert sum(a[k] for k in COVERAGE) == a["kpai_children"]
