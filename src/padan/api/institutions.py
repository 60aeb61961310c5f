"""The institution registry (LKSA, daycares, safe houses, ...) on one store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from padan.institutions import (
    DEFAULT_DEDUP_LINK,
    DEFAULT_DEDUP_REVIEW,
    DedupSummary,
    InstitutionReviewItem,
    PairCounts,
    RegionIndicators,
    RiskAssessment,
    SyncSummary,
    decide_institutions,
    dedup_institutions,
    evaluate_dedup,
    get_institution,
    institution_history,
    institution_review_queue,
    list_institutions,
    read_lembaga_truth,
    region_indicators,
    sync_from_extract,
    worklist,
)
from padan.store import HistoryEntry, InstitutionRecord, ReviewDecision, Store

__all__ = ["InstitutionDesk"]


class InstitutionDesk:
    """``Padan(...).institutions``: the registry, its duplicates and the risk worklist.

    Reading methods first take over the current ``lembaga`` extract (:meth:`sync`, idempotent),
    as the ``padan institutions`` commands do.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def sync(self, *, by: str = "padan") -> SyncSummary:
        """Take the current ``lembaga`` extract into the registry (new and changed fields)."""
        return sync_from_extract(self._store, by=by)

    def registered(
        self, *, region: str | None = None, jenis: Sequence[str] | None = None
    ) -> list[InstitutionRecord]:
        """Registered institutions, optionally within a region (any level) and of some types."""
        self.sync()
        return list_institutions(self._store, region=region, jenis=jenis)

    def get(self, id_lembaga: str) -> InstitutionRecord:
        """One institution; raises :class:`~padan.errors.InputError` for an unknown id."""
        self.sync()
        return get_institution(self._store, id_lembaga)

    def history(self, id_lembaga: str) -> list[HistoryEntry]:
        """Every change of one institution's fields, oldest first."""
        return institution_history(self._store, id_lembaga)

    def dedup(
        self,
        *,
        link_threshold: float = DEFAULT_DEDUP_LINK,
        review_threshold: float = DEFAULT_DEDUP_REVIEW,
    ) -> DedupSummary:
        """Score every pair of registered institutions, merge duplicates, store the run."""
        return dedup_institutions(
            self._store, link_threshold=link_threshold, review_threshold=review_threshold
        )

    def evaluate_dedup(self, truth: Path | Mapping[str, str]) -> PairCounts:
        """Pairwise precision and recall of the latest dedup run against truth (a
        ``lembaga_truth.csv`` file or ``id_lembaga → institution`` mapping)."""
        known = read_lembaga_truth(truth) if isinstance(truth, Path) else truth
        return evaluate_dedup(self._store, known)

    def review_queue(self) -> list[InstitutionReviewItem]:
        """Doubtful duplicate pairs waiting for a person."""
        return institution_review_queue(self._store)

    def decide(
        self, id_a: str, id_b: str, decision: str, *, reviewer: str, reason: str
    ) -> ReviewDecision:
        """Record whether two institution records are one institution (next dedup respects
        it)."""
        return decide_institutions(
            self._store, id_a, id_b, decision, reviewer=reviewer, reason=reason
        )

    def worklist(
        self, *, region: str | None = None, today: dt.date | None = None, limit: int | None = None
    ) -> list[RiskAssessment]:
        """Institutions ranked for inspection, highest risk score first."""
        self.sync()
        return worklist(self._store, region=region, today=today, limit=limit)

    def indicators(
        self, *, level: str = "regency", region: str | None = None, today: dt.date | None = None
    ) -> list[RegionIndicators]:
        """Institution indicators per province or regency (``level``)."""
        self.sync()
        return region_indicators(self._store, level=level, region=region, today=today)
