"""The master child index: stable child ids across runs, their history, and review decisions."""

from padan.registry.ids import assign_child_ids
from padan.registry.review import decide, review_queue
from padan.registry.runs import RunSummary, run_linkage

__all__ = ["RunSummary", "assign_child_ids", "decide", "review_queue", "run_linkage"]
