"""Record linkage: find the same child across KPAI and DTSEN and within each (Splink + DuckDB).

The only package that imports Splink.
"""

from padan.linkage.evaluate import PairwiseMetrics, evaluate_clusters
from padan.linkage.explain import Explanation, Part, explain_pair
from padan.linkage.run import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    LinkResult,
    link_records,
)

__all__ = [
    "DEFAULT_LINK_THRESHOLD",
    "DEFAULT_REVIEW_THRESHOLD",
    "Explanation",
    "LinkResult",
    "PairwiseMetrics",
    "Part",
    "evaluate_clusters",
    "explain_pair",
    "link_records",
]
