"""The review queue is ordered by what a decision changes, then by probability."""

from __future__ import annotations

import datetime as dt

import pytest

from padan.errors import InputError
from padan.registry import (
    IMPACTS,
    ReviewFilter,
    decide,
    pair_impact,
    review_page,
    review_queue,
    source_pair,
)
from padan.registry.review import waiting_inside
from padan.store import ChildLink, LinkRun, Store

K, D = frozenset({"kpai"}), frozenset({"dtsen"})
KD = K | D


@pytest.mark.parametrize(
    ("a", "b", "same_child", "impact"),
    [
        (K, D, False, "gap"),  # a complaint not in DTSEN, a DTSEN-only child
        (D, K, False, "gap"),  # either side
        (K, KD, False, "gap"),  # joins a KPAI child that is in DTSEN
        (K, K, False, "kpai"),  # two KPAI children merge; neither is in DTSEN
        (KD, D, False, "kpai"),  # a KPAI child in DTSEN gains a DTSEN record
        (KD, KD, False, "kpai"),
        (D, D, False, "other"),  # one person registered twice in DTSEN
        (KD, KD, True, "inside"),  # one child already: only "different" changes it
        (D, D, True, "inside"),
    ],
)
def test_review_pair_impact_follows_the_children_of_both_records(
    a: frozenset[str], b: frozenset[str], same_child: bool, impact: str
) -> None:
    assert pair_impact(a, b, same_child=same_child) == impact


# child → its records; every record is "source:id".
CHILDREN = {
    "C1": ["kpai:K1"],  # KPAI child not in DTSEN
    "C2": ["dtsen:D1"],
    "C3": ["kpai:K2", "dtsen:D2"],  # KPAI child in DTSEN
    "C4": ["kpai:K3"],  # KPAI child not in DTSEN
    "C5": ["dtsen:D3"],
    "C6": ["dtsen:D4"],
    "C7": ["kpai:K4", "dtsen:D5"],
}
# (uid_l, uid_r, probability, decision, expected impact)
PAIRS = [
    ("dtsen:D3", "dtsen:D4", 0.89, "refused", "other"),
    ("kpai:K1", "kpai:K3", 0.85, "review", "kpai"),
    ("dtsen:D3", "kpai:K2", 0.80, "review", "kpai"),
    ("dtsen:D2", "kpai:K2", 0.70, "review", "inside"),  # inside C3: last
    ("dtsen:D1", "dtsen:D4", 0.65, "review", "other"),
    ("dtsen:D1", "kpai:K1", 0.60, "review", "gap"),
    ("dtsen:D2", "kpai:K3", 0.55, "review", "gap"),
]


def _run(store: Store) -> None:
    now = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    links = [
        ChildLink(uid.split(":")[0], uid.split(":")[1], child, None)
        for child, uids in CHILDREN.items()
        for uid in uids
    ]
    pairs = [(a, b, p, "model", decision) for a, b, p, decision, _ in PAIRS]
    pairs.append(("dtsen:D5", "kpai:K4", 0.95, "model", "link"))  # linked: not in the queue
    store.save_link_run(LinkRun(0, now, now, "m", 0.9, 0.5, 6, 6, []), links, pairs)


def test_review_queue_orders_by_impact_then_probability(store: Store) -> None:
    _run(store)
    queue = review_queue(store)
    expected = sorted(PAIRS, key=lambda p: (IMPACTS.index(p[4]), -p[2]))
    assert [(i.uid_a, i.uid_b, i.impact) for i in queue] == [
        (a, b, t) for a, b, _, _, t in expected
    ]
    assert [i.reason for i in queue[:2]] == ["review", "review"]
    assert [i.uid_a for i in review_queue(store, limit=2)] == ["dtsen:D1", "dtsen:D2"]


def test_review_waiting_inside_counts_the_pairs_of_one_child(store: Store) -> None:
    _run(store)
    run = store.latest_link_run()
    assert run is not None
    inside = [item for item in review_queue(store) if item.impact == "inside"]
    assert waiting_inside(store, run.id) == len(inside) == 1


def test_review_queue_leaves_out_decided_pairs_and_flags_unsure(store: Store) -> None:
    _run(store)
    decide(store, "kpai:K1", "dtsen:D1", "same", reviewer="rina", reason="KK sama")
    decide(store, "dtsen:D2", "kpai:K3", "unsure", reviewer="rina", reason="foto buram")
    decide(store, "kpai:K1", "kpai:K3", "different", reviewer="rina", reason="beda ibu")
    queue = review_queue(store)
    assert [(i.uid_a, i.uid_b, i.impact, i.unsure_before) for i in queue[:2]] == [
        ("dtsen:D2", "kpai:K3", "gap", True),
        ("dtsen:D3", "kpai:K2", "kpai", False),
    ]
    assert len(queue) == len(PAIRS) - 2


