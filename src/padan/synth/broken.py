"""A deliberately damaged KPAI extract, to show what ingestion accepts, flags and quarantines.

The file is what a regional office might send: semicolon-separated, saved by Excel in
Windows-1252, with the typical faults of hand-kept spreadsheets. Each fault is listed in
:data:`FAULTS` with what Padan does about it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Final

__all__ = ["BROKEN_FILE_NAME", "FAULTS", "write_broken_kpai"]

BROKEN_FILE_NAME: Final = "kpai_kasus_rusak.csv"

#: Row (0-based among the data rows taken) → (fault, expected fate).
FAULTS: Final[dict[int, tuple[str, str]]] = {
    1: ("complaint date 31-02-2025 does not exist", "quarantined"),
    2: ("region code 99.99 is in no Kemendagri release", "quarantined"),
    3: ("child's name left empty", "quarantined"),
    4: ("sex written as 'X'", "quarantined"),
    5: ("klaster 'VI' is not a KPAI cluster", "quarantined"),
    6: ("complaint number repeated from the first row", "quarantined"),
    7: ("a stray quote breaks the CSV quoting", "quarantined"),
    8: ("one value too many on the line", "quarantined"),
    9: ("name is a spreadsheet formula", "accepted, flagged"),
    10: ("NIK typed with 15 digits", "accepted, flagged"),
    11: ("birth date 30-02-2015 does not exist (optional field)", "accepted, flagged"),
}


def write_broken_kpai(source: Path, dest_dir: Path, *, rows: int = 30) -> Path:
    """Copy the first ``rows`` rows of a KPAI extract to ``dest_dir`` with the faults of FAULTS.

    Returns the path written. ``source`` must be a ``kpai_kasus.csv`` written by ``generate``.
    """
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        taken = [row for _, row in zip(range(rows), reader, strict=False)]
    lines: list[str] = []
    for index, row in enumerate(taken):
        _damage(index, row, taken[0])
        line = ";".join(_quote(row[column]) for column in header)
        if index == 7:
            line = line.replace(";", ';"', 1)
        elif index == 8:
            line += ";surplus"
        lines.append(line)
    path = dest_dir / BROKEN_FILE_NAME
    text = "\r\n".join([";".join(header), *lines]) + "\r\n"
    path.write_bytes(text.encode("cp1252", errors="replace"))
    return path


def _damage(index: int, row: dict[str, str], first: dict[str, str]) -> None:
    if index == 0:
        row["alamat"] = "Gg. Mawar – dekat masjid"  # the en dash is 0x96 in Windows-1252
    elif index == 1:
        row["tanggal_pengaduan"] = "31-02-2025"
    elif index == 2:
        row["kode_wilayah"] = "99.99"
    elif index == 3:
        row["nama_anak"] = ""
    elif index == 4:
        row["jenis_kelamin"] = "X"
    elif index == 5:
        row["klaster"] = "VI"
    elif index == 6:
        row["no_pengaduan"] = first["no_pengaduan"]
    elif index == 9:
        row["nama_anak"] = '=HYPERLINK("http://contoh.invalid";"klik")'
    elif index == 10:
        row["nik_anak"] = "320101450115000"
    elif index == 11:
        row["tanggal_lahir"] = "30-02-2015"


def _quote(value: str) -> str:
    if any(ch in value for ch in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value
