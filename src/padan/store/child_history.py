"""The records a child has had over time, and their record events (issue 18, per child).

A child's records are those whose most recent link (the row of ``child_links`` with the
highest run) names the child: a record still linked now, or one a snapshot retired after it
was last linked to the child. A record that moved to another child belongs to that child only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, false, func, or_, select

from padan.store.connection import Connected, as_utc
from padan.store.record_events import RecordEvent, in_region, record_events
from padan.store.tables import child_links, dtsen_individu, kpai_kasus

__all__ = [
    "child_records",
    "children_with_record_events",
    "events_of_records",
    "last_versions",
    "records_with_events_among",
]

_CHUNK = 2000
_TABLES = {"dtsen": (dtsen_individu, "id_individu"), "kpai": (kpai_kasus, "no_pengaduan")}


def _chunks(values: Sequence[Any]) -> list[list[Any]]:
    return [list(values[i : i + _CHUNK]) for i in range(0, len(values), _CHUNK)]


_LATEST = (
    select(child_links.c.source, child_links.c.source_id, func.max(child_links.c.run_id))
    .where(
        child_links.c.source == bindparam("source"),
        child_links.c.source_id.in_(bindparam("ids", expanding=True)),
    )
    .group_by(child_links.c.source, child_links.c.source_id)
)


def _by_source(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Record ids by source, sorted (each query then uses the (source, id) index)."""
    found: dict[str, set[str]] = {}
    for source, source_id in keys:
        found.setdefault(source, set()).add(source_id)
    return {source: sorted(ids) for source, ids in found.items()}


def child_records(store: Connected, child_ids: Sequence[str]) -> dict[str, list[str]]:
    """Each child's records (``source:id``, sorted) as defined above; children without any
    are left out."""
    seen: dict[tuple[str, str], set[tuple[int, str]]] = {}
    with store._connect() as conn:
        for chunk in _chunks(sorted(set(child_ids))):
            query = select(
                child_links.c.source,
                child_links.c.source_id,
                child_links.c.run_id,
                child_links.c.child_id,
            ).where(child_links.c.child_id.in_(chunk))
            for source, source_id, run_id, child_id in conn.execute(query):
                seen.setdefault((source, source_id), set()).add((run_id, child_id))
        latest: dict[tuple[str, str], int] = {}
        for source, ids in _by_source(seen).items():
            for chunk in _chunks(ids):
                params = {"source": source, "ids": chunk}
                for _, source_id, run_id in conn.execute(_LATEST, params):
                    latest[(source, source_id)] = int(run_id)
    found: dict[str, list[str]] = {}
    for key, rows in seen.items():
        top = latest.get(key)
        for run_id, child_id in rows:
            if run_id == top:
                found.setdefault(child_id, []).append(f"{key[0]}:{key[1]}")
    return {child: sorted(uids) for child, uids in found.items()}


def events_of_records(store: Connected, uids: Sequence[str]) -> dict[str, list[RecordEvent]]:
    """The record events of each record (``source:id``), oldest first."""
    by_source: dict[str, list[str]] = {}
    for uid in uids:
        source, _, rid = uid.partition(":")
        by_source.setdefault(source, []).append(rid)
    t = record_events
    found: dict[str, list[RecordEvent]] = {}
    with store._connect() as conn:
        for source, ids in by_source.items():
            for chunk in _chunks(sorted(set(ids))):
                query = (
                    select(t)
                    .where(t.c.source == source, t.c.record_id.in_(chunk))
                    .order_by(t.c.at, t.c.id)
                )
                for r in conn.execute(query).mappings():
                    event = RecordEvent(
                        r["batch_id"],
                        r["source"],
                        r["record_id"],
                        r["event"],
                        r["kode_wilayah"],
                        tuple(
                            (f["field"], f["old"], f["new"])
                            for f in json.loads(r["fields"] or "[]")
                        ),
                        as_utc(r["at"]),
                    )
                    found.setdefault(f"{source}:{r['record_id']}", []).append(event)
    return found


