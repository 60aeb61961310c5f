"""Audit of named exports: every time worklists with children's names leave the store.

No names or identifiers are kept here: who, when, what (action, region, run) and how many rows.
Each export is also appended to the hash-chained ``audit_log`` of the web app (with the ids of
the children exported and the purpose), so ``padan audit verify`` and the auditor page cover the
CLI's exports too.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, select

from padan.store.db import Store
from padan.store.tables import metadata
from padan.store.web_store import append_audit

__all__ = ["ExportAudit", "export_audit", "export_audit_entries", "record_export"]

export_audit = Table(
    "export_audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),  # e.g. report.worklists
    Column("region", String(16)),  # dotted code, or null for the whole country
    Column("run_id", Integer),
    Column("rows", Integer, nullable=False),
    Column("detail", Text, nullable=False),  # JSON: counts per worklist, target file name
    Index("ix_export_audit_at", "at"),
)


@dataclass(frozen=True, slots=True)
class ExportAudit:
    """One export of named rows."""

    at: dt.datetime
    actor: str
    action: str
    region: str | None
    run_id: int | None
    rows: int
    detail: dict[str, object]
    child_ids: tuple[str, ...] = ()  # whose data left the store (hash-chained log only)
    purpose: str = ""


#: The role recorded in the audit chain for exports made from the command line.
CLI_ROLE = "cli"


def record_export(store: Store, entry: ExportAudit) -> int:
    """Store an audit entry (and append it to the hash-chained audit log); returns its id.

    Raises :class:`StoreError` if it cannot be written.
    """
    counts = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
    append_audit(
        store, username=entry.actor[:64], role=CLI_ROLE, action=entry.action,
        target=f"region={entry.region or 'nasional'} run={entry.run_id} rows={entry.rows} "
        f"{counts}"[:500],
        child_ids=sorted(set(entry.child_ids)), purpose=entry.purpose.strip()[:500] or "-",
    )  # fmt: skip
    values = {
        "at": entry.at, "actor": entry.actor[:64], "action": entry.action,
        "region": entry.region, "run_id": entry.run_id, "rows": entry.rows,
        "detail": json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
    }  # fmt: skip
    with store._begin() as conn:
        inserted = conn.execute(export_audit.insert().values(**values)).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def export_audit_entries(store: Store) -> list[ExportAudit]:
    """Every audit entry, oldest first."""
    with store._connect() as conn:
        rows = conn.execute(select(export_audit).order_by(export_audit.c.id)).mappings().all()
    return [
        ExportAudit(r["at"], r["actor"], r["action"], r["region"], r["run_id"], r["rows"],
                    json.loads(r["detail"]))
        for r in rows
    ]  # fmt: skip
