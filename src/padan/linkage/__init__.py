"""Record linkage: find the same child across KPAI and DTSEN and within each (Splink + DuckDB).

The only package that imports Splink.
"""

from padan.linkage.evaluate import PairwiseMetrics, evaluate_clusters
from padan.linkage.run import LinkResult, link_and_save, link_records

__all__ = [
    "LinkResult",
    "PairwiseMetrics",
    "evaluate_clusters",
    "link_and_save",
    "link_records",
]
