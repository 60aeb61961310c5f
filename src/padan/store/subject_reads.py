"""Reads for data-subject requests and breach reports (:mod:`padan.pdp`): a record's link
history over every run, a child's id events, the review decisions on its records, and the audit
rows one account wrote in a time window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, or_, select

from padan.store.audit import AuditEntry, _entry
from padan.store.audit_chain import audit_log
from padan.store.database import Store
from padan.store.tables import child_events, child_links, review_decisions

__all__ = ["audit_rows_by", "child_id_events", "link_history", "review_decisions_on"]


def link_history(store: Store, uids: Sequence[str]) -> list[dict[str, Any]]:
    """Every stored link of the records ``uids`` (``source:id``) to a child, in every run:
    ``uid``, ``child_id``, ``match_probability``, ``from_run`` and ``until_run`` (None: holds)."""
    found: list[dict[str, Any]] = []
    t = child_links
    with store._connect() as conn:
        for uid in sorted(set(uids)):
            source, _, source_id = uid.partition(":")
            query = (
                select(t.c.run_id, t.c.child_id, t.c.match_probability, t.c.until_run)
                .where(t.c.source == source, t.c.source_id == source_id)
                .order_by(t.c.run_id)
            )
            for r in conn.execute(query):
                found.append(
                    {
                        "uid": uid,
                        "child_id": r.child_id,
                        "match_probability": r.match_probability,
                        "from_run": r.run_id,
                        "until_run": r.until_run,
                    }
                )
    return found


def child_id_events(store: Store, child_id: str) -> list[dict[str, Any]]:
    """What happened to a child id across runs (new, merge, split, retired), oldest first."""
    t = child_events
    query = (
        select(t)
        .where(or_(t.c.child_id == child_id, t.c.other_child_id == child_id))
        .order_by(t.c.id)
    )
    with store._connect() as conn:
        return [
            {
                "run_id": r.run_id,
                "event": r.event,
                "child_id": r.child_id,
                "other_child_id": r.other_child_id,
                "records": r.records,
            }
            for r in conn.execute(query)
        ]


def review_decisions_on(store: Store, uids: Sequence[str]) -> list[dict[str, Any]]:
    """Review decisions on pairs with at least one of ``uids``, oldest first (the reviewer's
    account name is left out: it is staff data, not the child's)."""
    wanted = sorted(set(uids))
    if not wanted:
        return []
    t = review_decisions
    query = (
        select(t)
        .where(or_(t.c.uid_a.in_(wanted), t.c.uid_b.in_(wanted)))
        .order_by(t.c.decided_at, t.c.id)
    )
    with store._connect() as conn:
        return [
            {
                "uid_a": r.uid_a,
                "uid_b": r.uid_b,
                "decision": r.decision,
                "reason": r.reason,
                "decided_at": r.decided_at,
            }
            for r in conn.execute(query)
        ]


def audit_rows_by(
    store: Store, username: str, *, since: dt.datetime, until: dt.datetime
) -> list[AuditEntry]:
    """The audit rows written by ``username`` from ``since`` up to (not including) ``until``,
    oldest first."""
    query = (
        select(audit_log)
        .where(
            and_(
                audit_log.c.username == username,
                audit_log.c.at >= since,
                audit_log.c.at < until,
            )
        )
        .order_by(audit_log.c.id)
    )
    with store._connect() as conn:
        return [_entry(r) for r in conn.execute(query)]
