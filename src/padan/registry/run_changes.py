"""What a linkage run changed since the last one: its links and pairs as Arrow tables, the
pairs new, changed or gone, and the state it leaves for the next incremental run."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from padan.linkage import LinkResult
from padan.linkage.state import PAIR_STATE_SCHEMA, Previous, RunKey, complete_draft, update_state

__all__ = [
    "arrow_table",
    "changed_links",
    "children_of",
    "kept_events",
    "leave_state",
    "left_links",
    "linked_within_children",
    "links_of",
    "pair_changes",
    "store_links",
    "value_counts",
]


def links_of(links: pa.Table, affected: set[str] | None) -> pa.Table:
    """The rows of ``links`` (:data:`LINK_STATE_SCHEMA`) for ``affected`` (all when None)."""
    if affected is None:
        return links
    return links.filter(pc.is_in(links["uid"], pa.array(sorted(affected), pa.string())))


def children_of(links: pa.Table, uids: set[str]) -> dict[str, str]:
    """Record → child id in ``links``, for ``uids``."""
    rows = links.filter(pc.is_in(links["uid"], pa.array(sorted(uids), pa.string())))
    return dict(zip(rows["uid"].to_pylist(), rows["child_id"].to_pylist(), strict=True))


def changed_links(now: pa.Table, before: pa.Table) -> pa.Table:
    """The rows of ``now`` whose record has another child or probability in ``before``."""
    at = pc.index_in(now["uid"], before["uid"])
    child, probability = (pc.take(before[c], at) for c in ("child_id", "probability"))
    same_child = pc.fill_null(pc.equal(now["child_id"], child), False)
    same_probability = pc.or_kleene(
        pc.and_(pc.is_null(now["probability"]), pc.is_null(probability)),
        pc.fill_null(pc.equal(now["probability"], probability), False),
    )
    return now.filter(pc.invert(pc.and_(same_child, same_probability)))


def left_links(now: pa.Table, before: pa.Table) -> list[str]:
    """The records of ``before`` without a link in ``now``: no longer current (a snapshot
    retired them), their links end."""
    gone = before["uid"].filter(pc.invert(pc.is_in(before["uid"], now["uid"])))
    return sorted(gone.to_pylist())


def store_links(links: pa.Table) -> pa.Table:
    """``links`` (:data:`LINK_STATE_SCHEMA`) as the store takes them: the record's source and
    source id apart, in the order of its index (a million rows insert faster in order)."""
    links = links.sort_by("uid")
    parts = pc.split_pattern(links["uid"], ":", max_splits=1)
    return pa.table(
        {
            "source": pc.list_element(parts, 0),
            "source_id": pc.list_element(parts, 1),
            "child_id": links["child_id"],
            "match_probability": links["probability"],
        }
    )


def kept_events(events: pa.Table) -> pa.Table:
    """The events the links do not tell already: merges, splits and retired ids. A new id is
    the first run its links hold in (``child_links.run_id``); a national first run has a
    million of them, and storing each again took 6 s."""
    return events.filter(pc.not_equal(events["event"], "new"))


def value_counts(values: pa.ChunkedArray) -> dict[str, int]:
    counted = pc.value_counts(values)
    names, counts = (counted.field(f).to_pylist() for f in ("values", "counts"))
    return dict(zip(names, counts, strict=True))


def pair_changes(
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
    # Pairs without a record in the affected ones kept their scores and decisions; those of
    # a retired record are gone.
    around = None if result.affected is None else result.affected | result.retired
    touched = _touching(previous.pairs, around) if previous else None
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


def linked_within_children(
    result: LinkResult, child_of: dict[str, str]
) -> list[tuple[str, str, float]]:
    """Linked pairs within one child among the records this run clustered."""
    return [
        (a, b, p)
        for a, b, p, _ in result.pairs
        if result.decisions[(a, b)] == "link" and a in child_of and child_of[a] == child_of.get(b)
    ]


def leave_state(
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
    gone_records: Collection[str] = (),
) -> None:
    """Leave run ``key``'s state for the next incremental run: the whole of it after a full
    run (every record's ``links``), else the state of the last run (``since``) with this
    run's changes (``gone_records``: records whose links and features leave the state)."""
    if drafted and (result.affected is None or previous is None or since is None):
        complete_draft(state, key, links=links, pairs=arrow_table(pairs, PAIR_STATE_SCHEMA))
        return
    assert previous is not None and since is not None
    if drafted:  # no state was kept: start it from the last run, then apply the changes
        complete_draft(state, since, links=previous.links, pairs=previous.pairs)
    update_state(
        state,
        key,
        since=since,
        features=result.features,
        links=changed,
        pairs=arrow_table(changed_pairs, PAIR_STATE_SCHEMA),
        gone_pairs=gone,
        gone_records=gone_records,
    )


def arrow_table(rows: Collection[tuple[object, ...]], schema: pa.Schema) -> pa.Table:
    """``rows`` (tuples in the order of ``schema``) as an Arrow table."""
    columns = list(zip(*rows, strict=True)) or [()] * len(schema)
    return pa.table([list(c) for c in columns], schema=schema)
