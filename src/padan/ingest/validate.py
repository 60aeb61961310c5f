"""Validate one row of an extract: accept it with normalised fields and flags, or quarantine it.

Rules: a required field that is missing or invalid quarantines the row; an invalid optional
field is kept as written (in the raw values) and flagged ``column:reason``. Cross-field checks
(NIK against birth date and sex, age against birth date) only ever flag.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from padan.domain import values as v
from padan.domain.dates import parse_age, parse_date
from padan.domain.identifiers import check_kk, check_nik, clean_identifier
from padan.domain.names import normalise_name
from padan.domain.regions import RegionStatus, check_region
from padan.ingest.readers import Cell
from padan.ingest.schema import Column, Extract

__all__ = ["MAX_VALUE_LENGTH", "Issue", "Verdict", "cell_text", "validate_row"]

MAX_VALUE_LENGTH: Final = 1000
_CONTROL: Final = frozenset(chr(c) for c in [*range(0, 9), *range(11, 32), 127])
_FORMULA_START: Final = ("=", "+", "-", "@")


@dataclass(frozen=True, slots=True)
class Issue:
    """Why a row was quarantined: the column, the value seen and a reason code."""

    column: str
    value: str
    reason: str


@dataclass(slots=True)
class Verdict:
    """Outcome for one row: ``record`` (normalised fields) when accepted, else ``issues``."""

    record: dict[str, object] | None
    flags: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def cell_text(value: Cell) -> str:
    """A cell as text: integral floats lose their ``.0``, dates become ISO, ``None`` is empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def validate_row(extract: Extract, row: dict[str, Cell], *, today: dt.date) -> Verdict:
    """Check every declared column of ``row`` (keys are format column names).

    Returns a :class:`Verdict`; never raises for bad values.
    """
    verdict = Verdict({})
    record: dict[str, object] = dict.fromkeys(extract.stored_columns)
    for column in extract.columns:
        _check_column(column, row.get(column.name), record, verdict, today)
    if verdict.issues:
        return Verdict(None, verdict.flags, verdict.issues)
    _cross_checks(extract, record, verdict.flags, today)
    verdict.record = record
    return verdict


def _check_column(
    column: Column, value: Cell, record: dict[str, object], verdict: Verdict, today: dt.date
) -> None:
    name = column.name
    text = cell_text(value)
    if len(text) > MAX_VALUE_LENGTH:
        verdict.issues.append(Issue(name, text[:80] + "…", "nilai_terlalu_panjang"))
        return
    if v.is_unknown(text, identifier=column.kind in ("id", "nik", "kk")):
        record[name] = None
        if column.required:
            verdict.issues.append(Issue(name, text, "wajib_kosong"))
        return
    if not _CONTROL.isdisjoint(text):
        if column.kind == "id":
            verdict.issues.append(
                Issue(name, text.encode("unicode_escape").decode(), "karakter_kontrol")
            )
            return
        verdict.flags.append(f"{name}:karakter_kontrol")
        text = "".join(ch for ch in text if ch not in _CONTROL)
    if text.startswith(_FORMULA_START) and column.kind in ("text", "name", "id"):
        verdict.flags.append(f"{name}:formula_spreadsheet")
    normalised, reason = _normalise(column, value, text, record, today)
    if reason is None:
        record[name] = normalised
        return
    record[name] = normalised if column.kind in ("nik", "kk") else None
    if column.required:
        verdict.issues.append(Issue(name, text, reason))
    else:
        verdict.flags.append(f"{name}:{reason}")


def _normalise(
    column: Column, value: Cell, text: str, record: dict[str, object], today: dt.date
) -> tuple[object, str | None]:
    """The normalised value and a reason code (``None`` when valid); may add derived fields."""
    kind = column.kind
    if kind in ("id", "text"):
        return unicodedata.normalize("NFC", text), None
    if kind == "name":
        written = unicodedata.normalize("NFC", text)
        record[f"{column.name}_norm"] = normalise_name(written).text or None
        return written, None
    if kind == "date":
        result = parse_date(value if not isinstance(value, str) else text, today=today)
        return result.value, result.reason
    if kind == "sex":
        sex = v.parse_sex(text)
        return sex, None if sex else "jk_tidak_dikenal"
    if kind == "code":
        code = v.parse_code(text, column.codes)
        return code, None if code else "kode_tidak_dikenal"
    if kind == "region":
        check = check_region(text)
        record["wilayah_level"] = check.level
        if check.status is RegionStatus.MALFORMED:
            return None, "wilayah_format"
        if check.status is RegionStatus.UNKNOWN:
            return None, "wilayah_tidak_dikenal"
        return check.code, None
    if kind in ("nik", "kk"):
        # Judged in _cross_checks, where the record's birth date and sex are known.
        return clean_identifier(text if isinstance(value, str) else value), None
    if kind == "age":
        age = parse_age(text)
        return age, None if age is not None else "usia_tidak_valid"
    if kind == "desil":
        number = _whole(text)
        return number, None if number is not None and 1 <= number <= 10 else "desil_tidak_valid"
    if kind == "count":
        number = _whole(text)
        return number, None if number is not None and number >= 0 else "angka_tidak_valid"
    if kind == "flag01":
        flag = v.parse_flag01(text)
        return flag, None if flag is not None else "flag_tidak_valid"
    raise AssertionError(f"unhandled column kind {kind}")  # pragma: no cover - schema is static


def _whole(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _cross_checks(
    extract: Extract, record: dict[str, object], flags: list[str], today: dt.date
) -> None:
    birth = record.get("tanggal_lahir")
    birth_date = birth if isinstance(birth, dt.date) else None
    sex = record.get("jenis_kelamin")
    for id_column in ("nik", "nik_anak"):
        if record.get(id_column) is not None:
            nik = check_nik(record[id_column], today=today, birth_date=birth_date, sex=str(sex))
            record[id_column], record[f"{id_column}_status"] = nik.value, nik.status
            flags.extend(f"{id_column}:{f}" for f in nik.flags)
        elif id_column in record:
            record[f"{id_column}_status"] = "missing"
    if record.get("no_kk") is not None:
        kk = check_kk(record["no_kk"], today=today)
        record["no_kk"], record["no_kk_status"] = kk.value, kk.status
        flags.extend(f"no_kk:{f}" for f in kk.flags)
    elif "no_kk" in record:
        record["no_kk_status"] = "missing"
    if extract.source == "kpai":
        _kpai_checks(record, birth_date, flags)
    if record.get("wilayah_level") not in (None, "village") and extract.source == "dtsen":
        flags.append("kode_wilayah:wilayah_bukan_desa")
    region = record.get("kode_wilayah")
    if isinstance(region, str) and check_region(region).status is RegionStatus.RETIRED:
        flags.append("kode_wilayah:wilayah_lama")


def _kpai_checks(record: dict[str, object], birth_date: dt.date | None, flags: list[str]) -> None:
    complaint = record.get("tanggal_pengaduan")
    age = record.get("usia")
    if birth_date is None and isinstance(age, int):
        flags.append("tanggal_lahir:hanya_usia")
    if isinstance(age, int) and age >= 18:
        flags.append("usia:usia_dewasa")
    if birth_date is None or not isinstance(complaint, dt.date):
        return
    if birth_date > complaint:
        flags.append("tanggal_lahir:tanggal_lahir_setelah_pengaduan")
    elif isinstance(age, int):
        years = (
            complaint.year
            - birth_date.year
            - ((complaint.month, complaint.day) < (birth_date.month, birth_date.day))
        )
        if abs(years - age) > 1:
            flags.append("usia:usia_beda_tgl_lahir")
