"""The review queue is ordered by what a decision changes, then by probability."""

from __future__ import annotations

import datetime as dt

import pytest

from padan.registry import IMPACTS, decide, pair_impact, review_queue
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
        (KD, KD, True, "kpai"),  # inside one KPAI child: "different" could split it
        (D, D, True, "other"),
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
    ("dtsen:D2", "kpai:K2", 0.70, "review", "kpai"),  # inside C3
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
