"""Dates as the agencies write them: ISO, Indonesian day-first, XLSX cells and Excel serials.

Day-first is the contract (``DD-MM-YYYY``, ``DD/MM/YYYY``); month-first is never guessed.
An impossible date is rejected with a reason code from :mod:`padan.domain.reasons`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

__all__ = ["DateResult", "parse_age", "parse_date"]

_ISO: Final = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DAY_FIRST: Final = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_SERIAL: Final = re.compile(r"^(\d{1,5})(?:\.0+)?$")
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
_OLDEST: Final = dt.date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class DateResult:
    """A parsed date, or the reason code it could not be read (``value`` is then ``None``)."""

    value: dt.date | None
    reason: str | None = None


def parse_date(raw: object, *, today: dt.date, allow_future: bool = False) -> DateResult:
    """Read a date from a cell value.

    Accepts ``date``/``datetime`` objects (XLSX cells), ``YYYY-MM-DD`` (optionally with a time),
    ``DD-MM-YYYY``, ``DD/MM/YYYY``, ``DD.MM.YYYY`` and Excel serial numbers (1900 system).
    Reasons: ``tanggal_format``, ``tanggal_tidak_ada``, ``tanggal_masa_depan``,
    ``tanggal_terlalu_lama``. Empty input is not handled here: callers treat it as unknown.
    """
    if isinstance(raw, dt.datetime):
        return _bounded(raw.date(), today, allow_future)
    if isinstance(raw, dt.date):
        return _bounded(raw, today, allow_future)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    return _parse_text(str(raw).strip(), today, allow_future)


@lru_cache(maxsize=65536)
def _parse_text(text: str, today: dt.date, allow_future: bool) -> DateResult:
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DAY_FIRST.match(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _SERIAL.match(text):
        serial = int(match[1])
        if serial < 1:
            return DateResult(None, "tanggal_format")
        # Excel counts a 29 Feb 1900 that never was: serials from 61 on are one day ahead.
        value = _EXCEL_EPOCH + dt.timedelta(days=serial if serial > 60 else serial + 1)
        if serial == 60:
            return DateResult(None, "tanggal_tidak_ada")
        return _bounded(value, today, allow_future)
    else:
        return DateResult(None, "tanggal_format")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return DateResult(None, "tanggal_tidak_ada")
    return _bounded(value, today, allow_future)


def _bounded(value: dt.date, today: dt.date, allow_future: bool) -> DateResult:
    if value < _OLDEST:
        return DateResult(None, "tanggal_terlalu_lama")
    if not allow_future and value > today:
        return DateResult(None, "tanggal_masa_depan")
    return DateResult(value)


def parse_age(raw: object) -> int | None:
    """Age in whole years from ``"7"``, ``7``, ``7.0`` or ``"7 tahun"``; ``None`` when not 0-25."""
    text = str(raw).strip().lower().removesuffix("tahun").removesuffix("thn").strip()
    try:
        number = float(text)
    except ValueError:
        return None
    if not number.is_integer() or not 0 <= number <= 25:
        return None
    return int(number)
