"""Open the store, bring its schema up to date, and read and write batches."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from importlib import resources
from typing import Any

import pyarrow as pa
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from padan.errors import StoreError
from padan.store.records import (
    BatchInfo,
    ChildEvent,
    ChildLink,
    LinkRun,
    NewBatch,
    QuarantineEntry,
    ReviewDecision,
)
from padan.store.tables import (
    RECORD_TABLES,
    batches,
    child_events,
    child_links,
    held_in_run,
    link_pairs,
    link_runs,
    quarantine,
    review_decisions,
)

__all__ = ["HEAD_REVISION", "BatchWriter", "Store", "open_store"]

#: The newest revision in ``migrations/versions``. Kept here because asking Alembic costs a
#: second of imports on every command; ``tests/store`` checks the two agree.
HEAD_REVISION = "0008"


def open_store(url: str, *, create: bool = True) -> Store:
    """Open the store at ``url`` (SQLAlchemy URL).

    An empty database is given the current schema when ``create`` is true; a database at an older
    schema raises :class:`StoreError` asking for ``padan db upgrade``. Raises :class:`StoreError`
    for an unusable URL or an unreachable server.
    """
    store = Store(url)
    store.ensure_schema(create=create)
    return store


class _LinkStore:
    """Connections that turn driver failures into StoreError, and linkage runs."""

    engine: Engine
    url: str

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"cannot use the store at {self.url}: {exc.orig}") from exc

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"cannot write to the store at {self.url}: {exc.orig}") from exc

    def save_link_run(
        self,
        run: LinkRun,
        links: Sequence[ChildLink] | pa.Table,
        pairs: Sequence[tuple[str, str, float, str, str]],
        events: Sequence[ChildEvent] | pa.Table = (),
        *,
        since: int | None = None,
        gone_pairs: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Store a run (``run.id`` is ignored), its record → child links, pairs and id events.

        ``pairs`` are ``(uid_l, uid_r, probability, rule, decision)``. Without ``since``,
        ``links`` and ``pairs`` are all the run holds. With ``since`` (the latest run's id) they
        are only what changed since that run: each replaces the record's or pair's row, the
        rest hold on, and the pairs in ``gone_pairs`` end. ``links`` and ``events`` may be
        Arrow tables with the fields of :class:`ChildLink` and :class:`ChildEvent` as columns
        (a national run's million links). Returns the new run id.

        Raises :class:`StoreError` when ``since`` is not the latest run (another run was
        stored in between: the changes would not add up).
        """
        values = asdict(run)
        values.pop("id")
        values["batches"] = json.dumps(run.batches)
        # A NIK rule and the model may give the same pair: stored once.
        unique = list({(p[0], p[1]): p for p in pairs}.values())
        link_rows = list(_rows(links, ("source", "source_id", "child_id", "match_probability")))
        event_rows = _rows(events, ("event", "child_id", "other_child_id", "records"))
        with self._begin() as conn:
            latest = conn.execute(select(func.max(link_runs.c.id))).scalar()
            if since is not None and since != latest:
                raise StoreError(
                    f"the run's changes are relative to run {since}, but the latest run is "
                    f"{latest}; run padan link again"
                )
            inserted = conn.execute(link_runs.insert().values(**values)).inserted_primary_key
            assert inserted is not None
            run_id = int(inserted[0])
            if since is None:
                for table in (child_links, link_pairs):
                    conn.execute(
                        update(table).where(table.c.until_run.is_(None)).values(until_run=run_id)
                    )
            else:
                _end_rows(conn, child_links, ("source", "source_id"), run_id,
                          [(row[0], row[1]) for row in link_rows])  # fmt: skip
                _end_rows(conn, link_pairs, ("uid_l", "uid_r"), run_id,
                          [*((p[0], p[1]) for p in unique), *gone_pairs])  # fmt: skip
            # A national run's first links are a million rows.
            _bulk_insert(
                conn, child_links.name,
                ["run_id", "source", "source_id", "child_id", "match_probability"],
                ((run_id, *row) for row in link_rows),
            )  # fmt: skip
            _bulk_insert(
                conn, child_events.name,
                ["run_id", "event", "child_id", "other_child_id", "records"],
                ((run_id, *row) for row in event_rows),
            )  # fmt: skip
            _bulk_insert(
                conn, link_pairs.name,
                ["run_id", "uid_l", "uid_r", "match_probability", "rule", "decision"],
                ((run_id, *pair) for pair in unique),
            )  # fmt: skip
        return run_id

    def child_events(self, run_id: int) -> list[ChildEvent]:
        query = (
            select(child_events).where(child_events.c.run_id == run_id).order_by(child_events.c.id)
        )
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            ChildEvent(r["event"], r["child_id"], r["other_child_id"], r["records"]) for r in rows
        ]

    def add_review_decision(self, decision: ReviewDecision) -> int:
        """Store a reviewer's decision; the newest decision on a pair is the one that counts."""
        with self._begin() as conn:
            inserted = conn.execute(
                review_decisions.insert().values(**asdict(decision))
            ).inserted_primary_key
        assert inserted is not None
        return int(inserted[0])

    def review_decisions(self) -> list[ReviewDecision]:
        """The newest decision on every decided pair."""
        query = select(review_decisions).order_by(review_decisions.c.id)
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
        newest = {(r["uid_a"], r["uid_b"]): r for r in rows}
        return [
            ReviewDecision(r["uid_a"], r["uid_b"], r["decision"], r["reviewer"], r["reason"],
                           r["decided_at"])
            for r in newest.values()
        ]  # fmt: skip

    def latest_link_run(self) -> LinkRun | None:
        with self._connect() as conn:
            row = (
                conn.execute(select(link_runs).order_by(link_runs.c.id.desc()).limit(1))
                .mappings()
                .first()
            )
        if row is None:
            return None
        return LinkRun(**{**row, "batches": json.loads(row["batches"])})

    def child_links(self, run_id: int) -> list[ChildLink]:
        query = (
            select(child_links)
            .where(held_in_run(child_links, run_id))
            .order_by(child_links.c.source, child_links.c.source_id)
        )
        with self._connect() as conn:
            rows = conn.execute(query).all()
        return [ChildLink(r.source, r.source_id, r.child_id, r.match_probability) for r in rows]

    def child_of(self, run_id: int) -> dict[str, str]:
        """Record (``source:source_id``) → child id in run ``run_id``: the lean form of
        :meth:`child_links` for a million records."""
        uid = (child_links.c.source + ":" + child_links.c.source_id).label("uid")
        query = select(uid, child_links.c.child_id).where(held_in_run(child_links, run_id))
        with self._connect() as conn:
            return {str(u): str(c) for u, c in conn.execute(query)}

    def highest_child_id(self) -> str | None:
        """The highest child id any run ever gave (retired ones included: never given again)."""
        with self._connect() as conn:
            top = conn.execute(select(func.max(child_links.c.child_id))).scalar()
        return str(top) if top is not None else None

    def link_pairs(self, run_id: int) -> list[tuple[str, str, float, str, str]]:
        query = (
            select(link_pairs)
            .where(held_in_run(link_pairs, run_id))
            .order_by(link_pairs.c.match_probability.desc(), link_pairs.c.uid_l, link_pairs.c.uid_r)
        )
        with self._connect() as conn:
            rows = conn.execute(query).all()
        return [(r.uid_l, r.uid_r, r.match_probability, r.rule, r.decision) for r in rows]


