"""A linkage run as the registry sees it: link, keep child ids stable, respect reviewers, store."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from padan.linkage import DEFAULT_LINK_THRESHOLD, DEFAULT_REVIEW_THRESHOLD, link_records
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


def run_linkage(
    store: Store,
    *,
    model_path: Path,
    retrain: bool = False,
    link_threshold: float = DEFAULT_LINK_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    seed: int = 42,
    progress: Callable[[str], None] | None = None,
) -> RunSummary:
    """Link all current records, keep child ids of the previous run by overlap, and store it all.

    Reviewers' decisions ("same" / "different") are applied as must-link / cannot-link. Raises
    what :func:`padan.linkage.link_records` raises.
    """
    started = dt.datetime.now(dt.UTC)
    decisions = store.review_decisions()
    result = link_records(
        store, model_path=model_path, retrain=retrain, link_threshold=link_threshold,
        review_threshold=review_threshold, seed=seed, progress=progress,
        must_link=[(d.uid_a, d.uid_b) for d in decisions if d.decision == "same"],
        cannot_link=[(d.uid_a, d.uid_b) for d in decisions if d.decision == "different"],
    )  # fmt: skip
    last = store.latest_link_run()
    previous = (
        {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(last.id)}
        if last
        else {}
    )
    child_of, events = assign_child_ids(result.clusters, previous)
    strongest: dict[str, float] = {}
    for left, right, probability, _ in result.pairs:
        if result.decisions[(left, right)] == "link" and child_of[left] == child_of[right]:
            for uid in (left, right):
                strongest[uid] = max(strongest.get(uid, 0.0), min(probability, 1.0))
    links = [
        ChildLink(*_split_uid(uid), child_id, strongest.get(uid))
        for uid, child_id in sorted(child_of.items())
    ]
    pairs = [(a, b, min(p, 1.0), rule, result.decisions[(a, b)]) for a, b, p, rule in result.pairs]
    model = json.loads(model_path.read_text())
    run = LinkRun(
        0, started, dt.datetime.now(dt.UTC), model.get("padan", {}).get("version", "unknown"),
        link_threshold, review_threshold, result.records, result.children,
        [b.id for b in store.list_batches() if b.source in ("kpai", "dtsen")],
    )  # fmt: skip
    run_id = store.save_link_run(run, links, pairs, events)
    return RunSummary(
        run_id, result.records, result.children, len(pairs),
        sum(d != "link" for d in result.decisions.values()), result.trained, model_path,
        dict(Counter(e.event for e in events)), result.seconds,
    )  # fmt: skip


def _split_uid(uid: str) -> tuple[str, str]:
    source, source_id = uid.split(":", 1)
    return source, source_id
