"""The pairs of one linkage run: gathered from scoring, and those touching the records a run
affects (clustered by :mod:`padan.linkage.run_cluster`)."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from padan.linkage.state import Previous

__all__ = [
    "affected_records",
    "alone_records",
    "crossed_records",
    "gather_pairs",
    "kept_model_pairs",
    "known_records",
    "listed",
    "pairs_touching",
]


# NIK links that need no model: the same valid NIK fitting both records, one sex, one birth
# date (or birth years a year apart where one is missing).
# Both sides are alike, so joining each fresh record against all finds every pair once a
# fresh record is in it (twice when both are fresh: DISTINCT).
_DETERMINISTIC_SQL = """
SELECT DISTINCT least(l.unique_id, r.unique_id) AS uid_l,
    greatest(l.unique_id, r.unique_id) AS uid_r
FROM features l JOIN features r ON l.nik = r.nik AND l.unique_id <> r.unique_id
WHERE l.fresh AND l.nik_valid AND r.nik_valid AND l.sex = r.sex AND l.nik_fits AND r.nik_fits
  AND (l.dob = r.dob
       OR (l.dob IS NULL OR r.dob IS NULL) AND abs(l.birth_year_est - r.birth_year_est) <= 1)
"""


def alone_records(
    con: duckdb.DuckDBPyConnection, clustered: Collection[str], affected: set[str] | None
) -> pa.Array:
    """The records (of ``affected``; all when None) outside ``clustered``: in no pair, each is a
    child on its own. Nine in ten records on a national run: they stay a column."""
    if affected is not None:
        return pa.array(sorted(affected.difference(clustered)), pa.string())
    with listed(con, "_padan_clustered", clustered):
        table = con.sql(
            "SELECT unique_id FROM features ANTI JOIN _padan_clustered ON unique_id = uid"
        ).to_arrow_table()
    return table.column(0).combine_chunks().cast(pa.string())


def known_records(con: duckdb.DuckDBPyConnection, uids: set[str]) -> set[str]:
    """The ``uids`` that are current records."""
    with listed(con, "_padan_uids", uids):
        rows = con.execute(
            "SELECT unique_id FROM features JOIN _padan_uids ON unique_id = uid"
        ).fetchall()
    return {u for (u,) in rows}


_KEPT_SQL = """
    SELECT uid_l, uid_r, match_probability, rule FROM prev_pairs
    WHERE rule IN ({rules})
      AND uid_l IN (SELECT unique_id FROM features WHERE NOT fresh)
      AND uid_r IN (SELECT unique_id FROM features WHERE NOT fresh)
