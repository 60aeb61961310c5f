"""The store: SQLite by default, PostgreSQL by URL. The only package that imports SQLAlchemy."""

from padan.store.db import BatchWriter, Store, open_store
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
    "BatchInfo",
    "BatchWriter",
    "ChildEvent",
    "ChildLink",
    "LinkRun",
    "NewBatch",
    "QuarantineEntry",
    "ReviewDecision",
    "Store",
    "open_store",
    "run_links_arrow",
    "run_pairs_arrow",
    "snapshot_records_arrow",
]
