"""A database handle: the SQLAlchemy engine of one URL, connections that turn driver failures
into :class:`~padan.errors.StoreError`, and bulk inserts straight through the driver.

The store's capabilities (:mod:`~padan.store.batches`, :mod:`~padan.store.record_reads`,
:mod:`~padan.store.link_runs`) build on :class:`Connected`; :class:`~padan.store.Store` joins them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from padan.errors import StoreError

__all__ = ["Connected", "as_utc", "bulk_insert", "sqlite_datetime"]


class Connected:
    """The SQLAlchemy engine of one database URL and connections to it."""

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


def bulk_insert(
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


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC: SQLite hands back naive datetimes; everything Padan writes is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def sqlite_datetime(moment: dt.datetime) -> str:
    """``moment`` as the text SQLAlchemy's DateTime writes on SQLite: naive UTC, microseconds.

    Times are compared as text there, so every writer (SQLAlchemy or the driver straight, as
    :func:`bulk_insert` does) must give one form: an aware time is turned to UTC, not suffixed
    with its offset.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return f"{moment:%Y-%m-%d %H:%M:%S.%f}"


# Explicit adapters: the same ISO text SQLAlchemy's Date/DateTime types write and read on SQLite.
sqlite3.register_adapter(dt.date, dt.date.isoformat)
sqlite3.register_adapter(dt.datetime, sqlite_datetime)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
