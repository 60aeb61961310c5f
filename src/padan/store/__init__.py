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
]
