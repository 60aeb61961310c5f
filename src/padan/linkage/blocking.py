"""Candidate pairs: each blocking rule is its own hash join in DuckDB; the union goes to Splink.

Splink runs every rule in one query where each rule also excludes the pairs of all rules before
it (``AND NOT (rule 1 OR rule 2 OR …)``). With Padan's rules, each carrying a name-similarity
filter, that query took five minutes on one province of 200k records: every join re-evaluates
every earlier rule's filters. Here each rule joins on its own, on DuckDB row numbers, and the
union is deduplicated once. The pairs are the same; at 1.1M records this takes about 15 s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
from splink.internals.unique_id_concat import CONCAT_SEPARATOR

__all__ = [
    "BLOCKED_PAIRS_TABLE",
    "BlockingReport",
    "RuleReport",
    "blocking_report",
    "candidate_pairs",
    "rules_sql",
]

#: The table :func:`candidate_pairs` creates, in the form Splink's
#: ``register_blocked_pairs_for_predict`` takes.
BLOCKED_PAIRS_TABLE = "padan_blocked_pairs"


def rules_sql(rules: Sequence[Any]) -> list[str]:
    """The DuckDB SQL of Splink blocking rules (``block_on``, ``CustomRule``), as the saved
    model holds them."""
    return [rule.get_blocking_rule("duckdb").blocking_rule_sql for rule in rules]


def candidate_pairs(
    con: duckdb.DuckDBPyConnection,
    rules: Sequence[str],
    *,
    table: str = "features",
    fresh_only: bool = False,
    rescore: str | None = None,
) -> int:
    """Create :data:`BLOCKED_PAIRS_TABLE` in ``con``: every pair of rows of ``table`` that any
    of ``rules`` (DuckDB SQL over ``l.`` and ``r.``) puts forward, each pair once.

    ``table`` needs ``source`` (Splink's dataset name) and ``unique_id``; with ``fresh_only``
    also a boolean ``fresh``, and only pairs with at least one fresh row are made (an
    incremental run). Columns: ``match_key`` (index of the first rule giving the pair, as
    Splink numbers them), ``join_key_l``, ``join_key_r``. Returns the number of pairs.

    ``rescore``: a table of earlier pairs (``uid_l, uid_r``: ``unique_id`` values) to score
    again as well, credited to the first rule.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE _padan_rule_pairs (k INTEGER, a BIGINT, b BIGINT)")
    # A fresh row on the left against every other row finds all pairs with a fresh row: the
    # rule set is symmetric (birth-year windows run both ways), so the mirror image is found too.
    scope = "l.fresh AND l.rowid <> r.rowid" if fresh_only else "l.rowid < r.rowid"
    for number, rule in _joins(rules, merge_years=fresh_only):
        con.execute(f"""
            INSERT INTO _padan_rule_pairs
            SELECT {number}, least(l.rowid, r.rowid), greatest(l.rowid, r.rowid)
            FROM {table} l JOIN {table} r ON ({rule}) AND {scope}
        """).fetchall()
    if rescore is not None:
        con.execute(f"""
            INSERT INTO _padan_rule_pairs
            SELECT 0, least(l.rowid, r.rowid), greatest(l.rowid, r.rowid)
            FROM {rescore} p JOIN {table} l ON l.unique_id = p.uid_l
                JOIN {table} r ON r.unique_id = p.uid_r
        """).fetchall()
    key = f"source || '{CONCAT_SEPARATOR}' || unique_id"
    con.execute(f"""
        CREATE OR REPLACE TABLE {BLOCKED_PAIRS_TABLE} AS
        WITH pairs AS (SELECT a, b, min(k) AS k FROM _padan_rule_pairs GROUP BY a, b),
        keys AS (SELECT rowid AS id, {key} AS join_key FROM {table})
        SELECT CAST(p.k AS VARCHAR) AS match_key, l.join_key AS join_key_l,
            r.join_key AS join_key_r
        FROM pairs p JOIN keys l ON l.id = p.a JOIN keys r ON r.id = p.b
    """).fetchall()
    con.execute("DROP TABLE _padan_rule_pairs")
    row = con.execute(f"SELECT count(*) FROM {BLOCKED_PAIRS_TABLE}").fetchall()
    return int(row[0][0])


# The rules with a birth-year window are one rule per year step (an equality each, so that
# every join stays a hash join on the whole key).
_YEAR_STEP = re.compile(
    r"^(?P<rest>.+) AND l\.birth_year_est = r\.birth_year_est \+ \((?P<step>-?\d+)\)$"
)
_DIFFERENCE = "l.birth_year_est - r.birth_year_est"


def _joins(rules: Sequence[str], *, merge_years: bool) -> list[tuple[str, str]]:
    """(rule number as SQL, join condition) for each join to run.

    With ``merge_years`` the rules that differ only in their birth-year step run as one join
    whose rule number follows the step: each of a month's new records then meets the million
    others once per family rather than once per year. (Not for a full run: without the year
    in the key, a common name's join would grow with the square of its records.)
    """
    if not merge_years:
        return [(str(number), rule) for number, rule in enumerate(rules)]
    order: list[int | str] = []  # a rule's number, or the condition a family shares
    families: dict[str, dict[int, int]] = {}  # shared condition → year step → rule number
    for number, rule in enumerate(rules):
        step = _YEAR_STEP.match(rule)
        if step is None:
            order.append(number)
            continue
        if step["rest"] not in families:
            families[step["rest"]] = {}
            order.append(step["rest"])
        families[step["rest"]][int(step["step"])] = number
    joins: list[tuple[str, str]] = []
    for item in order:
        if isinstance(item, int):
            joins.append((str(item), rules[item]))
            continue
        steps = families[item]
        cases = " ".join(f"WHEN {_DIFFERENCE} = {k} THEN {n}" for k, n in steps.items())
        condition = f"{item} AND {_DIFFERENCE} IN ({', '.join(map(str, steps))})"
        joins.append((f"CASE {cases} END", condition))
    return joins


@dataclass(frozen=True)
class RuleReport:
    """What one blocking rule puts forward, against known truth."""

    rule: str
    pairs: int  # candidate pairs the rule gives
    true_pairs: int  # true pairs among them
    only: int  # true pairs no other rule gives


@dataclass(frozen=True)
class BlockingReport:
    """Blocking against known truth: per rule, and over the union of the rules.

    ``found`` counts the true pairs some rule puts forward (blocking recall, or pair
    completeness, is ``found / true_pairs``). ``connected`` also counts the true pairs whose
    records are joined through a chain of found true pairs of that person (a complaint and a
    second complaint about one child, each put forward with the child's DTSEN record): what
    clustering can bring together if the model scores every found pair right.
    """

    rules: list[RuleReport]
    true_pairs: int
    found: int
    connected: int

    @property
    def recall(self) -> float | None:
        """Share of true pairs put forward by a rule (``None`` without true pairs)."""
        return self.found / self.true_pairs if self.true_pairs else None

    @property
    def connected_recall(self) -> float | None:
        """Share of true pairs put forward or joined through found pairs."""
        return self.connected / self.true_pairs if self.true_pairs else None


def blocking_report(
    con: duckdb.DuckDBPyConnection,
    rules: Sequence[str],
    *,
    truth: str = "truth",
    table: str = "features",
) -> BlockingReport:
    """Per-rule candidate pairs and recall on ``table`` against ``truth`` (uid, person).

    For benchmarks and quality floors: every rule is joined on its own, so this takes longer
    than :func:`candidate_pairs`.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _padan_true AS
        SELECT a.uid AS a, b.uid AS b FROM {truth} a JOIN {truth} b
            ON a.person = b.person AND a.uid < b.uid
        JOIN {table} x ON x.unique_id = a.uid JOIN {table} y ON y.unique_id = b.uid
    """).fetchall()
    total = int(con.execute("SELECT count(*) FROM _padan_true").fetchall()[0][0])
    kept: list[set[tuple[str, str]]] = []
    counts: list[int] = []
    for rule in rules:
        joined = f"{table} l JOIN {table} r ON ({rule}) AND l.rowid < r.rowid"
        counts.append(int(con.execute(f"SELECT count(*) FROM {joined}").fetchall()[0][0]))
        # Both ways round: a rule may be one-sided (the household a NIK points to).
        mirrored = rule.replace("l.", "_L_.").replace("r.", "l.").replace("_L_.", "r.")
        rows = con.execute(f"""
            SELECT t.a, t.b FROM _padan_true t
            JOIN {table} l ON l.unique_id = t.a JOIN {table} r ON r.unique_id = t.b
            WHERE coalesce(({rule}), false) OR coalesce(({mirrored}), false)
        """).fetchall()
        kept.append({(a, b) for a, b in rows})
    found = set().union(*kept) if kept else set()
    reports = []
    for number, rule in enumerate(rules):
        others = set().union(*(k for i, k in enumerate(kept) if i != number))
        reports.append(
            RuleReport(rule, counts[number], len(kept[number]), len(kept[number] - others))
        )
    all_true = con.execute("SELECT a, b FROM _padan_true").fetchall()
    con.execute("DROP TABLE _padan_true")
    return BlockingReport(reports, total, len(found), _connected(all_true, found))


def _connected(true_pairs: list[tuple[str, str]], found: set[tuple[str, str]]) -> int:
    """True pairs whose records are joined through found pairs (union-find)."""
    parent: dict[str, str] = {}

    def root(uid: str) -> str:
        while parent.setdefault(uid, uid) != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    for a, b in found:
        parent[root(a)] = root(b)
    return sum(1 for a, b in true_pairs if root(a) == root(b))
