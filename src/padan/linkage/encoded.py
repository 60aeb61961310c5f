"""One linkage run on PPRL encodings (issue 21, item 2): candidate pairs from shared keyed
block keys, scored by Padan's Splink model on per-field Dice levels, clustered into children.

What it gives back is a :class:`~padan.linkage.LinkResult`, as a plaintext run does, so the
registry keeps child ids, the review queue and the stored pairs the same way. Every run on
encodings is a full run: there are no features to keep between runs, and at the sizes
measured (docs/manual/pprl.md) scoring everything again is quick.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.internals.unique_id_concat import CONCAT_SEPARATOR

from padan.errors import InputError
from padan.linkage.blocking import BLOCKED_PAIRS_TABLE
from padan.linkage.cluster import Node, cluster_pairs
from padan.linkage.encoded_model import LEVELS, encoded_settings, train_encoded
from padan.linkage.model_file import read_model
from padan.linkage.run import LinkResult
from padan.linkage.run_pairs import alone_records
from padan.store import Store, store_id
from padan.store.encoded import ENCODED_FIELDS

__all__ = [
    "ENCODED_MODEL_KIND",
    "MAX_BLOCK",
    "STRANGER_DICE",
    "STRANGER_DICE_DTSEN",
    "encoded_pairs",
    "link_encoded",
    "stranger_step",
]

#: ``padan.kind`` of a model file trained on encodings (a plaintext model has none).
ENCODED_MODEL_KIND: Final = "pprl"
#: A block key shared by more records than this is skipped: it says little and would cost
#: most of the comparisons (as :mod:`padan.pprl.compare` does).
MAX_BLOCK: Final = 5000
_DUCKDB_MEMORY: Final = "2GB"
#: Name filters less alike than this (the lowest name level of the model) are strangers'.
STRANGER_DICE: Final = min(level.step for level in LEVELS["name"])
#: The same for two DTSEN records: siblings and twins are registered in one household, where
#: they agree on birth date, mother, region and a NIK one serial apart, and a shared family
#: name (Taolin, Silalahi) puts their name filters at 0.69-0.75. The plaintext guard keeps
#: such household members apart; the encodings do not show the household.
STRANGER_DICE_DTSEN: Final = 0.78


def _load(store: Store, con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create ``features`` from the store's current encodings; returns the fields compared
    (those with a filter in at least one record)."""
    con.register("_padan_encoded", store.encoded_arrow())
    present = [
        f
        for f in ENCODED_FIELDS
        if con.execute(f"SELECT 1 FROM _padan_encoded WHERE f_{f} IS NOT NULL LIMIT 1").fetchall()
    ]
    filters = ", ".join(f"f_{f}::BIT AS {f}, bit_count(f_{f}::BIT) AS {f}_n" for f in present)
    con.execute(f"""
        CREATE TABLE features AS
        SELECT source || ':' || record_id AS unique_id, source, record_id AS source_id,
            {filters}, str_split(blocks, ' ') AS blocks,
            list_min(str_split(blocks, ' ')) AS block_min,
            list_max(str_split(blocks, ' ')) AS block_max
        FROM _padan_encoded
    """)
    con.unregister("_padan_encoded")
    return present


