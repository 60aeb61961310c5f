"""Bulk reads of an SQLite file through Arrow's SQLite driver in a child process."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest

from padan.errors import StoreError
from padan.store.sqlite_arrow import read_sqlite_arrow

SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("born", pa.date32()),
        ("current", pa.bool_()),
        ("at", pa.timestamp("us", tz="UTC")),
        ("n", pa.int64()),
        ("empty", pa.string()),
    ]
)


def _file(tmp_path: Path, rows: list[tuple[object, ...]]) -> str:
    path = tmp_path / "store.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE t (name VARCHAR, born DATE, current BOOLEAN, at DATETIME,"
            " n INTEGER, empty VARCHAR)"
        )
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    return str(path)


def test_sqlite_arrow_reads_the_stores_types(tmp_path: Path) -> None:
    # A column empty in its first 5,000 rows is typed by the rest (the driver guesses a
    # column's type from the values it reads first).
    rows: list[tuple[object, ...]] = [(None, None, None, None, None, None)] * 5_000
    rows.append(("Siti", "2015-02-28", 1, "2026-12-07 13:02:12.123456", 7, None))
    table = read_sqlite_arrow(_file(tmp_path, rows), "SELECT * FROM t", SCHEMA)
    assert table.schema == SCHEMA
    assert table.num_rows == 5_001
    assert table.slice(5_000).to_pylist() == [
        {
            "name": "Siti",
            "born": dt.date(2015, 2, 28),
            "current": True,
            "at": dt.datetime(2026, 12, 7, 13, 2, 12, 123456, tzinfo=dt.UTC),
            "n": 7,
            "empty": None,
        }
    ]
    assert table.slice(0, 1).to_pylist()[0] == dict.fromkeys(SCHEMA.names)


def test_sqlite_arrow_reads_nothing_as_an_empty_table(tmp_path: Path) -> None:
    table = read_sqlite_arrow(_file(tmp_path, []), "SELECT * FROM t", SCHEMA)
    assert table.schema == SCHEMA and table.num_rows == 0


@pytest.mark.parametrize(
    ("sql", "said"),
    [("SELECT * FROM missing", "no such table"), ("SELEC 1", "syntax error")],
)
def test_sqlite_arrow_failure_is_a_store_error(tmp_path: Path, sql: str, said: str) -> None:
    path = _file(tmp_path, [])
    with pytest.raises(StoreError, match=f"cannot read the store at .*{said}"):
        read_sqlite_arrow(path, sql, SCHEMA)
