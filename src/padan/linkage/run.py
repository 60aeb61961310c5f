"""One linkage run: features → deterministic NIK links → trained Splink model → clusters."""

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import Linker

from padan.errors import InputError
from padan.linkage.blocking import rules_sql
from padan.linkage.engine import SOURCES, DuckDBEngine, LinkEngine
from padan.linkage.frequencies import (
    FROZEN_TABLE,
    freeze_frequencies,
    frequencies_path,
    frozen_lookup,
    read_frozen,
    tf_columns,
)
from padan.linkage.model import compared, settings
from padan.linkage.model_file import Profile, TrainingCheck, check_training, read_model
from padan.linkage.person_sources import extra_roles
from padan.linkage.run_cluster import cluster_run
from padan.linkage.run_features import features_of_run, retired_records
from padan.linkage.run_pairs import (
    affected_records,
    alone_records,
    crossed_records,
    gather_pairs,
    kept_model_pairs,
    known_records,
    listed,
    pairs_touching,
)
from padan.linkage.state import Previous, save_features
from padan.linkage.training import (
    cap_name_likenesses,
    floor_m,
    neutral_unseen,
    train,
    training_sessions,
)
from padan.store import Store, store_id

__all__ = [
    "DEFAULT_LINK_THRESHOLD",
    "DEFAULT_REVIEW_THRESHOLD",
    "LinkResult",
    "link_records",
    "load_model",
]

DEFAULT_LINK_THRESHOLD = 0.9
DEFAULT_REVIEW_THRESHOLD = 0.5
_DUCKDB_MEMORY = "2GB"


@dataclass
class LinkResult:
    """Children found: record → child id, the pairs behind them and what the run measured.

    A full run clusters every record. An incremental run clusters only ``affected``: the new
    and changed records, everything linked to them and the previous children of all those;
    every other record stays in its previous child.
    """

    clusters: list[list[str]]  # members ("kpai:…"/"dtsen:…") of the children of paired records
    alone: pa.Array  # the records in no pair: each a child on its own
    # uid_l, uid_r, probability, rule (nik/model/review) of the pairs with a record in
    # ``affected`` (every pair in a full run), and their decisions: link | review | refused |
    # apart
    pairs: list[tuple[str, str, float, str]]
    decisions: dict[tuple[str, str], str]
    model_path: Path
    records: int
    seconds: dict[str, float] = field(default_factory=dict)
    trained: bool = False
    fresh: int = 0  # records scored this run in incremental mode (all records otherwise)
    candidate_pairs: int | None = None  # pairs the blocking rules put forward, when counted
    affected: set[str] | None = None  # the records ``clusters`` cover; None: all of them
    features: pa.Table | None = None  # features computed anew from a kept state (the fresh)
    training: TrainingCheck | None = None  # whether and why the model was trained, drift
    # records of the previous run no longer current (a snapshot retired them): in no child now
    retired: frozenset[str] = frozenset()
    #: The name frequencies it scored with: ``frozen`` (the model's own, kept since training),
    #: ``not kept`` (a model trained before Padan kept them) or ``lost`` (the model's file is
    #: missing or another's): both of those count today's records, as Splink does. A model
    #: that adjusts no term frequency (PPRL encodings) has nothing to freeze: ``frozen``.
    frequencies: str = "frozen"

    @property
    def children(self) -> int:
        return len(self.clusters) + len(self.alone)


