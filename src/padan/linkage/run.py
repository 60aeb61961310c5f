"""One linkage run: features → deterministic NIK links → trained Splink model → clusters."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from padan.errors import InputError
from padan.linkage.cluster import Node, cluster_pairs
from padan.linkage.features import load_features
from padan.linkage.model import TRAINING_RULES, settings
from padan.store import ChildLink, LinkRun, Store

__all__ = [
    "DEFAULT_LINK_THRESHOLD",
    "DEFAULT_REVIEW_THRESHOLD",
    "LinkResult",
    "link_and_save",
    "link_records",
]

DEFAULT_LINK_THRESHOLD = 0.9
DEFAULT_REVIEW_THRESHOLD = 0.5
_DETERMINISTIC_SQL = """
SELECT l.unique_id AS uid_l, r.unique_id AS uid_r
FROM features l JOIN features r ON l.nik = r.nik AND l.unique_id < r.unique_id
WHERE l.nik_valid AND r.nik_valid AND l.sex = r.sex
  AND (l.dob = r.dob OR l.dob IS NULL OR r.dob IS NULL)
"""


@dataclass
class LinkResult:
    """Children found: record → child id, the pairs behind them and what the run measured."""

    child_of: dict[str, str]  # unique_id ("kpai:…"/"dtsen:…") → child_id
    pairs: list[tuple[str, str, float, str]]  # uid_l, uid_r, probability, rule ("nik"/"model")
    review: list[tuple[str, str, float]]  # doubtful pairs and pairs refused by the guard
    model_path: Path
    records: int
    seconds: dict[str, float] = field(default_factory=dict)
    trained: bool = False

    @property
    def children(self) -> int:
        return len(set(self.child_of.values()))


def link_records(
    store: Store,
    *,
    model_path: Path,
    retrain: bool = False,
    link_threshold: float = DEFAULT_LINK_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    seed: int = 42,
    progress: Callable[[str], None] | None = None,
) -> LinkResult:
    """Link every current KPAI and DTSEN record in ``store`` into children.

    Trains the model (EM, seeded) when ``model_path`` does not exist or ``retrain`` is set, and
    saves it there; otherwise reuses it. Pairs at or above ``link_threshold`` are linked, pairs
    from ``review_threshold`` up are kept for review.

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
    records = load_features(store, con)
    counts = dict(con.execute("SELECT source, count(*) FROM features GROUP BY source").fetchall())
    if not counts.get("kpai") or not counts.get("dtsen"):
        raise InputError(
            f"linking needs KPAI and DTSEN records; the store has {counts or 'none'}. "
            "Run padan ingest kpai FILE and padan ingest dtsen FILE first."
        )
    for source in ("kpai", "dtsen"):
        con.execute(
            f"CREATE TABLE input_{source} AS SELECT * FROM features WHERE source = '{source}'"
        )
    seconds["features"], clock = time.perf_counter() - clock, time.perf_counter()
    say(f"{records:,} records ready")

    db_api = DuckDBAPI(con)
    inputs = [db_api.register(f"input_{s}", dataset_display_name=s) for s in ("kpai", "dtsen")]
    trained = retrain or not model_path.exists()
    if trained:
        linker = Linker(inputs, settings(), log_level=logging.WARNING)
        say("training the model (EM)")
        _train(linker, seed)
        model_path.parent.mkdir(parents=True, exist_ok=True)
        linker.misc.save_model_to_json(str(model_path), overwrite=True)
        _stamp(model_path, records, seed)
    else:
        linker = Linker(inputs, _load_model(model_path), log_level=logging.WARNING)
    seconds["training"], clock = time.perf_counter() - clock, time.perf_counter()

    say("scoring candidate pairs")
    predictions = linker.inference.predict(threshold_match_probability=review_threshold)
    table = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
    scored = table.select(["unique_id_l", "unique_id_r", "match_probability"])
    pairs: list[tuple[str, str, float, str]] = [
        (min(left, right), max(left, right), float(p), "model")
        for left, right, p in zip(*(scored.column(i).to_pylist() for i in range(3)), strict=True)
    ]
    pairs += [(a, b, 1.0, "nik") for a, b in con.execute(_DETERMINISTIC_SQL).fetchall()]
    seconds["scoring"], clock = time.perf_counter() - clock, time.perf_counter()

    say("clustering")
    nodes = {
        uid: Node(nik if valid else None, bool(head))
        for uid, nik, valid, head in con.execute(
            "SELECT unique_id, nik, nik_valid, is_head FROM features"
        ).fetchall()
    }
    clusters = cluster_pairs(nodes, ((a, b, p) for a, b, p, _ in pairs), threshold=link_threshold)
    child_of = {
        uid: _child_id(members) for members in clusters.members().values() for uid in members
    }
    review = [(a, b, p) for a, b, p, _ in pairs if review_threshold <= p < link_threshold]
    seconds["clustering"] = time.perf_counter() - clock
    con.close()
    return LinkResult(
        child_of, pairs, review + clusters.refused, model_path, records, seconds, trained
    )


def _train(linker: Any, seed: int) -> None:
    linker.training.estimate_probability_two_random_records_match(TRAINING_RULES, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    for rule in TRAINING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )


def _load_model(model_path: Path) -> dict[str, Any]:
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


def _child_id(members: list[str]) -> str:
    # Deterministic from the cluster's first record; issue 3 replaces this with ids kept by overlap.
    return "A" + hashlib.sha1(min(members).encode()).hexdigest()[:11].upper()


def link_and_save(
    store: Store,
    *,
    model_path: Path,
    retrain: bool = False,
    link_threshold: float = DEFAULT_LINK_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    seed: int = 42,
    progress: Callable[[str], None] | None = None,
) -> tuple[LinkResult, int]:
    """:func:`link_records`, then store the run (children, pairs, model, thresholds).

    Returns the result and the stored run id.
    """
    started = dt.datetime.now(dt.UTC)
    result = link_records(
        store, model_path=model_path, retrain=retrain, link_threshold=link_threshold,
        review_threshold=review_threshold, seed=seed, progress=progress,
    )  # fmt: skip
    strongest: dict[str, float] = {}
    for left, right, probability, _ in result.pairs:
        if probability >= link_threshold and result.child_of[left] == result.child_of[right]:
            for uid in (left, right):
                strongest[uid] = max(strongest.get(uid, 0.0), probability)
    links = [
        ChildLink(*_split_uid(uid), child_id, strongest.get(uid))
        for uid, child_id in sorted(result.child_of.items())
    ]
    refused = {(a, b) for a, b, _ in result.review} - {
        (a, b) for a, b, p, _ in result.pairs if review_threshold <= p < link_threshold
    }
    pairs = [
        (
            a,
            b,
            p,
            rule,
            "refused" if (a, b) in refused else "link" if p >= link_threshold else "review",
        )
        for a, b, p, rule in result.pairs
    ]
    model = json.loads(model_path.read_text())
    run = LinkRun(
        0, started, dt.datetime.now(dt.UTC), model.get("padan", {}).get("version", "unknown"),
        link_threshold, review_threshold, result.records, result.children,
        [b.id for b in store.list_batches() if b.source in ("kpai", "dtsen")],
    )  # fmt: skip
    return result, store.save_link_run(run, links, pairs)


def _split_uid(uid: str) -> tuple[str, str]:
    source, source_id = uid.split(":", 1)
    return source, source_id
