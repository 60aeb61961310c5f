"""Reads of the children a linkage run formed: search by name or NIK, a child's records and
pairs, review pairs, counts by region and households (for the web app, the API and the review
queue).

Written for a store holding millions of records: every query goes through an index and
touches only the children asked for. The queries of the search and the profile are built once
(with bind parameters) rather than per call: SQLAlchemy then reuses their cache key and compiled
form, which is most of the CPU a request would otherwise spend here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, bindparam, false, func, or_, select, union_all

from padan.store.database import Store
from padan.store.records import LinkRun
from padan.store.tables import (
    child_links,
    dtsen_individu,
    held_in_run,
    kpai_kasus,
    link_pairs,
    link_runs,
)

__all__ = [
    "SOURCE_TABLES",
    "child_members",
    "child_sources",
    "children_of",
    "find_records",
    "household_members",
    "latest_run_id",
    "list_runs",
    "pairs_touching",
    "records_by_uid",
    "region_counts",
    "review_pairs",
]

#: Linkage source → (record table, its id column, name column, NIK column).
SOURCE_TABLES: dict[str, tuple[Table, str, str, str]] = {
    "kpai": (kpai_kasus, "no_pengaduan", "nama_anak_norm", "nik_anak"),
    "dtsen": (dtsen_individu, "id_individu", "nama_norm", "nik"),
}


def _under(column: Any, regions: Sequence[str]) -> ColumnElement[bool]:
    # Dotted codes: "32.01" holds "32.01" itself and everything written "32.01.…".
    if not regions:
        return false()
    return or_(*(or_(column == r, column.like(r + ".%")) for r in regions))


_LATEST_RUN = select(func.max(link_runs.c.id))


def latest_run_id(store: Store) -> int | None:
    with store._connect() as conn:
        return conn.execute(_LATEST_RUN).scalar_one_or_none()


def list_runs(store: Store) -> list[LinkRun]:
    """Every linkage run, newest first."""
    with store._connect() as conn:
        rows = conn.execute(select(link_runs).order_by(link_runs.c.id.desc())).mappings().all()
    return [LinkRun(**{**r, "batches": json.loads(r["batches"])}) for r in rows]


@cache
def _find_query(source: str, by_nik: bool) -> Select[Any]:
    table, id_col, name_col, nik_col = SOURCE_TABLES[source]
    conditions: list[ColumnElement[bool]] = [table.c.is_current]
    if by_nik:
        conditions.append(table.c[nik_col] == bindparam("nik"))
    else:
        # A range on the indexed column: a prefix search that uses the index everywhere.
        conditions += [table.c[name_col] >= bindparam("low"), table.c[name_col] < bindparam("high")]
    return select(table.c[id_col]).where(*conditions).limit(bindparam("limit"))


def find_records(
    store: Store,
    *,
    name_prefix: str | None = None,
    nik: str | None = None,
    regions: Sequence[str] | None = None,
    limit: int = 200,
) -> list[str]:
    """Current KPAI and DTSEN records (``source:id``) whose normalised name starts with
    ``name_prefix`` or whose NIK is ``nik``, within ``regions`` (dotted codes; ``None`` = all)."""
    if not nik and not name_prefix:
        return []
    params: dict[str, Any] = {"limit": limit}
    if nik:
        params["nik"] = nik
    else:
        assert name_prefix is not None
        params.update(low=name_prefix, high=name_prefix + "\U0010ffff")
    found: list[str] = []
    with store._connect() as conn:
        for source, (table, _, _, _) in SOURCE_TABLES.items():
            query = _find_query(source, bool(nik))
            if regions is not None:
                query = query.where(_under(table.c.kode_wilayah, regions))
            found += [f"{source}:{r[0]}" for r in conn.execute(query, params)]
    return found


def children_of(store: Store, run_id: int, uids: Sequence[str]) -> dict[str, str]:
    """The child id of each record reference in a run (references the run lacks are left out)."""
    by_source: dict[str, list[str]] = {}
    for uid in uids:
        source, _, source_id = uid.partition(":")
        by_source.setdefault(source, []).append(source_id)
    result: dict[str, str] = {}
    with store._connect() as conn:
        for source, ids in by_source.items():
            for chunk in _chunks(ids):
                params = {"run_id": run_id, "source": source, "ids": chunk}
                rows = conn.execute(_CHILDREN_OF, params)
                result.update({f"{source}:{r[0]}": r[1] for r in rows})
    return result


def child_sources(store: Store, run_id: int, child_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """The sources (``kpai``, ``dtsen``) each child of a run has records from."""
    found: dict[str, set[str]] = {}
    with store._connect() as conn:
        for chunk in _chunks(sorted(set(child_ids))):
            for child_id, source in conn.execute(_CHILD_SOURCES, {"run_id": run_id, "ids": chunk}):
                found.setdefault(child_id, set()).add(source)
    return {child: frozenset(sources) for child, sources in found.items()}


def _chunks(values: Sequence[str], size: int = 2000) -> list[list[str]]:
    # A review queue can name tens of thousands of records: stay under the drivers' limits on
    # bound parameters (SQLite allows 32,766 in one statement).
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


_CHILDREN_OF = select(child_links.c.source_id, child_links.c.child_id).where(
    held_in_run(child_links, bindparam("run_id")),
    child_links.c.source == bindparam("source"),
    child_links.c.source_id.in_(bindparam("ids", expanding=True)),
)
_CHILD_SOURCES = (
    select(child_links.c.child_id, child_links.c.source)
    .where(
        held_in_run(child_links, bindparam("run_id")),
        child_links.c.child_id.in_(bindparam("ids", expanding=True)),
    )
    .distinct()
)
# No ORDER BY: SQLite would then walk the run's primary key instead of the child index.
_CHILD_MEMBERS = select(
    child_links.c.child_id,
    child_links.c.source,
    child_links.c.source_id,
    child_links.c.match_probability,
).where(
    held_in_run(child_links, bindparam("run_id")),
    child_links.c.child_id.in_(bindparam("ids", expanding=True)),
)


def child_members(
    store: Store, run_id: int, child_ids: Sequence[str]
) -> dict[str, list[tuple[str, float | None]]]:
    """Each child's records in a run as ``(source:id, strongest link probability)``."""
    members: dict[str, list[tuple[str, float | None]]] = {}
    with store._connect() as conn:
        for r in conn.execute(_CHILD_MEMBERS, {"run_id": run_id, "ids": list(child_ids)}):
            members.setdefault(r.child_id, []).append(
                (f"{r.source}:{r.source_id}", r.match_probability)
            )
    return {child: sorted(found) for child, found in members.items()}


