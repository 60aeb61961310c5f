"""A linkage run as the registry sees it: link, keep child ids stable, respect reviewers, store."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from padan.linkage import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    LinkEngine,
    LinkResult,
    link_records,
)
from padan.linkage.model_file import ModelInfo, check_model_store, read_model_info
from padan.linkage.state import (
    LINK_STATE_SCHEMA,
    PAIR_STATE_SCHEMA,
    Previous,
    RunKey,
    complete_draft,
    draft_path,
    read_state,
    state_path,
    update_state,
)
from padan.registry.ids import assign_child_ids, parse_child_id
from padan.store import LinkRun, Store, run_links_arrow, run_pairs_arrow, store_id

__all__ = ["RunSummary", "ensure_model_of_store", "run_linkage"]


@dataclass(frozen=True)
class RunSummary:
    """What a stored run found."""

    run_id: int
    records: int
    children: int
    pairs: int
    review: int
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
    the same model and thresholds) unless ``full`` or ``retrain`` is set. Reviewers' decisions
    ("same" / "different") are applied as must-link / cannot-link. Only what changed since the
    previous run is written; the run's state is also left beside the model
    (:func:`padan.linkage.state.state_path`) for the next incremental run. Raises what
    :func:`padan.linkage.link_records` raises. ``engine`` runs Splink (default DuckDB).

    The model file must belong to this store (:func:`ensure_model_of_store`) unless
    ``retrain`` replaces it. A full run also trains again when the data drifted too far from
    the training data (:func:`padan.linkage.model_file.drift`); an incremental run only
    reports the drift (``RunSummary.drift``).
    """
    started = dt.datetime.now(dt.UTC)
    decisions = store.review_decisions()
    last = store.latest_link_run()
    if not retrain:
        ensure_model_of_store(store, model_path, last=last)
    state = state_path(model_path)
    incremental = (
        last is not None and not full and not retrain and model_path.exists()
        and (last.link_threshold, last.review_threshold) == (link_threshold, review_threshold)
        and last.model_version == _model_version(model_path)
    )  # fmt: skip
    # The last run, as a state file names it.
    last_key = (
        RunKey(_store_key(store), last.id, last.model_version, tuple(last.batches))
        if last else None
    )  # fmt: skip
    previous = _previous(store, last, last_key, state) if last and last_key else None
    # Without a kept state to update, this run computes every record's features: keep them.
    keeping = not incremental or previous is None or previous.features is None
    draft = draft_path(state) if keeping else None
    try:
        result = link_records(
            store, model_path=model_path, retrain=retrain, link_threshold=link_threshold,
            review_threshold=review_threshold, seed=seed, progress=progress,
            must_link=[(d.uid_a, d.uid_b) for d in decisions if d.decision == "same"],
            cannot_link=[(d.uid_a, d.uid_b) for d in decisions if d.decision == "different"],
            reviewed=[(d.uid_a, d.uid_b) for d in decisions],
            previous=previous if incremental else None, save_features_to=draft, engine=engine,
        )  # fmt: skip
    except BaseException:
        if draft is not None:
            draft.unlink(missing_ok=True)  # personal data: no copy left behind by a failed run
        raise
    clock = time.perf_counter()
    before = (
        _links_of(previous.links, result.affected) if previous else LINK_STATE_SCHEMA.empty_table()
    )
    ids = assign_child_ids(
        result.clusters, before.select(["uid", "child_id"]), alone=result.alone,
        highest=parse_child_id(store.highest_child_id() or ""),
    )  # fmt: skip
    strongest: dict[str, float] = {}
    for left, right, probability in _linked(result, ids.of):
        for uid in (left, right):
            strongest[uid] = max(strongest.get(uid, 0.0), min(probability, 1.0))
    # Every record's link now (the affected ones in an incremental run); alone: no probability.
    now = pa.concat_tables([
        _table([(uid, child, strongest.get(uid)) for uid, child in ids.of.items()],
               LINK_STATE_SCHEMA),
        pa.table([*ids.alone.columns, pa.nulls(len(ids.alone), pa.float64())],
                 schema=LINK_STATE_SCHEMA),
    ])  # fmt: skip
    changed = _changed(now, before)
    pairs, changed_pairs, gone_pairs, total, review = _pair_changes(result, previous)
    batches = [b.id for b in store.list_batches() if b.source in ("kpai", "dtsen")]
    new_batches = [b for b in batches if last is None or b not in last.batches]
    children = result.children
    if result.affected is not None and last is not None:
        children += last.children - pc.count_distinct(before["child_id"]).as_py()
    run = LinkRun(
        0, started, dt.datetime.now(dt.UTC), _model_version(model_path),
        link_threshold, review_threshold, result.records, children, batches,
    )  # fmt: skip
    seconds = {**result.seconds, "child ids": time.perf_counter() - clock}
    clock = time.perf_counter()
    try:
        run_id = store.save_link_run(
            run, _store_links(changed), changed_pairs, _kept_events(ids.events),
            since=last.id if last else None, gone_pairs=gone_pairs,
        )  # fmt: skip
    except BaseException:
        if draft is not None:
            draft.unlink(missing_ok=True)
        raise
    key = RunKey(_store_key(store), run_id, run.model_version, tuple(batches))
    seconds["storing"], clock = time.perf_counter() - clock, time.perf_counter()
    try:
        _leave_state(
            state, key, result=result, previous=previous, since=last_key,
            links=now, changed=changed, pairs=list(pairs.values()), changed_pairs=changed_pairs,
            gone=gone_pairs, drafted=draft is not None,
        )  # fmt: skip
    except (duckdb.Error, OSError):
        state.unlink(missing_ok=True)  # a cache: the next run reads the store instead
    seconds["state"] = seconds.get("state", 0.0) + time.perf_counter() - clock
    linked = [pair for pair, d in result.decisions.items() if d == "link"]
    earlier = _children_of(before, {uid for pair in linked for uid in pair})
    new_links = sum(
        1 for a, b in linked
        if (a not in earlier or b not in earlier or earlier[a] != earlier[b])
        and (a in ids.of or b in ids.of)
    ) if last else 0  # fmt: skip
    changes = store.changed_attributes("dtsen_individu", new_batches, _WATCHED) if last else []
    return RunSummary(
        run_id, result.records, children, total, review, result.trained, model_path,
        _counts(ids.events["event"]), seconds, incremental, result.fresh,
        new_links, dict(Counter(column for _, column, _, _ in changes)),
        model=read_model_info(model_path),
        retrained_because=result.training.because if result.training else None,
        drift=result.training.drift if result.training else (),
    )  # fmt: skip


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
        {"uid": uid, "child_id": links.column("child_id"),
         "probability": links.column("match_probability")}
    )  # fmt: skip
    pairs = run_pairs_arrow(store, last.id)
    return Previous(frozenset(last.batches), links, pairs)


