"""The review queue: doubtful pairs and pairs the chaining guard refused, and the decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from padan.errors import InputError
from padan.store import ReviewDecision, Store
from padan.store.children import child_sources, children_of, records_by_uid, review_pairs

__all__ = [
    "DECISIONS",
    "IMPACTS",
    "REASONS",
    "SOURCE_PAIRS",
    "ChildEvidence",
    "ReviewFilter",
    "ReviewItem",
    "ReviewPage",
    "child_evidence",
    "decide",
    "pair_impact",
    "review_page",
    "review_queue",
    "source_pair",
    "waiting_inside",
]

DECISIONS = ("same", "different", "unsure")

#: What deciding a pair can change, in queue order: ``gap`` (a KPAI child without a DTSEN record
#: would be found in DTSEN: the gap indicators move), ``kpai`` (two KPAI children merge, or a KPAI
#: child's DTSEN attributes or records change), ``other`` (no KPAI child involved, e.g. one
#: person registered twice in DTSEN), ``inside`` (the two records are one child already, through
#: other links: "same" changes nothing, only "different" would split the child). Inside pairs
#: come last: on the dense million 1,155 of 1,189 were one child, on a corpus written outside
#: the project all 99 (docs/benchmarks.md).
IMPACTS = ("gap", "kpai", "other", "inside")

#: Why a pair waits: ``review`` (the model is between its thresholds) or ``refused`` (the guard
#: stopped a merge the score alone would have made).
REASONS = ("review", "refused")

#: The sources of a pair's two records, KPAI first: a complaint against the registry, two
#: complaints, two registry entries.
SOURCE_PAIRS = ("kpai-dtsen", "kpai-kpai", "dtsen-dtsen")


@dataclass(frozen=True)
class ReviewItem:
    """A pair waiting for a person: why it is here and how likely the model thinks it is."""

    uid_a: str
    uid_b: str
    match_probability: float
    reason: str  # review (between the thresholds) | refused (the guard stopped the merge)
    unsure_before: bool
    impact: str = "other"  # one of IMPACTS: what a decision on this pair changes


def pair_impact(
    sources_a: frozenset[str] | set[str], sources_b: frozenset[str] | set[str], *, same_child: bool
) -> str:
    """What deciding a pair changes, from the sources of the two records' children (of IMPACTS).

    ``inside`` when both records are in one child already (only "different" would change it,
    by splitting the child); ``gap`` when "same" would join a KPAI child that has no DTSEN
    record to a child that has one; ``kpai`` when a KPAI child is otherwise involved (two KPAI
    children merge, a KPAI child gains DTSEN records); else ``other``.
    """
    if same_child:
        return "inside"
    kpai_a, kpai_b = "kpai" in sources_a, "kpai" in sources_b
    if (kpai_a and "dtsen" not in sources_a and "dtsen" in sources_b) or (
        kpai_b and "dtsen" not in sources_b and "dtsen" in sources_a
    ):
        return "gap"
    return "kpai" if kpai_a or kpai_b else "other"


def review_queue(store: Store, *, limit: int | None = None) -> list[ReviewItem]:
    """Pairs of the latest run waiting for review, ordered by what a decision changes.

    First the pairs whose "same" would find a KPAI child in DTSEN (``impact == "gap"``), then
    those that change a KPAI child otherwise (``kpai``), then the rest (``other``), and last
    the pairs inside one child already (``inside``); within each, most likely matches first.
    Pairs already decided "same" or "different" are left out; "unsure" ones stay, flagged.
    """
    run = store.latest_link_run()
    if run is None:
        return []
    decided = {(d.uid_a, d.uid_b): d.decision for d in store.review_decisions()}
    waiting = [
        (a, b, p, decision)
        for a, b, p, decision in review_pairs(store, run.id)
        if decided.get((a, b)) in (None, "unsure")
    ]
    child_of = children_of(store, run.id, sorted({u for a, b, _, _ in waiting for u in (a, b)}))
    sources = child_sources(store, run.id, list(set(child_of.values())))
    none: frozenset[str] = frozenset()
    items = [
        ReviewItem(
            a,
            b,
            p,
            decision,
            decided.get((a, b)) == "unsure",
            pair_impact(
                sources.get(child_of.get(a, ""), none),
                sources.get(child_of.get(b, ""), none),
                same_child=_one_child(child_of, a, b),
            ),
        )
        for a, b, p, decision in waiting
    ]
    # review_pairs gives the most likely first; a stable sort keeps that within each tier.
    items.sort(key=lambda item: IMPACTS.index(item.impact))
    return items[:limit] if limit is not None else items


def waiting_inside(store: Store, run_id: int) -> int:
    """How many of run ``run_id``'s pairs for review (or refused) join two records that are
    one child already (``impact == "inside"``): "same" changes nothing there."""
    waiting = review_pairs(store, run_id)
    child_of = children_of(store, run_id, sorted({u for a, b, _, _ in waiting for u in (a, b)}))
    return sum(1 for a, b, _, _ in waiting if _one_child(child_of, a, b))


def _one_child(child_of: dict[str, str], a: str, b: str) -> bool:
    """Both records in one child of ``child_of`` (a record the run lacks is in none)."""
    return a in child_of and child_of[a] == child_of.get(b)


def source_pair(uid_a: str, uid_b: str) -> str:
    """``kpai-dtsen``, ``kpai-kpai`` or ``dtsen-dtsen`` (of SOURCE_PAIRS) for two references."""
    sources = sorted(
        (uid_a.partition(":")[0], uid_b.partition(":")[0]),
        key=lambda s: (s != "kpai", s),
    )
    return "-".join(sources)


@dataclass(frozen=True)
class ReviewFilter:
    """Which waiting pairs to show; ``None`` keeps every value of a field."""

    #: Dotted region codes: pairs with a record in one of them, e.g. ("31.74",); None:
    #: everywhere, (): nowhere (a regional account without a region).
    regions: tuple[str, ...] | None = None
    pair: str | None = None  # of SOURCE_PAIRS
    impact: str | None = None  # of IMPACTS
    reason: str | None = None  # of REASONS

    def check(self) -> None:
        """Raise :class:`InputError` for a value no pair can have."""
        for name, value, allowed in (
            ("pair", self.pair, SOURCE_PAIRS),
            ("impact", self.impact, IMPACTS),
            ("reason", self.reason, REASONS),
        ):
            if value is not None and value not in allowed:
                raise InputError(
                    f"review filter {name}={value!r} is not one of {', '.join(allowed)}"
                )
        for region in self.regions or ():
            if not all(part.isdigit() for part in region.split(".")):
                raise InputError(
                    f"review filter region={region!r} is not a region code; "
                    "use a dotted Kemendagri code such as 31 or 31.74"
                )


@dataclass(frozen=True)
class ReviewPage:
    """One page of the filtered queue, with the counts a reader needs to find their way."""

    items: list[ReviewItem]
    total: int  # pairs matching the filter
    offset: int  # of the first item, in the filtered queue
    limit: int
    waiting: int  # pairs in the whole queue, before the filter
    counts: dict[str, dict[str, int]]  # pair / impact / reason -> value -> pairs (whole queue)
    regions: dict[str, tuple[str | None, str | None]]  # record pair's region codes, by "a b"


def _in_regions(code: str | None, regions: tuple[str, ...]) -> bool:
    return code is not None and any(code == r or code.startswith(r + ".") for r in regions)


def review_page(
    store: Store, filters: ReviewFilter | None = None, *, offset: int = 0, limit: int = 20
) -> ReviewPage:
    """The queue of :func:`review_queue`, filtered and cut into pages of ``limit`` pairs.

    An offset past the end gives the last page (a decision may have emptied the page a
    reader was on). Raises :class:`InputError` for a filter no pair can match, a negative
    offset or a limit below 1.
    """
    filters = filters or ReviewFilter()
    filters.check()
    if offset < 0:
        raise InputError(f"review offset {offset} is negative; the first page is offset=0")
    if limit < 1:
        raise InputError(f"review limit {limit} is below 1; a page holds at least one pair")
    queue = review_queue(store)
    uids = sorted({u for item in queue for u in (item.uid_a, item.uid_b)})
    codes = {
        uid: record.get("kode_wilayah")
        for uid, record in records_by_uid(store, uids, columns=["kode_wilayah"]).items()
    }
    counts: dict[str, dict[str, int]] = {
        "pair": dict.fromkeys(SOURCE_PAIRS, 0),
        "impact": dict.fromkeys(IMPACTS, 0),
        "reason": dict.fromkeys(REASONS, 0),
    }
    chosen = []
    for item in queue:
        pair = source_pair(item.uid_a, item.uid_b)
        counts["pair"][pair] = counts["pair"].get(pair, 0) + 1
        counts["impact"][item.impact] += 1
        counts["reason"][item.reason] = counts["reason"].get(item.reason, 0) + 1
        if (
            (filters.pair is None or pair == filters.pair)
            and (filters.impact is None or item.impact == filters.impact)
            and (filters.reason is None or item.reason == filters.reason)
            and (
                filters.regions is None
                or _in_regions(codes.get(item.uid_a), filters.regions)
                or _in_regions(codes.get(item.uid_b), filters.regions)
            )
        ):
            chosen.append(item)
    if offset >= len(chosen) > 0:
        offset = (len(chosen) - 1) // limit * limit
    items = chosen[offset : offset + limit]
    return ReviewPage(
        items,
        len(chosen),
        offset,
        limit,
        len(queue),
        counts,
        {f"{i.uid_a} {i.uid_b}": (codes.get(i.uid_a), codes.get(i.uid_b)) for i in items},
    )


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
    made = ReviewDecision(
        uid_a, uid_b, decision, reviewer.strip(), reason.strip(), dt.datetime.now(dt.UTC)
    )
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