def records_by_uid(
    store: Store, uids: Sequence[str], *, columns: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The current version of each referenced record by ``source:id``: every column, or only
    those of ``columns`` the record's table has (plus its id)."""
    by_source: dict[str, list[str]] = {}
    tables: dict[str, tuple[Table, str]] = {}
    for uid in uids:
        source, _, source_id = uid.partition(":")
        found = tables.get(source) or store.source_table(source)
        if found is not None:
            tables[source] = found
            by_source.setdefault(source, []).append(source_id)
    result: dict[str, dict[str, Any]] = {}
    wanted = tuple(columns) if columns is not None else None
    with store._connect() as conn:
        for source, ids in by_source.items():
            table, id_col = tables[source]
            query = _records_query(table, id_col, wanted)
            for r in conn.execute(query, {"ids": ids}).mappings():
                result[f"{source}:{r[id_col]}"] = dict(r)
    return result


def _records_query(table: Table, id_col: str, columns: tuple[str, ...] | None) -> Select[Any]:
    picked = (
        [table.c[id_col], *(table.c[c] for c in columns if c in table.c and c != id_col)]
        if columns is not None
        else list(table.c)
    )
    return select(*picked).where(
        table.c.is_current, table.c[id_col].in_(bindparam("ids", expanding=True))
    )


def pairs_touching(
    store: Store, run_id: int, uids: Sequence[str]
) -> list[tuple[str, str, float, str, str]]:
    """Scored pairs of a run with at least one of ``uids``: (a, b, probability, rule, decision)."""
    wanted = list(uids)
    found: dict[tuple[str, str], tuple[str, str, float, str, str]] = {}
    with store._connect() as conn:
        # One query per side: each uses its own index (an OR of the two would scan the run).
        for query in _PAIRS_BY_SIDE:
            for r in conn.execute(query, {"run_id": run_id, "uids": wanted}):
                found[(r.uid_l, r.uid_r)] = (
                    r.uid_l,
                    r.uid_r,
                    r.match_probability,
                    r.rule,
                    r.decision,
                )
    return sorted(found.values(), key=lambda p: (-p[2], p[0], p[1]))


_PAIRS_BY_SIDE = tuple(
    select(
        link_pairs.c.uid_l,
        link_pairs.c.uid_r,
        link_pairs.c.match_probability,
        link_pairs.c.rule,
        link_pairs.c.decision,
    ).where(
        held_in_run(link_pairs, bindparam("run_id")), column.in_(bindparam("uids", expanding=True))
    )
    for column in (link_pairs.c.uid_l, link_pairs.c.uid_r)
)


def review_pairs(store: Store, run_id: int) -> list[tuple[str, str, float, str]]:
    """Pairs of a run left for review or refused by the chaining guard, most likely first."""
    query = (
        select(
            link_pairs.c.uid_l,
            link_pairs.c.uid_r,
            link_pairs.c.match_probability,
            link_pairs.c.decision,
        )
        .where(held_in_run(link_pairs, run_id), link_pairs.c.decision.in_(["review", "refused"]))
        .order_by(link_pairs.c.match_probability.desc(), link_pairs.c.uid_l, link_pairs.c.uid_r)
    )
    with store._connect() as conn:
        return [(r[0], r[1], float(r[2]), r[3]) for r in conn.execute(query)]


def region_counts(
    store: Store, run_id: int | None, *, level_chars: int, regions: Sequence[str] | None = None
) -> dict[str, dict[str, int]]:
    """Counts by region code cut to ``level_chars`` characters (2 province, 5 regency,
    8 district): current KPAI and DTSEN records, and children with a record there."""
    counts: dict[str, dict[str, int]] = {}
    parts = []
    with store._connect() as conn:
        for source, (table, id_col, _, _) in SOURCE_TABLES.items():
            code = func.substr(table.c.kode_wilayah, 1, level_chars)
            where: list[ColumnElement[bool]] = [
                table.c.is_current,
                table.c.kode_wilayah.is_not(None),
            ]
            if regions is not None:
                where.append(_under(table.c.kode_wilayah, regions))
            query = select(code, func.count()).where(*where).group_by(code)
            for region, n in conn.execute(query):
                counts.setdefault(region, {"kpai": 0, "dtsen": 0, "children": 0})[source] = n
            if run_id is not None:
                parts.append(
                    select(code.label("code"), child_links.c.child_id)
                    .join(child_links, child_links.c.source_id == table.c[id_col])
                    .where(held_in_run(child_links, run_id), child_links.c.source == source, *where)
                )
        if parts:
            both = union_all(*parts).subquery()
            query = select(both.c.code, func.count(func.distinct(both.c.child_id))).group_by(
                both.c.code
            )
            for region, n in conn.execute(query):
                counts.setdefault(region, {"kpai": 0, "dtsen": 0, "children": 0})["children"] = n
    return counts


def household_members(store: Store, id_keluarga: str) -> list[dict[str, Any]]:
    """Current DTSEN records of one household (family card), in id order."""
    with store._connect() as conn:
        rows = conn.execute(_HOUSEHOLD, {"id_keluarga": id_keluarga}).mappings()
        return [dict(r) for r in rows]


_HOUSEHOLD = (
    select(dtsen_individu)
    .where(dtsen_individu.c.is_current, dtsen_individu.c.id_keluarga == bindparam("id_keluarga"))
    .order_by(dtsen_individu.c.id_individu)
)
