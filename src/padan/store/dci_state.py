"""What the DCI registry API keeps between requests and across restarts: the partners'
subscriptions (with the point up to which each was notified) and the recent transactions
(for ``txn/status``). In the database, so every worker process and a restarted server see
the same.

A subscription's cursor is a linkage run: the record events of the batches a run took in,
and the child id events the run wrote, are notified once that run is stored (only then is it
known which child a record belongs to). ``sent_parts`` counts the messages of the next run
already delivered, so a delivery that failed half-way resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
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
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from padan.store.connection import Connected, as_utc
from padan.store.tables import link_runs, metadata

__all__ = [
    "StoredTransaction",
    "Subscription",
    "add_subscription",
    "advance_subscription",
    "end_subscriptions",
    "get_transaction",
    "put_transaction",
    "subscriptions",
    "transaction_by_correlation",
]

dci_subscriptions = Table(
    "dci_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("username", String(64), nullable=False),  # whose policy the notifications follow
    Column("sender_id", String(128), nullable=False),
    Column("event_type", String(16), nullable=False),
    Column("criteria", Text, nullable=False),  # JSON {query_type, query}, read again per run
    Column("notify_url", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("run_cursor", Integer, nullable=False),  # the last linkage run fully notified
    Column("sent_parts", Integer, nullable=False),  # messages of the next run delivered
    Column("delivered", Integer, nullable=False),  # notify messages delivered in all
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_outcome", String(64)),
    Index("ix_dci_subscriptions_user", "username"),
)

dci_transactions = Table(
    "dci_transactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("transaction_id", String(99), nullable=False),
    Column("txn_type", String(16), nullable=False),
    Column("correlation_id", String(64), nullable=False),
    Column("statuses", Text, nullable=False),  # JSON {reference_id: [status, reason]}
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("username", "transaction_id", name="uq_dci_transactions_user_txn"),
    Index("ix_dci_transactions_correlation", "username", "correlation_id"),
)


@dataclass(frozen=True, slots=True)
class Subscription:
    """A stored subscription; ``ended_at`` is set once it was unsubscribed."""

    code: str
    username: str
    sender_id: str
    event_type: str
    criteria: dict[str, Any]
    notify_url: str
    created_at: dt.datetime
    ended_at: dt.datetime | None
    run_cursor: int
    sent_parts: int
    delivered: int
    last_outcome: str | None


def _subscription(r: Any) -> Subscription:
    return Subscription(
        r["code"],
        r["username"],
        r["sender_id"],
        r["event_type"],
        json.loads(r["criteria"]),
        r["notify_url"],
        as_utc(r["created_at"]),
        as_utc(r["ended_at"]) if r["ended_at"] else None,
        int(r["run_cursor"]),
        int(r["sent_parts"]),
        int(r["delivered"]),
        r["last_outcome"],
    )


def _canonical(criteria: dict[str, Any]) -> str:
    return json.dumps(criteria, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def add_subscription(
    store: Connected,
    *,
    code: str,
    username: str,
    sender_id: str,
    event_type: str,
    criteria: dict[str, Any],
    notify_url: str,
) -> Subscription | None:
    """Store a subscription notified from the next linkage run on (the runs already stored are
    history); ``None`` when the user already has the same one (event type, criteria, sender
    and address) active."""
    t = dci_subscriptions
    text = _canonical(criteria)
    with store._begin() as conn:
        same = conn.execute(
            select(t.c.id).where(
                t.c.username == username,
                t.c.sender_id == sender_id,
                t.c.event_type == event_type,
                t.c.criteria == text,
                t.c.notify_url == notify_url,
                t.c.ended_at.is_(None),
            )
        ).first()
        if same is not None:
            return None
        latest = conn.execute(select(func.max(link_runs.c.id))).scalar() or 0
        values = {
            "code": code,
            "username": username,
            "sender_id": sender_id,
            "event_type": event_type,
            "criteria": text,
            "notify_url": notify_url,
            "created_at": dt.datetime.now(dt.UTC),
            "ended_at": None,
            "run_cursor": int(latest),
            "sent_parts": 0,
            "delivered": 0,
            "last_attempt_at": None,
            "last_outcome": None,
        }
        conn.execute(t.insert().values(**values))
    return _subscription(values | {"criteria": text})


def subscriptions(
    store: Connected, *, username: str | None = None, active: bool = True
) -> list[Subscription]:
    """The subscriptions (of ``username``; ``None``: everyone's), oldest first; with
    ``active``, only those not ended."""
    t = dci_subscriptions
    query = select(t).order_by(t.c.id)
    if username is not None:
        query = query.where(t.c.username == username)
    if active:
        query = query.where(t.c.ended_at.is_(None))
    with store._connect() as conn:
        return [_subscription(r) for r in conn.execute(query).mappings()]


def end_subscriptions(store: Connected, username: str, codes: Collection[str]) -> list[str] | None:
    """End the subscriptions ``codes`` of ``username`` (those already ended stay so), all or
    none: ``None`` (nothing changed) when one of the codes is not one of the user's."""
    t = dci_subscriptions
    wanted = sorted(set(codes))
    with store._begin() as conn:
        known = {
            str(c)
            for (c,) in conn.execute(
                select(t.c.code).where(t.c.username == username, t.c.code.in_(wanted))
            )
        }
        if known != set(wanted):
            return None
        conn.execute(
            update(t)
            .where(t.c.code.in_(wanted), t.c.ended_at.is_(None))
            .values(ended_at=dt.datetime.now(dt.UTC))
        )
    return wanted


def advance_subscription(
    store: Connected,
    code: str,
    *,
    outcome: str,
    run_cursor: int | None = None,
    sent_parts: int | None = None,
    delivered: int = 0,
) -> None:
    """Record a delivery attempt's ``outcome`` and, when given, the new cursor."""
    t = dci_subscriptions
    values: dict[str, Any] = {
        "last_attempt_at": dt.datetime.now(dt.UTC),
        "last_outcome": outcome[:64],
        "delivered": t.c.delivered + delivered,
    }
    if run_cursor is not None:
        values["run_cursor"] = run_cursor
    if sent_parts is not None:
        values["sent_parts"] = sent_parts
    with store._begin() as conn:
        conn.execute(update(t).where(t.c.code == code).values(**values))


@dataclass(frozen=True, slots=True)
class StoredTransaction:
    """A transaction's type, correlation id and its requests' statuses (reference id →
    (status, reason code or ``None``))."""

    transaction_id: str
    txn_type: str
    correlation_id: str
    statuses: dict[str, tuple[str, str | None]]


def _transaction(r: Any) -> StoredTransaction:
    statuses = {ref: (s[0], s[1]) for ref, s in json.loads(r["statuses"]).items()}
    return StoredTransaction(r["transaction_id"], r["txn_type"], r["correlation_id"], statuses)


def put_transaction(
    store: Connected, username: str, txn: StoredTransaction, *, keep: int = 10_000
) -> None:
    """Store (or replace) the user's transaction; only the user's newest ``keep`` are kept."""
    t = dci_transactions
    values = {
        "username": username,
        "transaction_id": txn.transaction_id,
        "txn_type": txn.txn_type,
        "correlation_id": txn.correlation_id,
        "statuses": json.dumps({ref: list(s) for ref, s in txn.statuses.items()}),
        "at": dt.datetime.now(dt.UTC),
    }
    mine = t.c.username == username
    for attempt in (1, 2):  # another worker may store the same pair in between: once more
        try:
            with store._begin() as conn:
                conn.execute(delete(t).where(mine, t.c.transaction_id == txn.transaction_id))
                conn.execute(t.insert().values(**values))
                oldest_kept = conn.execute(
                    select(t.c.id).where(mine).order_by(t.c.id.desc()).offset(keep - 1).limit(1)
                ).scalar()
                if oldest_kept is not None:
                    conn.execute(delete(t).where(mine, t.c.id < oldest_kept))
            return
        except IntegrityError:
            if attempt == 2:
                raise


def get_transaction(
    store: Connected, username: str, transaction_id: str
) -> StoredTransaction | None:
    """The user's transaction ``transaction_id``, or ``None``."""
    t = dci_transactions
    query = select(t).where(t.c.username == username, t.c.transaction_id == transaction_id)
    with store._connect() as conn:
        row = conn.execute(query).mappings().first()
    return _transaction(row) if row is not None else None


def transaction_by_correlation(
    store: Connected, username: str, correlation_id: str
) -> StoredTransaction | None:
    """The user's newest transaction answered with ``correlation_id``, or ``None``."""
    t = dci_transactions
    query = (
        select(t)
        .where(t.c.username == username, t.c.correlation_id == correlation_id)
        .order_by(t.c.id.desc())
        .limit(1)
    )
    with store._connect() as conn:
        row = conn.execute(query).mappings().first()
    return _transaction(row) if row is not None else None
