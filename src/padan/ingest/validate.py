"""Validate one row of an extract: accept it with normalised fields and flags, or quarantine it.

Rules: a required field that is missing or invalid quarantines the row; an invalid optional
field is kept as written (in the raw values) and flagged ``column:reason``. Cross-field checks
(NIK against birth date and sex, age against birth date) only ever flag.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final, NamedTuple

from padan.domain import values as v
from padan.domain.dates import parse_age, parse_date
from padan.domain.identifiers import IdCheck, check_kk, check_nik, clean_identifier
from padan.domain.names import normalise_name
from padan.domain.regions import RegionStatus, check_region
from padan.ingest.readers import Cell
from padan.ingest.schema import Column, Extract

__all__ = ["MAX_VALUE_LENGTH", "Chunk", "Issue", "Validator", "cell_text", "validate_row"]

MAX_VALUE_LENGTH: Final = 1000
_CONTROL: Final = frozenset(chr(c) for c in [*range(0, 9), *range(11, 32), 127])
_FORMULA_START: Final = ("=", "+", "-", "@")
_CACHE_LIMIT: Final = 200_000
_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # the same set as _CONTROL
_FORMULA_RE: Final = re.compile(r"^[=+\-@]", re.MULTILINE)
_ZEROS_RE: Final = re.compile(r"^0*$", re.MULTILINE)
_NIK_COLUMN: Final = re.compile(r"(?:[0-9]{16}\n)*[0-9]{16}")


class Issue(NamedTuple):
    """Why a row was quarantined: the column, the value seen and a reason code."""

    column: str
    value: str
    reason: str


class _Effect(NamedTuple):
    """The outcome of checking one cell: its normalised value, derived field, flags and issues."""

    value: object
    derived: object
    flags: tuple[str, ...]
    issues: tuple[Issue, ...]


@dataclass(slots=True)
class Chunk:
    """Outcome for a list of rows.

    ``accepted`` holds ``(index, values, flags)``: the row's position in the chunk, its
    normalised values in the order of ``columns`` and its ``column:reason`` flags.
    ``rejected`` holds ``(index, issues)``.
    """

    columns: tuple[str, ...]
    accepted: list[tuple[int, tuple[object, ...], list[str]]] = field(default_factory=list)
    rejected: list[tuple[int, list[Issue]]] = field(default_factory=list)


class Validator:
    """Validates the rows of one extract as of ``today``, a chunk of rows at a time.

    Checking a cell is a pure function of its column and value, and most columns repeat their
    values (dates, codes, regions, names, household ids), so each distinct value is checked once
    and the work runs column by column: a million-row extract takes seconds, not minutes.
    """

    def __init__(self, extract: Extract, *, today: dt.date) -> None:
        self.extract, self.today = extract, today
        self.columns = extract.stored_columns
        # Identifiers, NIKs and free text hardly repeat: they take a fast path instead of a cache.
        self._caches: dict[str, dict[Cell, _Effect]] = {
            c.name: {} for c in extract.columns if c.kind not in ("id", "nik", "text")
        }

    def check(self, rows: list[dict[str, Cell]], sources: dict[str, str] | None = None) -> Chunk:
        """Check every declared column of every row.

        ``sources`` maps a format column to the key holding it in the rows (the file's header);
        by default the keys are the format column names. Never raises for bad values: they
        become flags or issues.
        """
        n = len(rows)
        values: dict[str, list[object]] = {}
        flags: list[list[str]] = [[] for _ in range(n)]
        issues: dict[int, list[Issue]] = {}
        for column in self.extract.columns:
            key = column.name if sources is None else sources.get(column.name)
            cells: list[Cell] = [row.get(key) for row in rows] if key is not None else [None] * n
            column_values, derived, noted = self._column(column, cells)
            values[column.name] = column_values
            if column.derived is not None:
                values[column.derived] = derived
            for i, effect in noted.items():
                flags[i].extend(effect.flags)
                if effect.issues:
                    issues.setdefault(i, []).extend(effect.issues)
        _cross_checks(self.extract, values, flags, self.today)
        chunk = Chunk(self.columns, rejected=sorted(issues.items()))
        table = zip(*(values[c] for c in self.columns), strict=True)
        chunk.accepted = [(i, t, flags[i]) for i, t in enumerate(table) if i not in issues]
        return chunk

    def _column(
        self, column: Column, cells: list[Cell]
    ) -> tuple[list[object], list[object], dict[int, _Effect]]:
        """Normalised values and derived fields of one column, and the effects worth noting."""
        cache = self._caches.get(column.name)
        noted: dict[int, _Effect] = {}
        if cache is None:
            whole = _plain_column(column, cells)
            if whole is not None:
                return whole, [None] * len(cells), noted
            values: list[object] = []
            for i, cell in enumerate(cells):
                plain = _plain_text(column, cell)
                if plain is not None:
                    values.append(plain)
                    continue
                effect = _effect(column, cell, self.today)
                values.append(effect.value)
                if effect.flags or effect.issues:
                    noted[i] = effect
            return values, [None] * len(cells), noted
        distinct = set(cells)
        for cell in distinct - cache.keys():
            cache[cell] = _effect(column, cell, self.today)
        effects = [cache[cell] for cell in cells]
        if any(cache[cell].flags or cache[cell].issues for cell in distinct):
            noted = {i: e for i, e in enumerate(effects) if e.flags or e.issues}
        if len(cache) > _CACHE_LIMIT:
            cache.clear()  # bound memory on columns that hardly repeat
        derived = [e.derived for e in effects] if column.derived else []
        return [e.value for e in effects], derived, noted


def _plain_column(column: Column, cells: list[Cell]) -> list[object] | None:
    """The whole column at C speed when every cell is plain, printable ASCII text.

    Same verdict as :func:`_plain_text` on each cell, decided with a few passes over the joined
    column instead of a Python call per cell; ``None`` sends the column down the slow path.
    """
    if not all(type(cell) is str for cell in cells):
        return None
    stripped: list[str] = [cell.strip() for cell in cells]  # type: ignore[union-attr]
    joined = "\n".join(stripped)
    if not joined.isascii() or not stripped:
        return None
    if column.kind == "nik":
        return list(stripped) if _NIK_COLUMN.fullmatch(joined) else None
    if (
        max(map(len, stripped)) > MAX_VALUE_LENGTH
        or _CONTROL_RE.search(joined)
        or _FORMULA_RE.search(joined)
        or not v.UNKNOWN_MARKERS.isdisjoint(map(str.lower, stripped))
        or (column.kind == "id" and _ZEROS_RE.search(joined))
    ):
        return None
    return list(stripped)


def _plain_text(column: Column, cell: Cell) -> str | None:
    """Fast path for ids, NIKs and free text: a plain, printable ASCII value needs no work.

    Returns the value, or ``None`` whenever the full check in :func:`_effect` could say more.
    """
    if type(cell) is not str:
        return None
    text = cell.strip()
    if column.kind == "nik":
        return text if len(text) == 16 and text.isdigit() and text.isascii() else None
    if (
        0 < len(text) <= MAX_VALUE_LENGTH
        and text.isascii()  # so NFC normalisation would change nothing
        and text.isprintable()
        and not text.startswith(_FORMULA_START)
        and (column.kind != "id" or text.strip("0"))
        and text.lower() not in v.UNKNOWN_MARKERS
    ):
        return text
    return None


def validate_row(extract: Extract, row: dict[str, Cell], *, today: dt.date) -> Chunk:
    """Check one row (convenience for tests and single records)."""
    return Validator(extract, today=today).check([row])


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


def _effect(column: Column, value: Cell, today: dt.date) -> _Effect:
    name = column.name
    text = cell_text(value)
    if len(text) > MAX_VALUE_LENGTH:
        return _Effect(None, None, (), (Issue(name, text[:80] + "…", "nilai_terlalu_panjang"),))
    if v.is_unknown(text, identifier=column.kind in ("id", "nik", "kk")):
        missing = (Issue(name, text, "wajib_kosong"),) if column.required else ()
        return _Effect(None, None, (), missing)
    flags: list[str] = []
    if not _CONTROL.isdisjoint(text):
        if column.kind == "id":
            escaped = text.encode("unicode_escape").decode()
            return _Effect(None, None, (), (Issue(name, escaped, "karakter_kontrol"),))
        flags.append(f"{name}:karakter_kontrol")
        text = "".join(ch for ch in text if ch not in _CONTROL)
    if text.startswith(_FORMULA_START) and column.kind in ("text", "name", "id"):
        flags.append(f"{name}:formula_spreadsheet")
    normalised, derived, reason = _normalise(column, value, text, today)
    if reason is None:
        if column.kind == "region":
            flags.extend(_region_flags(column, normalised, derived))
        return _Effect(normalised, derived, tuple(flags), ())
    kept = normalised if column.kind in ("nik", "kk") else None
    if column.required:
        return _Effect(kept, derived, tuple(flags), (Issue(name, text, reason),))
    return _Effect(kept, derived, (*flags, f"{name}:{reason}"), ())


def _region_flags(column: Column, code: object, level: object) -> list[str]:
    flags = []
    if isinstance(code, str) and check_region(code).status is RegionStatus.RETIRED:
        flags.append(f"{column.name}:wilayah_lama")
    if column.village and level != "village":
        flags.append(f"{column.name}:wilayah_bukan_desa")
    return flags


def _normalise(
    column: Column, value: Cell, text: str, today: dt.date
) -> tuple[object, object, str | None]:
    """The normalised value, the derived field and a reason code (``None`` when valid)."""
    kind = column.kind
    if kind in ("id", "text"):
        return unicodedata.normalize("NFC", text), None, None
    if kind == "name":
        written = unicodedata.normalize("NFC", text)
        return written, normalise_name(written).text or None, None
    if kind == "date":
        result = parse_date(value if not isinstance(value, str) else text, today=today)
        return result.value, None, result.reason
    if kind == "sex":
        sex = v.parse_sex(text)
        return sex, None, None if sex else "jk_tidak_dikenal"
    if kind == "code":
        code = v.parse_code(text, column.codes)
        return code, None, None if code else "kode_tidak_dikenal"
    if kind == "codes":  # several codes in one cell (SIMFONI-PPA: fisik; psikis)
        pieces = [p for p in text.replace(",", ";").split(";") if p.strip()]
        parsed = [v.parse_code(p, column.codes) for p in pieces]
        if not parsed or not all(parsed):
            return None, None, "kode_tidak_dikenal"
        return ";".join(sorted({p for p in parsed if p}, key=column.codes.index)), None, None
    if kind == "region":
        check = check_region(text)
        if check.status is RegionStatus.MALFORMED:
            return None, None, "wilayah_format"
        if check.status is RegionStatus.UNKNOWN:
            return None, None, "wilayah_tidak_dikenal"
        return check.code, check.level, None
    if kind in ("nik", "kk"):
        # Judged in _cross_checks, where the record's birth date and sex are known.
        return clean_identifier(text if isinstance(value, str) else value), None, None
    if kind == "age":
        age = parse_age(text)
        return age, None, None if age is not None else "usia_tidak_valid"
    if kind in ("desil", "count"):
        number = _whole(text)
        low, high, reason = (
            (1, 10, "desil_tidak_valid") if kind == "desil" else (0, None, "angka_tidak_valid")
        )
        valid = number is not None and number >= low and (high is None or number <= high)
        return (number, None, None) if valid else (None, None, reason)
    if kind == "flag01":
        flag = v.parse_flag01(text)
        return flag, None, None if flag is not None else "flag_tidak_valid"
    raise AssertionError(f"unhandled column kind {kind}")  # pragma: no cover - schema is static


def _whole(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _cross_checks(
    extract: Extract, values: dict[str, list[object]], flags: list[list[str]], today: dt.date
) -> None:
    """Checks that need several fields of a row; they only ever flag."""
    birth_column, sex_column = extract.column_for("birth_date"), extract.column_for("sex")
    births: list[dt.date | None] = [
        b if isinstance(b, dt.date) else None
        for b in (values[birth_column.name] if birth_column else [None] * len(flags))
    ]
    for column in extract.columns:
        if column.kind not in ("nik", "kk"):
            continue
        numbers, status = values[column.name], values[f"{column.name}_status"]
        for i, number in enumerate(numbers):
            if number is None:
                status[i] = "missing"
                continue
            if column.kind == "kk":
                checked = _check_kk(str(number), today)
            else:
                sex = values[sex_column.name][i] if sex_column else None
                checked = check_nik(
                    number, today=today, birth_date=births[i], sex=None if sex is None else str(sex)
                )
            status[i] = checked.status
            if checked.flags:
                flags[i].extend(f"{column.name}:{f}" for f in checked.flags)
    age_column, event_column = extract.column_for("age"), extract.column_for("event_date")
    if birth_column and age_column and event_column:
        names = (birth_column.name, age_column.name)
        for i, (birth, age, event) in enumerate(
            zip(births, values[age_column.name], values[event_column.name], strict=True)
        ):
            _age_checks(names, birth, age, event, flags[i])


@lru_cache(maxsize=100_000)
def _check_kk(value: str, today: dt.date) -> IdCheck:
    # A household's members share one KK number: check it once.
    return check_kk(value, today=today)


def _age_checks(
    names: tuple[str, str], birth: dt.date | None, age: object, event: object, flags: list[str]
) -> None:
    """A birth date and an age given on the day of a complaint (or a service, a case report)."""
    birth_name, age_name = names
    if birth is None and isinstance(age, int):
        flags.append(f"{birth_name}:hanya_usia")
    if isinstance(age, int) and age >= 18:
        flags.append(f"{age_name}:usia_dewasa")
    if birth is None or not isinstance(event, dt.date):
        return
    if birth > event:
        flags.append(f"{birth_name}:tanggal_lahir_setelah_pengaduan")
    elif isinstance(age, int):
        before_birthday = (event.month, event.day) < (birth.month, birth.day)
        if abs(event.year - birth.year - before_birthday - age) > 1:
            flags.append(f"{age_name}:usia_beda_tgl_lahir")
