"""The master child index: stable child ids across runs, their history, and review decisions."""

from padan.registry.ids import assign_child_ids
from padan.registry.review import (
    IMPACTS,
    REASONS,
    SOURCE_PAIRS,
    ChildEvidence,
    ReviewFilter,
    ReviewItem,
    ReviewPage,
    child_evidence,
    decide,
    pair_impact,
    review_page,
    review_queue,
    source_pair,
)
from padan.registry.runs import RunSummary, run_linkage

__all__ = [
    "IMPACTS",
    "REASONS",
    "SOURCE_PAIRS",
    "ChildEvidence",
    "ReviewFilter",
    "ReviewItem",
    "ReviewPage",
    "RunSummary",
    "assign_child_ids",
    "child_evidence",
    "decide",
    "pair_impact",
    "review_page",
    "review_queue",
    "run_linkage",
    "source_pair",
]
