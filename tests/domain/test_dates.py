import datetime as dt

import pytest

from padan.domain.dates import parse_age, parse_date

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("2015-01-05", dt.date(2015, 1, 5), None),
        ("2015-1-5", dt.date(2015, 1, 5), None),
        ("2015-01-05 00:00:00", dt.date(2015, 1, 5), None),
        ("05-01-2015", dt.date(2015, 1, 5), None),
        ("05/01/2015", dt.date(2015, 1, 5), None),
        ("5/1/2015", dt.date(2015, 1, 5), None),
        ("05.01.2015", dt.date(2015, 1, 5), None),
        (dt.date(2015, 1, 5), dt.date(2015, 1, 5), None),
        (dt.datetime(2015, 1, 5, 0, 0), dt.date(2015, 1, 5), None),
        ("42009", dt.date(2015, 1, 5), None),  # Excel serial
        (42009, dt.date(2015, 1, 5), None),
        (42009.0, dt.date(2015, 1, 5), None),
        ("1", dt.date(1900, 1, 1), None),
        ("61", dt.date(1900, 3, 1), None),
        ("60", None, "tanggal_tidak_ada"),  # Excel's 29 Feb 1900 never existed
        ("31-02-2015", None, "tanggal_tidak_ada"),
        ("2015-13-01", None, "tanggal_tidak_ada"),
        ("29/02/2015", None, "tanggal_tidak_ada"),
        ("29/02/2016", dt.date(2016, 2, 29), None),
        ("2030-01-01", None, "tanggal_masa_depan"),
        ("1850-01-01", None, "tanggal_terlalu_lama"),
        ("05-01-15", None, "tanggal_format"),
        ("Jan 5 2015", None, "tanggal_format"),
        ("2015/01/05", None, "tanggal_format"),
    ],
)
def test_dates_parse_table(raw: object, value: dt.date | None, reason: str | None) -> None:
    result = parse_date(raw, today=TODAY)
    assert (result.value, result.reason) == (value, reason)


@pytest.mark.parametrize(
    ("raw", "age"),
    [
        ("7", 7),
        (7, 7),
        ("7.0", 7),
        ("7 tahun", 7),
        ("0", 0),
        ("7.5", None),
        ("-1", None),
        ("30", None),
        ("x", None),
    ],
)
def test_dates_parse_age_table(raw: object, age: int | None) -> None:
    assert parse_age(raw) == age
