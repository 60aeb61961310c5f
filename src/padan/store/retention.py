"""Retention of records past their keep period: count them (a dry run), pseudonymise or delete
them in one transaction (:mod:`padan.pdp.retention` decides what and when).

A record is past retention when its date (a date column, or its batch's ingestion when
``counted_from`` is ``ingested`` or the date is empty) is before the cutoff. Pseudonymising
blanks the identifying columns (and their ``_norm`` twins) and replaces the row as written
(``raw``) by a marker, so a re-run finds nothing left to do. A source's encoded records (PPRL)
follow its rule too (:mod:`padan.store.encoded_pdp`). Deleting removes the record and the
links and pairs of record ids no version of which is left. Either way the quarantined (refused)
rows of the source's batches ingested before the cutoff are deleted.

A record's events (:mod:`padan.store.record_events`) hold its values too: a ``changed`` event
the old and new values of a tracked field, every event the record id and region. An event
concerns the version its batch wrote (``added``, ``changed``: new values) and the version its
batch ended (``changed``: old values; ``removed``). Deleting deletes the events that concern a
version past retention; pseudonymising blanks the values of their changes (the field names stay,
for the counts of changes per field), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Table,
    and_,
    delete,
    exists,
    func,
    not_,
    or_,
    select,
    update,
)

from padan.errors import InputError, StoreError
from padan.store.database import Store
from padan.store.declared import builtin_table
from padan.store.encoded_pdp import apply_encoded_retention, count_encoded_retention, unlink_ids
from padan.store.record_events import record_events
from padan.store.tables import batches, quarantine

__all__ = [
    "PSEUDONYMISED",
    "RetentionCount",
    "RetentionTarget",
    "apply_retention",
    "count_retention",
    "record_columns",
    "record_date_columns",
]

#: What the ``raw`` column of a pseudonymised record holds (it is NOT NULL).
PSEUDONYMISED = '{"_pseudonymised": true}'


@dataclass(frozen=True, slots=True)
class RetentionTarget:
    """One source's rule, with its cutoff worked out."""

    source: str  # linkage source name: kpai, dtsen
    extract: str  # record table: kpai_kasus, dtsen_individu
    cutoff: dt.datetime  # records dated before this are past retention (UTC)
    counted_from: str  # "ingested" or a date column of the table
    action: str  # pseudonymise | delete
    superseded_only: bool
    identifying: tuple[str, ...]
    # The source's encoded records (PPRL) rather than its record table (padan.store.encoded_pdp)
    encoded: bool = False


@dataclass(frozen=True, slots=True)
class RetentionCount:
    """What a rule touches (dry run) or touched (apply)."""

    source: str
    action: str
    records: int
    quarantine_rows: int
    links: int  # record ids whose every version goes, with their links and pairs
    events: int = 0  # record events deleted, or whose changed values are blanked


def _table(store: Store, target: RetentionTarget) -> tuple[Table, str]:
    try:
        return store.record_table(target.extract)
    except StoreError:
        raise InputError(f"retention: {target.extract!r} is not a record table") from None


def _known(extract: str, store: Store | None) -> Table:
    try:
        return (store.record_table(extract) if store else builtin_table(extract))[0]
    except StoreError as exc:
        raise InputError(f"{extract!r} is not a record table ({exc})") from None


def record_columns(extract: str, store: Store | None = None) -> frozenset[str]:
    """The column names of a record table (to check a policy's ``identifying`` list): a
    built-in one, or one of ``store``'s."""
    return frozenset(c.name for c in _known(extract, store).c)


def record_date_columns(extract: str, store: Store | None = None) -> frozenset[str]:
    """The date columns of a record table (what a retention period may be counted from)."""
    return frozenset(c.name for c in _known(extract, store).c if isinstance(c.type, Date))


def _old_batches(target: RetentionTarget) -> Any:
    return select(batches.c.id).where(
        batches.c.extract == target.extract, batches.c.finished_at < target.cutoff
    )


def _past(target: RetentionTarget, table: Table) -> ColumnElement[bool]:
    in_old_batch: ColumnElement[bool] = table.c.batch_id.in_(_old_batches(target))
    when: ColumnElement[bool]
    if target.counted_from == "ingested":
        when = in_old_batch
    else:
        column = table.c[target.counted_from]
        when = or_(
            and_(column.is_not(None), column < target.cutoff.date()),
            and_(column.is_(None), in_old_batch),
        )
    if target.superseded_only:
        when = and_(when, not_(table.c.is_current))
    if target.action == "pseudonymise":
        when = and_(when, table.c.raw != PSEUDONYMISED)
    return when


