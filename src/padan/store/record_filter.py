"""Attribute filters over the current KPAI and DTSEN records (the DCI registry's expression and
predicate queries), and look-ups by one identifier (NIK, KK, a source's own record id).

A filter is a small tree (:class:`Compare`, :class:`AllOf`, :class:`AnyOf`, :class:`Not`) over
the attributes of :data:`FILTER_COLUMNS`; it is compiled to SQL per record table. A table that
lacks an attribute compares it as NULL, so SQL's three-valued logic leaves its records out of
both ``desil < 3`` and ``NOT desil < 3`` instead of counting them on one side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, literal, not_, null, or_, select

from padan.store.children import SOURCE_TABLES
from padan.store.database import Store

__all__ = [
    "FILTER_COLUMNS",
    "IDENTIFIER_COLUMNS",
    "AllOf",
    "AnyOf",
    "Compare",
    "Filter",
    "Not",
    "records_by_identifier",
    "records_matching",
]

#: Filterable attribute → the column of the record tables that holds it.
FILTER_COLUMNS = {
    "sex": "jenis_kelamin",
    "birth_date": "tanggal_lahir",
    "region": "kode_wilayah",
    "desil": "desil",
}
#: Identifier kind → {source: column}: where each kind of identifier is kept.
IDENTIFIER_COLUMNS: dict[str, dict[str, str]] = {
    "nik": {"kpai": "nik_anak", "dtsen": "nik"},
    "kk": {"dtsen": "no_kk"},
    "kpai": {"kpai": "no_pengaduan"},
    "dtsen": {"dtsen": "id_individu"},
}
_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
_CHUNK = 2000


@dataclass(frozen=True)
class Compare:
    """``attribute op value``: ``region`` takes ``eq``/``ne``/``in`` (a code holds the codes
    under it); ``in`` takes a tuple of values."""

    attribute: str
    op: str
    value: str | int | dt.date | tuple[str | int, ...]

    def __post_init__(self) -> None:
        if self.attribute not in FILTER_COLUMNS or self.op not in _OPS:
            raise ValueError(f"no filter {self.attribute} {self.op}")


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    part: Filter


Filter = Compare | AllOf | AnyOf | Not


def _under(column: Any, code: str) -> ColumnElement[bool]:
    return or_(column == code, column.like(code + ".%"))


def _compare(table: Table, c: Compare) -> ColumnElement[bool]:
    name = FILTER_COLUMNS[c.attribute]
    column: Any = table.c[name] if name in table.c else null()
    values = c.value if isinstance(c.value, tuple) else (c.value,)
    if c.attribute == "region":  # every record table has its region
        held = or_(*(_under(column, str(v)) for v in values))
        return not_(held) if c.op == "ne" else held
    if c.op == "in":
        return or_(*(column == v for v in values))
    ops = {
        "eq": column.__eq__,
        "ne": column.__ne__,
        "lt": column.__lt__,
        "le": column.__le__,
        "gt": column.__gt__,
        "ge": column.__ge__,
    }
    result: ColumnElement[bool] = ops[c.op](c.value)
    return result


def _compile(table: Table, f: Filter) -> ColumnElement[bool]:
    if isinstance(f, Compare):
        return _compare(table, f)
    if isinstance(f, AllOf):
        return and_(*(_compile(table, p) for p in f.parts))
    if isinstance(f, AnyOf):
        return or_(*(_compile(table, p) for p in f.parts))
    return not_(_compile(table, f.part))


def _regions(table: Table, regions: Sequence[str] | None) -> list[ColumnElement[bool]]:
    if regions is None:
        return []
    if not regions:
        return [literal(False)]
    return [or_(*(_under(table.c.kode_wilayah, r) for r in regions))]


def _among(
    table: Table, id_col: str, source: str, within: Sequence[str] | None
) -> list[list[ColumnElement[bool]]]:
    """The conditions to run a query under: once (``within`` is ``None``), or once per chunk
    of the ids of ``within`` (record references) from ``source``."""
    if within is None:
        return [[]]
    ids = sorted({uid.partition(":")[2] for uid in within if uid.partition(":")[0] == source})
    return [[table.c[id_col].in_(ids[i : i + _CHUNK])] for i in range(0, len(ids), _CHUNK)]


def records_matching(
    store: Store,
    f: Filter,
    *,
    sources: Sequence[str],
    regions: Sequence[str] | None,
    limit: int,
    within: Sequence[str] | None = None,
) -> list[str]:
    """Current records (``source:id``) of ``sources`` that ``f`` holds for, within ``regions``
    (dotted codes; ``None`` = all), at most ``limit`` of them, by source and id; with
    ``within`` (record references), only among those."""
    found: list[str] = []
    with store._connect() as conn:
        # The filters' fields are KPAI's and DTSEN's (the searchable sources); a role's other
        # sources (Kemensos services, SIMFONI-PPA cases) are not searched.
        for source in (s for s in sources if s in SOURCE_TABLES):
            table, id_col, _, _ = SOURCE_TABLES[source]
            for among in _among(table, id_col, source, within):
                query = (
                    select(table.c[id_col])
                    .where(
                        table.c.is_current, _compile(table, f), *_regions(table, regions), *among
                    )
                    .order_by(table.c[id_col])
                    .limit(limit - len(found))
                )
                found += [f"{source}:{r[0]}" for r in conn.execute(query)]
                if len(found) >= limit:
                    return found
    return found


def records_by_identifier(
    store: Store,
    kind: str,
    value: str,
    *,
    sources: Sequence[str],
    regions: Sequence[str] | None,
    limit: int,
    within: Sequence[str] | None = None,
) -> list[str]:
    """Current records (``source:id``) of ``sources`` whose identifier of ``kind``
    (:data:`IDENTIFIER_COLUMNS`) is ``value``, within ``regions``; at most ``limit``; with
    ``within`` (record references), only among those."""
    found: list[str] = []
    with store._connect() as conn:
        for source, column in IDENTIFIER_COLUMNS[kind].items():
            if source not in sources:
                continue
            table, id_col, _, _ = SOURCE_TABLES[source]
            for among in _among(table, id_col, source, within):
                query = (
                    select(table.c[id_col])
                    .where(
                        table.c.is_current,
                        table.c[column] == value,
                        *_regions(table, regions),
                        *among,
                    )
                    .order_by(table.c[id_col])
                    .limit(limit)
                )
                found += [f"{source}:{r[0]}" for r in conn.execute(query)]
    return found[:limit]