def last_versions(
    store: Connected, uids: Sequence[str], *, columns: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The newest stored version of each KPAI or DTSEN record (current or retired): the
    ``columns`` its table has, plus ``is_current``."""
    by_source: dict[str, list[str]] = {}
    for uid in uids:
        source, _, rid = uid.partition(":")
        if source in _TABLES:
            by_source.setdefault(source, []).append(rid)
    found: dict[str, dict[str, Any]] = {}
    with store._connect() as conn:
        for source, ids in by_source.items():
            table, id_col = _TABLES[source]
            picked = [table.c[c] for c in columns if c in table.c and c != id_col]
            for chunk in _chunks(sorted(set(ids))):
                newest = (
                    select(func.max(table.c.id))
                    .where(table.c[id_col].in_(chunk))
                    .group_by(table.c[id_col])
                )
                query = select(table.c[id_col], table.c.is_current, *picked).where(
                    table.c.id.in_(newest)
                )
                for r in conn.execute(query).mappings():
                    found[f"{source}:{r[id_col]}"] = dict(r)
    return found


def children_with_record_events(
    store: Connected,
    *,
    regions: Sequence[str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    sources: Sequence[str] = ("dtsen", "kpai"),
) -> set[str]:
    """Children one of whose records (by its most recent link) has a record event in the
    period ``since`` ≤ time < ``until`` in ``regions`` (``None``: everywhere)."""
    t = record_events
    where: list[Any] = [t.c.source.in_(list(sources))]
    if regions is not None:
        where.append(
            or_(*(in_region(t.c.kode_wilayah, r) for r in regions)) if regions else false()
        )
    if since is not None:
        where.append(t.c.at >= since)
    if until is not None:
        where.append(t.c.at < until)
    found: set[str] = set()
    with store._connect() as conn:
        distinct = select(t.c.source, t.c.record_id).where(*where).distinct()
        records = {(str(s), str(r)) for s, r in conn.execute(distinct)}
        for source, ids in _by_source(records).items():
            for chunk in _chunks(ids):
                params = {"source": source, "ids": chunk}
                latest = {sid: int(run) for _, sid, run in conn.execute(_LATEST, params)}
                query = select(
                    child_links.c.source_id, child_links.c.run_id, child_links.c.child_id
                ).where(child_links.c.source == source, child_links.c.source_id.in_(chunk))
                for row in conn.execute(query):
                    if latest.get(row.source_id) == row.run_id:
                        found.add(str(row.child_id))
    return found


def records_with_events_among(
    store: Connected,
    child_ids: Iterable[str],
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    sources: Sequence[str] = ("dtsen", "kpai"),
) -> dict[str, list[str]]:
    """The records (``source:id``, by :func:`child_records`) of the children ``child_ids``
    that have a record event in the period ``since`` ≤ time < ``until``, per child; children
    without one are left out.

    Starts from the children (a worklist page), not the period: the links are looked up by
    child id and each record's events by the (source, record_id) index, so the cost follows
    the number of children asked about, not the number of events in the period.
    """
    records = child_records(store, sorted(set(child_ids)))
    wanted = set(sources)
    by_source: dict[str, set[str]] = {}
    for uids in records.values():
        for uid in uids:
            source, _, rid = uid.partition(":")
            if source in wanted:
                by_source.setdefault(source, set()).add(rid)
    t = record_events
    period: list[Any] = []
    if since is not None:
        period.append(t.c.at >= since)
    if until is not None:
        period.append(t.c.at < until)
    hits: set[str] = set()
    with store._connect() as conn:
        for source, ids in by_source.items():
            for chunk in _chunks(sorted(ids)):
                # Equality on (source, record_id) for each id: the record index answers it,
                # whatever the period holds.
                query = (
                    select(t.c.record_id)
                    .where(t.c.source == source, t.c.record_id.in_(chunk), *period)
                    .distinct()
                )
                hits.update(f"{source}:{rid}" for (rid,) in conn.execute(query))
    found: dict[str, list[str]] = {}
    for child, uids in records.items():
        kept = [uid for uid in uids if uid in hits]
        if kept:
            found[child] = kept
    return found
