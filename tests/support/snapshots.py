"""Two quarters of a small DTSEN extract (issue 18): three households in two regencies."""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["HEADER", "HOUSEHOLDS", "write_dtsen"]

HEADER = [
    "id_individu",
    "id_keluarga",
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan_keluarga",
    "kode_wilayah",
    "desil",
    "penerima_pkh",
]

# household -> (village, decile, [(id, name, sex, birth, relation)])
HOUSEHOLDS: dict[str, tuple[str, str, list[tuple[str, str, str, str, str]]]] = {
    "H1": (
        "32.01.01.1001",
        "2",
        [
            ("D1", "Asep Sunarya", "L", "1980-01-01", "KEPALA KELUARGA"),
            ("D2", "Lilis", "P", "2012-05-05", "ANAK"),
        ],
    ),
    "H2": (
        "32.01.01.1002",
        "3",
        [
            ("D3", "Ujang", "L", "1975-02-02", "KEPALA KELUARGA"),
            ("D4", "Euis", "P", "2010-06-06", "ANAK"),
        ],
    ),
    "H3": (
        "32.02.01.1001",
        "1",
        [
            ("D5", "Dadang", "L", "1970-03-03", "KEPALA KELUARGA"),
            ("D6", "Neng", "P", "2011-07-07", "ANAK"),
        ],
    ),
}


def write_dtsen(
    folder: Path,
    name: str,
    households: list[str],
    desil: dict[str, str] | None = None,
    broken: set[str] | None = None,
) -> Path:
    """A DTSEN extract of ``households`` (decile overrides in ``desil``; the people in
    ``broken`` without their name, a required column, so their row is quarantined)."""
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for hh in households:
            village, decile, people = HOUSEHOLDS[hh]
            decile = (desil or {}).get(hh, decile)
            for pid, nama, sex, born, relation in people:
                shown = "" if pid in (broken or set()) else nama
                out.writerow([pid, hh, "", shown, sex, born, relation, village, decile, "1"])
    return path
