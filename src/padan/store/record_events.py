"""Record-level change events (issue 18): a record was added, changed or removed by a batch.

Every batch writes them inside its own transaction: ``added`` for a record id that had no
current version before, ``changed`` for a record superseded with a different value in one of
the tracked fields (which fields, with old and new values), ``removed`` for a current record a
snapshot retired because the complete extract no longer holds it. One row per batch and record
(a unique key), so a batch can never write the same event twice.

Identifiers and free-text addresses (``nik``, ``no_kk``, ``alamat``) are named as changed, but
their values are not copied into the event: they stay in the record's versions (which
retention pseudonymises), not in a second place. The other values follow their versions:
retention deletes the events of a version it deletes and blanks the changed values of one it
pseudonymises (:mod:`padan.store.retention`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)

from padan.store.connection import Connected, as_utc, bulk_insert
from padan.store.tables import metadata

__all__ = [
    "EVENT_KINDS",
    "TRACKED_FIELDS",
    "RecordEvent",
    "RecordEvents",
    "event_counts",
    "event_of_row",
    "in_region",
    "record_events",
    "write_change_events",
    "write_removed_events",
]

#: The kinds of record event, in the order they are shown.
EVENT_KINDS = ("added", "changed", "removed")

#: Per extract, the fields whose change between two versions of a record is an event.
TRACKED_FIELDS: dict[str, tuple[str, ...]] = {
    "dtsen_individu": (
        "desil",
        "penerima_pkh",
        "penerima_sembako",
        "penerima_pbi_jk",
        "penerima_pip",
        "penerima_atensi",
        "kode_wilayah",
        "alamat",
        "ragam_disabilitas",
        "hubungan_keluarga",
        "nik",
        "id_keluarga",
    ),
    "kpai_kasus": ("status_penanganan", "kode_wilayah", "nik_anak", "ragam_disabilitas"),
    "lembaga": (
        "jenis",
        "kode_wilayah",
        "alamat",
        "status_izin",
        "akreditasi",
        "kapasitas",
        "jumlah_anak",
        "jumlah_pekerja_sosial",
        "jumlah_pekerja_sosial_bersertifikat",
    ),
}

#: Fields named in a change without their values (identifiers and free-text addresses).
_VALUE_HIDDEN = frozenset({"nik", "nik_anak", "no_kk", "alamat"})

record_events = Table(
    "record_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(16), nullable=False),
    Column("record_id", String(128), nullable=False),
    Column("event", String(8), nullable=False),  # added | changed | removed
    Column("kode_wilayah", String(16)),  # the record's region (removed: its last one)
    Column("fields", Text),  # changed: JSON list of {"field", "old", "new"}
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("batch_id", "source", "record_id", name="uq_record_events_batch_record"),
    Index("ix_record_events_record", "source", "record_id"),
    Index("ix_record_events_at", "at"),
)


@dataclass(frozen=True, slots=True)
class RecordEvent:
    """One event of one record: ``fields`` holds ``(field, old, new)`` for a change."""

    batch_id: int
    source: str
    record_id: str
    event: str
    kode_wilayah: str | None
    fields: tuple[tuple[str, object, object], ...]
    at: dt.datetime


def _tracked(table: Table, id_column: str, extract: str) -> tuple[tuple[str, ...], bool]:
    """The fields whose change is an event, and whether their values may be shown. A declared
    source's every field is tracked, named without its values: the store cannot tell an
    identifier from a code there."""
    if extract in TRACKED_FIELDS:
        return TRACKED_FIELDS[extract], True
    fixed = {"id", "batch_id", "row_number", "is_current", "superseded_by", "flags", "raw"}
    return tuple(c.name for c in table.c if c.name not in fixed | {id_column}), False


def _plain(value: object) -> object:
    """A value as JSON keeps it (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_change_events(
    conn: Connection,
    *,
    table: Table,
    id_column: str,
    source: str,
    batch_id: int,
    at: dt.datetime,
) -> tuple[int, int]:
    """Write ``added`` and ``changed`` events of batch ``batch_id`` (records in ``table``),
    after its older versions were marked superseded by it; returns (added, changed)."""
    tracked, shown = _tracked(table, id_column, table.name)
    old, new = table.alias("old"), table.alias("new")
    region = new.c.kode_wilayah if "kode_wilayah" in table.c else literal(None, String)
    older = exists().where(
        old.c.superseded_by == batch_id,
        old.c[id_column] == new.c[id_column],
        old.c.batch_id != batch_id,
    )
    added = [
        (batch_id, source, str(r[0]), "added", r[1], None, at)
        for r in conn.execute(
            select(new.c[id_column], region).where(new.c.batch_id == batch_id, ~older)
        )
    ]
    differs = or_(*(old.c[f].is_distinct_from(new.c[f]) for f in tracked))
    query = (
        select(new.c[id_column], region, *(old.c[f] for f in tracked))
        .add_columns(*(new.c[f] for f in tracked))
        .join(old, and_(old.c[id_column] == new.c[id_column], old.c.superseded_by == batch_id))
        .where(new.c.batch_id == batch_id, old.c.batch_id != batch_id, differs)
    )
    changed = []
    for row in conn.execute(query):
        before, after = row[2 : 2 + len(tracked)], row[2 + len(tracked) :]
        fields = [
            {"field": f, "old": None, "new": None}
            if f in _VALUE_HIDDEN or not shown
            else {"field": f, "old": _plain(b), "new": _plain(a)}
            for f, b, a in zip(tracked, before, after, strict=True)
            if b != a
        ]
        changed.append((batch_id, source, str(row[0]), "changed", row[1], json.dumps(fields), at))
    _insert(conn, added + changed)
    return len(added), len(changed)


def write_removed_events(
    conn: Connection,
    *,
    source: str,
    batch_id: int,
    removed: Sequence[tuple[str, str | None]],
    at: dt.datetime,
) -> None:
    """Write a ``removed`` event for each ``(record id, region)`` a snapshot retired."""
    _insert(conn, [(batch_id, source, rid, "removed", region, None, at) for rid, region in removed])


def _insert(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    columns = ["batch_id", "source", "record_id", "event", "kode_wilayah", "fields", "at"]
    bulk_insert(conn, record_events.name, columns, rows)


def in_region(column: Any, region: str) -> Any:
    """``column`` holds the dotted region code ``region`` or one inside it."""
    return or_(column == region, column.like(region + ".%"))


def _filters(
    *,
    source: str | None,
    regions: Sequence[str] | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    record_id: str | None,
) -> list[Any]:
    t = record_events
    where: list[Any] = []
    if source is not None:
        where.append(t.c.source == source)
    if regions is not None:
        where.append(
            or_(*(in_region(t.c.kode_wilayah, r) for r in regions)) if regions else false()
        )
    if since is not None:
        where.append(t.c.at >= since)
    if until is not None:
        where.append(t.c.at < until)
    if record_id is not None:
        where.append(t.c.record_id == record_id)
    return where


class RecordEvents(Connected):
    """Reads of the record events (a part of :class:`~padan.store.Store`)."""

    def record_events(
        self,
        *,
        source: str | None = None,
        record_id: str | None = None,
        regions: Sequence[str] | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[RecordEvent]:
        """Events, oldest first: of one record (``source`` and ``record_id``), or of the
        records in ``regions`` (dotted codes, any level; ``None``: everywhere) in the period
        ``since`` ≤ time < ``until``."""
        where = _filters(
            source=source, regions=regions, since=since, until=until, record_id=record_id
        )
        t = record_events
        query = select(t).where(*where).order_by(t.c.at, t.c.id).limit(limit)
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [event_of_row(r) for r in rows]

    def removed_records(self, batch_ids: Collection[int]) -> list[tuple[str, str]]:
        """``(source, record id)`` of every record a snapshot among ``batch_ids`` retired
        (whether or not a later batch brought it back), in id order."""
        wanted = sorted(set(batch_ids))
        t = record_events
        found: set[tuple[str, str]] = set()
        with self._connect() as conn:
            for i in range(0, len(wanted), 5_000):
                query = select(t.c.source, t.c.record_id).where(
                    t.c.event == "removed", t.c.batch_id.in_(wanted[i : i + 5_000])
                )
                found.update((str(s), str(r)) for s, r in conn.execute(query))
        return sorted(found)

    def changed_field_counts(
        self, batch_ids: Collection[int], *, source: str, fields: Collection[str]
    ) -> dict[str, int] | None:
        """How many records of ``source`` the batches ``batch_ids`` changed in each of
        ``fields`` (tracked fields, :data:`TRACKED_FIELDS`), from their ``changed`` events;
        None when one of the batches wrote no event at all (it may have been ingested before
        events were written: :meth:`~padan.store.Store.changed_attributes` compares its
        versions instead)."""
        wanted = sorted(set(batch_ids))
        t = record_events
        counts: dict[str, int] = {}
        with self._connect() as conn:
            for i in range(0, len(wanted), 1_000):
                part = wanted[i : i + 1_000]
                with_events = conn.execute(
                    select(t.c.batch_id).where(t.c.batch_id.in_(part)).distinct()
                ).all()
                if len(with_events) < len(part):
                    return None
                query = select(t.c.fields).where(
                    t.c.batch_id.in_(part), t.c.source == source, t.c.event == "changed"
                )
                for (text,) in conn.execute(query):
                    for change in json.loads(text or "[]"):
                        if change["field"] in fields:
                            counts[change["field"]] = counts.get(change["field"], 0) + 1
        return counts

    def earlier_regions(
        self, source: str, records: Collection[str] | None = None
    ) -> list[tuple[str, str, int]]:
        """``(record id, region, event id)`` for every region a record of ``source`` (kpai,
        dtsen) left, as its ``changed`` events tell: the region it was in before a newer
        version moved it. A record moved twice has two rows; the event id orders them.
        ``records``: only these record ids (looked up by index, 1,000 at a time)."""
        t = record_events
        query = select(t.c.record_id, t.c.fields, t.c.id).where(
            t.c.source == source,
            t.c.event == "changed",
            t.c.fields.like('%"kode_wilayah"%'),
        )
        wanted = sorted(set(records)) if records is not None else None
        queries = (
            [query]
            if wanted is None
            else [
                query.where(t.c.record_id.in_(wanted[i : i + 1_000]))
                for i in range(0, len(wanted), 1_000)
            ]
        )
        found: list[tuple[str, str, int]] = []
        with self._connect() as conn:
            for part in queries:
                for record, text, event in conn.execute(part):
                    for change in json.loads(text or "[]"):
                        # Retention blanks the values of a version it pseudonymises.
                        if change["field"] == "kode_wilayah" and change.get("old"):
                            found.append((str(record), str(change["old"]), int(event)))
        return found

    def batch_event_counts(self, batch_id: int) -> dict[str, int]:
        """How many events of each kind batch ``batch_id`` wrote."""
        t = record_events
        counts = dict.fromkeys(EVENT_KINDS, 0)
        query = select(t.c.event, func.count()).where(t.c.batch_id == batch_id).group_by(t.c.event)
        with self._connect() as conn:
            for kind, n in conn.execute(query):
                counts[str(kind)] = int(n)
        return counts


def event_of_row(r: Any) -> RecordEvent:
    """A :class:`RecordEvent` from a row (mapping) of the ``record_events`` table."""
    return RecordEvent(
        r["batch_id"],
        r["source"],
        r["record_id"],
        r["event"],
        r["kode_wilayah"],
        tuple((f["field"], f["old"], f["new"]) for f in json.loads(r["fields"] or "[]")),
        as_utc(r["at"]),
    )


def event_counts(
    store: Connected,
    *,
    source: str | None = None,
    regions: Sequence[str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """How many events of each kind, and how many changes of each field, for the records in
    ``regions`` in the period (no record ids or values leave the store)."""
    where = _filters(source=source, regions=regions, since=since, until=until, record_id=None)
    t = record_events
    kinds: dict[str, int] = dict.fromkeys(EVENT_KINDS, 0)
    fields: dict[str, int] = {}
    with store._connect() as conn:
        for kind, n in conn.execute(
            select(t.c.event, func.count()).where(*where).group_by(t.c.event)
        ):
            kinds[str(kind)] = int(n)
        changed = select(t.c.fields).where(*where, t.c.event == "changed")
        for (text,) in conn.execute(changed):
            for change in json.loads(text or "[]"):
                fields[change["field"]] = fields.get(change["field"], 0) + 1
    return kinds, dict(sorted(fields.items(), key=lambda kv: (-kv[1], kv[0])))
