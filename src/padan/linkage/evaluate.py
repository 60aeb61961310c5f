"""Pairwise and cluster-level accuracy of a clustering against known truth."""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from padan.errors import InputError
from padan.store import Store

__all__ = [
    "PairwiseMetrics",
    "WrongPair",
    "evaluate_clusters",
    "evaluate_run",
    "read_truth",
    "worst_errors",
]


@dataclass(frozen=True)
class PairwiseMetrics:
    """Pairwise precision, recall and F1 over all records, plus cluster-level exactness."""

    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    exact_clusters: int  # predicted clusters that equal a true entity
    true_entities: int
    kpai_in_dtsen: int = 0  # KPAI records whose child is truly in DTSEN
    kpai_found: int = 0  # ...of those, linked to a DTSEN record of that child
    kpai_linked: int = 0  # KPAI records linked to any DTSEN record
    kpai_linked_right: int = 0  # ...of those, linked to a DTSEN record of their own child

    # A share with nothing to measure (0/0) is ``None``, printed "n/a" and written as JSON
    # ``null``: no pairs predicted is no evidence of precision, no true pairs none of recall.

    @property
    def precision(self) -> float | None:
        """Share of predicted pairs that are true pairs; ``None`` when none were predicted."""
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else None

    @property
    def recall(self) -> float | None:
        """Share of true pairs that were predicted; ``None`` when the truth has none."""
        return self.correct_pairs / self.true_pairs if self.true_pairs else None

    @property
    def kpai_recall(self) -> float | None:
        """Share of KPAI children present in DTSEN that were found there (``None``: none are)."""
        return self.kpai_found / self.kpai_in_dtsen if self.kpai_in_dtsen else None

    @property
    def kpai_precision(self) -> float | None:
        """Share of KPAI records linked to DTSEN that were linked to their own child (``None``:
        none was linked)."""
        return self.kpai_linked_right / self.kpai_linked if self.kpai_linked else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall; ``None`` when either has nothing to measure."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def evaluate_clusters(predicted: dict[str, str], truth: dict[str, str]) -> PairwiseMetrics:
    """Compare ``predicted`` (record → cluster) with ``truth`` (record → entity).

    Records missing from either side are ignored, so both are evaluated on the same records.
    """
    common = predicted.keys() & truth.keys()
    clusters = Counter(predicted[r] for r in common)
    entities = Counter(truth[r] for r in common)
    both = Counter((predicted[r], truth[r]) for r in common)
    members: dict[str, set[str]] = {}
    for record in common:
        members.setdefault(predicted[record], set()).add(truth[record])
    exact = sum(
        1
        for c, ents in members.items()
        if len(ents) == 1 and clusters[c] == entities[next(iter(ents))]
    )
    dtsen_entities = {truth[r] for r in common if r.startswith("dtsen:")}
    dtsen_in_cluster: dict[str, set[str]] = {}
    for record in common:
        if record.startswith("dtsen:"):
            dtsen_in_cluster.setdefault(predicted[record], set()).add(truth[record])
    kpai = [r for r in common if r.startswith("kpai:")]
    in_dtsen = [r for r in kpai if truth[r] in dtsen_entities]
    linked = [r for r in kpai if predicted[r] in dtsen_in_cluster]
    return PairwiseMetrics(
        kpai_in_dtsen=len(in_dtsen),
        kpai_found=sum(truth[r] in dtsen_in_cluster.get(predicted[r], ()) for r in in_dtsen),
        kpai_linked=len(linked),
        kpai_linked_right=sum(truth[r] in dtsen_in_cluster[predicted[r]] for r in linked),
        records=len(common),
        true_pairs=sum(_pairs(n) for n in entities.values()),
        predicted_pairs=sum(_pairs(n) for n in clusters.values()),
        correct_pairs=sum(_pairs(n) for n in both.values()),
        exact_clusters=exact,
        true_entities=len(entities),
    )


def read_truth(path: Path) -> dict[str, str]:
    """Known truth from CSV ``source,source_id,person_id`` as record (``source:id``) → entity.

    Raises :class:`InputError` for a missing file or missing columns.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return {
                f"{r['source']}:{r['source_id']}": r["person_id"] for r in csv.DictReader(handle)
            }
    except OSError as exc:
        raise InputError(f"{path}: cannot read the truth file ({exc.strerror})") from exc
    except KeyError as exc:
        raise InputError(
            f"{path}: column {exc} missing; the truth file needs source,source_id,person_id"
        ) from exc


def evaluate_run(store: Store, run_id: int, truth: dict[str, str]) -> PairwiseMetrics:
    """Accuracy of a stored linkage run against ``truth`` (see :func:`read_truth`)."""
    links = store.child_links(run_id)
    return evaluate_clusters({f"{x.source}:{x.source_id}": x.child_id for x in links}, truth)


@dataclass(frozen=True)
class WrongPair:
    """A pair the run got wrong: linked but not one child, or one child but not linked."""

    uid_a: str
    uid_b: str
    probability: float | None  # None: the pair scored below the review threshold or unblocked
    decision: str  # link | review | refused | unscored


def worst_errors(
    store: Store, run_id: int, truth: dict[str, str], *, limit: int = 10
) -> tuple[list[WrongPair], list[WrongPair]]:
    """The ``limit`` most confident false links and the ``limit`` closest misses of a run.

    False links are pairs in one predicted child with different true entities; misses are pairs
    of one true entity in different children. Both are ordered by match probability (unscored
    misses last), so the first ones show what most needs a look.
    """
    scored = {(a, b): (p, d) for a, b, p, _, d in store.link_pairs(run_id)}
    predicted = store.child_of(run_id)
    entities = {record: e for record, e in truth.items() if record in predicted}

    def wrong_pairs(groups: dict[str, list[str]], apart: dict[str, str]) -> list[WrongPair]:
        found = [
            WrongPair(a, b, *scored.get((a, b), (None, "unscored")))
            for members in groups.values()
            for a, b in itertools.combinations(sorted(members), 2)
            if a in apart and b in apart and apart[a] != apart[b]
        ]
        return sorted(found, key=_most_confident_first)[:limit]

    return wrong_pairs(_group(predicted), entities), wrong_pairs(_group(entities), predicted)


def _most_confident_first(pair: WrongPair) -> tuple[float, str, str]:
    return (1.0 if pair.probability is None else -pair.probability, pair.uid_a, pair.uid_b)


def _group(assignment: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for record, group in assignment.items():
        groups.setdefault(group, []).append(record)
    return groups
