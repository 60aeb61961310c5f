"""The audit log: who saw which children's data, when and why, in a hash-chained table; and the
audit of named exports.

Every search, profile, review decision and export (web, API and CLI) appends a row to
``audit_log``; each row's hash is an HMAC (key outside the database, :mod:`padan.store.audit_keys`)
of its content and the previous row's hash, so an edited, deleted or inserted row breaks the
chain, and signed checkpoints (:mod:`padan.store.audit_checkpoint`) show truncation and rewriting
(:mod:`padan.store.audit_verify`, ``padan audit verify``). Rows written before keying (no
``key_id``) are plain SHA-256 and verify as "legacy".

An export of worklists with children's names is also kept in ``export_audit``: who, when, what
(action, region, run) and how many rows, with no names or identifiers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
)

from padan.store.audit_chain import (
    GENESIS_HASH,
    AuditConfig,
    audit_config,
    audit_log,
    chain_hash,
    configure_audit,
)
from padan.store.audit_checkpoint import write_checkpoint
from padan.store.connection import as_utc
from padan.store.database import Store
from padan.store.tables import metadata

__all__ = [
    "CLI_ROLE",
    "GENESIS_HASH",
    "AuditConfig",
    "AuditEntry",
    "ExportAudit",
    "append_audit",
    "audit_config",
    "audit_entries",
    "audit_log",
    "configure_audit",
    "export_audit",
    "export_audit_entries",
    "hide_query",
    "query_digest",
    "record_export",
    "verify_audit",
]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit log."""

    id: int
    at: dt.datetime
    username: str
    role: str
    action: str
    target: str
    child_ids: list[str]
    purpose: str
    prev_hash: str
    row_hash: str


_audit_lock = threading.Lock()


def query_digest(store: Store, kind: str, normalised: str) -> str:
    """What the audit log keeps of a query: its kind and a keyed hash of its normalised text
    (``name:3f2a…``), never the text; the same query gives the same digest."""
    digest = audit_config(store).keys().mac(f"query:{kind}:{normalised}")[:20]
    return f"{kind}:{digest}"


_RAW_QUERY = re.compile(r"""q=(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def hide_query(target: str) -> str:
    """``target`` with a raw query text of a legacy row (``q='…'``) hidden; rows written now
    hold only the query's kind and keyed hash (:func:`query_digest`)."""
    return _RAW_QUERY.sub("q=(hidden)", target)


# Built once (cached cache key and compiled form): every search and profile view appends a row.
_LAST_AUDIT_HASH = select(audit_log.c.row_hash).order_by(audit_log.c.id.desc()).limit(1)
_AUDIT_INSERT = audit_log.insert()


def append_audit(
    store: Store,
    *,
    username: str,
    role: str,
    action: str,
    target: str,
    child_ids: list[str],
    purpose: str,
) -> AuditEntry:
    """Append one row to the audit log, chained to the previous row by its hash.

    Rows are only ever inserted; each row's hash is an HMAC of its content and the previous
    hash. Every ``checkpoint_every`` rows a signed checkpoint is written. Raises
    :class:`StoreError` when the key file cannot be read or made.
    """
    config = audit_config(store)
    keys = config.keys()
    values: dict[str, object] = {
        "at": dt.datetime.now(dt.UTC),
        "username": username,
        "role": role,
        "action": action,
        "target": target,
        "child_ids": " " + " ".join(child_ids) + " " if child_ids else "",
        "purpose": purpose,
    }
    with _audit_lock, store._begin() as conn:
        # Several processes may append at once (app workers, the CLI): taking the write lock
        # before reading the last hash keeps the chain linear.
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        prev = conn.execute(_LAST_AUDIT_HASH).scalar_one_or_none() or GENESIS_HASH
        row_hash = chain_hash(prev, values, keys)
        inserted = conn.execute(
            _AUDIT_INSERT,
            {**values, "prev_hash": prev, "row_hash": row_hash, "key_id": keys.key_id},
        ).inserted_primary_key
    assert inserted is not None
    row_id = int(inserted[0])
    if config.checkpoint_every > 0 and row_id % config.checkpoint_every == 0:
        write_checkpoint(store)
    return _entry({**values, "id": row_id, "prev_hash": prev, "row_hash": row_hash})


def _entry(m: Any) -> AuditEntry:
    r = m if isinstance(m, dict) else m._mapping
    return AuditEntry(
        r["id"],
        as_utc(r["at"]),
        r["username"],
        r["role"],
        r["action"],
        r["target"],
        str(r["child_ids"]).split(),
        r["purpose"],
        r["prev_hash"],
        r["row_hash"],
    )


def audit_entries(
    store: Store, *, child_id: str | None = None, limit: int = 200
) -> list[AuditEntry]:
    """Newest first; with ``child_id``, only rows that showed that child's data."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if child_id is not None:
        query = query.where(audit_log.c.child_ids.contains(f" {child_id} "))
    with store._connect() as conn:
        return [_entry(r) for r in conn.execute(query)]


def verify_audit(store: Store) -> tuple[int, int | None]:
    """Rows verified before the first problem, and that problem's row id (``None``: intact).

    The whole report (what is wrong, where): :func:`padan.store.audit_verify.verify_chain`.
    """
    from padan.store.audit_verify import verify_chain

    report = verify_chain(store)
    return report.checked, report.first_broken


# -- named exports ------------------------------------------------------------------------------

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
        store,
        username=entry.actor[:64],
        role=CLI_ROLE,
        action=entry.action,
        target=f"region={entry.region or 'nasional'} run={entry.run_id} rows={entry.rows} {counts}"[
            :500
        ],
        child_ids=sorted(set(entry.child_ids)),
        purpose=entry.purpose.strip()[:500] or "-",
    )
    values = {
        "at": entry.at,
        "actor": entry.actor[:64],
        "action": entry.action,
        "region": entry.region,
        "run_id": entry.run_id,
        "rows": entry.rows,
        "detail": json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
    }
    with store._begin() as conn:
        inserted = conn.execute(export_audit.insert().values(**values)).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def export_audit_entries(store: Store) -> list[ExportAudit]:
    """Every audit entry, oldest first."""
    with store._connect() as conn:
        rows = conn.execute(select(export_audit).order_by(export_audit.c.id)).mappings().all()
    return [
        ExportAudit(
            r["at"],
            r["actor"],
            r["action"],
            r["region"],
            r["run_id"],
            r["rows"],
            json.loads(r["detail"]),
        )
        for r in rows
    ]