def link_records(
    store: Store,
    *,
    model_path: Path,
    retrain: bool = False,
    link_threshold: float = DEFAULT_LINK_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    seed: int = 42,
    must_link: Sequence[tuple[str, str]] = (),
    cannot_link: Sequence[tuple[str, str]] = (),
    previous: Previous | None = None,
    reviewed: Sequence[tuple[str, str]] = (),
    save_features_to: Path | None = None,
    progress: Callable[[str], None] | None = None,
    engine: LinkEngine | None = None,
) -> LinkResult:
    """Link every current KPAI and DTSEN record in ``store`` into children.

    Trains the model (EM, seeded) when ``model_path`` does not exist or ``retrain`` is set, and
    saves it there with the training records' name frequencies beside it
    (:mod:`padan.linkage.frequencies`); otherwise reuses both. Pairs at or above
    ``link_threshold`` are linked, pairs from ``review_threshold`` up are kept for review.
    Reviewers' decisions are respected: ``must_link`` pairs are linked whatever the model
    says, ``cannot_link`` pairs never end up in one child.

    Incremental mode: with ``previous`` (what the last run left), only pairs touching a record
    of a batch that run did not link (new, or a newer version) are scored, the earlier pairs
    between unchanged records are kept, and only the children those records touch are
    clustered again (see :class:`LinkResult`). A new version whose matching features are the
    same as before is not scored again; records of the previous run that are no longer current
    (a snapshot retired them) leave their children, which are clustered again without them
    (``LinkResult.retired``). The saved model is reused, never retrained.
    The records of ``reviewed`` pairs (every pair a reviewer decided, "unsure" included: a
    decision may have been taken back since) are always scored and clustered again.

    ``save_features_to``: a draft state file to write every record's features to, for the
    next incremental run (:func:`padan.linkage.state.save_features`).

    ``engine`` runs Splink's training and scoring (default: DuckDB in this process; see
    :mod:`padan.linkage.engine`).

    Raises :class:`InputError` when the store holds no KPAI or no DTSEN records, or the
    thresholds are not 0 < review <= link <= 1.
    """
    if not 0 < review_threshold <= link_threshold <= 1:
        raise InputError(
            f"thresholds must satisfy 0 < review ({review_threshold}) <= link "
            f"({link_threshold}) <= 1; check --link-threshold and --review-threshold"
        )
    incremental = previous is not None
    if incremental and (retrain or not model_path.exists()):
        raise InputError("incremental linking reuses the saved model: it cannot retrain")
    say = progress or (lambda _message: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    con = duckdb.connect()
    # Within 4 GiB on a 2-core machine, Python's share included: DuckDB spills its joins to a
    # private temporary directory (not the working directory) rather than grow past this.
    spill = Path(tempfile.mkdtemp(prefix="padan-link-"))
    con.execute(
        f"SET memory_limit = '{_DUCKDB_MEMORY}'; SET temp_directory = '{spill}';"
        " SET preserve_insertion_order = false"
    )
    engine = engine or DuckDBEngine()
    try:
        records = features_of_run(store, con, previous)
        decided = {uid for a, b in (*must_link, *cannot_link, *reviewed) for uid in (a, b)}
        if previous is not None and decided:
            # Scored again too: a stored reviewer's link replaced the model's score of its pair.
            with listed(con, "_padan_decided", decided):
                con.execute(
                    "UPDATE features SET fresh = true FROM _padan_decided WHERE unique_id = uid"
                )
        counts = dict(
            con.execute("SELECT source, count(*) FROM features GROUP BY source").fetchall()
        )
        if len(counts) < 2:
            raise InputError(
                f"linking needs records of two sources at least (KPAI and DTSEN, or sources "
                f"declared with padan source add); the store has {counts or 'none'}. "
                "Run padan ingest kpai FILE and padan ingest dtsen FILE first."
            )
        sources = [s for s in SOURCES if s in counts] + sorted(set(counts) - set(SOURCES))
        for source in sources:
            con.execute(
                f"CREATE VIEW input_{source} AS SELECT * FROM features WHERE source = '{source}'"
            )
        # For the next run's state: every record's features, or those computed anew.
        computed = None
        if previous is not None and previous.features is not None and save_features_to is None:
            computed = con.sql(
                "SELECT * EXCLUDE (fresh) FROM features WHERE fresh"
            ).to_arrow_table()
        inputs = engine.register(con, sources)
        roles = extra_roles(store)
        # Trained when asked, without a model file, or (full runs) when the data drifted.
        check = check_training(
            con, model_path, retrain=retrain, incremental=incremental, comparisons=compared(roles)
        )
        trained = check.train
        model_settings = settings(roles)
        if trained:
            # Blocking needs the rules, not the trained model: it runs beside the training.
            engine.block_ahead(
                con, rules_sql(model_settings.blocking_rules_to_generate_predictions)
            )
        seconds["features"], clock = time.perf_counter() - clock, time.perf_counter()
        if save_features_to is not None:
            save_features(con, save_features_to)
            seconds["state"], clock = time.perf_counter() - clock, time.perf_counter()
        say(f"{records:,} records ready")
        if trained:
            linker = Linker(inputs, engine.model(model_settings), log_level=logging.ERROR)
            say("training the model (EM)")
            sessions = training_sessions(con)
            linker = train(linker, inputs, con, records=records, seed=seed, sessions=sessions)
            model_path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole, then renamed: a run killed while saving leaves the old model.
            partial = model_path.with_name(f".{model_path.name}.partial")
            engine.save_model(linker, partial)
            # The name frequencies of the training population are the model's: kept beside it.
            frozen_path = frequencies_path(model_path)
            frozen_partial = frozen_path.with_name(f".{frozen_path.name}.partial")
            columns = tf_columns(json.loads(partial.read_text()))
            try:
                _stamp(
                    partial,
                    records,
                    seed,
                    store=store_id(store),
                    profile=check.profile,
                    sessions=sessions,
                    frequencies=freeze_frequencies(con, columns, frozen_partial),
                )
                # The model last: killed in between, the old model finds a file not its own.
                os.replace(frozen_partial, frozen_path)
                os.replace(partial, model_path)
            finally:
                frozen_partial.unlink(missing_ok=True)  # names: no copy left behind
        model = read_model(model_path)
        frozen = read_frozen(model_path, model.pop("padan", None) or {})
        if trained:
            # The saved model, with unseen NIK levels made neutral, is the one that scores.
            linker = Linker(
                inputs, engine.model(model), log_level=logging.ERROR, validate_settings=False
            )
        rules = [rule["blocking_rule"] for rule in model["blocking_rules_to_generate_predictions"]]
        if incremental or not trained:
            # A saved model was validated when it was trained (this takes a second).
            linker = Linker(
                inputs, engine.model(model), log_level=logging.ERROR, validate_settings=False
            )
        if frozen.table is not None:
            # Every name weighed as at training; a name new since then by today's count.
            prefix = str(model.get("term_frequency_adjustment_column_prefix", "tf_"))
            for column in tf_columns(model):
                table = frozen_lookup(con, frozen.table, column, prefix=prefix)
                linker.table_management.register_term_frequency_lookup(
                    engine.lookup(con, table), column
                )
        elif frozen.note:
            say(frozen.note)
        seconds["training"], clock = time.perf_counter() - clock, time.perf_counter()

        say("finding candidate pairs")
        rescore = None
        if previous is not None and engine.rescores:
            # The kept pairs that today's records can move are scored again (names new since
            # training, or every name without the model's frequencies), so that each takes
            # the score and decision a full run would give it.
            rescore = kept_model_pairs(
                con,
                previous,
                thresholds=(link_threshold, review_threshold),
                frozen=FROZEN_TABLE if frozen.table is not None else None,
                lost=frozen.lost,
            )
        candidates = engine.prepare_predict(
            linker, con, rules, fresh_only=incremental, rescore=rescore
        )
        seconds["blocking"], clock = time.perf_counter() - clock, time.perf_counter()
        say(f"scoring {candidates:,} candidate pairs" if candidates else "scoring candidate pairs")
        predictions = linker.inference.predict(threshold_match_probability=review_threshold)
        table = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
        gather_pairs(con, table, previous, rescored=rescore is not None)
        seconds["scoring"], clock = time.perf_counter() - clock, time.perf_counter()

        say("clustering")
        fresh = (
            {u for (u,) in con.execute("SELECT unique_id FROM features WHERE fresh").fetchall()}
            if incremental
            else set()
        )
        known = known_records(con, decided)
        must = [(min(a, b), max(a, b), 1.0, "review") for a, b in must_link if {a, b} <= known]
        retired = retired_records(con, previous) if previous is not None else frozenset()
        affected = None
        if previous is not None:
            # The children of retired records are clustered again without them: a retired
            # record may have been what held two others together.
            touched = {*fresh, *known, *retired}
            if rescore is not None:
                # A kept pair whose new score crosses the threshold changes its children.
                touched |= crossed_records(con, threshold=link_threshold)
            affected = affected_records(con, must, previous.links, touched, link_threshold)
            affected -= retired
        pairs = pairs_touching(con, affected) + must
        clusters, decisions = cluster_run(
            con,
            pairs,
            affected,
            threshold=link_threshold,
            cannot_link=cannot_link,
            children=previous.links if previous is not None else None,
        )
        alone = alone_records(con, clusters.root, affected)
        members = sorted(sorted(group) for group in clusters.members().values())
        seconds["clustering"] = time.perf_counter() - clock
    finally:
        engine.close()
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
        len(fresh) if incremental else records,
        candidates,
        affected,
        computed,
        check,
        retired,
        "frozen" if frozen.table is not None else "lost" if frozen.lost else "not kept",
    )


