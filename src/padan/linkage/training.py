"""Training without labels: the prior, u for every level, then m by EM.

u is estimated from random pairs, as Splink does. A level that no random pair reached (a NIK
written the same, both parents the same) is left without u by Splink, which then falls back to
generic defaults: measured on 1M records those gave an exact NIK a weight of 9.7 bits instead of
about 20, and "same district and birth date in the NIK" -11.7 bits. Here such levels get u from
value frequencies where that is exact (the NIK: the chance two random records share one is the
sum of its squared frequencies); NIK levels that imply the same district and birth-date digits
from pairs that share those digits (the other comparisons count that agreement already); and
otherwise the upper bound that the sample supports: no hit in N pairs means u is below 3/N
with 95 % confidence (the rule of three), a cautious weight.
This happens before EM, which holds u fixed while it estimates m.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import duckdb
from splink import Linker, block_on

from padan.linkage.model import NAME_OFF_LADDER, TRAINING_KEYS
from padan.linkage.model_nik import (
    NIK_AT_ODDS_SLIP,
    NIK_SAME_PREFIX,
    NIK_SERIAL_NEXT,
    NIK_SERIAL_SLIP,
    NIK_UNSHOWN_SLIP,
    serials_next,
)

__all__ = [
    "U_SAMPLE_PAIRS",
    "cap_name_likenesses",
    "complete_u",
    "floor_m",
    "neutral_unseen",
    "train",
    "training_sessions",
    "u_sample_pairs",
]

#: Random pairs for u on a large population. More pairs see more rare levels; at 1M records
#: 2M pairs take a few seconds. Small populations sample fewer (see :func:`u_sample_pairs`).
U_SAMPLE_PAIRS = 2_000_000


def u_sample_pairs(records: int) -> int:
    """Random pairs for u among ``records``: 20 per record, from 500,000 up to 2M."""
    return min(U_SAMPLE_PAIRS, max(500_000, 20 * records))


def train(
    linker: Any,
    inputs: list[Any],
    con: duckdb.DuckDBPyConnection,
    *,
    records: int,
    seed: int,
    sessions: Sequence[Any],
) -> Any:
    """Train ``linker``'s model on its ``records`` inputs with the EM ``sessions`` (blocking
    rules, :func:`training_sessions`); returns the trained linker (a new one).

    ``con`` holds the table ``features`` (value frequencies for u). Seeded and reproducible.
    """
    pairs = u_sample_pairs(records)
    linker.training.estimate_probability_two_random_records_match(sessions, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=pairs, seed=seed)
    model = linker.misc.save_model_to_json()
    complete_u(model, con, sampled_pairs=pairs)
    # Splink wrote these settings from ones it validated; only numbers were filled in since.
    trained = Linker(inputs, model, log_level=logging.ERROR, validate_settings=False)
    for rule in sessions:
        trained.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    return trained


def training_sessions(con: duckdb.DuckDBPyConnection) -> list[Any]:
    """The EM sessions for the ``features`` in ``con``: each of :data:`TRAINING_KEYS` whose
    key pairs at least two records (NIKs where a source has them, another identifier where
    one does)."""
    sessions = []
    for key in TRAINING_KEYS:
        known = " AND ".join(f"{c} IS NOT NULL" for c in key)
        found = con.execute(
            f"SELECT 1 FROM features WHERE {known} GROUP BY {', '.join(key)}"
            " HAVING count(*) > 1 LIMIT 1"
        ).fetchall()
        if found:
            sessions.append(block_on(*key))
    return sessions


def complete_u(
    model: dict[str, Any], con: duckdb.DuckDBPyConnection, *, sampled_pairs: float
) -> dict[str, float]:
    """Give every non-null level of ``model`` (Splink settings) a u; returns the ones set.

    Keys are ``comparison: level label``. Levels that already have u are left as they are,
    except the NIK levels that imply the same district and birth-date digits, whose u is always
    the share among pairs that have those digits in common, and the slips that a neighbour's
    NIK looks like, whose u is always measured among neighbours (:func:`_among_neighbours`).
    """
    bound = 3 / sampled_pairs
    filled: dict[str, float] = {}
    same_prefix: dict[str, float] = {}
    neighbours: float | None = None
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        for level in comparison["comparison_levels"]:
            label = str(level.get("label_for_charts", level["sql_condition"]))
            if level.get("is_null_level"):
                continue
            if name == "nik" and label in (NIK_SERIAL_NEXT, NIK_SERIAL_SLIP, NIK_SAME_PREFIX):
                # Always: a random-pair u here would count the district and birth date twice.
                same_prefix = same_prefix or _within_same_prefix(con)
                u = same_prefix[label] or bound
            elif name == "nik" and label in (NIK_UNSHOWN_SLIP, NIK_AT_ODDS_SLIP):
                neighbours = _among_neighbours(con) if neighbours is None else neighbours
                u = neighbours or bound
            elif isinstance(level.get("u_probability"), int | float):
                continue
            else:
                exact_nik = name == "nik" and label.startswith("exact")
                u = min((_nik_collision(con) if exact_nik else 0.0) or bound, bound)
            level["u_probability"] = u
            filled[f"{name}: {label}"] = u
    return filled


def neutral_unseen(model: dict[str, Any]) -> list[str]:
    """Give the NIK levels that no training pair reached a weight of 0 (m = u); returns them.

    A registry where no child's NIK field holds the family's KK number, say, teaches nothing
    about that situation: the level then neither counts for nor against, and the names, birth
    date, region and parents decide. (Splink would otherwise use its generic default m,
    a number no data supports.)
    """
    neutral: list[str] = []
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] != "nik":
            continue
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or isinstance(level.get("m_probability"), int | float):
                continue
            if isinstance(level.get("u_probability"), int | float):
                level["m_probability"] = level["u_probability"]
                neutral.append(str(level.get("label_for_charts", level["sql_condition"])))
    return neutral


def floor_m(model: dict[str, Any], *, records: int) -> list[str]:
    """Hold every level's m at or above what the training data can tell from zero; returns
    the levels raised.

    EM can drive a level's m to nearly nothing when the training pairs hold no match in it
    (two different mothers' names, in data where no child's mother was written another way):
    the level would then veto a link. Real registries hold such matches (a mother's name
    given differently, a guardian named as the mother). No hit among the about ``lambda * pairs``
    matches of ``records`` records means m is below 3 / matches with 95 % confidence (the rule
    of three, as for u): that bound is the floor.
    """
    pairs = records * (records - 1) / 2
    matches = float(model.get("probability_two_random_records_match", 0.0)) * pairs
    if matches < 3:
        return []
    floor = 3 / matches
    raised: list[str] = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            m = level.get("m_probability")
            if level.get("is_null_level") or not isinstance(m, int | float) or m >= floor:
                continue
            level["m_probability"] = floor
            label = level.get("label_for_charts", level["sql_condition"])
            raised.append(f"{comparison['output_column_name']}: {label}")
    return raised


def cap_name_likenesses(model: dict[str, Any]) -> list[str]:
    """Cap the name levels so that no likeness weighs as much as the name written exactly;
    returns the levels capped.

    Each level's u comes from random pairs, where "one typing slip" is rarer than the same
    name: left alone, a slip could outweigh the name written exactly, and a complaint about
    Rini would join her twin Rina. Every level after the exact name (leaving out
    :data:`padan.linkage.model.NAME_OFF_LADDER`) is held to at most half the exact name's m/u:
    one bit less, so that clustering, strongest pair first, meets the exact name first. The
    likenesses are not capped against each other: a slip and a name written short are
    different kinds of agreement, and the data says which is the stronger.
    """
    capped: list[str] = []
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] != "name":
            continue
        ceiling = math.inf
        for level in comparison["comparison_levels"]:
            label = str(level.get("label_for_charts", ""))
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or label in NAME_OFF_LADDER:
                continue
            if not isinstance(m, int | float) or not isinstance(u, int | float) or not u:
                continue
            if math.isinf(ceiling):
                ceiling = m / u / 2  # the first rung: the name written exactly
                continue
            if m / u > ceiling:
                level["m_probability"] = u * ceiling
                capped.append(label)
    return capped


def _within_same_prefix(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Among records whose different NIKs share district and birth date (the first 12 digits):
    the share whose serials are next to each other (serials are given in order: twins hold
    0001 and 0002), the share one keystroke apart otherwise, and the rest.

    Those digits agreeing is counted already by the birth-date and region comparisons; what the
    serial adds is measured among such pairs, or two children born the same day in one district
    would count as strong evidence of one child.
    """
    # Two NIKs both verified by Dukcapil reach an earlier level: they are left out here.
    row = con.execute(f"""
        WITH n AS (SELECT unique_id, nik, nik_padan FROM features WHERE nik IS NOT NULL)
        SELECT count(*), count(*) FILTER (WHERE next), count(*) FILTER (WHERE NOT next AND slip)
        FROM (
            SELECT {serials_next("l.nik", "r.nik")} AS next,
                damerau_levenshtein(l.nik, r.nik) = 1 AS slip
            FROM n l JOIN n r ON substr(l.nik, 1, 12) = substr(r.nik, 1, 12)
            AND l.unique_id < r.unique_id AND l.nik <> r.nik
            AND NOT (l.nik_padan AND r.nik_padan)
        )
    """).fetchall()
    pairs, next_, slips = row[0] if row else (0, 0, 0)
    if not pairs:
        return {NIK_SERIAL_NEXT: 0.0, NIK_SERIAL_SLIP: 0.0, NIK_SAME_PREFIX: 0.0}
    rest = pairs - next_ - slips
    return {
        NIK_SERIAL_NEXT: next_ / pairs,
        NIK_SERIAL_SLIP: slips / pairs,
        NIK_SAME_PREFIX: rest / pairs,
    }


