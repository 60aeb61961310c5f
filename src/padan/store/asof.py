"""The store as it stood at a past moment (issue 18): which record versions were current and
which linkage run was in force, derived from the stored history alone.

A record version is valid from its batch's ingest time (``batches.finished_at``) until the batch
that ended it (``superseded_by``) was ingested. A snapshot applied again to a file stored before
ends records with that older batch's id; those retirements happened when their ``removed`` event
was written (``record_events.at``), not when the batch was first ingested: each record a batch
ended by a ``removed`` event ends at that event's time, every other one at the batch's time.
No validity column is needed (no migration): batches and events already hold every time.

The linkage run in force at a moment is the latest run that had finished by then.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pyarrow as pa
from sqlalchemy import and_, exists, not_, or_, select

from padan.store.database import Store
from padan.store.record_events import record_events
from padan.store.record_reads import arrow_schema
from padan.store.records import BatchInfo, LinkRun
from padan.store.tables import link_runs

__all__ = ["batches_as_of", "records_as_of_arrow", "run_as_of"]


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("an as-of moment must carry its time zone (UTC)")
    return moment.astimezone(dt.UTC)


def _bound(store: Store, moment: dt.datetime) -> dt.datetime:
    # SQLite keeps naive UTC text; PostgreSQL compares aware timestamps.
    utc = _utc(moment)
    return utc.replace(tzinfo=None) if store.dialect == "sqlite" else utc


def run_as_of(store: Store, moment: dt.datetime) -> LinkRun | None:
    """The linkage run in force at ``moment``: the latest one finished by then (``None``: none)."""
    query = (
        select(link_runs)
        .where(link_runs.c.finished_at <= _bound(store, moment))
        .order_by(link_runs.c.finished_at.desc(), link_runs.c.id.desc())
        .limit(1)
    )
    with store._connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        return None
    return LinkRun(**{**row, "batches": json.loads(row["batches"])})


def batches_as_of(store: Store, moment: dt.datetime) -> list[BatchInfo]:
    """The batches ingested by ``moment``, oldest first."""
    at = _utc(moment)
    return [b for b in store.list_batches() if _aware(b.finished_at) <= at]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def records_as_of_arrow(
    store: Store,
    extract: str,
    columns: Sequence[str],
    moment: dt.datetime,
    *,
    record_ids: Sequence[str] | None = None,
) -> pa.Table:
    """The versions of ``extract``'s records that were current at ``moment``, only ``columns``.

    ``record_ids`` restricts the read to those source ids. Later batches (newer versions,
    retirements) do not change the answer: the same moment always gives the same rows.
    """
    table, id_column = store.record_table(extract)
    known = [b.id for b in batches_as_of(store, moment)]
    events = record_events
    # A record a snapshot retired ends at its own removed event, which is later than its
    # batch's ingest when the snapshot was applied again to a file stored before.
    removed_later = exists().where(
        events.c.batch_id == table.c.superseded_by,
        events.c.source == store.source_of(extract),
        events.c.record_id == table.c[id_column],
        events.c.event == "removed",
        events.c.at > _bound(store, moment),
    )
    ended = and_(table.c.superseded_by.in_(known), not_(removed_later))
    query = select(*(table.c[c] for c in columns)).where(
        table.c.batch_id.in_(known),
        or_(table.c.superseded_by.is_(None), not_(ended)),
    )
    schema = arrow_schema(table, columns)
    if not known:
        return schema.empty_table()
    if record_ids is None:
        return store._arrow(query, schema, bulk=True)
    return store._arrow_in(query, table.c[id_column], record_ids, schema)
