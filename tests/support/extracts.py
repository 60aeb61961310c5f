"""Small extract files with known truth, written in every supported format."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

KPAI_HEADER = [
    "no_pengaduan",
    "tanggal_pengaduan",
    "nik_anak",
    "nama_anak",
    "jenis_kelamin",
    "tanggal_lahir",
    "usia",
    "nama_ibu",
    "kode_wilayah",
    "klaster",
    "kategori",
]

# (row, expected fate): known truth for the accounting tests.
KPAI_ROWS: list[tuple[list[str], str]] = [
    (
        [
            "K/1",
            "2025-03-01",
            "3201014501150001",
            "Siti Aminah",
            "P",
            "05-01-2015",
            "",
            "Rahayu",
            "32.01.01",
            "V",
            "b",
        ],
        "accepted",
    ),
    (
        ["K/2", "01/03/2025", "", "Budi Santoso", "Laki-laki", "", "9", "", "3201", "I", ""],
        "accepted",
    ),
    (
        ["K/3", "2025-03-02", "12345", "Dewi", "p", "2014-02-30", "", "", "32", "II", "zz"],
        "accepted",
    ),
    (
        ["K/4", "2025-13-01", "", "Joko", "L", "", "", "", "3201", "I", ""],
        "tanggal_pengaduan:tanggal_tidak_ada",
    ),
    (["K/5", "2025-03-01", "", "", "L", "", "", "", "3201", "I", ""], "nama_anak:wajib_kosong"),
    (
        ["K/6", "2025-03-01", "", "Rina", "X", "", "", "", "3201", "I", ""],
        "jenis_kelamin:jk_tidak_dikenal",
    ),
    (
        ["K/7", "2025-03-01", "", "Rina", "P", "", "", "", "99.99", "I", ""],
        "kode_wilayah:wilayah_tidak_dikenal",
    ),
    (
        ["K/8", "2025-03-01", "", "Rina", "P", "", "", "", "32", "VII", ""],
        "klaster:kode_tidak_dikenal",
    ),
    (
        ["K/1", "2025-03-01", "", "Siti", "P", "", "", "", "32", "I", ""],
        "no_pengaduan:id_ganda_dalam_file",
    ),
]


WriteFile = Callable[..., Path]


def writer_for(tmp_path: Path) -> WriteFile:
    """Write ``rows`` under ``header`` as csv/csv-semicolon/csv-bom/cp1252/xlsx/parquet/jsonl."""

    def write(
        header: list[str], rows: list[list[object]], fmt: str = "csv", name: str = "extract"
    ) -> Path:
        if fmt.startswith("csv") or fmt == "cp1252":
            path = tmp_path / f"{name}.csv"
            encoding = {"csv-bom": "utf-8-sig", "cp1252": "cp1252"}.get(fmt, "utf-8")
            delimiter = ";" if fmt == "csv-semicolon" else ","
            with path.open("w", encoding=encoding, newline="") as handle:
                writer = csv.writer(handle, delimiter=delimiter)
                writer.writerow(header)
                writer.writerows(rows)
            return path
        if fmt == "xlsx":
            import openpyxl

            path = tmp_path / f"{name}.xlsx"
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(header)
            for row in rows:
                sheet.append([None if c == "" else c for c in row])
            book.save(path)
            return path
        if fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            path = tmp_path / f"{name}.parquet"
            columns = {
                h: [str(r[i]) if r[i] != "" else None for r in rows] for i, h in enumerate(header)
            }
            pq.write_table(pa.table(columns), path)
            return path
        if fmt == "jsonl":
            path = tmp_path / f"{name}.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(dict(zip(header, row, strict=True))) + "\n")
            return path
        raise ValueError(fmt)

    return write