def encoded_pairs(con: duckdb.DuckDBPyConnection, *, names: bool = True) -> int:
    """Create :data:`~padan.linkage.blocking.BLOCKED_PAIRS_TABLE`: every pair of rows of
    ``features`` that share a block key (keys held by more than :data:`MAX_BLOCK` records
    left out), each pair once, in the form Splink takes. Returns the number of pairs.

    With ``names`` (the records have name filters), a pair of two DTSEN records whose name
    filters are less alike than :data:`STRANGER_DICE_DTSEN` is left out: the model could never
    link it (:func:`stranger_step`), and at a million records such pairs (household members,
    strangers born on one day in one regency) are most of the candidates. Plaintext blocking
    leaves them out alike, every rule carrying a name-similarity filter. Pairs with a complaint
    are all kept, strangers included, for review."""
    key = f"source || '{CONCAT_SEPARATOR}' || unique_id"
    # Each key row carries what the filter reads, so that pairs need no join before DISTINCT.
    name = "name, name_n" if names else "NULL::BIT AS name, 0 AS name_n"
    dice = "2.0 * bit_count(a.name & b.name) / greatest(a.name_n + b.name_n, 1)"
    keep = (
        f"NOT (a.dtsen AND b.dtsen) OR a.name IS NULL OR b.name IS NULL "
        f"OR {dice} >= {STRANGER_DICE_DTSEN}"
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _padan_keys AS
        SELECT rowid AS id, source = 'dtsen' AS dtsen, {name}, unnest(blocks) AS block
        FROM features;
        CREATE OR REPLACE TEMP TABLE _padan_keys AS
        SELECT k.* FROM _padan_keys k SEMI JOIN (
            SELECT block FROM _padan_keys WHERE block <> '' GROUP BY block
            HAVING count(*) BETWEEN 2 AND {MAX_BLOCK}) USING (block);
        CREATE OR REPLACE TABLE {BLOCKED_PAIRS_TABLE} AS
        WITH pairs AS (
            SELECT DISTINCT a.id AS a, b.id AS b FROM _padan_keys a
            JOIN _padan_keys b ON a.block = b.block AND a.id < b.id
            WHERE {keep}
        ),
        keys AS (SELECT rowid AS id, {key} AS join_key FROM features)
        SELECT '0' AS match_key, l.join_key AS join_key_l, r.join_key AS join_key_r
        FROM pairs p JOIN keys l ON l.id = p.a JOIN keys r ON r.id = p.b;
        DROP TABLE _padan_keys
    """)
    row = con.execute(f"SELECT count(*) FROM {BLOCKED_PAIRS_TABLE}").fetchall()
    return int(row[0][0])


def stranger_step(uid_a: str, uid_b: str) -> float:
    """The name Dice below which a pair of these two records is strangers'
    (:data:`STRANGER_DICE`, or :data:`STRANGER_DICE_DTSEN` for two DTSEN records)."""
    both_dtsen = uid_a.startswith("dtsen:") and uid_b.startswith("dtsen:")
    return STRANGER_DICE_DTSEN if both_dtsen else STRANGER_DICE


def _scored_pairs(
    con: duckdb.DuckDBPyConnection, predictions: pa.Table, names: bool
) -> list[tuple[str, str, float, str, bool]]:
    """The model's pairs (uid_l < uid_r, probability, ``model``) and whether their names are
    strangers': name filters less alike than :func:`stranger_step`. As in a plaintext run
    (``padan.linkage.run_cluster._strangers``), such a pair is never linked on the model's word
    alone: it goes to review. Twins in one household agree on everything else (birth date,
    mother, region, a NIK one serial apart), and only the name tells them apart."""
    con.register(
        "_padan_predicted",
        predictions.select(["unique_id_l", "unique_id_r", "match_probability"]),
    )
    step = (
        f"CASE WHEN l.source = 'dtsen' AND r.source = 'dtsen' THEN {STRANGER_DICE_DTSEN}"
        f" ELSE {STRANGER_DICE} END"
    )
    stranger = (
        f"coalesce(2.0 * bit_count(l.name & r.name) / greatest(l.name_n + r.name_n, 1)"
        f" < {step}, false)"
        if names
        else "false"
    )
    rows = con.execute(f"""
        SELECT least(p.unique_id_l, p.unique_id_r), greatest(p.unique_id_l, p.unique_id_r),
            p.match_probability, {stranger}
        FROM _padan_predicted p JOIN features l ON l.unique_id = p.unique_id_l
            JOIN features r ON r.unique_id = p.unique_id_r
    """).fetchall()
    con.unregister("_padan_predicted")
    return [(a, b, float(p), "model", bool(s)) for a, b, p, s in rows]


def _decision(
    pair: tuple[str, str],
    probability: float,
    rule: str,
    threshold: float,
    *,
    refused: set[tuple[str, str]],
    apart: set[tuple[str, str]],
    strangers: set[tuple[str, str]],
) -> str:
    """A pair's decision. A pair the model would link but the name guard stopped (name filters
    of strangers, :func:`stranger_step`) is ``refused``, as a merge the plaintext guard stops:
    the review queue then says the guard kept it apart, not that its score was doubtful."""
    if pair in refused:
        return "refused"
    if pair in apart:
        return "apart"
    if rule == "review":  # a reviewer's "same"
        return "link"
    if probability >= threshold:
        return "refused" if pair in strangers else "link"
    return "review"


def _check_model(model_path: Path, schema: str | None) -> bool:
    """Whether the model file at ``model_path`` must be trained (it does not exist).

    Raises :class:`InputError` for a plaintext model or one trained on another schema."""
    if not model_path.exists():
        return True
    meta = read_model(model_path).get("padan") or {}
    if meta.get("kind") != ENCODED_MODEL_KIND:
        raise InputError(
            f"model file {model_path} is a plaintext model; this store holds encodings. "
            "Train a model on the encodings: padan link --retrain (or --model NEW.json)."
        )
    if meta.get("schema_sha256") != schema:
        raise InputError(
            f"model file {model_path} was trained on encodings of schema "
            f"{str(meta.get('schema_sha256'))[:12]}…, the store's are of {str(schema)[:12]}…. "
            "Train it again: padan link --retrain."
        )
    return False


def _save_model(
    model: dict[str, Any], path: Path, *, store: Store, schema: str | None, records: int, seed: int
) -> None:
    body = json.dumps({k: v for k, v in model.items() if k != "padan"}, sort_keys=True)
    model["padan"] = {
        "version": hashlib.sha256(body.encode()).hexdigest()[:12],
        "kind": ENCODED_MODEL_KIND,
        "schema_sha256": schema,
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training_records": records,
        "seed": seed,
        "store_id": store_id(store),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(model, indent=2))
    os.replace(partial, path)  # a run killed while saving leaves the old model


def link_encoded(
    store: Store,
    *,
    model_path: Path,
    retrain: bool = False,
    link_threshold: float,
    review_threshold: float,
    seed: int = 42,
    must_link: Sequence[tuple[str, str]] = (),
    cannot_link: Sequence[tuple[str, str]] = (),
    progress: Callable[[str], None] | None = None,
) -> LinkResult:
    """Link every current encoded record of ``store`` into children.

    Trains the model (seeded) when ``model_path`` does not exist or ``retrain`` is set;
    pairs at or above ``link_threshold`` are linked, from ``review_threshold`` kept for
    review; reviewers' ``must_link`` / ``cannot_link`` decisions are respected as in
    :func:`padan.linkage.link_records`. Raises :class:`InputError` when the store holds no
    encodings of KPAI or of DTSEN, or the model file is a plaintext one or of another schema.
    """
    if not 0 < review_threshold <= link_threshold <= 1:
        raise InputError(
            f"thresholds must satisfy 0 < review ({review_threshold}) <= link "
            f"({link_threshold}) <= 1; check --link-threshold and --review-threshold"
        )
    counts = store.encoded_counts()
    if set(counts) != {"kpai", "dtsen"}:
        raise InputError(
            f"linking encodings needs KPAI and DTSEN encodings; the store has "
            f"{counts or 'none'}. Run padan ingest kpai FILE --encoded and padan ingest dtsen "
            "FILE --encoded first."
        )
    schema = store.encoded_schema()
    trained = retrain or _check_model(model_path, schema)
    say = progress or (lambda _message: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    con = duckdb.connect()
    spill = Path(tempfile.mkdtemp(prefix="padan-link-"))
    con.execute(f"SET memory_limit = '{_DUCKDB_MEMORY}'; SET temp_directory = '{spill}'")
    try:
        fields = [f for f in _load(store, con) if f in LEVELS]
        records = sum(counts.values())
        for source in ("kpai", "dtsen"):
            con.execute(
                f"CREATE VIEW input_{source} AS SELECT * FROM features WHERE source = '{source}'"
            )
        api = DuckDBAPI(con)
        inputs = [api.register(f"input_{s}", dataset_display_name=s) for s in ("kpai", "dtsen")]
        seconds["features"], clock = time.perf_counter() - clock, time.perf_counter()
        say(f"{records:,} encoded records ready")
        if trained:
            say("training the model on the encodings (EM)")
            linker = Linker(inputs, encoded_settings(fields), log_level=logging.ERROR)
            model = train_encoded(linker, inputs, fields=fields, records=records, seed=seed)
            _save_model(model, model_path, store=store, schema=schema, records=records, seed=seed)
        model = read_model(model_path)
        model.pop("padan", None)
        linker = Linker(inputs, model, log_level=logging.ERROR, validate_settings=False)
        seconds["training"], clock = time.perf_counter() - clock, time.perf_counter()
        say("finding candidate pairs (shared block keys)")
        candidates = encoded_pairs(con, names="name" in fields)
        linker.table_management.register_blocked_pairs_for_predict(
            api.register(BLOCKED_PAIRS_TABLE)
        )
        seconds["blocking"], clock = time.perf_counter() - clock, time.perf_counter()
        say(f"scoring {candidates:,} candidate pairs")
        table = linker.inference.predict(
            threshold_match_probability=review_threshold
        ).as_pyarrow_table()  # type: ignore[no-untyped-call]
        scored = _scored_pairs(con, table, "name" in fields)
        seconds["scoring"], clock = time.perf_counter() - clock, time.perf_counter()
        say("clustering")
        known = {u for (u,) in con.execute("SELECT unique_id FROM features").fetchall()}
        must = [
            (min(a, b), max(a, b), 1.0, "review") for a, b in must_link if a in known and b in known
        ]
        pairs = [(a, b, p, rule) for a, b, p, rule, _ in scored] + must
        strangers = {(a, b) for a, b, _, _, stranger in scored if stranger}
        # A DTSEN record joins a child only with DTSEN records it was itself scored alike
        # with: the encodings show no household, NIK or birth date for the plaintext guard.
        nodes = {
            uid: Node(None, direct=uid.startswith("dtsen:"))
            for a, b, _, _ in pairs
            for uid in (a, b)
        }
        alike = {
            frozenset((a, b))
            for a, b, p, rule in pairs
            if nodes[a].direct
            and nodes[b].direct
            and (rule == "review" or (p >= review_threshold and (a, b) not in strangers))
        }
        clusters = cluster_pairs(
            nodes,
            (
                (a, b, 2.0 if rule == "review" else 0.0 if (a, b) in strangers else p)
                for a, b, p, rule in pairs
            ),
            threshold=link_threshold,
            cannot_link=cannot_link,
            alike=alike,
        )
        refused = {(a, b) for a, b, _ in clusters.refused}
        apart = {(a, b) for a, b, _ in clusters.apart}
        decisions = {
            (a, b): _decision(
                (a, b), p, rule, link_threshold, refused=refused, apart=apart, strangers=strangers
            )
            for a, b, p, rule in pairs
        }
        alone = alone_records(con, clusters.root, None)
        members = sorted(sorted(group) for group in clusters.members().values())
        seconds["clustering"] = time.perf_counter() - clock
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return LinkResult(
        members,
        alone,
        pairs,
        decisions,
        model_path,
        records,
        seconds,
        trained,
        records,
        candidates,
    )
