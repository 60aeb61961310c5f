"""Pairwise and cluster-level accuracy of a clustering against known truth."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from padan.errors import InputError
from padan.store import Store

__all__ = ["PairwiseMetrics", "evaluate_clusters", "evaluate_run", "read_truth"]


@dataclass(frozen=True)
class PairwiseMetrics:
    """Pairwise precision, recall and F1 over all records, plus cluster-level exactness."""

    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    exact_clusters: int  # predicted clusters that equal a true entity
    true_entities: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
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
    return PairwiseMetrics(
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
