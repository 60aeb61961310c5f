from __future__ import annotations

import datetime as dt
from pathlib import Path

from padan.ingest import ingest_file
from padan.store import open_store
from padan.synth import FAULTS, generate, write_broken_kpai


def test_broken_kpai_file_shows_every_fate(tmp_path: Path) -> None:
    data = generate(tmp_path / "data", households=600, seed=3)
    broken = write_broken_kpai(data.files["kpai"], tmp_path, rows=20)
    assert broken.read_bytes().decode("cp1252").count("\r\n") == 21
    store = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    summary = ingest_file(broken, source="kpai", store=store, today=dt.date(2026, 11, 28))
    assert summary.encoding == "cp1252" and summary.read == 20
    quarantined_rows = {e.row_number for e in store.quarantine_entries()}
    expected = {i + 2 for i, (_, fate) in FAULTS.items() if fate == "quarantined"}
    assert quarantined_rows == expected
    flagged = {r["row_number"]: r["flags"] for r in store.fetch_records("kpai_kasus")}
    assert "nama_anak:formula_spreadsheet" in flagged[9 + 2]
    assert "nik_anak:nik_format" in flagged[10 + 2]
    assert "tanggal_lahir:tanggal_tidak_ada" in flagged[11 + 2]