class Store(_LinkStore):
    """Handle on one database. Cheap to create; holds a SQLAlchemy engine."""

    def __init__(self, url: str) -> None:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        try:
            self.engine: Engine = create_engine(url)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise StoreError(
                f"database URL {url!r} is not usable ({exc}). Use sqlite:///FILE.db or "
                "postgresql://USER:PASSWORD@HOST:PORT/DB"
            ) from exc
        except ImportError as exc:  # the driver, an extra: psycopg for PostgreSQL
            raise StoreError(
                f"database URL {url.split('://')[0]}://… needs a driver that is not installed "
                f"({exc}); for PostgreSQL: pip install 'padan[postgres]' (scripts/setup --postgres)"
            ) from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.url = url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        config = Config()
        config.set_main_option(
            "script_location", str(resources.files("padan.store") / "migrations")
        )
        config.attributes["engine"] = self.engine
        return config

    def current_revision(self) -> str | None:
        """The schema revision the database is at (``None`` for an empty database)."""
        # Alembic's own reader costs 0.7 s of imports on every command; its table is one row.
        with self._connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        return str(rows[0][0]) if rows else None

    def head_revision(self) -> str:
        """The newest schema revision (:data:`HEAD_REVISION`; a test checks it is Alembic's)."""
        return HEAD_REVISION

    def upgrade(self) -> str:
        """Migrate the schema to the newest revision; returns it."""
        from alembic import command

        command.upgrade(self._alembic_config(), "head")
        return self.head_revision()

    def ensure_schema(self, *, create: bool) -> None:
        current = self.current_revision()
        if current == self.head_revision():
            return
        if current is None and create:
            with self._connect() as conn:
                if inspect(conn).get_table_names():
                    raise StoreError(f"{self.url}: the database holds tables that are not Padan's")
            self.upgrade()
            return
        raise StoreError(
            f"the store at {self.url} is at schema revision {current or 'none'}, this Padan needs "
            f"{self.head_revision()}. Run: padan db upgrade"
        )

    # -- batches -----------------------------------------------------------------------------

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
            values = {
                "source": new.source, "extract": new.extract, "file_name": new.file_name,
                "file_format": new.file_format, "file_encoding": new.file_encoding,
                "content_sha256": new.content_sha256, "mapping": new.mapping,
                "rows_read": 0, "rows_accepted": 0, "rows_quarantined": 0, "flag_counts": "{}",
                "started_at": new.started_at, "finished_at": new.started_at,
                "padan_version": new.padan_version,
            }  # fmt: skip
            inserted = conn.execute(batches.insert().values(**values)).inserted_primary_key
            assert inserted is not None
            yield BatchWriter(conn, int(inserted[0]), new.extract)

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

    def count_records(self, extract: str, *, current_only: bool = True) -> int:
        table, _ = RECORD_TABLES[extract]
        query = select(func.count()).select_from(table)
        if current_only:
            query = query.where(table.c.is_current)
        with self._connect() as conn:
            return int(conn.execute(query).scalar_one())

    def fetch_records(self, extract: str, *, current_only: bool = True) -> list[dict[str, Any]]:
        """All records of an extract as dicts (for small stores and tests)."""
        table, _ = RECORD_TABLES[extract]
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
        table, id_column = RECORD_TABLES[extract]
        old, new = table.alias("old"), table.alias("new")
        query = (
            select(old.c[id_column], *(old.c[c] for c in columns), *(new.c[c] for c in columns))
            .join(new, new.c.id != old.c.id)
            .where(
                old.c.superseded_by.in_(list(batch_ids)),
                new.c.batch_id == old.c.superseded_by,
                new.c[id_column] == old.c[id_column],
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
        table, _ = RECORD_TABLES[extract]
        query = (
            select(*(table.c[c] for c in columns)).where(table.c.is_current).order_by(table.c.id)
        )
        schema = _arrow_schema(table, columns)
        if only is None:
            return self._arrow(query, schema)
        return self._arrow_in(query, table.c[only[0]], only[1], schema)

    def _arrow_in(
        self, query: Any, column: Any, values: Collection[Any], schema: pa.Schema
    ) -> pa.Table:
        """:meth:`_arrow` of ``query`` where ``column`` is one of ``values``, 5,000 at a time
        (databases limit the parameters of one statement)."""
        wanted = sorted(set(values))
        parts = [
            self._arrow(query.where(column.in_(wanted[i : i + 5_000])), schema)
            for i in range(0, len(wanted), 5_000)
        ]
        return pa.concat_tables(parts) if parts else schema.empty_table()

    def _arrow(self, query: Any, schema: pa.Schema) -> pa.Table:
        """The rows of ``query`` as an Arrow table of ``schema``, 50,000 rows at a time."""
        batches: list[pa.RecordBatch] = []
        with self._connect() as conn:
            # The driver's own values, without SQLAlchemy's per-value processing (a date per
            # row through a regex on SQLite): Arrow converts whole columns at once instead.
            # Only ids and numbers from the store are bound, so literal binds are safe here.
            sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            result = conn.execution_options(stream_results=True).exec_driver_sql(sql)
            while part := result.fetchmany(50_000):
                by_column = zip(*part, strict=True)
                arrays = [_arrow_column(v, f.type) for v, f in zip(by_column, schema, strict=True)]
                batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
        return pa.Table.from_batches(batches, schema=schema)


def _rows(items: Sequence[Any] | pa.Table, fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The ``fields`` of each of ``items`` (dataclasses, or the rows of an Arrow table)."""
    if isinstance(items, pa.Table):
        return zip(*(items.column(f).to_pylist() for f in fields), strict=True)
    return (tuple(getattr(item, f) for f in fields) for item in items)


def _bulk_insert(
    conn: Connection, table: str, columns: list[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert tuples straight through the driver (COPY on PostgreSQL): the million-row paths."""
    rows = list(rows)
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        assert driver is not None
        with (
            driver.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        # Table and column names come from our own schema, never from input.
        insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
        conn.exec_driver_sql(insert, rows)


def _end_rows(
    conn: Connection,
    table: Table,
    key: tuple[str, str],
    run_id: int,
    keys: Sequence[tuple[str, str]],
) -> None:
    """End the rows of ``table`` that hold now for ``keys``: run ``run_id`` replaces them."""
    if keys:
        a, b = key
        statement = (
            update(table)
            .where(table.c[a] == bindparam("_a"), table.c[b] == bindparam("_b"),
                   table.c.until_run.is_(None))
            .values(until_run=run_id)
        )  # fmt: skip
        conn.execute(statement, [{"_a": x, "_b": y} for x, y in keys])


def _arrow_column(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """One column as the driver gave it: SQLite hands dates and times over as ISO text."""
    if kind == pa.date32() and any(isinstance(v, str) for v in values):
        return pa.array(values, type=pa.string()).cast(kind)
    if kind == pa.timestamp("us", tz="UTC") and any(isinstance(v, str) for v in values):
        values = [None if v is None else _utc(dt.datetime.fromisoformat(v)) for v in values]
    if kind == pa.bool_():
        return pa.array([None if v is None else bool(v) for v in values], type=kind)
    return pa.array(values, type=kind)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


_ARROW_TYPES: dict[str, pa.DataType] = {
    "String": pa.string(), "Text": pa.string(), "Integer": pa.int64(), "BigInteger": pa.int64(),
    "Date": pa.date32(), "Boolean": pa.bool_(), "DateTime": pa.timestamp("us", tz="UTC"),
    "Float": pa.float64(),
}  # fmt: skip


def _arrow_schema(table: Table, columns: Sequence[str]) -> pa.Schema:
    """The Arrow types of ``columns`` of ``table``."""
    return pa.schema([(c, _ARROW_TYPES[type(table.c[c].type).__name__]) for c in columns])


class BatchWriter:
    """Writes the rows of one batch inside the transaction opened by :meth:`Store.write_batch`."""

    def __init__(self, conn: Connection, batch_id: int, extract: str) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.table, self.id_column = RECORD_TABLES[extract]

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
        _bulk_insert(self.conn, table, columns, rows)

    def finish(self, *, read: int, accepted: int, quarantined: int, flags: dict[str, int]) -> int:
        """Mark older versions of this batch's records as superseded and store the counts.

        Returns the number of older records superseded.
        """
        table, id_col = self.table, self.table.c[self.id_column]
        newer = select(id_col).where(table.c.batch_id == self.batch_id)
        superseded = self.conn.execute(
            update(table)
            .where(table.c.is_current, table.c.batch_id != self.batch_id, id_col.in_(newer))
            .values(is_current=False, superseded_by=self.batch_id)
        ).rowcount
        self.conn.execute(
            update(batches)
            .where(batches.c.id == self.batch_id)
            .values(
                rows_read=read,
                rows_accepted=accepted,
                rows_quarantined=quarantined,
                rows_superseding=superseded,
                flag_counts=json.dumps(flags, sort_keys=True),
                finished_at=dt.datetime.now(dt.UTC),
            )
        )
        return int(superseded)


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
    )


# Explicit adapters: the same ISO text SQLAlchemy's Date/DateTime types write and read on SQLite.
sqlite3.register_adapter(dt.date, dt.date.isoformat)
sqlite3.register_adapter(dt.datetime, lambda value: value.isoformat(" "))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
