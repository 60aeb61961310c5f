"""Merges waiting for a second reviewer: a first reviewer's "same child" on records that carry
different valid NIKs, kept until a second, different reviewer confirms it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, delete, select
from sqlalchemy.exc import IntegrityError

from padan.store.connection import as_utc
from padan.store.database import Store
from padan.store.tables import metadata

__all__ = [
    "PendingMerge",
    "add_pending_merge",
    "clear_pending_merges",
    "pending_merges",
    "pending_merges_for",
]

pending_merges = Table(
    "pending_merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uid_a", String(160), nullable=False),
    Column("uid_b", String(160), nullable=False),
    Column("reviewer", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_pending_merges_pair", "uid_a", "uid_b", unique=True),  # one held merge a pair
)


@dataclass(frozen=True, slots=True)
class PendingMerge:
    """A first reviewer's "same child" on records carrying different valid NIKs."""

    uid_a: str
    uid_b: str
    reviewer: str
    reason: str
    created_at: dt.datetime


def add_pending_merge(store: Store, uid_a: str, uid_b: str, *, reviewer: str, reason: str) -> bool:
    """Hold a merge of ``uid_a`` and ``uid_b`` for a second reviewer; ``False`` when one is held
    for that pair already (another reviewer's, stored at the same moment: the index is unique)."""
    try:
        with store._begin() as conn:
            conn.execute(
                pending_merges.insert().values(
                    uid_a=uid_a,
                    uid_b=uid_b,
                    reviewer=reviewer,
                    reason=reason,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
    except IntegrityError:
        return False
    return True


def pending_merges_for(store: Store, uid_a: str, uid_b: str) -> list[PendingMerge]:
    query = (
        select(pending_merges)
        .where(pending_merges.c.uid_a == uid_a, pending_merges.c.uid_b == uid_b)
        .order_by(pending_merges.c.id)
    )
    with store._connect() as conn:
        return [
            PendingMerge(r.uid_a, r.uid_b, r.reviewer, r.reason, as_utc(r.created_at))
            for r in conn.execute(query)
        ]


def clear_pending_merges(store: Store, uid_a: str, uid_b: str) -> None:
    with store._begin() as conn:
        conn.execute(
            delete(pending_merges).where(
                pending_merges.c.uid_a == uid_a, pending_merges.c.uid_b == uid_b
            )
        )
