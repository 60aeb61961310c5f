from __future__ import annotations

import datetime as dt

import pytest

from padan.errors import InputError
from padan.institutions import accreditation_expiry, accreditation_valid, validate_fields

TODAY = dt.date(2026, 11, 28)
D = dt.date


@pytest.mark.parametrize(
    ("grade", "accredited", "expiry"),
    [
        ("A", D(2020, 1, 15), D(2025, 1, 14)),
        ("B", D(2023, 6, 1), D(2026, 5, 31)),
        ("C", D(2025, 3, 1), D(2027, 2, 28)),
        ("B", D(2024, 2, 29), D(2027, 2, 27)),  # no 29 Feb in 2027
        ("BELUM", D(2024, 1, 1), None),
        ("A", None, None),
        (None, D(2024, 1, 1), None),
    ],
)
def test_accreditation_expiry_by_grade(
    grade: str | None, accredited: D | None, expiry: D | None
) -> None:
    assert accreditation_expiry(grade, accredited) == expiry


def test_accreditation_valid_through_its_last_day() -> None:
    last = accreditation_expiry("C", D(2024, 11, 28))
    assert last == D(2026, 11, 27)
    assert accreditation_valid("C", D(2024, 11, 28), last)
    assert not accreditation_valid("C", D(2024, 11, 28), last + dt.timedelta(days=1))
    assert not accreditation_valid("BELUM", None, TODAY)


def test_validate_fields_normalises_codes_regions_dates_and_counts() -> None:
    values = validate_fields(
        {
            "nama_lembaga": " TPA Ceria ",
            "jenis": "tpa",
            "kode_wilayah": "3201011001",
            "status_izin": "tidak berizin",
            "akreditasi": "b",
            "tanggal_akreditasi": "05/01/2024",
            "kapasitas": "30",
            "jumlah_anak": "-",
        },
        today=TODAY,
    )
    assert values == {
        "nama_lembaga": "TPA Ceria",
        "jenis": "TPA",
        "kode_wilayah": "32.01.01.1001",
        "status_izin": "TIDAK_BERIZIN",
        "akreditasi": "B",
        "tanggal_akreditasi": D(2024, 1, 5),
        "kapasitas": 30,
        "jumlah_anak": None,
    }


BASE = {"nama_lembaga": "X", "jenis": "TPA", "kode_wilayah": "32.01"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"jenis": "PANTI"}, "jenis: 'PANTI' is not one of LKSA"),
        ({"kode_wilayah": "99.99"}, "'99.99' is not a Kemendagri region code"),
        (
            {"tanggal_akreditasi": "2024-02-30", "akreditasi": "A"},
            "'2024-02-30' is not a usable date",
        ),
        ({"tanggal_akreditasi": "2030-01-01", "akreditasi": "A"}, "tanggal_masa_depan"),
        ({"kapasitas": "-3"}, "'-3' is not a whole number"),
        ({"kapasitas": "tiga"}, "'tiga' is not a whole number"),
        ({"warna": "biru"}, "unknown field(s) warna"),
        ({"nama_lembaga": ""}, "nama_lembaga is required"),
        (
            {"jumlah_pekerja_sosial": "1", "jumlah_pekerja_sosial_bersertifikat": "3"},
            "(3) is more than",
        ),
        ({"akreditasi": "BELUM", "tanggal_akreditasi": "2024-01-01"}, "akreditasi is BELUM"),
    ],
)
def test_validate_fields_bad_input_names_field_and_value(
    changes: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match="not valid") as caught:
        validate_fields({**BASE, **changes}, today=TODAY)
    assert message in str(caught.value)


def test_validate_fields_requires_name_type_region_unless_partial() -> None:
    with pytest.raises(InputError, match="jenis is required"):
        validate_fields({"nama_lembaga": "X", "kode_wilayah": "32"}, today=TODAY)
    assert validate_fields({"kapasitas": "4"}, today=TODAY, partial=True) == {"kapasitas": 4}
