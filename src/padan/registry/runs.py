"""A linkage run as the registry sees it: link, keep child ids stable, respect reviewers, store."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from padan.linkage import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    LinkEngine,
    link_records,
)
from padan.registry.ids import assign_child_ids
from padan.store import ChildLink, LinkRun, Store

__all__ = ["RunSummary", "run_linkage"]


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
    ("same" / "different") are applied as must-link / cannot-link. Raises what
    :func:`padan.linkage.link_records` raises. ``engine`` runs Splink (default DuckDB).
    """
    started = dt.datetime.now(dt.UTC)
    decisions = store.review_decisions()
    last = store.latest_link_run()
    incremental = (
        last is not None and not full and not retrain and model_path.exists()
        and (last.link_threshold, last.review_threshold) == (link_threshold, review_threshold)
        and last.model_version == _model_version(model_path)
    )  # fmt: skip
    known_pairs = (
        [(a, b, p, rule) for a, b, p, rule, _ in store.link_pairs(last.id)]
        if incremental and last else []
    )  # fmt: skip
    result = link_records(
        store, model_path=model_path, retrain=retrain, link_threshold=link_threshold,
        review_threshold=review_threshold, seed=seed, progress=progress,
        must_link=[(d.uid_a, d.uid_b) for d in decisions if d.decision == "same"],
        cannot_link=[(d.uid_a, d.uid_b) for d in decisions if d.decision == "different"],
        known_batches=last.batches if incremental and last else None, known_pairs=known_pairs,
        engine=engine,
    )  # fmt: skip
    clock = time.perf_counter()
    previous = store.child_of(last.id) if last else {}
    child_of, events = assign_child_ids(result.clusters, previous)
    strongest: dict[str, float] = {}
    for left, right, probability, _ in result.pairs:
        if result.decisions[(left, right)] == "link" and child_of[left] == child_of[right]:
            for uid in (left, right):
                strongest[uid] = max(strongest.get(uid, 0.0), min(probability, 1.0))
    links = [
        ChildLink(source, source_id, child_id, strongest.get(uid))
        for uid, child_id in sorted(child_of.items())
        for source, _, source_id in (uid.partition(":"),)
    ]
    pairs = [(a, b, min(p, 1.0), rule, result.decisions[(a, b)]) for a, b, p, rule in result.pairs]
    batches = [b.id for b in store.list_batches() if b.source in ("kpai", "dtsen")]
    new_batches = [b for b in batches if last is None or b not in last.batches]
    run = LinkRun(
        0, started, dt.datetime.now(dt.UTC), _model_version(model_path),
        link_threshold, review_threshold, result.records, result.children, batches,
    )  # fmt: skip
    seconds = {**result.seconds, "child ids": time.perf_counter() - clock}
    clock = time.perf_counter()
    run_id = store.save_link_run(run, links, pairs, events)
    seconds["storing"] = time.perf_counter() - clock
    new_links = sum(
        1 for (a, b), d in result.decisions.items()
        if d == "link" and (a not in previous or b not in previous or previous[a] != previous[b])
    ) if last else 0  # fmt: skip
    changes = store.changed_attributes("dtsen_individu", new_batches, _WATCHED) if last else []
    return RunSummary(
        run_id, result.records, result.children, len(pairs),
        sum(d != "link" for d in result.decisions.values()), result.trained, model_path,
        dict(Counter(e.event for e in events)), seconds, incremental, result.fresh,
        new_links, dict(Counter(column for _, column, _, _ in changes)),
    )  # fmt: skip


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
