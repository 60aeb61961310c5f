"""A linkage run as the registry sees it: link, keep child ids stable, respect reviewers, store."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from padan.linkage import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    LinkEngine,
    link_encoded,
    link_records,
    linked_sources,
)
from padan.linkage.model_file import ModelInfo, check_model_store, read_model_info
from padan.linkage.state import (
    LINK_STATE_SCHEMA,
    Previous,
    RunKey,
    draft_path,
    read_state,
    run_key,
    state_path,
    store_key,
)
from padan.registry.ids import assign_child_ids, parse_child_id
from padan.registry.review import waiting_inside
from padan.registry.run_changes import (
    arrow_table,
    changed_links,
    children_of,
    kept_events,
    leave_state,
    left_links,
    linked_within_children,
    links_of,
    pair_changes,
    store_links,
    value_counts,
)
from padan.registry.run_lock import run_lock
from padan.store import LinkRun, Store, run_links_arrow, run_pairs_arrow, store_id

__all__ = ["RunSummary", "ensure_model_of_store", "run_linkage"]


@dataclass(frozen=True)
class RunSummary:
    """What a stored run found."""

    run_id: int
    records: int
    children: int
    pairs: int
    review: int  # pairs for review or refused
    trained: bool
    model_path: Path
    events: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    incremental: bool = False
    scored_records: int = 0  # records whose pairs were scored this run
    new_links: int = 0  # linked pairs not already within one child of the previous run
    changed_attributes: dict[str, int] = field(default_factory=dict)  # column → records
    model: ModelInfo | None = None  # the model the run used, as its file describes it
    retrained_because: str | None = None  # why the model was trained this run
    drift: tuple[str, ...] = ()  # what moved too far since training (an incremental run warns)
    retired_records: int = 0  # records of the last run no longer current (a snapshot retired)
    #: Which model linked: ``plaintext`` (names, dates, NIKs) or ``pprl`` (Dice levels on the
    #: encodings of a store holding PPRL encodings, :func:`padan.linkage.link_encoded`).
    model_kind: str = "plaintext"
    #: The name frequencies it scored with (:attr:`padan.linkage.LinkResult.frequencies`):
    #: ``frozen`` with the model, else ``not kept`` or ``lost`` (today's records counted).
    name_frequencies: str = "frozen"
    #: Of ``review``, the pairs whose two records are one child already, through other links
    #: (the queue's ``inside`` tier, last: "same" changes nothing there).
    review_inside: int = 0


def run_linkage(
    store: Store,
    *,
    model_path: Path,
    retrain: bool = False,
    link_threshold: float = DEFAULT_LINK_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    seed: int = 42,
    full: bool = False,
    progress: Callable[[str], None] | None = None,
    engine: LinkEngine | None = None,
) -> RunSummary:
    """Link all current records, keep child ids of the previous run by overlap, and store it all.

    After a first run, only what changed is scored (records of batches ingested since, with
    the same model and thresholds) unless ``full`` or ``retrain`` is set. Records no longer
    current (a snapshot retired them) leave the index: their links end, and a child left with
    no record has its id retired (``RunSummary.retired_records``). Reviewers' decisions
    ("same" / "different") are applied as must-link / cannot-link. Only what changed since the
    previous run is written; the run's state is also left beside the model
    (:func:`padan.linkage.state.state_path`) for the next incremental run. Raises what
    :func:`padan.linkage.link_records` raises. ``engine`` runs Splink (default DuckDB).

    The model file must belong to this store (:func:`ensure_model_of_store`) unless
    ``retrain`` replaces it. A full run also trains again when the data drifted too far from
    the training data (:func:`padan.linkage.model_file.drift`); an incremental run only
    reports the drift (``RunSummary.drift``). One run at a time per store, across processes
    (:func:`padan.registry.run_lock.run_lock`): another raises :class:`~padan.errors.BusyError`.
    """
    with run_lock(model_path):
        started = dt.datetime.now(dt.UTC)
        decisions = store.review_decisions()
        last = store.latest_link_run()
        if not retrain:
            ensure_model_of_store(store, model_path, last=last)
        state = state_path(model_path)
        _remove_stale_drafts(state)
        # A store of PPRL encodings links on them, always in full (linkage.encoded).
        encoded = store.holds_encodings()
        incremental = (
            not encoded
            and last is not None
            and not full
            and not retrain
            and model_path.exists()
            and (last.link_threshold, last.review_threshold) == (link_threshold, review_threshold)
            and last.model_version == _model_version(model_path)
        )
        # The last run, as a state file names it.
        last_key = run_key(store, last) if last else None
        previous = _previous(store, last, last_key, state) if last and last_key else None
        # Without a kept state to update, this run computes every record's features: keep them.
        keeping = not incremental or previous is None or previous.features is None
        draft = draft_path(state) if keeping and not encoded else None
        # What both kinds of run take: thresholds, the model and reviewers' decisions.
        common: dict[str, Any] = {
            "model_path": model_path,
            "retrain": retrain,
            "link_threshold": link_threshold,
            "review_threshold": review_threshold,
            "seed": seed,
            "progress": progress,
            "must_link": [(d.uid_a, d.uid_b) for d in decisions if d.decision == "same"],
            "cannot_link": [(d.uid_a, d.uid_b) for d in decisions if d.decision == "different"],
        }
        try:
            if encoded:
                # No reviewed= (the pairs decided "unsure" too): in a plaintext run it marks
                # their records to be scored again by an incremental run, since a decision may
                # have been taken back. An encoded run scores every pair every time, so a "same"
                # taken back as "unsure" simply stops linking, and the pair stays in review.
                result = link_encoded(store, **common)
            else:
                result = link_records(
                    store,
                    **common,
                    reviewed=[(d.uid_a, d.uid_b) for d in decisions],
                    previous=previous if incremental else None,
                    save_features_to=draft,
                    engine=engine,
                )
        except BaseException:
            if draft is not None:
                draft.unlink(missing_ok=True)  # personal data: no copy left behind by a failed run
            raise
        clock = time.perf_counter()
        # The previous links of what this run clustered, and of the records that left: their
        # links end, and an id none of the others keeps is retired.
        before = (
            links_of(
                previous.links,
                None if result.affected is None else result.affected | result.retired,
            )
            if previous
            else LINK_STATE_SCHEMA.empty_table()
        )
        ids = assign_child_ids(
            result.clusters,
            before.select(["uid", "child_id"]),
            alone=result.alone,
            highest=parse_child_id(store.highest_child_id() or ""),
        )
        strongest: dict[str, float] = {}
        for left, right, probability in linked_within_children(result, ids.of):
            for uid in (left, right):
                strongest[uid] = max(strongest.get(uid, 0.0), min(probability, 1.0))
        # Every record's link now (the affected ones in an incremental run); alone: no probability.
        now = pa.concat_tables(
            [
                arrow_table(
                    [(uid, child, strongest.get(uid)) for uid, child in ids.of.items()],
                    LINK_STATE_SCHEMA,
                ),
                pa.table(
                    [*ids.alone.columns, pa.nulls(len(ids.alone), pa.float64())],
                    schema=LINK_STATE_SCHEMA,
                ),
            ]
        )
        changed = changed_links(now, before)
        gone_links = left_links(now, before)
        pairs, changed_pairs, gone_pairs, total, review = pair_changes(result, previous)
        read = linked_sources(store)
        batches = [b.id for b in store.list_batches() if b.source in read]
        new_batches = [b for b in batches if last is None or b not in last.batches]
        children = result.children
        if result.affected is not None and last is not None:
            children += last.children - pc.count_distinct(before["child_id"]).as_py()
        run = LinkRun(
            0,
            started,
            dt.datetime.now(dt.UTC),
            _model_version(model_path),
            link_threshold,
            review_threshold,
            result.records,
            children,
            batches,
        )
        seconds = {**result.seconds, "child ids": time.perf_counter() - clock}
        clock = time.perf_counter()
        try:
            run_id = store.save_link_run(
                run,
                store_links(changed),
                changed_pairs,
                kept_events(ids.events),
                since=last.id if last else None,
                gone_pairs=gone_pairs,
                gone_links=[(s, i) for s, _, i in (uid.partition(":") for uid in gone_links)],
            )
        except BaseException:
            if draft is not None:
                draft.unlink(missing_ok=True)
            raise
        key = RunKey(store_key(store), run_id, run.model_version, tuple(batches))
        seconds["storing"], clock = time.perf_counter() - clock, time.perf_counter()
        if encoded:  # no features to keep: the next run reads the store
            state.unlink(missing_ok=True)
        else:
            _leave_state(
                state,
                key,
                result=result,
                previous=previous,
                since=last_key,
                links=now,
                changed=changed,
                pairs=list(pairs.values()),
                changed_pairs=changed_pairs,
                gone=gone_pairs,
                gone_records=gone_links,
                drafted=draft is not None,
            )
        seconds["state"] = seconds.get("state", 0.0) + time.perf_counter() - clock
        linked = [pair for pair, d in result.decisions.items() if d == "link"]
        earlier = children_of(before, {uid for pair in linked for uid in pair})
        new_links = (
            sum(
                1
                for a, b in linked
                if (a not in earlier or b not in earlier or earlier[a] != earlier[b])
                and (a in ids.of or b in ids.of)
            )
            if last
            else 0
        )
        changed_attributes = _changed_attributes(store, new_batches) if last and not encoded else {}
        return RunSummary(
            run_id,
            result.records,
            children,
            total,
            review,
            result.trained,
            model_path,
            value_counts(ids.events["event"]),
            seconds,
            incremental,
            result.fresh,
            new_links,
            changed_attributes,
            model=read_model_info(model_path),
            retrained_because=result.training.because if result.training else None,
            drift=result.training.drift if result.training else (),
            retired_records=len(gone_links),
            model_kind="pprl" if encoded else "plaintext",
            name_frequencies=result.frequencies,
            review_inside=waiting_inside(store, run_id) if review else 0,
        )


def ensure_model_of_store(store: Store, model_path: Path, *, last: LinkRun | None = None) -> None:
    """Refuse a model file trained on another store (:class:`InputError`, with the fix).

    A model file from before Padan recorded the store is taken as this store's when the
    store's ``last`` run (default: its latest) used it, and is stamped with the store's id.
    """
    if not model_path.exists():
        return
    last = last if last is not None else store.latest_link_run()
    used = last is not None and last.model_version == _model_version(model_path)
    check_model_store(model_path, store_id(store), used_by_store=used)


def _previous(store: Store, last: LinkRun, key: RunKey, state: Path) -> Previous:
    """What the last run (``key``) left: from the state file when it describes that run, else
    the store."""
    kept = read_state(state, key)
    if kept is not None:
        return kept
    links = run_links_arrow(store, last.id)
    uid = pc.binary_join_element_wise(links.column("source"), links.column("source_id"), ":")
    links = pa.table(
        {
            "uid": uid,
            "child_id": links.column("child_id"),
            "probability": links.column("match_probability"),
        }
    )
    pairs = run_pairs_arrow(store, last.id)
    return Previous(frozenset(last.batches), links, pairs)


#: DTSEN attributes whose changes a run reports (desil, aid, disability).
_WATCHED = (
    "desil",
    "penerima_pkh",
    "penerima_sembako",
    "penerima_pbi_jk",
    "penerima_pip",
    "penerima_atensi",
    "ragam_disabilitas",
)


def _changed_attributes(store: Store, batches: list[int]) -> dict[str, int]:
    """How many DTSEN records the ``batches`` changed in each :data:`_WATCHED` attribute.

    The batches' change events say it (on a million-record snapshot 0.3 s, against 4.1 s to
    compare the versions again, under load); batches without events are compared version by
    version.
    """
    counts = store.changed_field_counts(batches, source="dtsen", fields=_WATCHED)
    if counts is None:
        changes = store.changed_attributes("dtsen_individu", batches, _WATCHED)
        counts = dict(Counter(column for _, column, _, _ in changes))
    return counts


def _leave_state(state: Path, key: RunKey, **parts: Any) -> None:
    """:func:`padan.linkage.state.leave_state`, or no state when it cannot be written."""
    try:
        leave_state(state, key, **parts)
    except (duckdb.Error, OSError):
        state.unlink(missing_ok=True)  # a cache: the next run reads the store instead


def _remove_stale_drafts(state: Path) -> None:
    # A run killed while it wrote its draft (SIGKILL, power loss) left it behind: personal data,
    # and never a valid state. Only a run holds the run lock, so no live run is writing it now.
    draft = draft_path(state)
    for leftover in (draft, draft.with_name(draft.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _model_version(model_path: Path) -> str:
    try:
        return str(json.loads(model_path.read_text()).get("padan", {}).get("version", "unknown"))
    except (OSError, ValueError):
        return "unknown"
