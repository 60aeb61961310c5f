"""Why two records are, or are not, the same child: the match-weight breakdown as data."""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from padan.errors import InputError
from padan.linkage.cluster import refusal_reason
from padan.linkage.explanation import Explanation, Part
from padan.linkage.features import FEATURE_COLUMNS, load_features
from padan.linkage.frequencies import Frozen, frozen_lookup, read_frozen, tf_columns, with_frozen
from padan.linkage.model_file import read_model
from padan.linkage.person_sources import linked_sources
from padan.linkage.run import load_model
from padan.linkage.run_cluster import guard_nodes
from padan.linkage.state import read_state_features, run_key, state_path
from padan.store import Store
from padan.store.children import records_by_uid
from padan.store.retention import PSEUDONYMISED

__all__ = ["Explanation", "Part", "explain_pair", "explain_pairs"]


def explain_pair(store: Store, record_a: str, record_b: str, *, model_path: Path) -> Explanation:
    """Score two records (``source:source_id``) with the saved model and break the score down.

    Raises :class:`InputError` when the model is missing or a record is not current in the store.
    """
    return explain_pairs(store, [(record_a, record_b)], model_path=model_path)[0]


#: Pairs scored in one query: the query scores every left record against every right one, so
#: a chunk of n pairs costs up to n * n comparisons; 25 keeps a page of 20 to one query.
_CHUNK = 25


def explain_pairs(
    store: Store,
    pairs: Sequence[tuple[str, str]],
    *,
    model_path: Path,
    kept_state: bool = True,
) -> list[Explanation]:
    """:func:`explain_pair` for several pairs at once (a review page): the records' features
    and the model are loaded once. Raises :class:`InputError` as :func:`explain_pair` does.

    The features of the records shown and the population's term frequencies come from the
    state the latest run left beside the model (:func:`padan.linkage.state.state_path`) when
    it still describes the store, so a page costs what it shows, not the store's size;
    otherwise (or with ``kept_state`` False) every current record's features are computed
    from the store. Either way the numbers are the same. Names are weighed as runs weigh
    them: by the model's frozen frequencies (:mod:`padan.linkage.frequencies`), a name new
    since training by today's records."""
    if not model_path.exists():
        raise InputError(f"no model at {model_path}: run padan link first")
    if not pairs:
        return []
    if store.holds_encodings():  # a store of PPRL encodings: Dice levels, never plaintext
        from padan.linkage.encoded_explain import explain_encoded

        return explain_encoded(store, pairs, model_path=model_path)
    wanted = sorted({uid for pair in pairs for uid in pair})
    frozen = read_frozen(model_path, read_model(model_path).get("padan") or {})
    model = load_model(model_path)
    model["retain_intermediate_calculation_columns"] = True
    prefix = str(model.get("term_frequency_adjustment_column_prefix", "tf_"))
    con = duckdb.connect()
    try:
        frequencies = (
            _kept_features(store, con, wanted, model_path=model_path, model=model, frozen=frozen)
            if kept_state
            else None
        )
        if frequencies is None:
            load_features(store, con)
            if frozen.table is not None:
                frequencies = {
                    column: con.sql(
                        f"SELECT * FROM {frozen_lookup(con, frozen.table, column, prefix=prefix)}"
                    ).to_arrow_table()
                    for column in tf_columns(model)
                }
        found = {
            row[0]: dict(zip(FEATURE_COLUMNS, row, strict=True))
            for row in con.execute(
                "SELECT * FROM features WHERE unique_id IN (SELECT unnest(?))", [wanted]
            ).fetchall()
        }
        _check_current(wanted, found)
        db_api = DuckDBAPI(con)
        # Term frequencies come from the whole population, not from the two records: the
        # model's frozen ones, today's for a name new since training (the kept state's for
        # the values shown, or every record's); without frozen ones Splink counts them.
        # A saved model was validated when it was trained: checking it again takes longer
        # than the page's scoring.
        linker = Linker(
            db_api.register("features", dataset_display_name="all"),
            model,
            log_level=logging.ERROR,
            validate_settings=False,
        )
        for column, table in (frequencies or {}).items():
            linker.table_management.register_term_frequency_lookup(db_api.register(table), column)
        rows = []
        for start in range(0, len(pairs), _CHUNK):
            chunk = pairs[start : start + _CHUNK]
            # One query per chunk: the product of its left and right records, then its pairs.
            lefts = sorted({a for a, _ in chunk})
            rights = sorted({b for _, b in chunk})
            scored = linker.inference.score_pairs(
                [found[u] for u in lefts], [found[u] for u in rights]
            ).as_record_list()
            by_pair = {(r["unique_id_l"], r["unique_id_r"]): r for r in scored}
            rows += [by_pair.get((a, b)) or _swapped(by_pair[(b, a)]) for a, b in chunk]
        nodes = guard_nodes(con, set(wanted))
    finally:
        con.close()
    made = []
    for (a, b), row in zip(pairs, rows, strict=True):
        refusal = refusal_reason([nodes[a]], [nodes[b]])
        made.append(
            replace(_explanation(a, b, model, row), guard=refusal.reason if refusal else None)
        )
    return made


