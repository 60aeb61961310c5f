"""Batches: one file's accepted rows and quarantined rows written in one transaction, and the
history of batches and their quarantine.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table, func, or_, select, update

from padan.store.connection import bulk_insert
from padan.store.declared import DeclaredSources
from padan.store.encoded import refuse_plaintext_into_encoded
from padan.store.record_events import in_region, write_change_events, write_removed_events
from padan.store.records import BatchInfo, NewBatch, QuarantineEntry
from padan.store.tables import batches, quarantine

__all__ = ["BatchStore", "BatchWriter"]


class BatchStore(DeclaredSources):
    """Batches and quarantine (a part of :class:`~padan.store.Store`)."""

    def find_batch(self, source: str, content_sha256: str) -> BatchInfo | None:
        """The batch already holding a file with this content, if any."""
        query = select(batches).where(
            batches.c.source == source, batches.c.content_sha256 == content_sha256
        )
        with self._connect() as conn:
            row = conn.execute(query).mappings().first()
        return _batch_info(row) if row else None

    def list_batches(self) -> list[BatchInfo]:
        with self._connect() as conn:
            rows = conn.execute(select(batches).order_by(batches.c.id)).mappings().all()
        return [_batch_info(r) for r in rows]

    @contextmanager
    def write_batch(self, new: NewBatch) -> Iterator[BatchWriter]:
        """One transaction for one file: everything written inside commits together or not."""
        with self._begin() as conn:
            refuse_plaintext_into_encoded(conn, new.extract)
            values = {
                "source": new.source,
                "extract": new.extract,
                "file_name": new.file_name,
                "file_format": new.file_format,
                "file_encoding": new.file_encoding,
                "content_sha256": new.content_sha256,
                "mapping": new.mapping,
                "rows_read": 0,
                "rows_accepted": 0,
                "rows_quarantined": 0,
                "flag_counts": "{}",
                "started_at": new.started_at,
                "finished_at": new.started_at,
                "padan_version": new.padan_version,
                "snapshot": False,
                "baseline": False,
            }
            inserted = conn.execute(batches.insert().values(**values)).inserted_primary_key
            assert inserted is not None
            writer = BatchWriter(conn, int(inserted[0]), self.record_table(new.extract), new.source)
            # Read before the batch writes a row: one row of the source answers it at once.
            table = writer.table
            first = select(table.c.id).where(table.c.is_current).limit(1)
            writer.had_current = conn.execute(first).first() is not None
            yield writer

    @contextmanager
    def reopen_batch(self, batch: BatchInfo) -> Iterator[BatchWriter]:
        """One transaction on a stored batch (a snapshot applied to a file ingested before)."""
        with self._begin() as conn:
            yield BatchWriter(conn, batch.id, self.record_table(batch.extract), batch.source)

    # -- quarantine ----------------------------------------------------------------------------

    def quarantine_entries(
        self, *, batch_id: int | None = None, limit: int | None = None
    ) -> list[QuarantineEntry]:
        """Quarantined rows with their reasons, oldest batch first, in file order."""
        query = (
            select(quarantine, batches.c.file_name)
            .join(batches, batches.c.id == quarantine.c.batch_id)
            .order_by(quarantine.c.batch_id, quarantine.c.row_number, quarantine.c.id)
        )
        if batch_id is not None:
            query = query.where(quarantine.c.batch_id == batch_id)
        if limit is not None:
            query = query.limit(limit)
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            QuarantineEntry(
                r["batch_id"],
                r["file_name"],
                r["row_number"],
                r["column_name"],
                r["value"],
                r["reason"],
                r["reason_id"],
                r["reason_en"],
                r["raw"],
            )
            for r in rows
        ]


class BatchWriter:
    """Writes the rows of one batch inside the transaction opened by :meth:`Store.write_batch`."""

    def __init__(
        self, conn: Connection, batch_id: int, table: tuple[Table, str], source: str
    ) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.table, self.id_column = table
        self.source = source
        #: Records this batch added (no current version before) and changed (a tracked field).
        self.added = self.changed = 0
        #: The one time this transaction stamps (ingest, retirements, snapshot): a snapshot's
        #: point in time must see its records arrive and others leave at the same moment.
        self._at: dt.datetime | None = None
        #: Whether the source held a current record when this batch was opened (a new batch
        #: opened on a source without one is its first load).
        self.had_current = True

    def _now(self) -> dt.datetime:
        if self._at is None:
            self._at = dt.datetime.now(dt.UTC)
        return self._at

    def add_records(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert accepted records given as tuples in the order of ``columns``.

        ``columns`` must include ``batch_id`` (with this writer's :attr:`batch_id`): building
        the tuples once, where they are made, is what keeps a million-row file fast.
        """
        if rows:
            self._insert(self.table.name, list(columns), rows)

    def add_quarantine(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            columns = ["batch_id", *rows[0]]
            self._insert(quarantine.name, columns, [(self.batch_id, *r.values()) for r in rows])

    def _insert(self, table: str, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
        bulk_insert(self.conn, table, columns, rows)

    def finish(
        self,
        *,
        read: int,
        accepted: int,
        quarantined: int,
        flags: dict[str, int],
        baseline: bool = False,
    ) -> int:
        """Mark older versions of this batch's records as superseded and store the counts.

        ``baseline``: the batch is the first load of its source (or of a snapshot's region;
        see :attr:`had_current`). Returns the number of older records superseded.
        """
        table, id_col = self.table, self.table.c[self.id_column]
        newer = select(id_col).where(table.c.batch_id == self.batch_id)
        superseded = self.conn.execute(
            update(table)
            .where(table.c.is_current, table.c.batch_id != self.batch_id, id_col.in_(newer))
            .values(is_current=False, superseded_by=self.batch_id)
        ).rowcount
        now = self._now()
        self.added, self.changed = write_change_events(
            self.conn,
            table=self.table,
            id_column=self.id_column,
            source=self.source,
            batch_id=self.batch_id,
            at=now,
        )
        self.conn.execute(
            update(batches)
            .where(batches.c.id == self.batch_id)
            .values(
                rows_read=read,
                rows_accepted=accepted,
                rows_quarantined=quarantined,
                rows_superseding=superseded,
                flag_counts=json.dumps(flags, sort_keys=True),
                finished_at=now,
                baseline=baseline,
            )
        )
        return int(superseded)

    def mark_snapshot(self, scope: str | None) -> None:
        """Record that this batch was applied as a complete extract of ``scope`` (``None``: the
        whole source), at the time its records were stored and retired; a batch already
        marked keeps its first time and region (applying the same file again changes nothing).
        """
        self.conn.execute(
            update(batches)
            .where(
                batches.c.id == self.batch_id,
                or_(batches.c.snapshot.is_(None), ~batches.c.snapshot),
            )
            .values(snapshot=True, snapshot_at=self._now(), snapshot_scope=scope)
        )

    # -- snapshots ------------------------------------------------------------------------------

    def _in_scope(
        self, scope: str | None, also: Sequence[str], *, others: bool = True
    ) -> list[Any]:
        table = self.table
        where: list[Any] = [table.c.is_current]
        if others:
            where.append(table.c.batch_id != self.batch_id)
        if scope is not None:
            inside = in_region(table.c.kode_wilayah, scope)
            where.append(or_(inside, table.c.kode_wilayah.in_(list(also))) if also else inside)
        return where

    def region_codes(self, under: Sequence[str]) -> list[str]:
        """The region codes, as written, of the current records inside any of ``under``."""
        if not under:
            return []
        column = self.table.c.kode_wilayah
        query = (
            select(column)
            .distinct()
            .where(self.table.c.is_current, or_(*(in_region(column, u) for u in under)))
        )
        return sorted(str(c) for c in self.conn.execute(query).scalars() if c)

    def count_current(self, scope: str | None, also: Sequence[str] = ()) -> int:
        """Current records in ``scope`` (dotted code; ``None``: all) or with a region code in
        ``also`` (codes as written that lie in the scope by another name), this batch's
        included."""
        query = (
            select(func.count())
            .select_from(self.table)
            .where(*self._in_scope(scope, also, others=False))
        )
        return int(self.conn.execute(query).scalar_one())

    def absent(
        self, scope: str | None, also: Sequence[str] = ()
    ) -> list[tuple[int, str, str | None]]:
        """``(row id, record id, region)`` of the current records in ``scope`` (or with a
        region code in ``also``) this batch does not hold (after :meth:`finish`, whatever of
        other batches is still current)."""
        table = self.table
        query = select(table.c.id, table.c[self.id_column], table.c.kode_wilayah).where(
            *self._in_scope(scope, also)
        )
        return [(int(r[0]), str(r[1]), r[2]) for r in self.conn.execute(query)]

    def retire(self, rows: Sequence[tuple[int, str, str | None]]) -> None:
        """Retire ``rows`` (from :meth:`absent`): no longer current, kept as history with
        this batch as the one that ended them, each with a ``removed`` event."""
        table, ids = self.table, [r[0] for r in rows]
        for i in range(0, len(ids), 5_000):
            self.conn.execute(
                update(table)
                .where(table.c.id.in_(ids[i : i + 5_000]), table.c.is_current)
                .values(is_current=False, superseded_by=self.batch_id)
            )
        write_removed_events(
            self.conn,
            source=self.source,
            batch_id=self.batch_id,
            removed=[(r[1], r[2]) for r in rows],
            at=self._now(),
        )


def _batch_info(row: Any) -> BatchInfo:
    return BatchInfo(
        id=row["id"],
        source=row["source"],
        extract=row["extract"],
        file_name=row["file_name"],
        file_format=row["file_format"],
        content_sha256=row["content_sha256"],
        rows_read=row["rows_read"],
        rows_accepted=row["rows_accepted"],
        rows_quarantined=row["rows_quarantined"],
        rows_superseding=row["rows_superseding"],
        flag_counts=json.loads(row["flag_counts"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        snapshot=None if row["snapshot"] is None else bool(row["snapshot"]),
        snapshot_at=row["snapshot_at"],
        snapshot_scope=row["snapshot_scope"],
        baseline=bool(row["baseline"]),
    )
