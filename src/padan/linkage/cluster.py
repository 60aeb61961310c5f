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
    household: str | None = None  # DTSEN household (family) id
    is_head: bool = False
    dob: str | None = None
    name: str | None = None
    # The record's district and birth date are known and agree with the NIK's own parts.
    nik_proven: bool = True


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
    state: dict[str, _State] = {}  # by cluster root, made when a root is first merged
    refused: list[tuple[str, str, float]] = []

    def state_of(root: str) -> _State:
        if root not in state:
            state[root] = _State.of(nodes[root])
        return state[root]

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
        if any(find(other) == b for other in apart.get(a, ())) or state_of(a).conflicts(
            state_of(b)
        ):
            refused.append((left, right, probability))
            continue
        if len(state_of(a).niks) < len(state_of(b).niks):
            a, b = b, a
        parent[b] = a
        state_of(a).absorb(state.pop(b))
        apart[a] = apart.get(a, set()) | apart.pop(b, set())
    return Clusters({uid: find(uid) for uid in nodes}, refused)


@dataclass(slots=True)
class _State:
    """What a cluster holds that the guard checks."""

    niks: dict[str, tuple[bool, str | None]]  # valid NIK -> (proven by a record, household)
    names: set[str]
    heads: set[str]  # households whose head is in the cluster
    born: dict[str, set[str]]  # DTSEN household|birth date -> names: who could be twins
    years: dict[str, set[int]]  # DTSEN household -> birth years: who could be siblings

    @classmethod
    def of(cls, node: Node) -> _State:
        key = f"{node.household}|{node.dob}" if node.household and node.dob else None
        return cls(
            {node.nik: (node.nik_proven, node.household)} if node.nik else {},
            {node.name} if node.name else set(),
            {node.household or ""} if node.is_head else set(),
            {key: {node.name}} if key and node.name else {},
            {node.household: {int(node.dob[:4])}} if node.household and node.dob else {},
        )

    def conflicts(self, other: _State) -> bool:
        """True when one child cannot hold both: two NIKs, two households' heads, or twins."""
        if self._nik_conflict(other) or self._siblings(other):
            return True
        same_nik = bool(self.niks.keys() & other.niks.keys())
        # Two heads are two households, unless one NIK or one household shows it is one person.
        if len(self.heads | other.heads) > 1 and not same_nik:
            return True
        return not same_nik and _twins(self.born, other.born)

    def _nik_conflict(self, other: _State) -> bool:
        return any(
            x != y and not _typo(x, here, y, there, (self.names, other.names))
            for x, here in self.niks.items()
            for y, there in other.niks.items()
        )

    def _siblings(self, other: _State) -> bool:
        # One household registers one person once per birth date; two birth years two or more
        # apart in one household are two children (siblings given the same name).
        return any(
            max(self.years[h] | other.years[h]) - min(self.years[h] | other.years[h]) >= 2
            for h in self.years.keys() & other.years.keys()
        )

    def absorb(self, other: _State) -> None:
        for nik, (proven, household) in other.niks.items():
            # One record that shows its NIK right shows the NIK was not mistyped.
            was_proven, was_household = self.niks.get(nik, (False, None))
            self.niks[nik] = (proven or was_proven, household or was_household)
        self.names |= other.names
        self.heads |= other.heads
        for key, names in other.born.items():
            self.born[key] = self.born.get(key, set()) | names
        for household, years in other.years.items():
            self.years[household] = self.years.get(household, set()) | years


def _typo(
    x: str,
    here: tuple[bool, str | None],
    y: str,
    there: tuple[bool, str | None],
    names: tuple[set[str], set[str]],
) -> bool:
    """True when two valid NIKs one keystroke apart can be one NIK mistyped.

    Never two DTSEN NIKs: DTSEN's are matched to Dukcapil's register, so two of them are two
    people (twins differ only in the serial digits). Otherwise, when a record does not show its
    NIK right (it contradicts the record, or the record lacks the district or birth date to
    check it), the slip cannot be ruled out; when both do, only the serial digits can be
    mistyped, and only if the two clusters write one name alike.
    """
    (proven_x, household_x), (proven_y, household_y) = here, there
    if not _one_edit(x, y) or (household_x is not None and household_y is not None):
        return False
    if not (proven_x and proven_y):
        return True
    return x[:12] == y[:12] and any(_one_name(a, b) for a in names[0] for b in names[1])


def _one_edit(x: str, y: str) -> bool:
    """One digit different, or two neighbouring digits swapped."""
    if len(x) != len(y):
        return False
    diff = [i for i, (a, b) in enumerate(zip(x, y, strict=True)) if a != b]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and x[diff[0]] == y[diff[1]]
        and x[diff[1]] == y[diff[0]]
    )


def _twins(left: dict[str, set[str]], right: dict[str, set[str]]) -> bool:
    """True when both sides hold people born the same day in one household, with other names.

    A name that is the other written short (Sarah / Sarah Aisyah) is one child, not twins.
    """
    return any(
        not _one_name(a, b)
        for key in left.keys() & right.keys()
        for a in left[key]
        for b in right[key]
    )


def _one_name(a: str, b: str) -> bool:
    """The two names can be one written twice: one is the other written short (Sarah / Sarah
    Aisyah), or they are close (Herman / Hermam, Muhamad Rizki / Muhammad Rizky)."""
    short, long = sorted((a.split(), b.split()), key=len)
    return set(short) <= set(long) or SequenceMatcher(None, a, b).ratio() >= _TWIN_NAME_RATIO


# Below this similarity two names in one household on one birth date are two children; above
# it, one child written twice (Herman/Hermam, Muhamad Rizki/Muhammad Rizky).
_TWIN_NAME_RATIO = 0.75
