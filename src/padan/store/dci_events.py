"""What the DCI registry notifies subscribers of, read from the store: the linkage runs after
a subscription's cursor (with the batches each newly took in), the record events of those
batches, the records whose child a run changed, and the child each record belongs to."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import and_, or_, select

from padan.store.connection import Connected
from padan.store.record_events import RecordEvent, event_of_row, record_events
from padan.store.records import ChildEvent
from padan.store.tables import child_events, child_links, link_runs

__all__ = [
    "child_events_of_run",
    "latest_children",
    "link_changes",
    "record_events_of_batches",
    "runs_after",
]


def runs_after(store: Connected, run_id: int) -> list[tuple[int, list[int]]]:
    """The linkage runs after ``run_id``, oldest first, each with the batches it newly took
    in (those the run before it did not hold)."""
    with store._connect() as conn:
        rows = conn.execute(
            select(link_runs.c.id, link_runs.c.batches).order_by(link_runs.c.id)
        ).all()
    found: list[tuple[int, list[int]]] = []
    before: set[int] = set()
    for rid, batches in rows:
        held = {int(b) for b in json.loads(batches)}
        if int(rid) > run_id:
            found.append((int(rid), sorted(held - before)))
        before = held
    return found


def record_events_of_batches(
    store: Connected,
    batch_ids: Sequence[int],
    *,
    sources: Sequence[str],
    after: int = 0,
    limit: int = 5000,
) -> list[tuple[int, RecordEvent]]:
    """The record events (with their ids) of ``batch_ids`` and ``sources`` whose id is above
    ``after``, at most ``limit``, by id."""
    if not batch_ids or not sources:
        return []
    t = record_events
    query = (
        select(t)
        .where(t.c.batch_id.in_(list(batch_ids)), t.c.source.in_(list(sources)), t.c.id > after)
        .order_by(t.c.id)
        .limit(limit)
    )
    with store._connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [(int(r["id"]), event_of_row(r)) for r in rows]


def child_events_of_run(store: Connected, run_id: int) -> list[ChildEvent]:
    """The child id events (new, merge, split, retired) a linkage run wrote, in order."""
    query = select(child_events).where(child_events.c.run_id == run_id).order_by(child_events.c.id)
    with store._connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [ChildEvent(r["event"], r["child_id"], r["other_child_id"], r["records"]) for r in rows]


def link_changes(store: Connected, run_id: int) -> list[tuple[str, str | None, str | None]]:
    """The records whose child run ``run_id`` changed: ``(source:id, child before, child
    now)``, ``None`` before for a record linked for the first time, ``None`` now for one the
    run unlinked (no longer current). A full run writes every link again: a record it gave the
    same child is not a change."""
    new, old = child_links.alias("new"), child_links.alias("old")
    same_record = and_(old.c.source == new.c.source, old.c.source_id == new.c.source_id)
    linked = (
        select(new.c.source, new.c.source_id, old.c.child_id, new.c.child_id)
        .select_from(new.outerjoin(old, and_(same_record, old.c.until_run == run_id)))
        .where(
            new.c.run_id == run_id, or_(old.c.child_id.is_(None), old.c.child_id != new.c.child_id)
        )
    )
    unlinked = (
        select(old.c.source, old.c.source_id, old.c.child_id)
        .select_from(old.outerjoin(new, and_(same_record, new.c.run_id == run_id)))
        .where(old.c.until_run == run_id, new.c.child_id.is_(None))
    )
    with store._connect() as conn:
        found: list[tuple[str, str | None, str | None]] = [
            (f"{s}:{i}", before, now) for s, i, before, now in conn.execute(linked)
        ]
        found += [(f"{s}:{i}", before, None) for s, i, before in conn.execute(unlinked)]
    return found


def latest_children(store: Connected, uids: Sequence[str]) -> dict[str, str]:
    """The child each record (``source:id``) was linked to by the newest run that linked it
    (a record a snapshot retired keeps the child it last had)."""
    by_source: dict[str, set[str]] = {}
    for uid in uids:
        source, _, rid = uid.partition(":")
        by_source.setdefault(source, set()).add(rid)
    newest: dict[str, tuple[int, str]] = {}
    with store._connect() as conn:
        for source, ids in by_source.items():
            ordered = sorted(ids)
            for i in range(0, len(ordered), 2000):
                query = select(
                    child_links.c.source_id, child_links.c.run_id, child_links.c.child_id
                ).where(
                    child_links.c.source == source,
                    child_links.c.source_id.in_(ordered[i : i + 2000]),
                )
                for rid, run, child in conn.execute(query):
                    uid = f"{source}:{rid}"
                    if uid not in newest or int(run) > newest[uid][0]:
                        newest[uid] = (int(run), str(child))
    return {uid: child for uid, (_, child) in newest.items()}
