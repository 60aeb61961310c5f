"""records_arrow reads the driver's raw values; they must equal what SQLAlchemy would type."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from padan.ingest import ingest_file
from padan.store import Store, record_reads
from padan.store.tables import RECORD_TABLES
from support.extracts import KPAI_HEADER, KPAI_ROWS, writer_for

_COLUMNS = [
    "no_pengaduan",
    "tanggal_pengaduan",
    "tanggal_lahir",
    "usia",
    "nama_anak",
    "batch_id",
    "is_current",
]


@pytest.mark.parametrize("child", [False, True], ids=["driver", "child process"])
def test_records_arrow_types_equal_sqlalchemys_on_each_backend(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: bool
) -> None:
    # A large SQLite read goes through a child process (record_reads.CHILD_ROWS): here from
    # the first row.
    monkeypatch.setattr(record_reads, "CHILD_ROWS", 0 if child else 10**9)
    rows = [row for row, fate in KPAI_ROWS if fate == "accepted"]
    ingest_file(writer_for(tmp_path)(KPAI_HEADER, rows), source="kpai", store=store)
    table, _ = RECORD_TABLES["kpai_kasus"]
    columns = _COLUMNS
    arrow = store.records_arrow("kpai_kasus", columns).to_pylist()
    with store.engine.connect() as conn:
        query = select(*(table.c[c] for c in columns)).where(table.c.is_current)
        expected = [dict(r) for r in conn.execute(query.order_by(table.c.id)).mappings()]
    assert len(arrow) == len(expected) == len(rows)
    assert arrow == expected
    # Dates arrive as dates and flags as booleans, whatever the driver stores them as.
    # (Type checks, not ==: 1 == True and a datetime is a date in Python.)
    assert {type(r["tanggal_pengaduan"]) for r in arrow} == {dt.date}
    assert {type(r["is_current"]) for r in arrow} == {bool}
