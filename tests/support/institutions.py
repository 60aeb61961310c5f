"""Small institution registries with known facts."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from padan.institutions import create_institution
from padan.store import InstitutionRecord, Store
from padan.synth.institutions import LEMBAGA_COLUMNS

TODAY = dt.date(2026, 11, 28)

#: A licensed, accredited daycare with enough places and certified staff.
GOOD_TPA: dict[str, Any] = {
    "nama_lembaga": "TPA Pelita",
    "jenis": "TPA",
    "kode_wilayah": "32.01.01.1001",
    "alamat": "Jl. Merdeka No. 1",
    "status_izin": "BERIZIN",
    "akreditasi": "A",
    "tanggal_akreditasi": "2024-01-10",
    "kapasitas": "30",
    "jumlah_anak": "20",
    "jumlah_pekerja_sosial": "2",
    "jumlah_pekerja_sosial_bersertifikat": "2",
}


def register(store: Store, uid: str, **changes: Any) -> InstitutionRecord:
    """Register an institution: GOOD_TPA with ``changes`` (None drops a field)."""
    fields = {k: v for k, v in {**GOOD_TPA, **changes}.items() if v is not None}
    return create_institution(store, fields, by="test", id_lembaga=uid, today=TODAY)


def write_lembaga(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write a lembaga extract with the exchange format's header."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=LEMBAGA_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in LEMBAGA_COLUMNS})
    return path
