import pytest

from padan.domain import values as v


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("L", "L"),
        ("l", "L"),
        ("Laki-laki", "L"),
        ("LAKI-LAKI", "L"),
        ("LK", "L"),
        ("P", "P"),
        ("perempuan", "P"),
        ("PR", "P"),
        (" p ", "P"),
        ("X", None),
        ("", None),
    ],
)
def test_values_sex_table(raw: str, sex: str | None) -> None:
    assert v.parse_sex(raw) == sex


@pytest.mark.parametrize(
    ("raw", "identifier", "unknown"),
    [
        ("", False, True),
        ("-", False, True),
        ("NULL", False, True),
        ("null", False, True),
        ("N/A", False, True),
        ("TIDAK ADA", False, True),
        ("0", True, True),
        ("0000", True, True),
        ("0", False, False),
        ("Budi", False, False),
        (None, False, True),
    ],
)
def test_values_unknown_markers_table(raw: str | None, identifier: bool, unknown: bool) -> None:
    assert v.is_unknown(raw, identifier=identifier) is unknown


@pytest.mark.parametrize(
    ("raw", "codes", "code"),
    [
        ("v", v.KLASTER, "V"),
        ("5", v.KLASTER, "V"),
        ("IV", v.KLASTER, "IV"),
        ("VI", v.KLASTER, None),
        ("B", v.KATEGORI_PASAL59, "b"),
        ("rumah aman", v.JENIS_LEMBAGA, "RUMAH_AMAN"),
        ("Kepala  Keluarga", v.HUBUNGAN_KELUARGA, "KEPALA KELUARGA"),
        ("tidak_sekolah", v.STATUS_SEKOLAH, "TIDAK SEKOLAH"),
        ("Sensorik", v.RAGAM_DISABILITAS, "SENSORIK"),
        ("buta", v.RAGAM_DISABILITAS, None),
    ],
)
def test_values_code_lists_table(raw: str, codes: tuple[str, ...], code: str | None) -> None:
    assert v.parse_code(raw, codes) == code


@pytest.mark.parametrize(
    ("raw", "flag"), [("1", True), ("0", False), ("Ya", True), ("tidak", False), ("2", None)]
)
def test_values_flag01_table(raw: str, flag: bool | None) -> None:
    assert v.parse_flag01(raw) is flag
