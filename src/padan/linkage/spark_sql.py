"""The model's DuckDB SQL as Spark SQL, and trained parameters carried between the two.

The comparisons and blocking rules in :mod:`padan.linkage.model` are written once, in DuckDB
SQL. sqlglot transpiles most of it (quoting, ``substr``, ``str_split``); the few DuckDB
functions Spark lacks are rewritten here into built-in Spark SQL (no Python UDFs), or into the
Scala similarity functions that ship inside Splink's wheel (``jaro_winkler``,
``damerau_levenshtein``, registered by Splink's SparkAPI).

A saved model is always kept in DuckDB SQL, whichever engine trained it, so one model file
serves both engines: a Spark-trained model's parameters are carried back into the DuckDB form.
"""

from __future__ import annotations

import copy
from typing import Any

import sqlglot
from sqlglot import exp

from padan.errors import InputError

__all__ = ["SPARK_FUNCTIONS", "carry_parameters", "spark_model", "to_spark_sql"]

#: Functions left by name in the Spark SQL that sqlglot does not know: the Scala UDFs in
#: Splink's jar. Any other unknown function is a DuckDB function without a Spark rewrite.
SPARK_FUNCTIONS = frozenset({"jaro_winkler", "jaro_sim", "damerau_levenshtein", "jaccard"})

# DuckDB function → Spark SQL template over the arguments {0}, {1}.
_REWRITES = {
    # True when every element of the second list is in the first.
    "list_has_all": "(size(array_except({1}, {0})) = 0)",
    # Positions that differ; DuckDB refuses strings of different lengths, here they are NULL.
    "hamming": (
        "(CASE WHEN length({0}) = length({1}) THEN"
        " size(filter(sequence(1, length({0})), i -> substr({0}, i, 1) <> substr({1}, i, 1)))"
        " END)"
    ),
}


def to_spark_sql(sql: str) -> str:
    """Translate one DuckDB SQL condition (a comparison level or blocking rule) to Spark SQL.

    Raises :class:`InputError` when it uses a DuckDB function with no Spark equivalent here.
    """
    tree = sqlglot.parse_one(sql, read="duckdb").transform(_rewrite)
    unknown = sorted({f.name.lower() for f in tree.find_all(exp.Anonymous)} - SPARK_FUNCTIONS)
    if unknown:
        raise InputError(
            f"linkage SQL {sql!r} uses {', '.join(unknown)}, which has no Spark SQL equivalent "
            "in padan.linkage.spark_sql; add a rewrite there or use PADAN_LINKAGE_ENGINE=duckdb"
        )
    return tree.sql(dialect="spark")


# Damerau-Levenshtein distance of at most one, from Spark built-ins: one edit, or one swap of
# two adjacent characters. Exact, and several times faster than the jar's UDF. The lambda's
# variable is named for this rewrite alone: the arguments may sit inside a lambda of their own
# (slipped_within's stretch start ``i``), which a plain ``i`` would shadow.
_DL_AT_MOST_ONE = (
    "(levenshtein({0}, {1}) {op} 1 OR (length({0}) = length({1})"
    " AND levenshtein({0}, {1}) = 2"
    " AND exists(sequence(1, length({0}) - 1), padan_swap -> substr({0}, padan_swap, 1)"
    " = substr({1}, padan_swap + 1, 1) AND substr({0}, padan_swap + 1, 1)"
    " = substr({1}, padan_swap, 1)"
    " AND concat(substr({0}, 1, padan_swap - 1), substr({0}, padan_swap + 2))"
    " = concat(substr({1}, 1, padan_swap - 1), substr({1}, padan_swap + 2)))))"
)


def _small_damerau_levenshtein(node: exp.Expr) -> exp.Expr | None:
    """``damerau_levenshtein(a, b) <= 1`` (or ``= 1``, ``< 2``) without the UDF, else None."""
    if not isinstance(node, exp.EQ | exp.LTE | exp.LT):
        return None
    call, bound = node.this, node.expression
    if not (
        isinstance(call, exp.Anonymous)
        and call.name.lower() == "damerau_levenshtein"
        and isinstance(bound, exp.Literal)
        and not bound.is_string
    ):
        return None
    within = {(exp.EQ, "1"): "=", (exp.LTE, "1"): "<=", (exp.LT, "2"): "<="}
    op = within.get((type(node), bound.this))
    if op is None:
        return None
    args = [arg.sql(dialect="spark") for arg in call.expressions]
    return sqlglot.parse_one(_DL_AT_MOST_ONE.format(*args, op=op), read="spark")


def _rewrite(node: exp.Expr) -> exp.Expr:
    small = _small_damerau_levenshtein(node)
    if small is not None:
        return small
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
    if isinstance(node, exp.Anonymous) and node.name.lower() in _REWRITES:
        args = [arg.sql(dialect="spark") for arg in node.expressions]
        return sqlglot.parse_one(_REWRITES[node.name.lower()].format(*args), read="spark")
    return node


def spark_model(model: dict[str, Any]) -> dict[str, Any]:
    """A Splink settings dict (DuckDB SQL, trained or not) with every condition in Spark SQL."""
    model = copy.deepcopy(model)
    if "sql_dialect" in model:
        model["sql_dialect"] = "spark"
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = to_spark_sql(level["sql_condition"])
    for rule in model["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
    return model


_PARAMETERS = ("m_probability", "u_probability")


def carry_parameters(trained: dict[str, Any], into: dict[str, Any]) -> dict[str, Any]:
    """``into`` (the same model in another SQL dialect) with ``trained``'s estimated parameters.

    The two must have the same comparisons and levels in the same order, as a model and its
    translation by :func:`spark_model` have.
    """
    result = copy.deepcopy(into)
    result["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    pairs = zip(trained["comparisons"], result["comparisons"], strict=True)
    for source, target in pairs:
        levels = zip(source["comparison_levels"], target["comparison_levels"], strict=True)
        for old, new in levels:
            for key in _PARAMETERS:
                if key in old:
                    new[key] = old[key]
    return result
