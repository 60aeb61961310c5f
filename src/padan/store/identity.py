"""The store's identity: a random id made once (migration 0008) and kept in the store.

It names the store wherever the store is reached from (another URL, a moved file, a restored
backup), so that what belongs to one store, such as a trained linkage model, can say so.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table, select

from padan.errors import StoreError
from padan.store.database import Store
from padan.store.tables import metadata

__all__ = ["store_id", "store_identity"]

store_identity = Table(
    "store_identity",
    metadata,
    Column("id", Integer, primary_key=True),  # one row: 1
    Column("store_id", String(36), nullable=False),  # a random UUID
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def store_id(store: Store) -> str:
    """The store's id (a UUID made when its schema was created or upgraded to revision 0008).

    Raises :class:`StoreError` when the row is missing (a database changed by hand).
    """
    with store._connect() as conn:
        found = conn.execute(select(store_identity.c.store_id).limit(1)).scalar()
    if found is None:
        raise StoreError(
            "the store has no identity row (its table store_identity is empty, changed by "
            "hand?); restore the store from a backup, or add one row to store_identity with "
            "id 1 and a new random UUID as store_id"
        )
    return str(found)