"""


def kept_model_pairs(
    con: duckdb.DuckDBPyConnection,
    previous: Previous,
    *,
    thresholds: Sequence[float] = (),
    frozen: str | None = None,
    lost: bool = False,
) -> str:
    """Create the table ``_padan_kept_model`` (uid_l, uid_r): the earlier run's model pairs
    between records that did not change, to be scored again; returns its name.

    Between unchanged records only the name's term frequencies can move a score (the model
    and every other feature are as they were). With the model's frozen frequencies (the table
    ``frozen``, ``column, value``: :mod:`padan.linkage.frequencies`) only a name the frozen
    table lacks is weighed by today's records, so only the pairs with such a name are scored
    again. Without them (``lost``: the model had them, and its earlier scores cannot be
    told from today's, so every pair) and with the earlier run's features kept
    (``previous.features``), only the pairs today's counts can move across one of
    ``thresholds`` are scored again: a pair with a name whose count changed (a name of a
    new, changed or retired record), or whose score lies within the shift the records'
    total alone gives every name (log2 of the ratio of the totals, doubled for safety). The
    other kept pairs keep their scores (:func:`gather_pairs` carries them), which no
    threshold separates from the scores a full run gives them."""
    con.register("prev_pairs", previous.pairs)
    kept = _KEPT_SQL.format(rules="'model'")
    if frozen is not None:
        con.execute(f"""
            CREATE OR REPLACE TABLE _padan_kept_model AS
            SELECT k.uid_l, k.uid_r FROM ({kept}) k
            JOIN features l ON l.unique_id = k.uid_l
            JOIN features r ON r.unique_id = k.uid_r
            WHERE l.name IS NOT NULL AND l.name NOT IN (
                    SELECT value FROM {frozen} WHERE "column" = 'name')
               OR r.name IS NOT NULL AND r.name NOT IN (
                    SELECT value FROM {frozen} WHERE "column" = 'name')
        """)
        return "_padan_kept_model"
    if lost or previous.features is None or not thresholds:
        con.execute(
            f"CREATE OR REPLACE TABLE _padan_kept_model AS SELECT uid_l, uid_r FROM ({kept})"
        )
        return "_padan_kept_model"
    con.execute(f"ATTACH '{previous.features}' AS _padan_was (READ_ONLY)")
    try:
        rows = con.execute("""
            SELECT (SELECT count(name) FROM _padan_was.features), (SELECT count(name) FROM features)
        """).fetchall()
        before, now = rows[0]
        margin = 2 * abs(math.log2(max(now, 1) / max(before, 1))) + 0.01
        near = " OR ".join(
            f"abs(log2(k.p / (1 - k.p)) - {math.log2(t / (1 - t)) if t < 1 else 50.0}) <= {margin}"
            for t in thresholds
        )
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _padan_moved_names AS
            SELECT name FROM features WHERE fresh AND name IS NOT NULL
            UNION SELECT w.name FROM _padan_was.features w
            ANTI JOIN (SELECT unique_id FROM features WHERE NOT fresh) f USING (unique_id)
            WHERE w.name IS NOT NULL;
            CREATE OR REPLACE TABLE _padan_kept_model AS
            SELECT k.uid_l, k.uid_r
            FROM (SELECT uid_l, uid_r,
                         least(greatest(match_probability, 1e-15), 1 - 1e-15) AS p
                  FROM ({kept})) k
            JOIN features l ON l.unique_id = k.uid_l
            JOIN features r ON r.unique_id = k.uid_r
            WHERE l.name IN (SELECT name FROM _padan_moved_names)
               OR r.name IN (SELECT name FROM _padan_moved_names)
               OR {near};
            DROP TABLE _padan_moved_names
        """)
    finally:
        con.execute("DETACH _padan_was")
    return "_padan_kept_model"


def crossed_records(con: duckdb.DuckDBPyConnection, *, threshold: float) -> set[str]:
    """The records of the earlier model pairs scored again (:func:`kept_model_pairs`, after
    :func:`gather_pairs`) whose decision the new score may change: it crossed ``threshold``
    either way, or fell below the review threshold (no longer among the pairs). Their
    children are clustered again, as a full run would cluster them."""
    rows = con.execute(f"""
        SELECT o.uid_l, o.uid_r FROM prev_pairs o
        SEMI JOIN _padan_kept_model k ON k.uid_l = o.uid_l AND k.uid_r = o.uid_r
        LEFT JOIN pairs n ON n.uid_l = o.uid_l AND n.uid_r = o.uid_r AND n.rule = 'model'
        WHERE o.rule = 'model' AND (n.p IS NULL
            OR (o.match_probability >= {float(threshold)}) <> (n.p >= {float(threshold)}))
    """).fetchall()
    return {uid for pair in rows for uid in pair}


def gather_pairs(
    con: duckdb.DuckDBPyConnection,
    predictions: pa.Table,
    previous: Previous | None,
    *,
    rescored: bool = False,
) -> None:
    """Create ``pairs`` (uid_l, uid_r, p, rule): the model's pairs from ``predictions``, the
    NIK rule's, and in an incremental run the earlier pairs between unchanged current records
    (as stored: a pair both the model and the NIK rule gave, once, as the NIK rule's). When the
    earlier model pairs were ``rescored`` (:func:`kept_model_pairs`), those scored again are
    among the ``predictions`` and the others are kept as stored."""
    con.register(
        "_padan_scored", predictions.select(["unique_id_l", "unique_id_r", "match_probability"])
    )
    kept = "SELECT NULL, NULL, NULL, NULL WHERE false"
    if previous is not None:
        # Pairs between records that did not change keep their earlier scores (unless scored
        # again); those of a record no longer current (a snapshot retired it) are gone.
        con.register("prev_pairs", previous.pairs)
        kept = _KEPT_SQL.format(rules="'model', 'nik'")
        if rescored:
            # Those scored again come with the predictions; the others keep their scores.
            kept = f"""SELECT * FROM ({kept}) k WHERE rule = 'nik' OR NOT EXISTS (
                SELECT 1 FROM _padan_kept_model s WHERE s.uid_l = k.uid_l AND s.uid_r = k.uid_r)"""
    con.execute(f"""
        CREATE TABLE pairs AS
        SELECT least(unique_id_l, unique_id_r) AS uid_l,
            greatest(unique_id_l, unique_id_r) AS uid_r, match_probability AS p, 'model' AS rule
        FROM _padan_scored
        UNION ALL SELECT uid_l, uid_r, 1.0, 'nik' FROM ({_DETERMINISTIC_SQL})
        UNION ALL {kept}
    """)
    con.unregister("_padan_scored")