@pytest.mark.parametrize(
    ("a", "b", "pair"),
    [
        ("kpai:K1", "dtsen:D1", "kpai-dtsen"),
        ("dtsen:D1", "kpai:K1", "kpai-dtsen"),  # KPAI first, whichever side it is on
        ("kpai:K1", "kpai:K3", "kpai-kpai"),
        ("dtsen:D3", "dtsen:D4", "dtsen-dtsen"),
    ],
)
def test_review_source_pair_names_kpai_first(a: str, b: str, pair: str) -> None:
    assert source_pair(a, b) == pair


def test_review_page_counts_and_cuts_the_queue_into_pages(store: Store) -> None:
    _run(store)
    queue = review_queue(store)
    first = review_page(store, limit=3)
    assert (first.total, first.waiting, first.offset) == (len(PAIRS), len(PAIRS), 0)
    assert first.items == queue[:3]
    third = review_page(store, offset=6, limit=3)
    assert third.items == queue[6:]
    # Past the end (a decision emptied the last page): the last page, not an empty one.
    past = review_page(store, offset=30, limit=3)
    assert (past.offset, past.items) == (6, queue[6:])
    assert first.counts == {
        "pair": {"kpai-dtsen": 4, "kpai-kpai": 1, "dtsen-dtsen": 2},
        "impact": {"gap": 2, "kpai": 2, "other": 2, "inside": 1},
        "reason": {"review": 6, "refused": 1},
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ReviewFilter(pair="kpai-kpai"), [("kpai:K1", "kpai:K3")]),
        (ReviewFilter(pair="dtsen-dtsen"), [("dtsen:D3", "dtsen:D4"), ("dtsen:D1", "dtsen:D4")]),
        (ReviewFilter(impact="gap"), [("dtsen:D1", "kpai:K1"), ("dtsen:D2", "kpai:K3")]),
        (ReviewFilter(reason="refused"), [("dtsen:D3", "dtsen:D4")]),
        (ReviewFilter(pair="kpai-dtsen", impact="kpai"), [("dtsen:D3", "kpai:K2")]),
        (ReviewFilter(impact="inside"), [("dtsen:D2", "kpai:K2")]),
        (ReviewFilter(pair="kpai-kpai", reason="refused"), []),
        (ReviewFilter(regions=()), []),  # a regional account without a region sees none
    ],
)
def test_review_page_filters_by_source_pair_impact_and_reason(
    store: Store, filters: ReviewFilter, expected: list[tuple[str, str]]
) -> None:
    _run(store)
    page = review_page(store, filters)
    assert [(i.uid_a, i.uid_b) for i in page.items] == expected
    assert (page.total, page.waiting) == (len(expected), len(PAIRS))


@pytest.mark.parametrize(
    ("filters", "offset", "limit", "message"),
    [
        (ReviewFilter(pair="kpai-bpjs"), 0, 20, "pair='kpai-bpjs' is not one of"),
        (ReviewFilter(impact="big"), 0, 20, "impact='big' is not one of gap, kpai, other"),
        (ReviewFilter(reason="why"), 0, 20, "reason='why' is not one of review, refused"),
        (ReviewFilter(regions=("Jawa",)), 0, 20, "region='Jawa' is not a region code"),
        (ReviewFilter(), -1, 20, "offset -1 is negative"),
        (ReviewFilter(), 0, 0, "limit 0 is below 1"),
    ],
)
def test_review_page_refuses_a_filter_no_pair_can_match(
    store: Store, filters: ReviewFilter, offset: int, limit: int, message: str
) -> None:
    _run(store)
    with pytest.raises(InputError, match=message):
        review_page(store, filters, offset=offset, limit=limit)


def test_review_page_after_a_decision_the_next_pair_takes_its_place(store: Store) -> None:
    _run(store)
    before = review_page(store, offset=3, limit=3)
    gone = before.items[1]
    decide(store, gone.uid_a, gone.uid_b, "different", reviewer="rina", reason="beda ibu")
    after = review_page(store, offset=3, limit=3)
    assert after.items[1] == before.items[2]  # the same place on the same page
    assert after.total == before.total - 1
