"""Deduplication of the registry: the same institution reported by both agencies, or twice.

Pairs scored by :func:`padan.linkage.institutions.score_institution_pairs` at or above the link
threshold are merged (strongest first, as for children); pairs between the thresholds wait for
review. Decisions go to the same review-decision table as children's pairs, with references
``lembaga:ID``; "same" links a pair whatever the model says, "different" keeps it apart.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from padan.errors import InputError
from padan.institutions.registry import get_institution
from padan.linkage.cluster import Node, cluster_pairs
from padan.linkage.institutions import InstitutionRow, score_institution_pairs
from padan.registry.review import DECISIONS
from padan.store import DedupRun, InstitutionStore, ReviewDecision, Store

__all__ = [
    "DEFAULT_DEDUP_LINK",
    "DEFAULT_DEDUP_REVIEW",
    "DedupSummary",
    "InstitutionReviewItem",
    "PairCounts",
    "decide_institutions",
    "dedup_institutions",
    "evaluate_dedup",
    "institution_review_queue",
    "read_lembaga_truth",
]

DEFAULT_DEDUP_LINK = 0.9
DEFAULT_DEDUP_REVIEW = 0.2
_PREFIX = "lembaga:"


@dataclass(frozen=True)
class DedupSummary:
    """What a deduplication run found."""

    run_id: int
    records: int
    institutions: int  # after merging duplicates
    linked_pairs: int
    review_pairs: int
    groups: list[list[str]]  # groups of two or more records


@dataclass(frozen=True)
class InstitutionReviewItem:
    """A doubtful pair of institution records waiting for a person."""

    id_a: str
    id_b: str
    match_probability: float
    reason: str  # review | refused
    unsure_before: bool


def dedup_institutions(
    store: Store,
    *,
    link_threshold: float = DEFAULT_DEDUP_LINK,
    review_threshold: float = DEFAULT_DEDUP_REVIEW,
) -> DedupSummary:
    """Score every pair of registered institutions, merge duplicates and store the run.

    Raises :class:`InputError` unless 0 < review_threshold <= link_threshold <= 1.
    """
    if not 0 < review_threshold <= link_threshold <= 1:
        raise InputError(
            f"thresholds must satisfy 0 < review ({review_threshold}) <= link "
            f"({link_threshold}) <= 1"
        )
    started = dt.datetime.now(dt.UTC)
    registry = InstitutionStore(store)
    records = registry.institutions()
    rows = [
        InstitutionRow(r.id_lembaga, r.nama_lembaga, r.jenis, r.kode_wilayah, r.alamat)
        for r in records
    ]
    scored = score_institution_pairs(rows, threshold=review_threshold)
    known = {r.id_lembaga for r in records}
    same, different = _decisions(store, known)
    pairs = {(a, b): p for a, b, p in scored}
    for a, b in same:
        pairs.setdefault((a, b), 1.0)
    clusters = cluster_pairs(
        {uid: Node(None) for uid in known},
        ((a, b, 2.0 if (a, b) in same else p) for (a, b), p in pairs.items()),
        threshold=link_threshold,
        cannot_link=different,
    )
    refused = {(a, b) for a, b, _ in clusters.refused}
    decided = [
        (
            a,
            b,
            p,
            "refused"
            if (a, b) in refused
            else "link"
            if p >= link_threshold or (a, b) in same
            else "review",
        )
        for (a, b), p in sorted(pairs.items())
    ]
    groups = sorted(sorted(g) for g in clusters.members().values())
    # The representative id of each group: its smallest id (stable from run to run).
    root = {uid: group[0] for group in groups for uid in group}
    run = DedupRun(
        0,
        started,
        dt.datetime.now(dt.UTC),
        link_threshold,
        review_threshold,
        len(known),
        len(groups),
    )
    run_id = registry.save_dedup_run(run, decided, root)
    return DedupSummary(
        run_id,
        len(known),
        len(groups),
        sum(d[3] == "link" for d in decided),
        sum(d[3] != "link" for d in decided),
        [g for g in groups if len(g) > 1],
    )


def institution_review_queue(store: Store) -> list[InstitutionReviewItem]:
    """Pairs of the latest run waiting for review, most likely first ("unsure" ones stay)."""
    registry = InstitutionStore(store)
    run = registry.latest_dedup_run()
    if run is None:
        return []
    decided = {
        (d.uid_a.removeprefix(_PREFIX), d.uid_b.removeprefix(_PREFIX)): d.decision
        for d in store.review_decisions()
        if d.uid_a.startswith(_PREFIX)
    }
    return [
        InstitutionReviewItem(a, b, p, decision, decided.get((a, b)) == "unsure")
        for a, b, p, decision in registry.dedup_pairs(run.id)
        if decision in ("review", "refused") and decided.get((a, b)) in (None, "unsure")
    ]


def decide_institutions(
    store: Store, id_a: str, id_b: str, decision: str, *, reviewer: str, reason: str
) -> ReviewDecision:
    """Record whether two institution records are the same institution.

    The next :func:`dedup_institutions` respects it. Raises :class:`InputError` for an unknown
    decision or institution, the same id twice, or a missing reviewer or reason.
    """
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if not reviewer.strip() or not reason.strip():
        raise InputError("a decision needs the reviewer's name and a reason (--reviewer, --reason)")
    a, b = sorted((id_a.strip(), id_b.strip()))
    if a == b:
        raise InputError(f"both ids are {a}; give two different institutions")
    for uid in (a, b):
        get_institution(store, uid)
    made = ReviewDecision(
        _PREFIX + a,
        _PREFIX + b,
        decision,
        reviewer.strip(),
        reason.strip(),
        dt.datetime.now(dt.UTC),
    )
    store.add_review_decision(made)
    return made


def _decisions(store: Store, known: set[str]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    same: set[tuple[str, str]] = set()
    different: set[tuple[str, str]] = set()
    for d in store.review_decisions():
        if not d.uid_a.startswith(_PREFIX):
            continue
        pair = (d.uid_a.removeprefix(_PREFIX), d.uid_b.removeprefix(_PREFIX))
        if not set(pair) <= known:
            continue
        if d.decision == "same":
            same.add(pair)
        elif d.decision == "different":
            different.add(pair)
    return same, different


@dataclass(frozen=True)
class PairCounts:
    """Pairwise accuracy of the latest deduplication run against known truth."""

    true_pairs: int
    merged_pairs: int
    correct_pairs: int
    review_true_pairs: int  # true pairs not merged but waiting in the review queue

    @property
    def precision(self) -> float | None:
        """Share of merged pairs that are true pairs; ``None`` (0/0) when nothing was merged."""
        return self.correct_pairs / self.merged_pairs if self.merged_pairs else None

    @property
    def recall(self) -> float | None:
        """Share of true pairs that were merged; ``None`` (0/0) when there are no duplicates."""
        return self.correct_pairs / self.true_pairs if self.true_pairs else None


def read_lembaga_truth(path: Path) -> dict[str, str]:
    """``id_lembaga → institution_id`` from a truth file (``padan synth`` writes one).

    Raises :class:`InputError` for an unreadable file or missing columns.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from exc
    if rows and not {"id_lembaga", "institution_id"} <= set(rows[0]):
        raise InputError(f"{path}: needs the columns id_lembaga and institution_id")
    return {r["id_lembaga"]: r["institution_id"] for r in rows}


def evaluate_dedup(store: Store, truth: Mapping[str, str]) -> PairCounts:
    """Compare the latest run's merged pairs with ``truth`` (records of the run only).

    Raises :class:`InputError` when no deduplication run is stored.
    """
    registry = InstitutionStore(store)
    run = registry.latest_dedup_run()
    if run is None:
        raise InputError("no deduplication run yet; run padan institutions dedup first")
    clusters = registry.dedup_clusters(run.id)
    known = {uid: entity for uid, entity in truth.items() if uid in clusters}
    true_pairs, merged = _pairs(known), _pairs(clusters)
    review = {(a, b) for a, b, _, decision in registry.dedup_pairs(run.id) if decision != "link"}
    return PairCounts(
        len(true_pairs), len(merged), len(true_pairs & merged), len((true_pairs - merged) & review)
    )


def _pairs(groups: Mapping[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for uid, group in groups.items():
        members.setdefault(group, []).append(uid)
    return {(a, b) for ids in members.values() for a, b in itertools.combinations(sorted(ids), 2)}
