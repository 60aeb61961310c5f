"""Why two records are, or are not, the same child: the match-weight breakdown as data."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from padan.errors import InputError
from padan.linkage.cluster import refusal_reason
from padan.linkage.features import FEATURE_COLUMNS, load_features
from padan.linkage.run import load_model
from padan.linkage.run_pairs import guard_nodes
from padan.store import Store

__all__ = ["Explanation", "Part", "explain_pair"]


@dataclass(frozen=True)
class Part:
    """One comparison's contribution: the level both records fell in and its match weight."""

    comparison: str
    level: str
    match_weight: float
    value_a: str | None
    value_b: str | None


@dataclass(frozen=True)
class Explanation:
    """The prior, each comparison's weight, the total and the probability."""

    record_a: str
    record_b: str
    prior_weight: float
    parts: list[Part]
    match_weight: float
    match_probability: float
    # Why the clustering guard keeps these two records apart, whatever the score, or None.
    guard: str | None = None


def explain_pair(store: Store, record_a: str, record_b: str, *, model_path: Path) -> Explanation:
    """Score two records (``source:source_id``) with the saved model and break the score down.

    Raises :class:`InputError` when the model is missing or a record is not current in the store.
    """
    if not model_path.exists():
        raise InputError(f"no model at {model_path}: run padan link first")
    con = duckdb.connect()
    try:
        load_features(store, con)
        found = {
            row[0]: dict(zip(FEATURE_COLUMNS, row, strict=True))
            for row in con.execute(
                "SELECT * FROM features WHERE unique_id IN (?, ?)", [record_a, record_b]
            ).fetchall()
        }
        for uid in (record_a, record_b):
            if uid not in found:
                raise InputError(
                    f"record {uid!r} is not a current record; references look like "
                    "kpai:KPAI/2024/000123 or dtsen:DT000000042"
                )
        model = load_model(model_path)
        model["retain_intermediate_calculation_columns"] = True
        db_api = DuckDBAPI(con)
        # Term frequencies come from the whole population, not from the two records.
        linker = Linker(
            db_api.register("features", dataset_display_name="all"), model, log_level=logging.ERROR
        )
        scored = linker.inference.score_pair(found[record_a], found[record_b])
        row = scored.as_record_list()[0]
        nodes = guard_nodes(con, {record_a, record_b})
    finally:
        con.close()
    refusal = refusal_reason([nodes[record_a]], [nodes[record_b]])
    made = _explanation(record_a, record_b, model, row)
    return replace(made, guard=refusal.reason if refusal else None)


_SHOWN = {"region": ("desa", "kec", "kab", "prov"), "parents": ("mother", "father")}


def _explanation(
    record_a: str, record_b: str, model: dict[str, Any], row: dict[str, Any]
) -> Explanation:
    parts = []
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        labels = _labels_by_gamma(comparison["comparison_levels"])
        gamma = row[f"gamma_{name}"]
        weight = float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
        shown = _SHOWN.get(name, (name,))
        parts.append(
            Part(
                name,
                labels.get(gamma, str(gamma)),
                weight,
                _values(row, shown, "l"),
                _values(row, shown, "r"),
            )
        )
    prior = float(model["probability_two_random_records_match"])
    return Explanation(
        record_a,
        record_b,
        math.log2(prior / (1 - prior)),
        parts,
        float(row["match_weight"]),
        float(row["match_probability"]),
    )


def _labels_by_gamma(levels: list[dict[str, Any]]) -> dict[int, str]:
    # Splink numbers levels: null levels -1, the others from the strongest (n-1) down to 0.
    labels: dict[int, str] = {}
    value = sum(1 for level in levels if not level.get("is_null_level")) - 1
    for level in levels:
        label = str(level.get("label_for_charts", ""))
        if level.get("is_null_level"):
            labels[-1] = label
        else:
            labels[value] = label
            value -= 1
    return labels


def _values(row: dict[str, Any], columns: tuple[str, ...], side: str) -> str | None:
    found = [str(row[f"{c}_{side}"]) for c in columns if row.get(f"{c}_{side}") is not None]
    if columns == _SHOWN["region"]:
        found = found[:1]  # the most specific code says it all
    return " / ".join(found) if found else None