def _links_of(links: pa.Table, affected: set[str] | None) -> pa.Table:
    """The rows of ``links`` (:data:`LINK_STATE_SCHEMA`) for ``affected`` (all when None)."""
    if affected is None:
        return links
    return links.filter(pc.is_in(links["uid"], pa.array(sorted(affected), pa.string())))


def _children_of(links: pa.Table, uids: set[str]) -> dict[str, str]:
    """Record → child id in ``links``, for ``uids``."""
    rows = links.filter(pc.is_in(links["uid"], pa.array(sorted(uids), pa.string())))
    return dict(zip(rows["uid"].to_pylist(), rows["child_id"].to_pylist(), strict=True))


def _changed(now: pa.Table, before: pa.Table) -> pa.Table:
    """The rows of ``now`` whose record has another child or probability in ``before``."""
    at = pc.index_in(now["uid"], before["uid"])
    child, probability = (pc.take(before[c], at) for c in ("child_id", "probability"))
    same_child = pc.fill_null(pc.equal(now["child_id"], child), False)
    same_probability = pc.or_kleene(
        pc.and_(pc.is_null(now["probability"]), pc.is_null(probability)),
        pc.fill_null(pc.equal(now["probability"], probability), False),
    )
    return now.filter(pc.invert(pc.and_(same_child, same_probability)))


def _store_links(links: pa.Table) -> pa.Table:
    """``links`` (:data:`LINK_STATE_SCHEMA`) as the store takes them: the record's source and
    source id apart, in the order of its index (a million rows insert faster in order)."""
    links = links.sort_by("uid")
    parts = pc.split_pattern(links["uid"], ":", max_splits=1)
    return pa.table({
        "source": pc.list_element(parts, 0), "source_id": pc.list_element(parts, 1),
        "child_id": links["child_id"], "match_probability": links["probability"],
    })  # fmt: skip


def _kept_events(events: pa.Table) -> pa.Table:
    """The events the links do not tell already: merges, splits and retired ids. A new id is
    the first run its links hold in (``child_links.run_id``); a national first run has a
    million of them, and storing each again took 6 s."""
    return events.filter(pc.not_equal(events["event"], "new"))


def _counts(values: pa.ChunkedArray) -> dict[str, int]:
    counted = pc.value_counts(values)
    names, counts = (counted.field(f).to_pylist() for f in ("values", "counts"))
    return dict(zip(names, counts, strict=True))


