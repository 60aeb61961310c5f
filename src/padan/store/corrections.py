"""Correction requests of data subjects (UU 27/2022, docs/domain.md §7.1): a request to correct
one field of one record, addressed to the agency that owns the record's source.

Padan never edits an agency's record itself: the owner corrects it at the source and the next
extract carries the correction. The request, with what the parent or guardian asked for, is
kept here until the owner answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, select, update

from padan.store.connection import as_utc
from padan.store.database import Store
from padan.store.tables import metadata

__all__ = [
    "CORRECTION_STEPS",
    "CorrectionRequest",
    "NewCorrection",
    "add_correction_request",
    "correction_requests",
    "correction_requests_table",
    "set_correction_status",
]

correction_requests_table = Table(
    "correction_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("child_id", String(32), nullable=False),
    Column("record_uid", String(160), nullable=False),  # source:id of the record to correct
    Column("agency", String(128), nullable=False),  # the owner of the record's source
    Column("field", String(64), nullable=False),
    Column("requested_value", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("requested_by", String(64), nullable=False),  # the officer who took the request
    Column("reference", Text, nullable=False),  # e.g. the number of the request letter
    Column("status", String(16), nullable=False),  # open | sent | done | refused
    Index("ix_correction_requests_child", "child_id"),
)


@dataclass(frozen=True, slots=True)
class NewCorrection:
    """A correction request to store."""

    child_id: str
    record_uid: str
    agency: str
    field: str
    requested_value: str
    reason: str
    requested_by: str
    reference: str = ""


@dataclass(frozen=True, slots=True)
class CorrectionRequest:
    """A stored correction request."""

    id: int
    at: dt.datetime
    child_id: str
    record_uid: str
    agency: str
    field: str
    requested_value: str
    reason: str
    requested_by: str
    reference: str
    status: str


def add_correction_request(store: Store, new: NewCorrection) -> CorrectionRequest:
    """Store an open correction request; returns it with its id."""
    values = {
        "at": dt.datetime.now(dt.UTC),
        "child_id": new.child_id,
        "record_uid": new.record_uid,
        "agency": new.agency,
        "field": new.field,
        "requested_value": new.requested_value,
        "reason": new.reason,
        "requested_by": new.requested_by[:64],
        "reference": new.reference,
        "status": "open",
    }
    with store._begin() as conn:
        inserted = conn.execute(correction_requests_table.insert().values(**values))
        key = inserted.inserted_primary_key
    assert key is not None
    return CorrectionRequest(id=int(key[0]), **values)  # type: ignore[arg-type]


def correction_requests(
    store: Store, *, child_id: str | None = None, agency: str | None = None
) -> list[CorrectionRequest]:
    """Stored correction requests, oldest first; only one child's or one agency's when given."""
    t = correction_requests_table
    query = select(t).order_by(t.c.id)
    if child_id is not None:
        query = query.where(t.c.child_id == child_id)
    if agency is not None:
        query = query.where(t.c.agency == agency)
    with store._connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [CorrectionRequest(**{**dict(r), "at": as_utc(r["at"])}) for r in rows]


#: Where a correction request may go from each status: sent to the owning agency, then corrected
#: at the source (``done``) or refused by it; ``done`` and ``refused`` are final.
CORRECTION_STEPS: dict[str, frozenset[str]] = {
    "open": frozenset({"sent", "done", "refused"}),
    "sent": frozenset({"done", "refused"}),
    "done": frozenset(),
    "refused": frozenset(),
}


def set_correction_status(
    store: Store, request_id: int, status: str
) -> tuple[str, CorrectionRequest | None]:
    """Move request ``request_id`` to ``status`` if :data:`CORRECTION_STEPS` allows it, checked
    in the same transaction as the change (two officers cannot both move it).

    Returns the status before (``""`` when there is no such request) and the changed request,
    or ``None`` when nothing changed.
    """
    t = correction_requests_table
    allowed_from = [old for old, steps in CORRECTION_STEPS.items() if status in steps]
    with store._begin() as conn:
        before = conn.execute(select(t.c.status).where(t.c.id == request_id)).scalar_one_or_none()
        changed = conn.execute(
            update(t)
            .where(t.c.id == request_id, t.c.status.in_(allowed_from))
            .values(status=status)
        ).rowcount
        row = conn.execute(select(t).where(t.c.id == request_id)).mappings().one_or_none()
    if row is None or not changed:
        return before or "", None
    return before or "", CorrectionRequest(**{**dict(row), "at": as_utc(row["at"])})
