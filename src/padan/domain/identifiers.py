"""NIK (Nomor Induk Kependudukan) and Nomor KK: structure, region prefix, encoded dates.

A NIK is ``PPKKCC DDMMYY SSSS``: the district of first registration, the birth date (day + 40
for females) and a serial from 0001. A KK number is the district of issue, the recording date and
a serial. Checks *flag*; they never alter the number (see ``domain.md`` section 2).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Final, Literal

from padan.domain.regions import RegionStatus, district_status

__all__ = ["IdCheck", "check_kk", "check_nik", "clean_identifier"]

Status = Literal["valid", "invalid", "missing"]

_NOISE: Final = re.compile(r"[\s.\-']")
_SCIENTIFIC: Final = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


@dataclass(frozen=True, slots=True)
class IdCheck:
    """Outcome of checking a NIK or KK number.

    ``value`` is the cleaned 16-digit string when the structure holds, otherwise the cleaned text
    as written. ``status`` is ``valid`` only when every structural rule holds; ``flags`` lists
    reason codes (some, like a retired region code, do not make it invalid).
    """

    value: str | None
    status: Status
    flags: tuple[str, ...] = ()
    encoded_date: dt.date | None = None
    sex: Literal["L", "P"] | None = None
    district: str | None = field(default=None)  # 6 digits


def clean_identifier(raw: object) -> str:
    """Strip what the exchange format calls noise: spaces, dots, dashes, a leading apostrophe.

    A float that arrived from a numeric cell (``3201014501900001.0``) loses its ``.0``; a value in
    scientific notation is returned as written so the caller can flag it.
    """
    if isinstance(raw, float):
        # Beyond 2**53 a double cannot hold every 16-digit number: digits may already be wrong.
        if raw.is_integer() and abs(raw) < 2**53:
            return str(int(raw))
        return f"{raw:.15e}"
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    text = str(raw).strip()
    if _SCIENTIFIC.match(text):
        return text
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return _NOISE.sub("", text)


def _century(yy: int, today: dt.date) -> int:
    # The latest year ending in ``yy`` that is not after today (NIKs carry two-digit years).
    year = today.year - today.year % 100 + yy
    return year - 100 if year > today.year else year


def _decode(digits: str, prefix: str, female_offset: bool, today: dt.date) -> IdCheck:
    flags: list[str] = []
    district = digits[:6]
    region = district_status(district)
    if region is RegionStatus.RETIRED:
        flags.append(f"{prefix}_wilayah_lama")
    elif region is not RegionStatus.CURRENT:
        flags.append(f"{prefix}_wilayah_tidak_dikenal")
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex: Literal["L", "P"] | None = None
    if female_offset:
        sex = "P" if day > 40 else "L"
        day = day - 40 if day > 40 else day
    encoded: dt.date | None
    try:
        encoded = dt.date(_century(yy, today), month, day)
    except ValueError:
        encoded, sex = None, None
        flags.append(f"{prefix}_tanggal_tidak_valid")
    if digits[12:] == "0000":
        flags.append(f"{prefix}_nomor_urut_nol")
    invalid = {
        f"{prefix}_wilayah_tidak_dikenal",
        f"{prefix}_tanggal_tidak_valid",
        f"{prefix}_nomor_urut_nol",
    }
    status: Status = "invalid" if invalid.intersection(flags) else "valid"
    return IdCheck(digits, status, tuple(flags), encoded, sex, district)


def check_nik(
    raw: object,
    *,
    today: dt.date,
    birth_date: dt.date | None = None,
    sex: str | None = None,
) -> IdCheck:
    """Check a NIK and compare what it encodes with the record's own ``birth_date`` and ``sex``.

    Flags ``nik_tgl_lahir_beda`` / ``nik_jk_beda`` on disagreement (the NIK date may
    legitimately differ from a corrected birth date, so this never invalidates the NIK).
    Empty input gives status ``missing``.
    """
    return _check(raw, "nik", True, today, birth_date, sex)


def check_kk(raw: object, *, today: dt.date) -> IdCheck:
    """Check a Nomor KK: 16 digits, district prefix, recording date (not in the future), serial."""
    check = _check(raw, "kk", False, today, None, None)
    if check.encoded_date is not None and check.encoded_date > today:
        return IdCheck(
            check.value,
            "invalid",
            (*check.flags, "kk_tanggal_tidak_valid"),
            None,
            None,
            check.district,
        )
    return check


def _check(
    raw: object,
    prefix: str,
    female_offset: bool,
    today: dt.date,
    birth_date: dt.date | None,
    sex: str | None,
) -> IdCheck:
    if isinstance(raw, str) and len(raw) == 16 and raw.isdigit() and raw.isascii():
        text = raw  # already clean: the common case, worth skipping the regexes for
    else:
        text = clean_identifier(raw)
        if not text:
            return IdCheck(None, "missing")
        if _SCIENTIFIC.match(text):
            return IdCheck(text, "invalid", (f"{prefix}_format", "nik_notasi_ilmiah"))
        if len(text) != 16 or not text.isdigit() or not text.isascii():
            return IdCheck(text, "invalid", (f"{prefix}_format",))
    check = _decode(text, prefix, female_offset, today)
    extra: list[str] = []
    encoded = check.encoded_date
    if (
        birth_date is not None
        and encoded is not None
        # Compare DDMMYY only: the NIK cannot tell centuries apart.
        and (encoded.day, encoded.month, encoded.year % 100)
        != (birth_date.day, birth_date.month, birth_date.year % 100)
    ):
        extra.append("nik_tgl_lahir_beda")
    if sex in ("L", "P") and check.sex is not None and sex != check.sex:
        extra.append("nik_jk_beda")
    if not extra:
        return check
    return IdCheck(
        check.value,
        check.status,
        (*check.flags, *extra),
        check.encoded_date,
        check.sex,
        check.district,
    )
