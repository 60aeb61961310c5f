"""Stable child ids: a child keeps its id from run to run as long as its records stay together."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from padan.store import ChildEvent

__all__ = ["assign_child_ids", "format_child_id", "parse_child_id"]


def format_child_id(number: int) -> str:
    """``12`` → ``"PDN000000012"``."""
    return f"PDN{number:09d}"


def assign_child_ids(
    clusters: Sequence[Sequence[str]], previous: dict[str, str], *, highest: int = 0
) -> tuple[dict[str, str], list[ChildEvent]]:
    """Give each cluster of records a child id, reusing ids of the previous run by overlap.

    ``previous`` maps record → child id of the last run. A previous id goes to the new cluster
    holding most of its records (ties: the cluster with the smallest record id); each cluster
    inherits at most one id, the one it shares most records with. Clusters that inherit nothing
    get new ids after the highest one ever given (``highest``, or the highest in ``previous``).
    Returns record → child id and the events: ``new`` ids, ``merge`` (another previous
    child's records joined this one), ``split`` (some of a previous child's records left for
    another child) and ``retired`` ids.
    """
    overlaps: list[tuple[int, str, int, str]] = []  # (-shared, first record, cluster, old id)
    shares = [_shares(members, previous) for members in clusters]
    for index, (members, shared_ids) in enumerate(zip(clusters, shares, strict=True)):
        for old, shared in shared_ids.items():
            overlaps.append((-shared, min(members), index, old))
    given: dict[int, str] = {}
    taken: set[str] = set()
    for _, _, index, old in sorted(overlaps):
        if index not in given and old not in taken:
            given[index] = old
            taken.add(old)
    next_number = max(highest, max(map(parse_child_id, previous.values()), default=0)) + 1
    child_of: dict[str, str] = {}
    events: list[ChildEvent] = []
    for index, members in enumerate(clusters):
        if index not in given:
            given[index] = format_child_id(next_number)
            next_number += 1
            events.append(ChildEvent("new", given[index], None, len(members)))
        for member in members:
            child_of[member] = given[index]
    for index, shared_ids in enumerate(shares):
        for old, shared in shared_ids.items():
            if old != given[index]:
                kind = "merge" if old not in taken else "split"
                target, other = (given[index], old)
                events.append(ChildEvent(kind, target, other, shared))
    for old in sorted(set(previous.values()) - taken):
        events.append(ChildEvent("retired", old, None, 0))
    return child_of, events


def _shares(members: Sequence[str], previous: dict[str, str]) -> dict[str, int]:
    """Previous child id → how many of ``members`` it held."""
    if len(members) == 1:  # most children, on a national run: no Counter for them
        old = previous.get(members[0])
        return {old: 1} if old is not None else {}
    return Counter(previous[m] for m in members if m in previous)


def parse_child_id(child_id: str) -> int:
    """``"PDN000000012"`` → ``12`` (0 for anything else)."""
    digits = child_id.removeprefix("PDN")
    return int(digits) if digits.isdigit() else 0
