from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.ingest.definitions import EXTRACTS
from padan.ingest.schema import Column
from padan.ingest.validate import _CONTROL, _CONTROL_RE, _plain_column, _plain_text, validate_row

COLUMNS = [Column("id_individu", "id", True), Column("nik", "nik"), Column("alamat", "text")]
cells = st.one_of(
    st.text(max_size=20),
    st.text(alphabet="0123456789 ", min_size=14, max_size=18),
    st.sampled_from(
        ["", "-", "NULL", "0", "000", "=1+1", "@x", "a\x07b", "Jl. Melati\n=2", "x" * 1001]
    ),
)


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: c.kind)
@given(values=st.lists(cells, min_size=1, max_size=12))
def test_validate_column_fast_path_agrees_with_cell_path(column: Column, values: list[str]) -> None:
    plain = _plain_column(column, list(values))
    if plain is not None:
        assert plain == [_plain_text(column, v) for v in values]


def test_validate_control_pattern_matches_control_set() -> None:
    assert {chr(c) for c in range(256) if _CONTROL_RE.match(chr(c))} == set(_CONTROL)


@pytest.mark.parametrize(
    ("row", "issues", "flags"),
    [
        (
            {
                "id_lembaga": "L1",
                "nama_lembaga": "LKSA Harapan",
                "jenis": "lksa",
                "kode_wilayah": "3201",
            },
            [],
            [],
        ),
        (
            {"id_lembaga": "L1", "nama_lembaga": "X", "jenis": "PANTI", "kode_wilayah": "3201"},
            [("jenis", "kode_tidak_dikenal")],
            [],
        ),
        (
            {
                "id_lembaga": "L1",
                "nama_lembaga": "X",
                "jenis": "TPA",
                "kode_wilayah": "3201",
                "kapasitas": "-3",
            },
            [],
            ["kapasitas:angka_tidak_valid"],
        ),
        (
            {
                "id_lembaga": "L1",
                "nama_lembaga": "X",
                "jenis": "TPA",
                "kode_wilayah": "91.01",
                "akreditasi": "D",
            },
            [],
            ["kode_wilayah:wilayah_lama", "akreditasi:kode_tidak_dikenal"],
        ),
        (
            {"id_lembaga": "0", "nama_lembaga": "X", "jenis": "TPA", "kode_wilayah": "3201"},
            [("id_lembaga", "wajib_kosong")],
            [],
        ),
        (
            {"id_lembaga": "L\x001", "nama_lembaga": "X", "jenis": "TPA", "kode_wilayah": "3201"},
            [("id_lembaga", "karakter_kontrol")],
            [],
        ),
    ],
)
def test_validate_lembaga_rows_table(
    row: dict[str, str], issues: list[tuple[str, str]], flags: list[str]
) -> None:
    chunk = validate_row(EXTRACTS["lembaga"], dict(row), today=dt.date(2026, 11, 28))
    assert [(i.column, i.reason) for _, found in chunk.rejected for i in found] == issues
    if not issues:
        assert chunk.accepted[0][2] == flags


@pytest.mark.parametrize(
    ("region", "flags"),
    [
        ("3201010001", ["kode_wilayah:wilayah_tidak_dikenal"]),
        ("32.01.01", ["kode_wilayah:wilayah_bukan_desa"]),
    ],
)
def test_validate_dtsen_region_must_be_a_known_village(region: str, flags: list[str]) -> None:
    row = {
        "id_individu": "D1",
        "id_keluarga": "K1",
        "nama": "Budi",
        "jenis_kelamin": "L",
        "tanggal_lahir": "2015-01-05",
        "hubungan_keluarga": "ANAK",
        "kode_wilayah": region,
    }
    chunk = validate_row(EXTRACTS["dtsen"], row, today=dt.date(2026, 11, 28))
    found = [f"{i.column}:{i.reason}" for _, issues in chunk.rejected for i in issues]
    assert found + (chunk.accepted[0][2] if chunk.accepted else []) == flags


@pytest.mark.parametrize(
    ("status", "stored", "flagged"),
    [
        ("PADAN", "PADAN", False),
        ("tidak padan", "TIDAK_PADAN", False),
        ("", None, False),
        ("SUDAH", None, True),  # not a code of the list: the row is kept, the value flagged
    ],
)
def test_validate_dtsen_status_padan_dukcapil_is_optional_and_coded(
    status: str, stored: str | None, flagged: bool
) -> None:
    row = {
        "id_individu": "D1",
        "id_keluarga": "K1",
        "nik": "3201014501150001",
        "status_padan_dukcapil": status,
        "nama": "Siti",
        "jenis_kelamin": "P",
        "tanggal_lahir": "2015-01-05",
        "hubungan_keluarga": "ANAK",
        "kode_wilayah": "3201011001",
    }
    chunk = validate_row(EXTRACTS["dtsen"], row, today=dt.date(2026, 12, 5))
    assert chunk.rejected == []
    ((_, values, flags),) = chunk.accepted
    assert [v for v in values if v in ("PADAN", "TIDAK_PADAN")] == ([stored] if stored else [])
    assert any(f.startswith("status_padan_dukcapil") for f in flags) is flagged
