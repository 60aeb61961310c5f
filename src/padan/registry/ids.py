"""Stable child ids: a child keeps its id from run to run as long as its records stay together."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "EVENT_SCHEMA",
    "ID_SCHEMA",
    "ChildIds",
    "assign_child_ids",
    "format_child_id",
    "parse_child_id",
]

#: Record → child id.
ID_SCHEMA = pa.schema([("uid", pa.string()), ("child_id", pa.string())])
#: What happened to a child id in a run: ``new``, ``merge``, ``split`` or ``retired``.
EVENT_SCHEMA = pa.schema(
    [
        ("event", pa.string()),
        ("child_id", pa.string()),
        ("other_child_id", pa.string()),
        ("records", pa.int64()),
    ]
)


@dataclass(frozen=True)
class ChildIds:
    """A run's child ids: ``of`` the records in clusters, ``alone`` (:data:`ID_SCHEMA`) for
    the records on their own, and the id ``events`` (:data:`EVENT_SCHEMA`)."""

    of: dict[str, str]
    alone: pa.Table
    events: pa.Table


def format_child_id(number: int) -> str:
    """``12`` → ``"PDN000000012"``."""
    return f"PDN{number:09d}"


def parse_child_id(child_id: str) -> int:
    """``"PDN000000012"`` → ``12`` (0 for anything else)."""
    digits = child_id.removeprefix("PDN")
    return int(digits) if digits.isdigit() else 0


def assign_child_ids(
    clusters: Sequence[Sequence[str]],
    previous: pa.Table,
    *,
    alone: pa.Array | None = None,
    highest: int = 0,
) -> ChildIds:
    """Give each cluster of records, and each record ``alone``, a child id, reusing the ids of
    the previous run (``previous``, :data:`ID_SCHEMA`) by overlap.

    A previous id goes to the new cluster holding most of its records (ties: the cluster with
    the smallest record id); each cluster inherits at most one id, the one it shares most
    records with. Clusters that inherit nothing get new ids after the highest one ever given
    (``highest``, or the highest in ``previous``), in the order of their smallest record.
    Events: ``new`` ids, ``merge`` (another previous child's records joined this one),
    ``split`` (some of a previous child's records left for another child), ``retired`` ids.

    A national run has a million records alone. Their ids are worked out on whole columns:
    only those whose previous child has other pieces now join the contest for its id.
    """
    alone = pa.array([], pa.string()) if alone is None else alone
    uids, ids = (previous[c].combine_chunks() for c in ("uid", "child_id"))
    clustered = pa.array([uid for members in clusters for uid in members], pa.string())
    known = pc.is_in(uids, clustered)
    before = dict(zip(uids.filter(known).to_pylist(), ids.filter(known).to_pylist(), strict=True))
    shares = [_shares(members, before) for members in clusters]
    # Each record alone: its previous child, and whether that child has other pieces now.
    old = pc.take(ids, pc.index_in(alone, uids))
    counted = pc.value_counts(old.drop_null())
    pieces = {o for shared in shares for o in shared}
    contested = [
        o
        for o, n in zip(
            counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
        )
        if n > 1 or o in pieces
    ]
    in_contest = pc.is_in(old, pa.array(contested, pa.string()))
    contestants = alone.filter(in_contest).to_pylist()
    their_old = old.filter(in_contest).to_pylist()
    # The contest, strongest overlap first: (-records shared, first record, owner, old id).
    overlaps: list[tuple[int, str, int | str, str]] = [
        (-shared, min(members), index, o)
        for index, (members, shared_ids) in enumerate(zip(clusters, shares, strict=True))
        for o, shared in shared_ids.items()
    ]
    overlaps += [(-1, uid, uid, o) for uid, o in zip(contestants, their_old, strict=True)]
    given: dict[int | str, str] = {}
    taken: set[str] = set()
    for _, _, owner, o in sorted(overlaps):
        if owner not in given and o not in taken:
            given[owner] = o
            taken.add(o)
    alone_ids = pc.replace_with_mask(
        old, in_contest, pa.array([given.get(uid) for uid in contestants], pa.string())
    )
    # New ids, in the order of each new child's smallest record.
    unnamed = [index for index in range(len(clusters)) if index not in given]
    unnamed_alone = pc.is_null(alone_ids)
    firsts = pa.concat_arrays(
        [pa.array([min(clusters[i]) for i in unnamed], pa.string()), alone.filter(unnamed_alone)]
    )
    order = pc.sort_indices(firsts)
    start = 1 + max(highest, parse_child_id(pc.max(ids).as_py() or ""))
    numbers = pc.add(pc.sort_indices(order), start)  # the rank of each first record
    new_ids = pc.binary_join_element_wise(
        "PDN", pc.utf8_lpad(pc.cast(numbers, pa.string()), 9, "0"), ""
    )
    given.update(zip(unnamed, new_ids[: len(unnamed)].to_pylist(), strict=True))
    alone_ids = pc.replace_with_mask(alone_ids, unnamed_alone, new_ids[len(unnamed) :])
    sizes = [len(clusters[i]) for i in unnamed] + [1] * (len(firsts) - len(unnamed))
    new = pa.table(
        [
            pa.array(["new"] * len(firsts)),
            new_ids,
            pa.nulls(len(firsts), pa.string()),
            pa.array(sizes, pa.int64()),
        ],
        schema=EVENT_SCHEMA,
    ).take(order)
    # Who holds each previous id now: (child id, previous id → records shared).
    holders = [(given[index], shared) for index, shared in enumerate(shares)]
    holders += [
        (child, {o: 1})
        for child, o in zip(alone_ids.filter(in_contest).to_pylist(), their_old, strict=True)
    ]
    moves = [
        ("merge" if o not in taken else "split", child, o, shared)
        for child, shared_ids in holders
        for o, shared in shared_ids.items()
        if o != child
    ]
    kept = pa.concat_arrays(
        [pa.array(sorted(taken), pa.string()), old.filter(pc.invert(in_contest)).drop_null()]
    )
    ever = pc.unique(ids)
    retired = sorted(ever.filter(pc.invert(pc.is_in(ever, kept))).to_pylist())
    events = pa.concat_tables(
        [new, _events(moves), _events([("retired", o, None, 0) for o in retired])]
    )
    of = {uid: given[index] for index, members in enumerate(clusters) for uid in members}
    return ChildIds(of, pa.table([alone, alone_ids], schema=ID_SCHEMA), events)


def _shares(members: Sequence[str], previous: dict[str, str]) -> dict[str, int]:
    """Previous child id → how many of ``members`` it held."""
    return Counter(previous[m] for m in members if m in previous)


def _events(rows: Sequence[tuple[str, str, str | None, int]]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) or [()] * 4
    return pa.table([list(c) for c in columns], schema=EVENT_SCHEMA)
