"""The master child index: stable child ids across runs, their history, and review decisions."""

from padan.registry.ids import assign_child_ids
from padan.registry.review import (
    IMPACTS,
    ChildEvidence,
    ReviewItem,
    child_evidence,
    decide,
    pair_impact,
    review_queue,
)
from padan.registry.runs import RunSummary, run_linkage

__all__ = [
    "IMPACTS",
    "ChildEvidence",
    "ReviewItem",
    "RunSummary",
    "assign_child_ids",
    "child_evidence",
    "decide",
    "pair_impact",
    "review_queue",
    "run_linkage",
]
