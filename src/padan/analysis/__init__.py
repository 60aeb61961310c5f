"""Gap indicators, worklists and reports per region: aid "tepat sasaran dan terukur"."""

from padan.analysis.children import ReportInputs, indicator_keys
from padan.analysis.labels import indicator_labels
from padan.analysis.model import (
    BatchRef,
    Figure,
    GroupFigures,
    QualityRow,
    RegionFigures,
    RegionRef,
    Report,
    Snapshot,
    Worklist,
)
from padan.analysis.report import (
    build_report,
    compute_report,
    load_inputs,
    resolve_region,
    truth_links,
)
from padan.analysis.rules import ProgramRule, Rules, default_rules, load_rules
from padan.analysis.suppress import SUPPRESSED, suppress

__all__ = [
    "SUPPRESSED",
    "BatchRef",
    "Figure",
    "GroupFigures",
    "ProgramRule",
    "QualityRow",
    "RegionFigures",
    "RegionRef",
    "Report",
    "ReportInputs",
    "Rules",
    "Snapshot",
    "Worklist",
    "build_report",
    "compute_report",
    "default_rules",
    "indicator_keys",
    "indicator_labels",
    "load_inputs",
    "load_rules",
    "resolve_region",
    "suppress",
    "truth_links",
]