def _events_of_past(target: RetentionTarget, table: Table, id_col: str) -> ColumnElement[bool]:
    """The record events of ``target``'s source that concern a version past retention."""
    events = record_events
    concerns = exists().where(
        table.c[id_col] == events.c.record_id,
        or_(table.c.batch_id == events.c.batch_id, table.c.superseded_by == events.c.batch_id),
        _past(target, table),
    )
    where = and_(events.c.source == target.source, concerns)
    if target.action == "pseudonymise":  # only changes carry values
        where = and_(where, events.c.fields.is_not(None))
    return where


def _retire_events(conn: Connection, target: RetentionTarget, table: Table, id_col: str) -> int:
    """Delete (or blank the values of) the events :func:`_events_of_past` selects; before the
    records change, since what is past is judged on them."""
    where = _events_of_past(target, table, id_col)
    if target.action == "delete":
        return int(conn.execute(delete(record_events).where(where)).rowcount)
    rows = conn.execute(select(record_events.c.id, record_events.c.fields).where(where)).all()
    for event_id, text in rows:
        blank = [{**c, "old": None, "new": None} for c in json.loads(text or "[]")]
        conn.execute(
            update(record_events)
            .where(record_events.c.id == event_id)
            .values(fields=json.dumps(blank))
        )
    return len(rows)


def _blanked(table: Table, identifying: tuple[str, ...]) -> dict[str, None]:
    names = [*identifying, *(f"{c}_norm" for c in identifying)]
    return {name: None for name in names if name in table.c}


def count_retention(store: Store, target: RetentionTarget) -> RetentionCount:
    """What :func:`apply_retention` would do for ``target``, changing nothing."""
    if target.encoded:
        with store._connect() as conn:
            records, links = count_encoded_retention(conn, target)
        return RetentionCount(target.source, target.action, records, 0, links)
    table, id_col = _table(store, target)
    with store._connect() as conn:
        return _count(conn, target, table, id_col)


def _count(conn: Connection, target: RetentionTarget, table: Table, id_col: str) -> RetentionCount:
    records = conn.execute(select(func.count()).where(_past(target, table))).scalar_one()
    quarantined = conn.execute(
        select(func.count()).where(quarantine.c.batch_id.in_(_old_batches(target)))
    ).scalar_one()
    links = len(_orphaned_ids(conn, target, table, id_col)) if target.action == "delete" else 0
    events = conn.execute(
        select(func.count()).where(_events_of_past(target, table, id_col))
    ).scalar_one()
    return RetentionCount(target.source, target.action, records, quarantined, links, events)


def _orphaned_ids(
    conn: Connection, target: RetentionTarget, table: Table, id_col: str
) -> list[str]:
    """Ids whose every version is past retention: deleting them leaves their links dangling."""
    doomed = select(table.c[id_col]).where(_past(target, table)).distinct()
    kept = select(table.c[id_col]).where(not_(_past(target, table)))
    ids = set(conn.execute(doomed).scalars()) - set(conn.execute(kept).scalars())
    return sorted(ids)


def apply_retention(store: Store, targets: list[RetentionTarget]) -> list[RetentionCount]:
    """Pseudonymise or delete every target's records past retention, all in one transaction
    (nothing changes when any of it fails); returns what was done per target."""
    done: list[RetentionCount] = []
    with store._begin() as conn:
        for target in targets:
            if target.encoded:
                records, links = apply_encoded_retention(conn, target)
                done.append(RetentionCount(target.source, target.action, records, 0, links))
                continue
            table, id_col = _table(store, target)
            # Refused rows of old batches are kept for no purpose once their batch is past.
            quarantined = conn.execute(
                delete(quarantine).where(quarantine.c.batch_id.in_(_old_batches(target)))
            ).rowcount
            events = _retire_events(conn, target, table, id_col)
            if target.action == "pseudonymise":
                changed = conn.execute(
                    update(table)
                    .where(_past(target, table))
                    .values(raw=PSEUDONYMISED, **_blanked(table, target.identifying))
                ).rowcount
                done.append(
                    RetentionCount(target.source, "pseudonymise", changed, quarantined, 0, events)
                )
                continue
            orphans = _orphaned_ids(conn, target, table, id_col)
            removed = conn.execute(delete(table).where(_past(target, table))).rowcount
            unlink_ids(conn, target.source, orphans)
            done.append(
                RetentionCount(target.source, "delete", removed, quarantined, len(orphans), events)
            )
    return done
