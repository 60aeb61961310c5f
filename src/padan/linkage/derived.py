"""Features that need every record, not just the record itself: the household a NIK points to,
and the birth dates each source holds far too often (placeholders), learned from the data."""

from __future__ import annotations

import math

import duckdb
import pyarrow as pa

__all__ = ["derive_features"]


def derive_features(con: duckdb.DuckDBPyConnection, table: str, *, only: str = "true") -> None:
    """Features that need every record: set on the rows where ``only`` holds.

    ``nik_family``: the DTSEN household (other than the record's own) in which the record's NIK
    is a member's NIK or the household's KK number. Registries hold children under a parent's,
    a sibling's or the family card's number (domain.md §2.2, §8.5); the household is where
    such a child is to be found.

    ``dob_placeholder``: the birth date falls on a day of the year that its source holds far
    more often than chance (1/365 of its dated records): dates filled in when the true one was
    unknown. Learned per source, as each agency's operators have their own habits. A day is
    flagged when its count is at least three times the expected count and five standard
    deviations (Poisson) above it: ordinary seasonal swings in births stay well inside that.
    """
    con.execute(f"""
        WITH wanted AS (SELECT DISTINCT nik FROM {table} WHERE {only} AND nik IS NOT NULL),
        keys AS (
            SELECT nik AS key, household FROM {table} SEMI JOIN wanted USING (nik)
            WHERE source = 'dtsen'
            UNION SELECT kk, household FROM {table} SEMI JOIN wanted ON wanted.nik = kk
            WHERE source = 'dtsen'
        ),
        pointed AS (
            SELECT t.unique_id, min(k.household) AS family
            FROM {table} t JOIN keys k ON k.key = t.nik
                AND k.household IS DISTINCT FROM t.household
            WHERE {only}
            GROUP BY t.unique_id
        )
        UPDATE {table} SET nik_family = pointed.family FROM pointed
        WHERE {table}.unique_id = pointed.unique_id
    """).fetchall()
    counts = con.execute(f"""
        SELECT source, substr(dob, 6, 5) AS day, count(*) FROM {table}
        WHERE dob IS NOT NULL GROUP BY ALL
    """).fetchall()
    totals: dict[str, int] = {}
    for source, _, n in counts:
        totals[source] = totals.get(source, 0) + n
    flagged = [
        (source, day) for source, day, n in counts if _over_represented(n, totals[source] / 365.25)
    ]
    con.register(
        "_padan_placeholders",
        pa.table(
            {"source": [s for s, _ in flagged], "day": [d for _, d in flagged]},
            schema=pa.schema([("source", pa.string()), ("day", pa.string())]),
        ),
    )
    con.execute(f"""
        UPDATE {table} SET dob_placeholder = true FROM _padan_placeholders p
        WHERE {table}.source = p.source AND substr({table}.dob, 6, 5) = p.day AND {only}
    """).fetchall()
    con.unregister("_padan_placeholders")


def _over_represented(count: int, expected: float) -> bool:
    """A day of the year held ``count`` times where ``expected`` is its fair share.

    Flagged when it is at least three times the fair share and so many that chance gives as
    many less than once in a million (Poisson tail): with 366 days and two sources tested, a
    false flag then happens less than once in a thousand runs, however small the source.
    """
    if count < 3 * expected or expected <= 0:
        return False
    if expected > 50:  # normal approximation; exp(-expected) would underflow
        return math.erfc((count - 0.5 - expected) / math.sqrt(2 * expected)) / 2 < 1e-6
    term = math.exp(-expected)  # P(X = 0)
    below = 0.0
    for k in range(count):
        below += term
        term *= expected / (k + 1)
    return 1.0 - below < 1e-6
