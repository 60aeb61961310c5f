"""The store: SQLite by default, PostgreSQL by URL. The only package that imports SQLAlchemy."""

from padan.store.asof import batches_as_of, records_as_of_arrow, run_as_of
from padan.store.audit import ExportAudit, export_audit_entries, record_export
from padan.store.batches import BatchWriter
from padan.store.database import Store, open_store
from padan.store.history_stamp import history_stamp
from padan.store.identity import store_id
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
from padan.store.record_events import EVENT_KINDS, TRACKED_FIELDS, RecordEvent, event_counts
from padan.store.records import (
    BatchInfo,
    ChildEvent,
    ChildLink,
    LinkRun,
    NewBatch,
    QuarantineEntry,
    ReviewDecision,
)
from padan.store.snapshot import run_links_arrow, run_pairs_arrow, snapshot_records_arrow

__all__ = [
    "EVENT_KINDS",
    "TRACKED_FIELDS",
    "BatchInfo",
    "BatchWriter",
    "ChildEvent",
    "ChildLink",
    "ComplaintLink",
    "DedupRun",
    "ExportAudit",
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
    "RecordEvent",
    "ReviewDecision",
    "Store",
    "batches_as_of",
    "event_counts",
    "export_audit_entries",
    "history_stamp",
    "open_store",
    "record_export",
    "records_as_of_arrow",
    "run_as_of",
    "run_links_arrow",
    "run_pairs_arrow",
    "snapshot_records_arrow",
    "store_id",
]

# Every table joins the shared metadata (Alembic's target) when the store is imported.
from padan.store import corrections as _corrections  # noqa: F401
from padan.store import dci_state as _dci_state  # noqa: F401
from padan.store import followups as _followups  # noqa: F401
from padan.store import pending_merges as _pending_merges  # noqa: F401
from padan.store import sessions as _sessions  # noqa: F401
from padan.store import tokens as _tokens  # noqa: F401
