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

# The web app's tables register on the shared metadata when the store is imported.
from padan.store import web_tables as _web_tables  # noqa: F401
