"""Field rules of the institution registry: validation of form input and accreditation expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from padan.domain import values as v
from padan.domain.dates import parse_date
from padan.domain.regions import check_region
from padan.errors import FieldProblem, InputError
from padan.i18n import N_
from padan.store.institution_tables import INSTITUTION_FIELDS

__all__ = [
    "ACCREDITATION_YEARS",
    "FIELDS",
    "accreditation_expiry",
    "accreditation_valid",
    "region_prefix",
    "validate_fields",
]

FIELDS: Final = INSTITUTION_FIELDS
#: Validity of an LKS accreditation by grade, in years (BALKS; domain brief §5.4).
ACCREDITATION_YEARS: Final = {"A": 5, "B": 3, "C": 2}
_REQUIRED: Final = ("nama_lembaga", "jenis", "kode_wilayah")
_CODES: Final = {"jenis": v.JENIS_LEMBAGA, "status_izin": v.STATUS_IZIN, "akreditasi": v.AKREDITASI}
_COUNTS: Final = (
    "kapasitas",
    "jumlah_anak",
    "jumlah_pekerja_sosial",
    "jumlah_pekerja_sosial_bersertifikat",
)


def accreditation_expiry(grade: str | None, accredited_on: dt.date | None) -> dt.date | None:
    """The last day an accreditation is valid: A 5 years, B 3, C 2 after ``accredited_on``.

    ``None`` for no grade, ``BELUM`` or an unknown date. 29 February rolls to 28 February.
    """
    years = ACCREDITATION_YEARS.get(grade or "")
    if years is None or accredited_on is None:
        return None
    try:
        end = accredited_on.replace(year=accredited_on.year + years)
    except ValueError:  # 29 February in a year that has none
        end = accredited_on.replace(year=accredited_on.year + years, day=28)
    return end - dt.timedelta(days=1)


def accreditation_valid(grade: str | None, accredited_on: dt.date | None, today: dt.date) -> bool:
    """True when the grade is A, B or C and ``today`` is not after its expiry."""
    expiry = accreditation_expiry(grade, accredited_on)
    return expiry is not None and today <= expiry


def region_prefix(code: str) -> str:
    """The dotted form of a region code at any level, to filter institutions by region.

    Raises :class:`InputError` for a malformed or unknown code.
    """
    check = check_region(code)
    if check.code is None or check.region is None:
        raise InputError(
            f"region {code!r} is not a Kemendagri region code; give e.g. 32, 32.01 or 3201"
        )
    return check.code


def validate_fields(
    raw: Mapping[str, Any], *, today: dt.date, partial: bool = False
) -> dict[str, Any]:
    """Check and normalise registry fields given by a form or a flag.

    Returns typed values (codes as the code lists write them, dotted region codes, dates,
    integers; empty text means unknown, ``None``). Required fields must be present unless
    ``partial`` (an edit). Raises :class:`InputError` naming every bad field, the value seen and
    what is expected; nothing is stored by this function.
    """
    problems: list[str] = []
    fields: list[FieldProblem] = []
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}; fields are {', '.join(FIELDS)}")
    out: dict[str, Any] = {}
    for name in FIELDS:
        if name not in raw:
            if not partial and name in _REQUIRED:
                problems.append(f"{name} is required")
                fields.append(FieldProblem(name, N_("This field is required.")))
            continue
        value = raw[name]
        text = "" if value is None else str(value).strip()
        if v.is_unknown(text):
            if name in _REQUIRED:
                problems.append(f"{name} is required (got {text!r})")
                fields.append(FieldProblem(name, N_("This field is required.")))
            out[name] = None
            continue
        try:
            out[name] = _one(name, value, text, today)
        except (ValueError, InputError) as exc:
            problems.append(f"{name}: {exc}")
            fields.append(_field_problem(name, text))
    if not problems:
        problems += _consistency(out, fields)
    if problems:
        raise InputError(
            "institution fields are not valid: " + "; ".join(problems), problems=fields
        )
    return out


def _one(name: str, value: Any, text: str, today: dt.date) -> Any:
    if name in _CODES:
        code = v.parse_code(text, _CODES[name])
        if code is None:
            raise ValueError(f"{text!r} is not one of {', '.join(_CODES[name])}")
        return code
    if name == "kode_wilayah":
        return region_prefix(text)
    if name == "tanggal_akreditasi":
        result = parse_date(value if isinstance(value, dt.date) else text, today=today)
        if result.value is None:
            raise ValueError(f"{text!r} is not a usable date ({result.reason}); use YYYY-MM-DD")
        return result.value
    if name in _COUNTS:
        if not text.isdigit():
            raise ValueError(f"{text!r} is not a whole number of 0 or more")
        return int(text)
    if len(text) > 1000:
        raise ValueError("longer than 1,000 characters")
    return text


def _field_problem(name: str, text: str) -> FieldProblem:
    """The form's words for a value :func:`_one` refused."""
    if name in _CODES:
        choices = ", ".join(_CODES[name])
        return FieldProblem(name, N_("Choose one of: {choices}."), {"choices": choices})
    if name == "kode_wilayah":
        return FieldProblem(
            name,
            N_("{value} is not a Kemendagri region code; give e.g. 32, 32.01 or 3201."),
            {"value": text},
        )
    if name == "tanggal_akreditasi":
        message = N_("{value} is not a usable date; give a real date, not in the future.")
        return FieldProblem(name, message, {"value": text})
    if name in _COUNTS:
        return FieldProblem(
            name, N_("{value} is not a whole number of 0 or more."), {"value": text}
        )
    return FieldProblem(name, N_("Longer than 1,000 characters."))


def _consistency(values: Mapping[str, Any], fields: list[FieldProblem]) -> list[str]:
    problems = []
    workers = values.get("jumlah_pekerja_sosial")
    certified = values.get("jumlah_pekerja_sosial_bersertifikat")
    if workers is not None and certified is not None and certified > workers:
        problems.append(
            f"jumlah_pekerja_sosial_bersertifikat ({certified}) is more than "
            f"jumlah_pekerja_sosial ({workers})"
        )
        fields.append(
            FieldProblem(
                "jumlah_pekerja_sosial_bersertifikat",
                N_("More than the number of social workers ({workers})."),
                {"workers": str(workers)},
            )
        )
    grade, date = values.get("akreditasi"), values.get("tanggal_akreditasi")
    if grade == "BELUM" and date is not None:
        problems.append("tanggal_akreditasi is given but akreditasi is BELUM")
        fields.append(
            FieldProblem(
                "tanggal_akreditasi", N_("Leave empty while the accreditation is BELUM (none).")
            )
        )
    return problems
