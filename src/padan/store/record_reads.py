"""Reads of the agencies' records: counts, rows as dicts, values changed by newer batches, and
Arrow tables streamed straight from the driver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

import pyarrow as pa
from sqlalchemy import Table, and_, func, or_, select

from padan.store.connection import as_utc
from padan.store.declared import DeclaredSources
from padan.store.sqlite_arrow import read_sqlite_arrow

__all__ = ["CHILD_ROWS", "RecordReads", "arrow_schema"]

#: Rows from which a whole-table read of an SQLite file goes through a child process
#: (:mod:`padan.store.sqlite_arrow`): its start costs about half a second, reading through
#: Python's driver 5-7 microseconds a row.
CHILD_ROWS = 100_000
#: Values of one ``IN`` list when records are read by id or household (:meth:`_arrow_in`).
_IN_CHUNK = 1_000


class RecordReads(DeclaredSources):
    """Reads of the record tables (a part of :class:`~padan.store.Store`)."""

    def count_records(self, extract: str, *, current_only: bool = True) -> int:
        table, _ = self.record_table(extract)
        query = select(func.count()).select_from(table)
        if current_only:
            query = query.where(table.c.is_current)
        with self._connect() as conn:
            return int(conn.execute(query).scalar_one())

    def fetch_records(self, extract: str, *, current_only: bool = True) -> list[dict[str, Any]]:
        """All records of an extract as dicts (for small stores and tests)."""
        table, _ = self.record_table(extract)
        query = select(table).order_by(table.c.id)
        if current_only:
            query = query.where(table.c.is_current)
        with self._connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def changed_attributes(
        self, extract: str, batch_ids: Sequence[int], columns: Sequence[str]
    ) -> list[tuple[str, str, object, object]]:
        """Values that changed when records were superseded by the batches ``batch_ids``.

        Returns ``(record id, column, old value, new value)`` for every differing column.
        """
        table, id_column = self.record_table(extract)
        old, new = table.alias("old"), table.alias("new")
        query = (
            select(old.c[id_column], *(old.c[c] for c in columns), *(new.c[c] for c in columns))
            .join(new, new.c.id != old.c.id)
            .where(
                old.c.superseded_by.in_(list(batch_ids)),
                new.c.batch_id == old.c.superseded_by,
                new.c[id_column] == old.c[id_column],
                # Only the versions that differ leave the database: a snapshot supersedes
                # every record it holds, and most of them are the same as before.
                or_(*(old.c[c].is_distinct_from(new.c[c]) for c in columns)),
            )
            .order_by(old.c[id_column])
        )
        changes: list[tuple[str, str, object, object]] = []
        with self._connect() as conn:
            for row in conn.execute(query):
                for i, column in enumerate(columns):
                    before, after = row[1 + i], row[1 + len(columns) + i]
                    if before != after:
                        changes.append((row[0], column, before, after))
        return changes

    def changed_records(
        self, extract: str, batch_ids: Collection[int], columns: Sequence[str]
    ) -> set[str]:
        """The ids of the records the batches ``batch_ids`` wrote a version of that differs
        from the version it superseded in one of ``columns``, or that superseded none (new,
        or back after a snapshot retired it).

        The comparison runs in the database: a snapshot writes a new version of every record
        it holds, and only the few that differ leave it.
        """
        table, id_column = self.record_table(extract)
        old, new = table.alias("old"), table.alias("new")
        found: set[str] = set()
        wanted = sorted(set(batch_ids))
        with self._connect() as conn:
            for batch_id in wanted:
                query = (
                    select(new.c[id_column])
                    .select_from(
                        new.outerjoin(
                            old,
                            and_(
                                old.c[id_column] == new.c[id_column],
                                old.c.superseded_by == batch_id,
                                old.c.batch_id != batch_id,
                            ),
                        )
                    )
                    .where(
                        new.c.batch_id == batch_id,
                        or_(
                            old.c.id.is_(None),
                            *(old.c[c].is_distinct_from(new.c[c]) for c in columns),
                        ),
                    )
                )
                found.update(str(r) for (r,) in conn.execute(query))
        return found

    def records_arrow(
        self,
        extract: str,
        columns: Sequence[str],
        *,
        only: tuple[str, Collection[Any]] | None = None,
    ) -> pa.Table:
        """The current records of an extract, only ``columns``, as an Arrow table.

        ``only=(column, values)`` keeps the records whose ``column`` is one of ``values`` (e.g.
        the batches an incremental run links). Streams in chunks so a million-row extract does
        not pass through Python dicts at once; dates arrive as ``date32``, the rest as the
        store types them.
        """
        table, _ = self.record_table(extract)
        query = (
            select(*(table.c[c] for c in columns)).where(table.c.is_current).order_by(table.c.id)
        )
        schema = arrow_schema(table, columns)
        if only is None:
            return self._arrow(query, schema, bulk=True)
        return self._arrow_in(query, table.c[only[0]], only[1], schema)

    def _arrow_in(
        self, query: Any, column: Any, values: Collection[Any], schema: pa.Schema
    ) -> pa.Table:
        """:meth:`_arrow` of ``query`` where ``column`` is one of ``values``, 1,000 at a time
        (databases limit the parameters of one statement)."""
        wanted = sorted(set(values))
        # SQLite looks up a list of up to about 2,000 values in the column's index and scans
        # the whole table for a longer one: on a million records (two million versions) 1,000
        # ids took 2 ms, 5,000 took 0.7 s.
        parts = [
            self._arrow(query.where(column.in_(wanted[i : i + _IN_CHUNK])), schema)
            for i in range(0, len(wanted), _IN_CHUNK)
        ]
        return pa.concat_tables(parts) if parts else schema.empty_table()

    def _arrow(self, query: Any, schema: pa.Schema, *, bulk: bool = False) -> pa.Table:
        """The rows of ``query`` as an Arrow table of ``schema``, 50,000 rows at a time.

        ``bulk``: a read of a whole table, which on an SQLite file of :data:`CHILD_ROWS` rows
        or more goes through :func:`~padan.store.sqlite_arrow.read_sqlite_arrow`.
        """
        path = self.engine.url.database if self.dialect == "sqlite" else None
        if bulk and path and path != ":memory:" and not path.startswith("file:"):
            with self._connect() as conn:
                rows = conn.execute(select(func.count()).select_from(query.subquery())).scalar()
            if (rows or 0) >= CHILD_ROWS:
                sql = str(query.compile(dialect=self.engine.dialect, compile_kwargs=_LITERAL))
                return read_sqlite_arrow(path, sql, schema)
        batches: list[pa.RecordBatch] = []
        with self._connect() as conn:
            # The driver's own cursor and values, without SQLAlchemy's Row per row and
            # processing per value (1.5 s and more of reading a million records): Arrow
            # converts whole columns at once instead. A named cursor on PostgreSQL streams from
            # the server. Only ids and numbers from the store are bound, so literal binds are
            # safe here.
            sql = str(query.compile(dialect=conn.dialect, compile_kwargs=_LITERAL))
            driver = conn.connection.driver_connection
            assert driver is not None
            named = {"name": "padan_arrow"} if conn.dialect.name == "postgresql" else {}
            cursor = driver.cursor(**named)
            cursor.execute(sql)
            while part := cursor.fetchmany(50_000):
                by_column = zip(*part, strict=True)
                arrays = [_arrow_column(v, f.type) for v, f in zip(by_column, schema, strict=True)]
                batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
            cursor.close()
        return pa.Table.from_batches(batches, schema=schema)


#: Only ids and numbers from the store are bound in the reads here: literal binds are safe.
_LITERAL = {"literal_binds": True}


def _arrow_column(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """One column as the driver gave it: SQLite hands dates and times over as ISO text."""
    if kind == pa.date32() and any(isinstance(v, str) for v in values):
        return pa.array(values, type=pa.string()).cast(kind)
    if kind == pa.timestamp("us", tz="UTC") and any(isinstance(v, str) for v in values):
        values = [None if v is None else as_utc(dt.datetime.fromisoformat(v)) for v in values]
    if kind == pa.bool_():
        return pa.array([None if v is None else bool(v) for v in values], type=kind)
    return pa.array(values, type=kind)


_ARROW_TYPES: dict[str, pa.DataType] = {
    "String": pa.string(),
    "Text": pa.string(),
    "Integer": pa.int64(),
    "BigInteger": pa.int64(),
    "Date": pa.date32(),
    "Boolean": pa.bool_(),
    "DateTime": pa.timestamp("us", tz="UTC"),
    "Float": pa.float64(),
}


def arrow_schema(table: Table, columns: Sequence[str]) -> pa.Schema:
    """The Arrow types of ``columns`` of ``table``."""
    return pa.schema([(c, _ARROW_TYPES[type(table.c[c].type).__name__]) for c in columns])
