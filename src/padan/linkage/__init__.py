"""Record linkage: find the same child across KPAI and DTSEN and within each (Splink + DuckDB).

The only package that imports Splink.
"""

# Importing the Spark module registers its engine (pyspark loads only when it is opened).
from padan.linkage import spark as _spark  # noqa: F401
from padan.linkage.encoded import ENCODED_MODEL_KIND, link_encoded
from padan.linkage.engine import ENGINES, LinkEngine, engine_from_settings, open_engine
from padan.linkage.evaluate import (
    PairwiseMetrics,
    WrongPair,
    evaluate_clusters,
    evaluate_run,
    read_truth,
    worst_errors,
)
from padan.linkage.explain import Explanation, Part, explain_pair, explain_pairs
from padan.linkage.frequencies import frequencies_path
from padan.linkage.person_sources import linked_sources
from padan.linkage.run import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    LinkResult,
    link_records,
)

__all__ = [
    "DEFAULT_LINK_THRESHOLD",
    "DEFAULT_REVIEW_THRESHOLD",
    "ENCODED_MODEL_KIND",
    "ENGINES",
    "Explanation",
    "LinkEngine",
    "LinkResult",
    "PairwiseMetrics",
    "Part",
    "WrongPair",
    "engine_from_settings",
    "evaluate_clusters",
    "evaluate_run",
    "explain_pair",
    "explain_pairs",
    "frequencies_path",
    "link_encoded",
    "link_records",
    "linked_sources",
    "open_engine",
    "read_truth",
    "worst_errors",
]
