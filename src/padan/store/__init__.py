"""The store: SQLite by default, PostgreSQL by URL. The only package that imports SQLAlchemy."""

from padan.store.db import BatchWriter, Store, open_store
from padan.store.institution_records import (
    ComplaintLink,
    DedupRun,
    FindingRecord,
    HistoryEntry,
    InspectionRecord,
    InstitutionRecord,
)
from padan.store.institution_store import (
    InstitutionChange,
    InstitutionStore,
    NewFinding,
    NewInspection,
)
from padan.store.records import (
    BatchInfo,
    ChildEvent,
    ChildLink,
    LinkRun,
    NewBatch,
    QuarantineEntry,
    ReviewDecision,
)

__all__ = [
    "BatchInfo",
    "BatchWriter",
    "ChildEvent",
    "ChildLink",
    "ComplaintLink",
    "DedupRun",
    "FindingRecord",
    "HistoryEntry",
    "InspectionRecord",
    "InstitutionChange",
    "InstitutionRecord",
    "InstitutionStore",
    "LinkRun",
    "NewBatch",
    "NewFinding",
    "NewInspection",
    "QuarantineEntry",
    "ReviewDecision",
    "Store",
    "open_store",
]