def _pair_changes(
    result: LinkResult, previous: Previous | None
) -> tuple[
    dict[tuple[str, str], tuple[str, str, float, str, str]],
    list[tuple[str, str, float, str, str]],
    list[tuple[str, str]],
    int,
    int,
]:
    """The run's pairs as stored (one per pair: a NIK rule and the model may give the same
    pair, the last one stands), those new or changed since ``previous``, those gone, and
    how many pairs and undecided pairs the run holds in all."""
    pairs = {
        (a, b): (a, b, min(p, 1.0), rule, result.decisions[(a, b)])
        for a, b, p, rule in result.pairs
    }
    # Pairs without a record in the affected ones kept their scores and decisions.
    touched = _touching(previous.pairs, result.affected) if previous else None
    earlier = _pairs_of(touched) if touched is not None else {}
    changed = [pair for key, pair in pairs.items() if earlier.get(key) != pair[2:]]
    gone = sorted(earlier.keys() - pairs.keys())
    total, review = len(pairs), sum(d in _QUEUED for d in result.decisions.values())
    if previous is not None and touched is not None and result.affected is not None:
        total += previous.pairs.num_rows - touched.num_rows
        review += _undecided(previous.pairs) - _undecided(touched)
    return pairs, changed, gone, total, review


def _touching(pairs: pa.Table, affected: set[str] | None) -> pa.Table:
    """The ``pairs`` with a record in ``affected`` (all when None)."""
    if affected is None:
        return pairs
    wanted = pa.array(sorted(affected), type=pa.string())
    return pairs.filter(
        pc.or_(pc.is_in(pairs.column("uid_l"), wanted), pc.is_in(pairs.column("uid_r"), wanted))
    )


#: Decisions that put a pair in the review queue ("apart": the guard settled it on evidence).
_QUEUED = ("review", "refused")


def _undecided(pairs: pa.Table) -> int:
    """Pairs left for review or refused."""
    return int(pc.sum(pc.is_in(pairs.column("decision"), pa.array(_QUEUED))).as_py() or 0)


def _pairs_of(pairs: pa.Table) -> dict[tuple[str, str], tuple[float, str, str]]:
    names = ("uid_l", "uid_r", "match_probability", "rule", "decision")
    return {
        (a, b): (p, r, d)
        for a, b, p, r, d in zip(*(pairs.column(c).to_pylist() for c in names), strict=True)
    }


def _linked(result: LinkResult, child_of: dict[str, str]) -> list[tuple[str, str, float]]:
    """Linked pairs within one child among the records this run clustered."""
    return [
        (a, b, p) for a, b, p, _ in result.pairs
        if result.decisions[(a, b)] == "link" and a in child_of and child_of[a] == child_of.get(b)
    ]  # fmt: skip


def _leave_state(
    state: Path,
    key: RunKey,
    *,
    result: LinkResult,
    previous: Previous | None,
    since: RunKey | None,
    links: pa.Table,
    changed: pa.Table,
    pairs: list[tuple[str, str, float, str, str]],
    changed_pairs: list[tuple[str, str, float, str, str]],
    gone: list[tuple[str, str]],
    drafted: bool,
) -> None:
    """Leave run ``key``'s state for the next incremental run: the whole of it after a full
    run (every record's ``links``), else the state of the last run (``since``) with this
    run's changes."""
    if drafted and (result.affected is None or previous is None or since is None):
        complete_draft(state, key, links=links, pairs=_table(pairs, PAIR_STATE_SCHEMA))
        return
    assert previous is not None and since is not None
    if drafted:  # no state was kept: start it from the last run, then apply the changes
        complete_draft(state, since, links=previous.links, pairs=previous.pairs)
    update_state(
        state, key, since=since, features=result.features, links=changed,
        pairs=_table(changed_pairs, PAIR_STATE_SCHEMA), gone_pairs=gone,
    )  # fmt: skip


def _table(rows: Collection[tuple[object, ...]], schema: pa.Schema) -> pa.Table:
    """``rows`` (tuples in the order of ``schema``) as an Arrow table."""
    columns = list(zip(*rows, strict=True)) or [()] * len(schema)
    return pa.table([list(c) for c in columns], schema=schema)


def _store_key(store: Store) -> str:
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return f"sqlite:{os.path.abspath(url.database)}"
    return url.render_as_string(hide_password=True)


#: DTSEN attributes whose changes a run reports (desil, aid, disability).
_WATCHED = (
    "desil", "penerima_pkh", "penerima_sembako", "penerima_pbi_jk", "penerima_pip",
    "penerima_atensi", "ragam_disabilitas",
)  # fmt: skip


def _model_version(model_path: Path) -> str:
    try:
        return str(json.loads(model_path.read_text()).get("padan", {}).get("version", "unknown"))
    except (OSError, ValueError):
        return "unknown"
