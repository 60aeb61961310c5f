"""Training without labels: the prior, u for every level, then m by EM.

u is estimated from random pairs, as Splink does. A level that no random pair reached (a NIK
written the same, both parents the same) is left without u by Splink, which then falls back to
generic defaults: measured on 1M records those gave an exact NIK a weight of 9.7 bits instead of
about 20, and "same district and birth date in the NIK" -11.7 bits. Here such levels get u from
value frequencies where that is exact (the NIK: the chance two random records share one is the
sum of its squared frequencies), and otherwise the upper bound that the sample supports: no hit
in N pairs means u is below 3/N with 95 % confidence (the rule of three), a cautious weight.
This happens before EM, which holds u fixed while it estimates m.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb
from splink import Linker

from padan.linkage.model import TRAINING_RULES

__all__ = ["U_SAMPLE_PAIRS", "complete_u", "train"]

#: Random pairs for u. More sees more rare levels; at 1M records 2M pairs take a few seconds.
U_SAMPLE_PAIRS = 2_000_000


def train(linker: Any, inputs: list[Any], con: duckdb.DuckDBPyConnection, *, seed: int) -> Any:
    """Train ``linker``'s model on its inputs; returns the trained linker (a new one).

    ``con`` holds the table ``features`` (value frequencies for u). Seeded and reproducible.
    """
    linker.training.estimate_probability_two_random_records_match(TRAINING_RULES, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    model = linker.misc.save_model_to_json()
    complete_u(model, con, sampled_pairs=U_SAMPLE_PAIRS)
    trained = Linker(inputs, model, log_level=logging.ERROR)
    for rule in TRAINING_RULES:
        trained.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    return trained


def complete_u(
    model: dict[str, Any], con: duckdb.DuckDBPyConnection, *, sampled_pairs: float
) -> dict[str, float]:
    """Give every non-null level of ``model`` (Splink settings) a u; returns the ones filled.

    Keys are ``comparison: level label``. Levels that already have u are left as they are.
    """
    bound = 3 / sampled_pairs
    filled: dict[str, float] = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or isinstance(level.get("u_probability"), int | float):
                continue
            label = str(level.get("label_for_charts", level["sql_condition"]))
            exact_nik = name == "nik" and label.startswith("exact")
            u = (_nik_collision(con) if exact_nik else 0.0) or bound
            level["u_probability"] = min(u, bound)
            filled[f"{name}: {label}"] = level["u_probability"]
    return filled


def _nik_collision(con: duckdb.DuckDBPyConnection) -> float:
    """The chance that two records drawn at random carry the same NIK."""
    row = con.execute("""
        SELECT sum(c * c) / (sum(c) * sum(c)) FROM (
            SELECT count(*) AS c FROM features WHERE nik IS NOT NULL GROUP BY nik)
    """).fetchall()
    value = row[0][0] if row else None
    return float(value) if value else 0.0
