"""Institutions: register and supervise LKSA, daycares, safe houses, RPSA and UPTD PPA.

Registry with history (:mod:`.registry`), checklists shipped as data (:mod:`.checklists`),
inspections with findings and corrective actions (:mod:`.inspections`), deduplication across
agencies (:mod:`.dedup`), a transparent risk score and worklist (:mod:`.risk`) and indicators
per region (:mod:`.indicators`). The web app and the reports call these functions.
"""

from padan.institutions.checklists import (
    SEVERITIES,
    Checklist,
    ChecklistItem,
    checklist_for,
    checklists,
    get_checklist,
    load_checklist,
)
from padan.institutions.dedup import (
    DEFAULT_DEDUP_LINK,
    DEFAULT_DEDUP_REVIEW,
    DedupSummary,
    InstitutionReviewItem,
    PairCounts,
    decide_institutions,
    dedup_institutions,
    evaluate_dedup,
    institution_review_queue,
    read_lembaga_truth,
)
from padan.institutions.facts import InstitutionFacts, gather_facts
from padan.institutions.fields import (
    ACCREDITATION_YEARS,
    accreditation_expiry,
    accreditation_valid,
    validate_fields,
)
from padan.institutions.indicators import RegionIndicators, region_indicators
from padan.institutions.inspections import (
    FOLLOW_UP_STATUSES,
    RecordedInspection,
    follow_up,
    list_inspections,
    read_inspection_file,
    record_inspection,
)
from padan.institutions.registry import (
    SyncSummary,
    create_institution,
    get_institution,
    institution_history,
    link_complaint,
    list_institutions,
    sync_from_extract,
    update_institution,
)
from padan.institutions.risk import RiskAssessment, RiskPoint, RiskPolicy, assess, worklist

__all__ = [
    "ACCREDITATION_YEARS",
    "DEFAULT_DEDUP_LINK",
    "DEFAULT_DEDUP_REVIEW",
    "FOLLOW_UP_STATUSES",
    "SEVERITIES",
    "Checklist",
    "ChecklistItem",
    "DedupSummary",
    "InstitutionFacts",
    "InstitutionReviewItem",
    "PairCounts",
    "RecordedInspection",
    "RegionIndicators",
    "RiskAssessment",
    "RiskPoint",
    "RiskPolicy",
    "SyncSummary",
    "accreditation_expiry",
    "accreditation_valid",
    "assess",
    "checklist_for",
    "checklists",
    "create_institution",
    "decide_institutions",
    "dedup_institutions",
    "evaluate_dedup",
    "follow_up",
    "gather_facts",
    "get_checklist",
    "get_institution",
    "institution_history",
    "institution_review_queue",
    "link_complaint",
    "list_inspections",
    "list_institutions",
    "load_checklist",
    "read_inspection_file",
    "read_lembaga_truth",
    "record_inspection",
    "region_indicators",
    "sync_from_extract",
    "update_institution",
    "validate_fields",
    "worklist",
]
