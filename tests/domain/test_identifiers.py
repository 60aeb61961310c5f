import datetime as dt

import pytest

from padan.domain.identifiers import check_kk, check_nik, clean_identifier

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("3201014501150001", "3201014501150001"),
        ("'3201014501150001", "3201014501150001"),
        (" 3201 0145 0115 0001 ", "3201014501150001"),
        ("3201.0145.0115.0001", "3201014501150001"),
        ("3201014501150001.0", "3201014501150001"),
        (3201014501150001, "3201014501150001"),
        (3201014501150001.0, "3201014501150001"),
        ("3.20101E+15", "3.20101E+15"),
    ],
)
def test_identifiers_clean_removes_only_noise(raw: object, cleaned: str) -> None:
    assert clean_identifier(raw) == cleaned


def test_identifiers_clean_float_beyond_double_precision_is_not_trusted() -> None:
    # 9471012501150001 cannot be held exactly by a double: the digits are already wrong.
    assert check_nik(9471012501150001.0, today=TODAY).status == "invalid"


@pytest.mark.parametrize(
    ("raw", "birth", "sex", "status", "flags", "decoded_sex", "decoded_date"),
    [
        ("3201014501150001", dt.date(2015, 1, 5), "P", "valid", (), "P", dt.date(2015, 1, 5)),
        ("3201010501150001", dt.date(2015, 1, 5), "L", "valid", (), "L", dt.date(2015, 1, 5)),
        ("3201010501990001", None, None, "valid", (), "L", dt.date(1999, 1, 5)),
        ("3201010501150001", dt.date(2015, 5, 1), "L", "valid", ("nik_tgl_lahir_beda",), "L", None),
        ("3201014501150001", dt.date(2015, 1, 5), "L", "valid", ("nik_jk_beda",), "P", None),
        ("9101014501150001", None, None, "valid", ("nik_wilayah_lama",), "P", None),
        ("9999994501150001", None, None, "invalid", ("nik_wilayah_tidak_dikenal",), "P", None),
        ("3201013201150001", None, None, "invalid", ("nik_tanggal_tidak_valid",), None, None),
        ("3201017301150001", None, None, "invalid", ("nik_tanggal_tidak_valid",), None, None),
        ("3201014501150000", None, None, "invalid", ("nik_nomor_urut_nol",), "P", None),
        ("320101450115000", None, None, "invalid", ("nik_format",), None, None),
        ("32010145011500011", None, None, "invalid", ("nik_format",), None, None),
        ("32010145O1150001", None, None, "invalid", ("nik_format",), None, None),
        ("", None, None, "missing", (), None, None),
    ],
)
def test_identifiers_nik_table(
    raw: str,
    birth: dt.date | None,
    sex: str | None,
    status: str,
    flags: tuple[str, ...],
    decoded_sex: str | None,
    decoded_date: dt.date | None,
) -> None:
    check = check_nik(raw, today=TODAY, birth_date=birth, sex=sex)
    assert check.status == status
    assert check.flags == flags
    assert check.sex == decoded_sex
    if decoded_date is not None:
        assert check.encoded_date == decoded_date


def test_identifiers_nik_never_fixed_when_inconsistent() -> None:
    check = check_nik("3201010501150001", today=TODAY, birth_date=dt.date(2016, 2, 2), sex="P")
    assert check.value == "3201010501150001"
    assert set(check.flags) == {"nik_tgl_lahir_beda", "nik_jk_beda"}


def test_identifiers_nik_two_digit_year_takes_latest_past_century() -> None:
    assert check_nik("3201010501270001", today=TODAY).encoded_date == dt.date(1927, 1, 5)
    assert check_nik("3201010501260001", today=TODAY).encoded_date == dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("raw", "status", "flags"),
    [
        ("3201011203150004", "valid", ()),
        ("3201014503150004", "invalid", ("kk_tanggal_tidak_valid",)),  # KK has no +40 for women
        ("3201011203300004", "valid", ()),  # 1930
        ("3201010101260001", "valid", ()),
        ("3201013012260001", "invalid", ("kk_tanggal_tidak_valid",)),  # after today
        ("9999991203150004", "invalid", ("kk_wilayah_tidak_dikenal",)),
        ("3201011203150000", "invalid", ("kk_nomor_urut_nol",)),
        ("12345", "invalid", ("kk_format",)),
    ],
)
def test_identifiers_kk_table(raw: str, status: str, flags: tuple[str, ...]) -> None:
    check = check_kk(raw, today=TODAY)
    assert (check.status, check.flags) == (status, flags)