def load_model(model_path: Path) -> dict[str, Any]:
    """The saved Splink settings, without Padan's metadata (Splink refuses unknown keys)."""
    model = read_model(model_path)
    model.pop("padan", None)
    return model


def _stamp(
    model_path: Path,
    records: int,
    seed: int,
    *,
    store: str,
    profile: Profile,
    sessions: Sequence[Any],
    frequencies: dict[str, Any],
) -> None:
    """Add Padan's training metadata to the saved Splink model: the id of the ``store`` it was
    trained on, the ``profile`` of its training data (:mod:`padan.linkage.model_file`) and
    the EM ``sessions`` it was trained with, and its frozen name ``frequencies``
    (:func:`padan.linkage.frequencies.freeze_frequencies`): their digest is part of the
    model's version, since they score as much as its parameters do."""
    model = json.loads(model_path.read_text())
    neutral = neutral_unseen(model)
    floored = floor_m(model, records=records)
    capped = cap_name_likenesses(model)
    body = json.dumps({k: v for k, v in model.items() if k != "padan"}, sort_keys=True)
    digest = str(frequencies.get("sha256", ""))
    model["padan"] = {
        "version": hashlib.sha256((body + digest).encode()).hexdigest()[:12],
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training_records": records,
        "seed": seed,
        "neutral_levels": neutral,
        "capped_levels": capped,
        "floored_levels": floored,
        "store_id": store,
        "training_data": profile,
        "training_rules": [
            str(rule.get_blocking_rule("duckdb").blocking_rule_sql) for rule in sessions
        ],
        "term_frequencies": frequencies,
    }
    model_path.write_text(json.dumps(model, indent=2))
