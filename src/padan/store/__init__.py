"""The store: SQLite by default, PostgreSQL by URL. The only package that imports SQLAlchemy."""

from padan.store.db import BatchWriter, Store, open_store
from padan.store.records import BatchInfo, ChildLink, LinkRun, NewBatch, QuarantineEntry

__all__ = [
    "BatchInfo",
    "BatchWriter",
    "ChildLink",
    "LinkRun",
    "NewBatch",
    "QuarantineEntry",
    "Store",
    "open_store",
]
