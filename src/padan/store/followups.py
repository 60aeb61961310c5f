"""Follow-ups of a worklist child (issue 17): what an officer did (visited, registered in DTSEN,
referred to ATENSI, ...), on which day, with a note, as recorded by re-importing a filled-in
worklist file.

Rows are only ever inserted. Each carries a fingerprint of what it says (child, worklist,
status, day, note, who), unique in the table, so importing the same file again, or a re-saved
copy of it, adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, Text, select

from padan.store.connection import as_utc
from padan.store.database import Store
from padan.store.tables import metadata

__all__ = ["Followup", "NewFollowup", "add_followups", "child_followups", "followups_table"]

followups_table = Table(
    "child_followups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("child_id", String(32), nullable=False),
    Column("worklist", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("followup_date", Date, nullable=False),  # the day the officer acted
    Column("note", Text, nullable=False),
    Column("username", String(64), nullable=False),  # who imported (acted) it
    Column("at", DateTime(timezone=True), nullable=False),  # when it was recorded
    Column("source_sha256", String(64), nullable=False),  # the imported file's content hash
    Column("source_row", Integer, nullable=False),  # its row in that file
    Column("fingerprint", String(64), nullable=False, unique=True),
    Index("ix_child_followups_child", "child_id"),
)


@dataclass(frozen=True, slots=True)
class NewFollowup:
    """A follow-up to store (the fingerprint is computed by the caller)."""

    child_id: str
    worklist: str
    status: str
    followup_date: dt.date
    note: str
    username: str
    source_sha256: str
    source_row: int
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Followup:
    """A stored follow-up."""

    id: int
    child_id: str
    worklist: str
    status: str
    followup_date: dt.date
    note: str
    username: str
    at: dt.datetime
    source_sha256: str
    source_row: int


def add_followups(store: Store, new: Sequence[NewFollowup]) -> list[NewFollowup]:
    """Store the follow-ups not stored before (by fingerprint), all in one transaction;
    returns those added."""
    t = followups_table
    now = dt.datetime.now(dt.UTC)
    with store._begin() as conn:
        # Take the write lock before reading: two imports of one file cannot both add it.
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE child_followups IN SHARE ROW EXCLUSIVE MODE")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        known: set[str] = set()
        prints = [f.fingerprint for f in new]
        for i in range(0, len(prints), 2000):
            chunk = prints[i : i + 2000]
            known |= set(
                conn.execute(select(t.c.fingerprint).where(t.c.fingerprint.in_(chunk))).scalars()
            )
        added = []
        for f in new:
            if f.fingerprint in known:
                continue
            known.add(f.fingerprint)
            added.append(f)
        if added:
            conn.execute(
                t.insert(),
                [
                    {
                        "child_id": f.child_id,
                        "worklist": f.worklist,
                        "status": f.status,
                        "followup_date": f.followup_date,
                        "note": f.note,
                        "username": f.username[:64],
                        "at": now,
                        "source_sha256": f.source_sha256,
                        "source_row": f.source_row,
                        "fingerprint": f.fingerprint,
                    }
                    for f in added
                ],
            )
    return added


def child_followups(store: Store, child_id: str) -> list[Followup]:
    """One child's follow-ups, newest day first."""
    t = followups_table
    query = (
        select(*(c for c in t.c if c.name != "fingerprint"))
        .where(t.c.child_id == child_id)
        .order_by(t.c.followup_date.desc(), t.c.id.desc())
    )
    with store._connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [Followup(**{**dict(r), "at": as_utc(r["at"])}) for r in rows]
