"""Aggregates of the ``child`` table: overall, per region level, per klaster/kategori, quality."""

from __future__ import annotations

from functools import cache

import duckdb

from padan.analysis.model import Figure, GroupFigures, QualityRow, RegionFigures
from padan.domain.regions import region_table

__all__ = ["by_group", "by_region", "data_quality", "overall", "region_name"]

_LEVELS = (("province", "prov", None), ("regency", "kab", "prov"), ("district", "kec", "kab"))
_COVERAGE = (
    "kpai_children",
    "kpai_children_in_dtsen",
    "kpai_children_not_in_dtsen",
    "kpai_children_maybe_in_dtsen",
)
UNPLACED = "(wilayah tidak rinci)"


def region_name(code: str | None) -> str:
    """The region's name, or a marker for children only known at a coarser level."""
    if code is None:
        return UNPLACED
    region = region_table().get(code)
    return region.name if region else code


def _sums(keys: list[str]) -> str:
    return ", ".join(
        f"count(*) FILTER (WHERE {k}) AS {k}, count(*) FILTER (WHERE {k} AND uncertain) AS u_{k}"
        for k in keys
    )


def _figures(row: tuple[object, ...], keys: list[str], offset: int) -> dict[str, Figure]:
    return {
        k: Figure(int(row[offset + 2 * i]), int(row[offset + 2 * i + 1]))  # type: ignore[call-overload]
        for i, k in enumerate(keys)
    }


def overall(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, Figure]:
    """Every indicator over all children of the ``child`` table."""
    row = con.execute(f"SELECT {_sums(keys)} FROM child").fetchone()
    assert row is not None
    return _figures(row, keys, 0)


def by_region(
    con: duckdb.DuckDBPyConnection, keys: list[str], *, below: str | None
) -> list[RegionFigures]:
    """Every indicator per province, regency and district (only levels finer than ``below``)."""
    depth = {None: 0, "province": 1, "regency": 2, "district": 3, "village": 3}[below]
    result: list[RegionFigures] = []
    for level, column, parent in _LEVELS[depth:]:
        parent_sql = parent or "NULL"
        rows = con.execute(
            f"SELECT {parent_sql} AS parent, {column} AS code, {_sums(keys)} FROM child "
            f"GROUP BY ALL ORDER BY parent NULLS FIRST, code NULLS LAST"
        ).fetchall()
        for row in rows:
            code = None if row[1] is None else str(row[1])
            result.append(
                RegionFigures(
                    level,
                    code,
                    region_name(code),
                    None if row[0] is None else str(row[0]),
                    _figures(row, keys, 2),
                )
            )
    return result


def by_group(
    con: duckdb.DuckDBPyConnection, column: str, labels: dict[str, str]
) -> list[GroupFigures]:
    """Coverage per KPAI ``klaster`` or ``kategori`` (a child counts in each of its groups)."""
    keys = list(_COVERAGE)
    rows = con.execute(
        f"SELECT g.{column}, {_sums(keys)} FROM child "
        f"JOIN (SELECT DISTINCT child_id, {column} FROM k WHERE {column} IS NOT NULL) g "
        f"USING (child_id) GROUP BY ALL ORDER BY 1"
    ).fetchall()
    return [
        GroupFigures(str(r[0]), labels.get(str(r[0]), str(r[0])), _figures(r, keys, 1))
        for r in rows
    ]


@cache
def _quality_sql(table: str, status: str) -> str:
    levels = []
    for level, expr, parent in (
        ("all", "NULL", "NULL"),
        ("province", "substr(kode_wilayah, 1, 2)", "NULL"),
        (
            "regency",
            "CASE WHEN length(kode_wilayah) >= 5 THEN substr(kode_wilayah, 1, 5) END",
            "substr(kode_wilayah, 1, 2)",
        ),
    ):
        levels.append(
            f"SELECT '{level}' AS level, {parent} AS parent, {expr} AS code, count(*) AS records, "
            f"count(*) FILTER (WHERE {status} <> 'missing') AS nik_filled, "
            f"count(*) FILTER (WHERE {status} = 'valid') AS nik_valid, "
            f"count(*) - count(DISTINCT child_id) AS duplicates FROM {table} GROUP BY ALL"
        )
    return " UNION ALL ".join(levels) + " ORDER BY 1, 2 NULLS FIRST, 3 NULLS LAST"


def data_quality(con: duckdb.DuckDBPyConnection) -> list[QualityRow]:
    """NIK completeness and validity, and duplicates, per source and region.

    Reads tables ``kq`` and ``dq``: the KPAI and DTSEN records in scope, with their child.
    """
    result: list[QualityRow] = []
    for source, table, status in (("kpai", "kq", "nik_anak_status"), ("dtsen", "dq", "nik_status")):
        for row in con.execute(_quality_sql(table, status)).fetchall():
            level, parent, code = str(row[0]), row[1], row[2]
            name = "Semua wilayah" if level == "all" else region_name(code)
            result.append(
                QualityRow(
                    source,
                    level,
                    code,
                    name,
                    parent,
                    *(int(v) for v in row[3:7]),
                )
            )
    return result