def _among_neighbours(con: duckdb.DuckDBPyConnection) -> float:
    """Among NIKs that agree everywhere but in the district digits below the regency, or the
    day and month of birth: the share one digit apart.

    A record without a district or a birth date cannot show that a slip there is a slip, and
    a NIK at odds with its record's district may simply keep the district of its first
    registration (domain.md §2.1): such a NIK, one keystroke from another, may as well be a
    neighbour's, born nearby on a nearby day. That chance is measured here among the
    neighbours themselves (pairs sharing the regency and birth date digits, or the district
    and birth year), not among random pairs, where being one digit apart is rare and would
    count as strong evidence.
    """
    row = con.execute("""
        WITH n AS (SELECT nik FROM features WHERE nik IS NOT NULL),
        same AS (SELECT count(*) AS c FROM n GROUP BY nik),
        twice AS (SELECT coalesce(sum(c * (c - 1) / 2), 0) AS p FROM same),
        masked AS (
            SELECT i, substr(nik, 1, i - 1) || '_' || substr(nik, i + 1) AS key, count(*) AS c
            FROM n, range(5, 11) AS t(i) GROUP BY ALL
        ),
        apart AS (SELECT coalesce(sum(c * (c - 1) / 2), 0) AS p FROM masked),
        groups AS (
            SELECT substr(nik, 1, 6) || substr(nik, 11, 2) AS key, count(*) AS c FROM n GROUP BY 1
            UNION ALL
            SELECT substr(nik, 1, 4) || substr(nik, 7, 6), count(*) FROM n GROUP BY 1
        ),
        neighbours AS (SELECT coalesce(sum(c * (c - 1) / 2), 0) AS p FROM groups)
        SELECT apart.p - 6 * twice.p, neighbours.p - 2 * twice.p FROM apart, twice, neighbours
    """).fetchall()
    one_digit, pairs = row[0] if row else (0, 0)
    return float(one_digit) / float(pairs) if pairs else 0.0


def _nik_collision(con: duckdb.DuckDBPyConnection) -> float:
    """The chance that two records drawn at random carry the same NIK."""
    row = con.execute("""
        SELECT sum(c * c) / (sum(c) * sum(c)) FROM (
            SELECT count(*) AS c FROM features WHERE nik IS NOT NULL GROUP BY nik)
    """).fetchall()
    value = row[0][0] if row else None
    return float(value) if value else 0.0
