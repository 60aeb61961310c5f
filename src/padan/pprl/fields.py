"""What each field of a validated record gives to encode: its tokens and its block-key values.

Names go through Padan's Indonesian normalisation (:func:`padan.domain.names.normalise_name`)
before they are cut into q-grams, so the spellings Padan treats as one name encode alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from padan.domain.names import normalise_name
from padan.pprl.bloom import qgrams

__all__ = ["COLUMNS", "Plain", "block_values", "field_tokens", "plain_record"]

#: Per source: field → the extract column it is read from (``None``: the extract has none).
COLUMNS: Final[dict[str, dict[str, str | None]]] = {
    "kpai": {
        "id": "no_pengaduan",
        "name": "nama_anak",
        "mother": "nama_ibu",
        "birth_date": "tanggal_lahir",
        "sex": "jenis_kelamin",
        "region": "kode_wilayah",
        "nik": "nik_anak",
        "kk": None,
    },
    "dtsen": {
        "id": "id_individu",
        "name": "nama",
        "mother": "nama_ibu_kandung",
        "birth_date": "tanggal_lahir",
        "sex": "jenis_kelamin",
        "region": "kode_wilayah",
        "nik": "nik",
        "kk": "no_kk",
    },
}


@dataclass(frozen=True, slots=True)
class Plain:
    """The plaintext of one record as the encoder needs it (never written anywhere)."""

    record_id: str
    name: tuple[str, ...]  # normalised tokens
    mother: tuple[str, ...]
    birth_date: dt.date | None
    birth_years: tuple[int, ...]  # the year, or the two an age-only complaint allows
    sex: str | None
    region: str | None  # dotted Kemendagri code at whatever level the record gives
    nik: str | None
    kk: str | None
    name_first: str | None  # first token of the name's core (leading titles left out)


def plain_record(source: str, values: dict[str, object]) -> Plain:
    """The fields of one validated record of ``source`` (its normalised values by column)."""
    columns = COLUMNS[source]

    def text(field: str) -> str | None:
        column = columns[field]
        value = values.get(column) if column else None
        return str(value) if value not in (None, "") else None

    name = normalise_name(text("name"))
    mother = normalise_name(text("mother"))
    birth = values.get(columns["birth_date"] or "")
    birth_date = birth if isinstance(birth, dt.date) else None
    years: tuple[int, ...] = ()
    if birth_date is not None:
        years = (birth_date.year,)
    elif (
        source == "kpai"
    ):  # an age-only complaint: born in the complaint's year minus age, or before
        age, filed = values.get("usia"), values.get("tanggal_pengaduan")
        if isinstance(age, int) and isinstance(filed, dt.date):
            years = (filed.year - age, filed.year - age - 1)
    return Plain(
        record_id=str(values[columns["id"] or ""]),
        name=name.tokens,
        mother=mother.tokens,
        birth_date=birth_date,
        birth_years=years,
        sex=text("sex"),
        region=text("region"),
        nik=text("nik"),
        kk=text("kk"),
        name_first=name.core[0] if name.core else None,
    )


def field_tokens(plain: Plain, field: str, q: int) -> set[str] | None:
    """The tokens ``field`` of ``plain`` sets, or ``None`` when the record lacks it."""
    if field in ("name", "mother"):
        tokens: tuple[str, ...] = plain.name if field == "name" else plain.mother
        if not tokens:
            return None
        # Per token, so that reordered and partly written names still share most q-grams.
        return set().union(*(qgrams(t, q) for t in tokens))
    if field in ("nik", "kk"):
        digits = plain.nik if field == "nik" else plain.kk
        return qgrams(digits, q) if digits else None
    if field == "birth_date":
        date = plain.birth_date
        if date is None:
            return {f"y:{year}" for year in plain.birth_years} or None
        y, m, d = date.year, f"{date.month:02d}", f"{date.day:02d}"
        # Parts and pairs of parts: a day/month swap or a wrong year keeps some in common.
        return {f"y:{y}", f"m:{m}", f"d:{d}", f"ym:{y}-{m}", f"md:{m}-{d}", f"yd:{y}-{d}"}
    if field == "sex":
        return {plain.sex} if plain.sex else None
    if field == "region":
        if not plain.region:
            return None
        parts = plain.region.split(".")
        return {f"{i}:{'.'.join(parts[:i])}" for i in range(1, len(parts) + 1)}
    raise ValueError(f"unknown field {field}")


def _regency(plain: Plain) -> str | None:
    parts = (plain.region or "").split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def block_values(plain: Plain, key: str) -> list[str]:
    """The plaintext values of block key ``key`` for ``plain`` (none when a part is missing)."""
    if key == "nik":
        return [plain.nik] if plain.nik else []
    if key == "birth_year+regency":
        regency = _regency(plain)
        return [f"{y}|{regency}" for y in plain.birth_years] if regency else []
    if key == "birth_md+regency":  # the year mistyped: month and day still agree
        regency, date = _regency(plain), plain.birth_date
        return [f"{date.month:02d}-{date.day:02d}|{regency}"] if regency and date else []
    if key == "name_first+birth_year":
        first = plain.name_first
        return [f"{first}|{y}" for y in plain.birth_years] if first else []
    if key == "birth_year+sex":
        return [f"{y}|{plain.sex}" for y in plain.birth_years] if plain.sex else []
    raise ValueError(f"unknown block key {key}")
