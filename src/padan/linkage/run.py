"""One linkage run: features → deterministic NIK links → trained Splink model → clusters."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import Linker

from padan.errors import InputError
from padan.linkage.cluster import Node, cluster_pairs
from padan.linkage.engine import DuckDBEngine, LinkEngine
from padan.linkage.features import load_features
from padan.linkage.model import TRAINING_RULES, settings
from padan.linkage.training import train
from padan.store import Store

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
_DETERMINISTIC_SQL = """
SELECT l.unique_id AS uid_l, r.unique_id AS uid_r
FROM features l JOIN features r ON l.nik = r.nik AND l.unique_id < r.unique_id
WHERE l.nik_valid AND r.nik_valid AND l.sex = r.sex AND l.nik_fits AND r.nik_fits
  AND (l.dob = r.dob
       OR (l.dob IS NULL OR r.dob IS NULL) AND abs(l.birth_year_est - r.birth_year_est) <= 1)
"""


@dataclass
class LinkResult:
    """Children found: record → child id, the pairs behind them and what the run measured."""

    clusters: list[list[str]]  # members ("kpai:…"/"dtsen:…") of each child, singletons included
    pairs: list[tuple[str, str, float, str]]  # uid_l, uid_r, probability, rule (nik/model/review)
    decisions: dict[tuple[str, str], str]  # pair → link | review | refused (below review: absent)
    model_path: Path
    records: int
    seconds: dict[str, float] = field(default_factory=dict)
    trained: bool = False
    fresh: int = 0  # records scored this run in incremental mode (all records otherwise)
    candidate_pairs: int | None = None  # pairs the blocking rules put forward, when counted

    @property
    def children(self) -> int:
        return len(self.clusters)


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
    known_batches: Collection[int] | None = None,
    known_pairs: Sequence[tuple[str, str, float, str]] = (),
    progress: Callable[[str], None] | None = None,
    engine: LinkEngine | None = None,
) -> LinkResult:
    """Link every current KPAI and DTSEN record in ``store`` into children.

    Trains the model (EM, seeded) when ``model_path`` does not exist or ``retrain`` is set, and
    saves it there; otherwise reuses it. Pairs at or above ``link_threshold`` are linked, pairs
    from ``review_threshold`` up are kept for review. Reviewers' decisions are respected:
    ``must_link`` pairs are linked whatever the model says, ``cannot_link`` pairs never end up in
    one child.

    Incremental mode: with ``known_batches`` (the batches an earlier run linked) and
    ``known_pairs`` (that run's scored pairs), only pairs touching a record from another batch
    (new, or a newer version) are scored; the earlier pairs between unchanged records are kept.
    The saved model is reused, never retrained, in this mode.

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
        records = load_features(store, con)
        counts = dict(
            con.execute("SELECT source, count(*) FROM features GROUP BY source").fetchall()
        )
        if not counts.get("kpai") or not counts.get("dtsen"):
            raise InputError(
                f"linking needs KPAI and DTSEN records; the store has {counts or 'none'}. "
                "Run padan ingest kpai FILE and padan ingest dtsen FILE first."
            )
        incremental = known_batches is not None
        batches = {b for (b,) in con.execute("SELECT DISTINCT batch FROM features").fetchall()}
        fresh = sorted(batches - set(known_batches or ()))
        con.execute(
            "ALTER TABLE features ADD COLUMN fresh BOOLEAN; "
            f"UPDATE features SET fresh = batch IN ({', '.join(map(str, fresh)) or 'NULL'})"
        )
        for source in ("kpai", "dtsen"):
            con.execute(
                f"CREATE TABLE input_{source} AS SELECT * FROM features WHERE source = '{source}'"
            )
        seconds["features"], clock = time.perf_counter() - clock, time.perf_counter()
        say(f"{records:,} records ready")

        inputs = engine.register(con)
        if incremental and (retrain or not model_path.exists()):
            raise InputError("incremental linking reuses the saved model: it cannot retrain")
        trained = retrain or not model_path.exists()
        if trained:
            linker = Linker(inputs, engine.model(settings()), log_level=logging.ERROR)
            say("training the model (EM)")
            linker = train(linker, inputs, con, records=records, seed=seed)
            model_path.parent.mkdir(parents=True, exist_ok=True)
            engine.save_model(linker, model_path)
            _stamp(model_path, records, seed)
        model = load_model(model_path)
        rules = [rule["blocking_rule"] for rule in model["blocking_rules_to_generate_predictions"]]
        if incremental:
            # Score only pairs that touch a new or changed record. The DuckDB engine blocks
            # in its own SQL (fresh_only below); this form is for engines where Splink blocks.
            for rule in model["blocking_rules_to_generate_predictions"]:
                rule["blocking_rule"] = f"({rule['blocking_rule']}) AND (l.fresh OR r.fresh)"
        if incremental or not trained:
            linker = Linker(inputs, engine.model(model), log_level=logging.ERROR)
        seconds["training"], clock = time.perf_counter() - clock, time.perf_counter()

        say("finding candidate pairs")
        candidates = engine.prepare_predict(linker, con, rules, fresh_only=incremental)
        seconds["blocking"], clock = time.perf_counter() - clock, time.perf_counter()
        say(f"scoring {candidates:,} candidate pairs" if candidates else "scoring candidate pairs")
        predictions = linker.inference.predict(threshold_match_probability=review_threshold)
        table = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
        scored = table.select(["unique_id_l", "unique_id_r", "match_probability"])
        pairs: list[tuple[str, str, float, str]] = [
            (min(left, right), max(left, right), float(p), "model")
            for left, right, p in zip(
                *(scored.column(i).to_pylist() for i in range(3)), strict=True
            )
        ]
        pairs += [(a, b, 1.0, "nik") for a, b in con.execute(_DETERMINISTIC_SQL).fetchall()]
        everyone = [uid for (uid,) in con.execute("SELECT unique_id FROM features").fetchall()]
        known = set(everyone)
        if incremental:
            changed = {
                uid
                for (uid,) in con.execute("SELECT unique_id FROM features WHERE fresh").fetchall()
            }
            pairs += [
                p for p in known_pairs
                if p[3] == "model" and p[0] in known and p[1] in known
                and p[0] not in changed and p[1] not in changed
            ]  # fmt: skip
        seconds["scoring"], clock = time.perf_counter() - clock, time.perf_counter()

        say("clustering")
        strangers = _strangers(con, [(a, b) for a, b, p, _ in pairs if p >= link_threshold])
        pairs += [(min(a, b), max(a, b), 1.0, "review") for a, b in must_link if {a, b} <= known]
        clusters = cluster_pairs(
            _nodes(con, {uid for a, b, _, _ in pairs for uid in (a, b)}),
            # Reviewers' "same" decisions go first, ahead of every model score; pairs whose
            # names share nothing are never linked without one.
            (
                (a, b, 2.0 if rule == "review" else 0.0 if (a, b) in strangers else p)
                for a, b, p, rule in pairs
            ),
            threshold=link_threshold,
            cannot_link=cannot_link,
        )
        refused = {(a, b) for a, b, _ in clusters.refused}
        decisions = {
            (a, b): "refused" if (a, b) in refused
            else "link" if p >= link_threshold and (rule == "review" or (a, b) not in strangers)
            else "review"
            for a, b, p, rule in pairs
        }  # fmt: skip
        seconds["clustering"] = time.perf_counter() - clock
    finally:
        engine.close()
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    # Records in no pair are children on their own; the guard never needed their facts.
    alone = ([uid] for uid in everyone if uid not in clusters.root)
    members = sorted([*(sorted(group) for group in clusters.members().values()), *alone])
    fresh_count = len(changed) if incremental else records
    return LinkResult(
        members, pairs, decisions, model_path, records, seconds, trained, fresh_count, candidates
    )


def _strangers(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The ``pairs`` whose names share no token and are not alike (Jaro-Winkler < 0.7).

    Among a million children a NIK mistyped into someone else's, with the same birth date,
    outweighs everything else in the model; two names with nothing in common are what shows
    it. On 1M synthetic records 27 of 114,896 true pairs look like this, and most confident
    false links do. They go to review instead of being linked.
    """
    con.register(
        "_padan_strong", pa.table({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    )
    rows = con.execute("""
        SELECT p.a, p.b FROM _padan_strong p
        JOIN features l ON l.unique_id = p.a JOIN features r ON r.unique_id = p.b
        WHERE jaro_winkler_similarity(l.name_core, r.name_core) < 0.7
          AND NOT list_has_any(str_split(l.name, ' '), str_split(r.name, ' '))
    """).fetchall()
    con.unregister("_padan_strong")
    return {(a, b) for a, b in rows}


def _nodes(con: duckdb.DuckDBPyConnection, uids: set[str]) -> dict[str, Node]:
    """What the clustering guard needs to know of the records ``uids``."""
    con.register("_padan_paired", pa.table({"unique_id": sorted(uids)}))
    rows = con.execute(
        "SELECT unique_id, nik, nik_valid, household, is_head, dob, name, nik_fits"
        " FROM features JOIN _padan_paired USING (unique_id)"
    ).fetchall()
    con.unregister("_padan_paired")
    return {
        uid: Node(nik if valid else None, household, bool(head), dob, name, bool(fits))
        for uid, nik, valid, household, head, dob, name, fits in rows
    }


def load_model(model_path: Path) -> dict[str, Any]:
    """The saved Splink settings, without Padan's metadata (Splink refuses unknown keys)."""
    try:
        model = json.loads(model_path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(
            f"model file {model_path} cannot be read ({exc}); pass --retrain to train a new one"
        ) from exc
    model.pop("padan", None)
    return dict(model)


def _stamp(model_path: Path, records: int, seed: int) -> None:
    """Add Padan's training metadata to the saved Splink model."""
    model = json.loads(model_path.read_text())
    body = json.dumps({k: v for k, v in model.items() if k != "padan"}, sort_keys=True)
    model["padan"] = {
        "version": hashlib.sha256(body.encode()).hexdigest()[:12],
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training_records": records,
        "seed": seed,
        "training_rules": [
            str(rule.get_blocking_rule("duckdb").blocking_rule_sql) for rule in TRAINING_RULES
        ],
    }
    model_path.write_text(json.dumps(model, indent=2))