def pairs_touching(
    con: duckdb.DuckDBPyConnection, affected: set[str] | None
) -> list[tuple[str, str, float, str]]:
    """The pairs with a record in ``affected`` (all pairs when None), the NIK rule's after the
    model's: where both gave a pair, the store keeps the last."""
    where = ""
    if affected is not None:
        where = """WHERE uid_l IN (SELECT uid FROM _padan_affected)
                      OR uid_r IN (SELECT uid FROM _padan_affected)"""
    with listed(con, "_padan_affected", affected or ()):
        rows = con.execute(
            f"SELECT uid_l, uid_r, p, rule FROM pairs {where} ORDER BY rule = 'nik', uid_l, uid_r"
        ).fetchall()
    return [(a, b, float(p), rule) for a, b, p, rule in rows]


def affected_records(
    con: duckdb.DuckDBPyConnection,
    must: list[tuple[str, str, float, str]],
    links: pa.Table,
    touched: set[str],
    threshold: float,
) -> set[str]:
    """The records to cluster again: ``touched``, closed under "in one pair at or above
    ``threshold`` (or a reviewer's ``must`` pair)" and "in one child of the previous run"
    (``links``: uid, child_id).

    Clustering is decided within groups of records joined by such pairs, so clustering just
    these and keeping every other child as it was gives what clustering everything would.
    """
    con.register("prev_links", links.select(["uid", "child_id"]))
    con.register(
        "_padan_must",
        pa.table(
            {"uid_l": [a for a, _, _, _ in must], "uid_r": [b for _, b, _, _ in must]},
            schema=pa.schema([("uid_l", pa.string()), ("uid_r", pa.string())]),
        ),
    )
    # Records and previous children are nodes of one graph: the search walks both kinds.
    with listed(con, "_padan_touched", touched):
        rows = con.execute(f"""
            WITH RECURSIVE strong AS (
                SELECT uid_l AS a, uid_r AS b FROM pairs WHERE p >= {float(threshold)}
                UNION ALL SELECT uid_l, uid_r FROM _padan_must
            ),
            shared AS (
                SELECT uid, 'child:' || child_id AS child FROM prev_links WHERE child_id IN (
                    SELECT child_id FROM prev_links GROUP BY child_id HAVING count(*) > 1)
            ),
            edges AS (
                SELECT a, b FROM strong UNION ALL SELECT b, a FROM strong
                UNION ALL SELECT uid, child FROM shared UNION ALL SELECT child, uid FROM shared
            ),
            reach(node) AS (
                SELECT uid FROM _padan_touched
                UNION SELECT e.b FROM reach JOIN edges e ON e.a = reach.node
            )
            SELECT node FROM reach WHERE NOT starts_with(node, 'child:')
        """).fetchall()
    for name in ("prev_links", "_padan_must"):
        con.unregister(name)
    return {uid for (uid,) in rows}


@contextmanager
def listed(con: duckdb.DuckDBPyConnection, name: str, uids: Collection[str]) -> Iterator[None]:
    """``uids`` as the table ``name`` (one column, ``uid``) in ``con`` while the block runs."""
    con.register(name, pa.table({"uid": sorted(uids)}, schema=pa.schema([("uid", pa.string())])))
    try:
        yield
    finally:
        con.unregister(name)
