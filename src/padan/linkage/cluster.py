"""Clustering of linked pairs into children, guarded against chaining.

Plain connected components chain siblings and households into giant clusters as soon as a few
wrong links exist. Here pairs are merged strongest first, and a merge is refused (and sent to
review) when the merged cluster would hold two different valid NIKs, two DTSEN household heads,
or two quite different names born on the same day in the same DTSEN household (twins).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

__all__ = ["Clusters", "Node", "cluster_pairs"]


@dataclass(frozen=True, slots=True)
class Node:
    """What the guard needs to know of one record."""

    nik: str | None  # a valid NIK, else None
    is_head: bool
    twin_key: str | None = None  # DTSEN household and birth date: who could be a twin
    name: str | None = None


@dataclass
class Clusters:
    """Cluster root of every record, and the pairs refused by the guard."""

    root: dict[str, str]
    refused: list[tuple[str, str, float]] = field(default_factory=list)

    def members(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for uid, root in self.root.items():
            groups.setdefault(root, []).append(uid)
        return groups


def cluster_pairs(
    nodes: dict[str, Node],
    pairs: Iterable[tuple[str, str, float]],
    *,
    threshold: float,
    cannot_link: Iterable[tuple[str, str]] = (),
) -> Clusters:
    """Merge ``pairs`` (uid_l, uid_r, probability) at or above ``threshold``, strongest first.

    A merge is refused when it would join two records a reviewer said are different children
    (``cannot_link``), two different valid NIKs, or two household heads.
    """
    parent = {uid: uid for uid in nodes}
    apart: dict[str, set[str]] = {}
    for a, b in cannot_link:
        if a in nodes and b in nodes:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    niks = {uid: {n.nik} if n.nik else set() for uid, n in nodes.items()}
    heads = {uid: int(n.is_head) for uid, n in nodes.items()}
    twins: dict[str, dict[str, set[str]]] = {
        uid: {n.twin_key: {n.name}} for uid, n in nodes.items() if n.twin_key and n.name
    }
    refused: list[tuple[str, str, float]] = []

    def find(uid: str) -> str:
        while parent[uid] != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    ordered: Sequence[tuple[str, str, float]] = sorted(
        (p for p in pairs if p[2] >= threshold), key=lambda p: (-p[2], p[0], p[1])
    )
    for left, right, probability in ordered:
        a, b = find(left), find(right)
        if a == b:
            continue
        # Two heads are two households, unless one valid NIK shows it is one person twice.
        same_nik = bool(niks[a]) and niks[a] == niks[b]
        if (
            len(niks[a] | niks[b]) > 1
            or (heads[a] + heads[b] > 1 and not same_nik)
            or any(find(other) == b for other in apart.get(a, ()))
            or _twins(twins.get(a, {}), twins.get(b, {}))
        ):
            refused.append((left, right, probability))
            continue
        if len(niks[a]) < len(niks[b]):
            a, b = b, a
        parent[b] = a
        niks[a] |= niks.pop(b)
        heads[a] += heads.pop(b)
        apart[a] = apart.get(a, set()) | apart.pop(b, set())
        if b in twins:
            merged = twins.setdefault(a, {})
            for key, names in twins.pop(b).items():
                merged[key] = merged.get(key, set()) | names
    return Clusters({uid: find(uid) for uid in nodes}, refused)


def _twins(left: dict[str, set[str]], right: dict[str, set[str]]) -> bool:
    """True when both sides hold people born the same day in one household, with other names."""
    for key in left.keys() & right.keys():
        for a in left[key]:
            for b in right[key]:
                if SequenceMatcher(None, a, b).ratio() < _TWIN_NAME_RATIO:
                    return True
    return False


# Below this similarity two names in one household on one birth date are two children; above
# it, one child written twice (Herman/Hermam, Muhamad Rizki/Muhammad Rizky).
_TWIN_NAME_RATIO = 0.75
