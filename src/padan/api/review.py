"""The review queue of doubtful child pairs and reviewers' decisions, on one store."""

from __future__ import annotations

from padan.registry import ChildEvidence, ReviewItem, child_evidence, decide, review_queue
from padan.store import ReviewDecision, Store

__all__ = ["ReviewDesk"]


class ReviewDesk:
    """``Padan(...).review``: what waits for a person, and their decisions.

    A decision is respected by the next linkage run: "same" links the two records, "different"
    keeps them apart, "unsure" leaves the pair in the queue, flagged.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def queue(self, *, limit: int | None = 50) -> list[ReviewItem]:
        """Pairs of the latest run waiting for review: first those whose decision changes a gap
        indicator, then those that change a KPAI child, then the rest; most likely first."""
        return review_queue(self._store, limit=limit)

    def decide(
        self, record_a: str, record_b: str, decision: str, *, reviewer: str, reason: str
    ) -> ReviewDecision:
        """Record ``decision`` (``same``, ``different`` or ``unsure``) on two records
        (``kpai:KPAI/2024/000123``, ``dtsen:DT000000042``). Raises
        :class:`~padan.errors.InputError` for an unknown decision or record, or without a
        reviewer or reason."""
        return decide(self._store, record_a, record_b, decision, reviewer=reviewer, reason=reason)

    def evidence(self, child_id: str) -> ChildEvidence:
        """Why a child's records belong together: the pairs that link them. Raises
        :class:`~padan.errors.InputError` for a child the latest run does not have."""
        return child_evidence(self._store, child_id)