def _check_current(wanted: Sequence[str], found: Collection[str]) -> None:
    for uid in wanted:
        if uid not in found:
            raise InputError(
                f"record {uid!r} is not a current record; references look like "
                "kpai:KPAI/2024/000123 or dtsen:DT000000042"
            )


def _kept_features(
    store: Store,
    con: duckdb.DuckDBPyConnection,
    wanted: Sequence[str],
    *,
    model_path: Path,
    model: dict[str, Any],
    frozen: Frozen,
) -> dict[str, pa.Table] | None:
    """Create ``features`` in ``con`` with the ``wanted`` records only, from the state the
    latest run left beside the model, and return the term-frequency lookups for them.

    None (nothing created) when that state cannot give the numbers every current record
    would: no run or state file, a state of another run, or records ingested since. Reads
    the store only for what is small: the runs, the batches and the wanted records (whether
    each is still current: erased or superseded ones are refused, as without the state).
    """
    last = store.latest_link_run()
    if last is None:
        return None
    linked = linked_sources(store)
    batches = {b.id for b in store.list_batches() if b.source in linked}
    if batches != set(last.batches):
        return None  # records ingested since the run: their features are not kept
    current = records_by_uid(store, wanted, columns=("raw",))
    _check_current(wanted, current)
    if any(record.get("raw") == PSEUDONYMISED for record in current.values()):
        return None  # blanked since the run: the state still holds what it was
    columns = tf_columns(model)
    kept = read_state_features(
        state_path(model_path), run_key(store, last), wanted, tf_columns=columns
    )
    if kept is None or kept[0].num_rows != len(wanted):
        return None
    features, frequencies = kept
    con.register("_padan_kept", features)
    con.execute("CREATE TABLE features AS SELECT * FROM _padan_kept")
    con.unregister("_padan_kept")
    prefix = str(model.get("term_frequency_adjustment_column_prefix", "tf_"))
    today = {
        column: table.rename_columns([column, f"{prefix}{column}"])
        for column, table in frequencies.items()
    }
    if frozen.table is None:
        return today
    return {column: with_frozen(table, frozen.table, column) for column, table in today.items()}


_SHOWN = {"region": ("desa", "kec", "kab", "prov"), "parents": ("mother", "father")}


def _swapped(row: dict[str, Any]) -> dict[str, Any]:
    # Splink may put a pair's records the other way round: A is always the first asked for.
    flip = {"_l": "_r", "_r": "_l"}
    return {(k[:-2] + flip[k[-2:]] if k[-2:] in flip else k): v for k, v in row.items()}


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
                tuple((c, _value(row, f"{c}_l"), _value(row, f"{c}_r")) for c in shown)
                if len(shown) > 1
                else (),
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


def _value(row: dict[str, Any], column: str) -> str | None:
    value = row.get(column)
    return None if value is None else str(value)


def _values(row: dict[str, Any], columns: tuple[str, ...], side: str) -> str | None:
    found = [_value(row, f"{c}_{side}") for c in columns]
    if not any(found):
        return None
    if columns == _SHOWN["region"]:
        code = next(v for v in found if v)  # the most specific code says it all...
        place = _value(row, f"place_{side}")
        # ... unless a code stops above the village: then the villages the addresses name.
        above = not (row.get("desa_l") and row.get("desa_r"))
        return f"{code} ({place})" if place and above else code
    # Each column keeps its place ("mother / father"), a missing one shown as "-": a record
    # without a mother's name must not put its father's where the other record has a mother's.
    return " / ".join(v or "-" for v in found)
