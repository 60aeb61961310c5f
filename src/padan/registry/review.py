"""The review queue: doubtful pairs and pairs the chaining guard refused, and the decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from padan.errors import InputError
from padan.store import ReviewDecision, Store

__all__ = ["DECISIONS", "ChildEvidence", "ReviewItem", "child_evidence", "decide", "review_queue"]

DECISIONS = ("same", "different", "unsure")


@dataclass(frozen=True)
class ReviewItem:
    """A pair waiting for a person: why it is here and how likely the model thinks it is."""

    uid_a: str
    uid_b: str
    match_probability: float
    reason: str  # review (between the thresholds) | refused (the guard stopped the merge)
    unsure_before: bool


def review_queue(store: Store, *, limit: int | None = None) -> list[ReviewItem]:
    """Pairs of the latest run waiting for review, most likely matches first.

    Pairs already decided "same" or "different" are left out; "unsure" ones stay, flagged.
    """
    run = store.latest_link_run()
    if run is None:
        return []
    decided = {(d.uid_a, d.uid_b): d.decision for d in store.review_decisions()}
    items = [
        ReviewItem(a, b, p, decision, decided.get((a, b)) == "unsure")
        for a, b, p, _, decision in store.link_pairs(run.id)
        if decision in ("review", "refused") and decided.get((a, b)) in (None, "unsure")
    ]
    return items[:limit] if limit is not None else items


def decide(
    store: Store, record_a: str, record_b: str, decision: str, *, reviewer: str, reason: str
) -> ReviewDecision:
    """Record a reviewer's decision on two records (``source:source_id`` references).

    Later runs respect it: "same" links the records, "different" keeps them apart.
    Raises :class:`InputError` for an unknown decision, a missing reviewer or reason, the same
    record twice, or a record the latest run does not know.
    """
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if not reviewer.strip() or not reason.strip():
        raise InputError("a decision needs the reviewer's name and a reason (--reviewer, --reason)")
    uid_a, uid_b = sorted((record_a.strip(), record_b.strip()))
    if uid_a == uid_b:
        raise InputError(f"both references are {uid_a}; give two different records")
    run = store.latest_link_run()
    known = {f"{x.source}:{x.source_id}" for x in store.child_links(run.id)} if run else set()
    for uid in (uid_a, uid_b):
        if uid not in known:
            raise InputError(
                f"record {uid!r} is not in the latest linkage run; references look like "
                "kpai:KPAI/2024/000123 or dtsen:DT000000042 (see padan export clusters)"
            )
    made = ReviewDecision(uid_a, uid_b, decision, reviewer.strip(), reason.strip(),
                          dt.datetime.now(dt.UTC))  # fmt: skip
    store.add_review_decision(made)
    return made


@dataclass(frozen=True)
class ChildEvidence:
    """A child of the latest run: its records and every scored pair among or around them."""

    child_id: str
    records: list[str]
    pairs: list[tuple[str, str, float, str, str]]  # a, b, probability, rule, decision


def child_evidence(store: Store, child_id: str) -> ChildEvidence:
    """Why these records form one child: the pairs that link them and those left for review.

    Raises :class:`InputError` when the latest run has no such child.
    """
    run = store.latest_link_run()
    links = store.child_links(run.id) if run else []
    records = sorted(f"{x.source}:{x.source_id}" for x in links if x.child_id == child_id)
    if run is None or not records:
        raise InputError(
            f"no child {child_id!r} in the latest linkage run (see padan export clusters)"
        )
    members = set(records)
    pairs = [p for p in store.link_pairs(run.id) if p[0] in members or p[1] in members]
    return ChildEvidence(child_id, records, pairs)
