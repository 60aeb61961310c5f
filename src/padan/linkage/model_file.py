"""The saved model file: the store it was trained on, the data it was trained on, and whether
it still fits the data now.

A model file (``padan-model.json``) holds Splink's settings and, under ``padan``, Padan's
metadata: version, when and on how many records it was trained, the id of the store it was
trained on (:func:`padan.store.store_id`) and a summary of the training data per source
(:func:`data_profile`). A full run compares that summary with the data now (:func:`drift`)
and trains again when it moved too far; an incremental run only warns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from padan.errors import InputError

__all__ = [
    "MIN_RECORDS_FOR_SHARES",
    "RECORDS_FACTOR",
    "SHARE_MARGIN",
    "ModelInfo",
    "Profile",
    "TrainingCheck",
    "adopt_model",
    "check_model_store",
    "check_training",
    "data_profile",
    "drift",
    "read_model",
    "read_model_info",
]

#: Train again when a source holds this many times more records than the model was trained
#: on, or this many times fewer. The model's prior (the chance that two records are one child)
#: falls as 1/records: each child brings a few records, while the pairs grow with the square.
#: A factor 2 moves every pair's match weight by log2(2) = 1 bit, which takes a pair at the
#: default link threshold 0.9 (3.17 bits) to 0.82 or 0.95: links gained or lost at the
#: threshold. Within a factor 2 the shift stays under a bit.
RECORDS_FACTOR = 2.0
#: Train again when a source's share of records with a valid NIK, or with a birth date, moved
#: by more than this (10 percentage points) since training. Such a move is a cheap sign that
#: the records are collected another way (a new complaint channel, a DTSEN extract matched to
#: Dukcapil again: domain.md §2, DTKS had 16.7 m of 97 m records without a NIK in 2021), and
#: how often one child's two records agree (the m probabilities EM learnt) belongs to the way
#: records were collected. Sampling alone does not move a share that far: the difference of
#: two shares, each of MIN_RECORDS_FOR_SHARES records or more, has a standard error of at most
#: 0.5 * sqrt(2 / 500) = 3.2 points, so 10 points is more than three of them.
SHARE_MARGIN = 0.10
#: Shares of a source are compared only when it held at least this many records at training
#: and now (see SHARE_MARGIN: below it, sampling alone moves a share by 10 points too often).
MIN_RECORDS_FOR_SHARES = 500

#: source → {"records": n, "nik_share": share with a valid NIK, "dob_share": share with a
#: birth date}
Profile = dict[str, dict[str, float]]

_SHARES = {"nik_share": "with a valid NIK", "dob_share": "with a birth date"}


@dataclass(frozen=True)
class ModelInfo:
    """What a model file says about itself (Padan's metadata)."""

    path: Path
    version: str
    trained_at: str | None
    training_records: int | None
    store_id: str | None  # None: trained before Padan recorded the store
    training_data: Profile | None  # None: trained before Padan recorded a summary

    def figures(self, *, trained_this_run: bool) -> dict[str, object]:
        """The model as ``padan link --json`` reports it (``model_info``)."""
        return {
            "path": str(self.path),
            "version": self.version,
            "trained_at": self.trained_at,
            "training_records": self.training_records,
            "trained_this_run": trained_this_run,
            "store_id": self.store_id,
            "training_data": self.training_data,
        }


@dataclass(frozen=True)
class TrainingCheck:
    """Whether a run trains the model, why, and how far the data moved since training."""

    train: bool
    because: str | None  # why it trains (None when it reuses the saved model)
    drift: tuple[str, ...]  # what moved beyond RECORDS_FACTOR / SHARE_MARGIN since training
    profile: Profile  # the data now


def read_model_info(model_path: Path) -> ModelInfo | None:
    """The metadata of the model file at ``model_path``; None when there is no file.

    Raises :class:`InputError` when the file cannot be read as a model.
    """
    if not model_path.exists():
        return None
    meta = _metadata(read_model(model_path))
    records = meta.get("training_records")
    return ModelInfo(
        model_path,
        str(meta.get("version", "unknown")),
        meta.get("trained_at"),
        int(records) if records is not None else None,
        meta.get("store_id"),
        meta.get("training_data"),
    )


def data_profile(con: duckdb.DuckDBPyConnection) -> Profile:
    """Per source: records, and the shares with a valid NIK and with a birth date, of the
    linkage ``features`` in ``con`` (one pass, milliseconds on a million records)."""
    rows = con.execute("""
        SELECT source, count(*), avg(CASE WHEN nik_valid THEN 1 ELSE 0 END),
            avg(CASE WHEN dob IS NOT NULL THEN 1 ELSE 0 END)
        FROM features GROUP BY source ORDER BY source
    """).fetchall()
    return {
        str(source): {
            "records": int(n),
            "nik_share": round(float(nik), 4),
            "dob_share": round(float(dob), 4),
        }
        for source, n, nik, dob in rows
    }


def drift(trained: Profile | None, now: Profile) -> list[str]:
    """What moved beyond :data:`RECORDS_FACTOR` or :data:`SHARE_MARGIN` between the training
    data (``trained``; None: not recorded, nothing to compare) and the data ``now``."""
    moved: list[str] = []
    for source in sorted(set(trained or {}) & set(now)):
        then, current = (trained or {})[source], now[source]
        before, after = int(then["records"]), int(current["records"])
        if before and not 1 / RECORDS_FACTOR < after / before < RECORDS_FACTOR:
            moved.append(
                f"{source} records {before:,} at training, {after:,} now (x{after / before:.2f};"
                f" trains again from x{RECORDS_FACTOR:g} or 1/{RECORDS_FACTOR:g})"
            )
        if min(before, after) < MIN_RECORDS_FOR_SHARES:
            continue
        for key, what in _SHARES.items():
            if key in then and abs(current[key] - then[key]) > SHARE_MARGIN:
                moved.append(
                    f"{source} share {what} {then[key]:.0%} at training, {current[key]:.0%} now"
                    f" (trains again beyond {SHARE_MARGIN * 100:g} points)"
                )
    return moved


def check_training(
    con: duckdb.DuckDBPyConnection,
    model_path: Path,
    *,
    retrain: bool,
    incremental: bool,
    comparisons: Sequence[str] = (),
) -> TrainingCheck:
    """Whether a run on the ``features`` in ``con`` trains the model at ``model_path``.

    It trains when asked (``retrain``), when there is no model file, when the model's
    comparisons are not ``comparisons`` (a source declaring another role was added or
    removed), and in a full run when the data drifted from the training data
    (:func:`drift`). An incremental run does not train for drift: it is only reported.
    """
    profile = data_profile(con)
    info = read_model_info(model_path)
    moved = tuple(drift(info.training_data, profile)) if info is not None else ()
    if retrain:
        return TrainingCheck(True, "asked to (--retrain)", moved, profile)
    if info is None:
        return TrainingCheck(True, f"no model file at {model_path} yet", (), profile)
    saved = [c.get("output_column_name") for c in read_model(model_path).get("comparisons", [])]
    if comparisons and saved != list(comparisons):
        because = f"the model compares {saved}, the linked sources need {list(comparisons)}"
        return TrainingCheck(True, because, moved, profile)
    if moved and not incremental:
        because = "the data drifted since the model was trained: " + "; ".join(moved)
        return TrainingCheck(True, because, moved, profile)
    return TrainingCheck(False, None, moved, profile)


def check_model_store(model_path: Path, store_id: str, *, used_by_store: bool) -> None:
    """Refuse the model file at ``model_path`` unless it was trained on the store ``store_id``.

    A model file without a store id (trained before Padan recorded it) is taken as this
    store's when ``used_by_store`` (the store's latest run used its version), and is then
    stamped with the id (:func:`adopt_model`); otherwise it is refused too.

    Raises :class:`InputError` naming both stores and the fix.
    """
    info = read_model_info(model_path)
    if info is None or info.store_id == store_id:
        return
    if info.store_id is None and used_by_store:
        adopt_model(model_path, store_id)
        return
    trained_on = (
        f"store {info.store_id}"
        if info.store_id
        else "no recorded store (trained before Padan kept the store's id) and no run of this "
        "store used it"
    )
    raise InputError(
        f"model file {model_path} belongs to another store: it was trained on {trained_on}; "
        f"this store is {store_id}. A model is reused only on the store it was trained on. "
        f"Give this store its own model file: padan link --model PATH (or PADAN_MODEL_PATH; "
        f"a new path trains a model there), or train this file again on this store: padan link "
        f"--retrain (the other store's model in it is then replaced)"
    )


def adopt_model(model_path: Path, store_id: str) -> None:
    """Record ``store_id`` in a model file trained before Padan kept the store's id.

    The model itself, and so its version, stays as it was.
    """
    model = read_model(model_path)
    meta = _metadata(model)
    meta["store_id"] = store_id
    model["padan"] = meta
    model_path.write_text(json.dumps(model, indent=2))


def read_model(model_path: Path) -> dict[str, Any]:
    """The model file as saved: Splink settings with Padan's metadata under ``padan``.

    Raises :class:`InputError` when it cannot be read or is not a JSON object.
    """
    try:
        model = json.loads(model_path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(
            f"model file {model_path} cannot be read ({exc}); pass --retrain to train a new one"
        ) from exc
    if not isinstance(model, dict):
        raise InputError(
            f"model file {model_path} is not a Splink model (a JSON object); pass --retrain "
            "to train a new one"
        )
    return model


def _metadata(model: dict[str, Any]) -> dict[str, Any]:
    meta = model.get("padan")
    return meta if isinstance(meta, dict) else {}
