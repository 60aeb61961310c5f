"""Clustering of linked pairs into children, guarded against chaining.

Plain connected components chain siblings and households into giant clusters as soon as a few
wrong links exist. Here pairs are merged strongest first, and a merge is refused (and sent to
review) only on evidence that holds in real registries: two different NIKs both verified
against Dukcapil, two DTSEN household heads, two members of one DTSEN household's roster
that cannot be one person entered twice (twins, siblings), or two DTSEN birth dates further
apart than a typing slip that only a chain of links brings together. A NIK that differs is not
a reason here: registries hold mistyped, shared and second NIKs (domain.md §2.2); the model
weighs it. On encodings, which show none of these, a DTSEN record joins a child only with the
child's DTSEN records it was itself scored alike with (``Node.direct``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from padan.linkage.roster import Member, date_slip, entered_twice

__all__ = ["CHAIN_REASON", "Clusters", "Node", "Refusal", "cluster_pairs", "refusal_reason"]


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
    nik_padan: bool = False  # the NIK was verified against Dukcapil (status_padan_dukcapil)
    sex: str | None = None
    registered_dob: str | None = None  # a DTSEN record's birth date, unless a placeholder
    # A DTSEN record of a run on encodings: it joins a child only with the child's DTSEN
    # records it was itself scored alike with (``alike`` of :func:`cluster_pairs`).
    direct: bool = False


@dataclass
class Clusters:
    """Cluster root of every record, and the pairs refused by the guard."""

    root: dict[str, str]
    # Merges refused that a person should look at: a reviewer's "different" overruled by a
    # chain, or two members of one household who may be twins or one child entered twice.
    refused: list[tuple[str, str, float]] = field(default_factory=list)
    # Merges refused on evidence that settles it (see :func:`refusal_reason`): kept apart,
    # explained, not queued for review.
    apart: list[tuple[str, str, float]] = field(default_factory=list)
    _nodes: dict[str, Node] = field(default_factory=dict, repr=False)
    _states: dict[str, _State] = field(default_factory=dict, repr=False)
    _weighed: frozenset[frozenset[str]] = field(default_factory=frozenset, repr=False)
    _alike: Collection[frozenset[str]] = field(default_factory=frozenset, repr=False)

    def conflict(self, a: str, b: str) -> Refusal | None:
        """Why the guard would keep the children of records ``a`` and ``b`` apart, or None.

        A pair in the review band whose "same" the guard would refuse anyway (the sibling of a
        child already linked) needs no person to look at it.
        """
        root_a, root_b = self.root.get(a), self.root.get(b)
        if root_a is None or root_b is None or root_a == root_b:
            return None
        here, there = self._state_of(root_a), self._state_of(root_b)
        return here.conflict(
            there, weighed=self._weighed, pair=frozenset((a, b)), alike=self._alike
        )

    def conflict_beside(
        self, a: str, b: str, child: Sequence[str], nodes: dict[str, Node]
    ) -> Refusal | None:
        """:meth:`conflict` of record ``a`` with record ``b`` that this clustering does not
        hold: ``child``, the records of ``b``'s child as it stands (an incremental run clusters
        only what a change reaches; the other children stay as they were), ``nodes`` theirs
        (and ``a``'s, if this clustering does not hold ``a`` either)."""
        root = self.root.get(a)
        if (root is None and a not in nodes) or not child:
            return None
        # A record this clustering does not hold is a child of its own.
        here = _State.of(nodes[a], a) if root is None else self._state_of(root)
        there = _State.of_all([(nodes[uid], uid) for uid in child])
        return here.conflict(
            there, weighed=self._weighed, pair=frozenset((a, b)), alike=self._alike
        )

    def _state_of(self, root: str) -> _State:
        # A root that never merged has no state kept: its record's own.
        return self._states.get(root) or _State.of(self._nodes[root], root)

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
    alike: Collection[frozenset[str]] = frozenset(),
) -> Clusters:
    """Merge ``pairs`` (uid_l, uid_r, probability) at or above ``threshold``, strongest first
    (but see :func:`_merge_order` for twins).

    A merge is refused when it would join two records a reviewer said are different children
    (``cannot_link``), or records the guard keeps apart (:func:`refusal_reason`). ``alike``:
    the pairs of ``direct`` records scored at least at the review threshold (or linked by a
    reviewer); a merge that would join two ``direct`` records whose own pair is not among them
    is refused for review.
    """
    parent = {uid: uid for uid in nodes}
    apart: dict[str, set[str]] = {}
    for a, b in cannot_link:
        if a in nodes and b in nodes:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    state: dict[str, _State] = {}  # by cluster root, made when a root is first merged
    refused: list[tuple[str, str, float]] = []
    settled: list[tuple[str, str, float]] = []

    def state_of(root: str) -> _State:
        if root not in state:
            state[root] = _State.of(nodes[root], root)
        return state[root]

    def find(uid: str) -> str:
        while parent[uid] != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    ordered = _merge_order(nodes, [p for p in pairs if p[2] >= threshold])
    # Pairs of DTSEN records the model itself linked: it weighed their birth dates. Which
    # pairs these are does not depend on the order of merging, so neither does the guard.
    weighed = frozenset(
        frozenset((a, b))
        for a, b, _ in ordered
        if nodes[a].registered_dob and nodes[b].registered_dob
    )
    for left, right, probability in ordered:
        a, b = find(left), find(right)
        if a == b:
            continue
        if any(find(other) == b for other in apart.get(a, ())):
            refused.append((left, right, probability))
            continue
        conflict = state_of(a).conflict(state_of(b), weighed=weighed, alike=alike)
        if conflict is not None:
            (refused if conflict.doubtful else settled).append((left, right, probability))
            continue
        if len(state_of(a).niks) < len(state_of(b).niks):
            a, b = b, a
        parent[b] = a
        state_of(a).absorb(state.pop(b))
        apart[a] = apart.get(a, set()) | apart.pop(b, set())
    return Clusters(
        {uid: find(uid) for uid in nodes}, refused, settled, nodes, state, weighed, alike
    )


def _merge_order(
    nodes: dict[str, Node], pairs: list[tuple[str, str, float]]
) -> list[tuple[str, str, float]]:
    """``pairs`` strongest first, except that a record scored alike with two members of one
    DTSEN household born on one day who cannot be one person (twins) meets first the one whose
    name it has.

    Twins share a birth date, parents, household and address; the name is what tells them
    apart (and parents do not give twins one name). A score that is higher for the other twin
    comes from what one twin's record lacks (a mother's name left out), which says nothing of
    which twin a complaint is about; nor does a NIK, since a complaint's NIK field often holds a
    sibling's (domain.md §2.2). The pair with the name written the same takes the place of the
    strongest of its rivals; the others then meet the guard.
    """
    partners: dict[str, list[tuple[int, str]]] = {}  # record -> (pair index, partner) in a roster
    for index, (left, right, _) in enumerate(pairs):
        for one, other in ((left, right), (right, left)):
            if nodes[other].household and nodes[other].name:
                partners.setdefault(one, []).append((index, other))
    lifted: dict[int, float] = {}
    for uid, found in partners.items():
        name = nodes[uid].name
        if len(found) < 2 or not name:
            continue
        named = [(i, o) for i, o in found if _compact(nodes[o].name) == _compact(name)]
        if len(named) != 1:
            continue
        index, twin = named[0]
        # (No other partner has the name: ``named`` holds one.)
        rivals = [pairs[i][2] for i, other in found if _twins(nodes[twin], nodes[other])]
        if rivals:
            lifted[index] = max(pairs[index][2], *rivals)
    order = sorted(
        range(len(pairs)),
        key=lambda i: (-lifted.get(i, pairs[i][2]), i not in lifted, pairs[i][0], pairs[i][1]),
    )
    return [pairs[i] for i in order]


def _twins(a: Node, b: Node) -> bool:
    """Two members of one roster born on one day who cannot be one person entered twice."""
    return bool(
        a.household
        and a.household == b.household
        and a.dob
        and a.dob == b.dob
        and entered_twice(_member(a), _member(b)) is not True
    )


def _compact(name: str | None) -> str:
    return (name or "").replace(" ", "")


def _member(node: Node) -> Member:
    return (node.name, node.dob, node.sex, _shown(node), node.nik)


class Refusal(NamedTuple):
    """Why the guard keeps two clusters apart, and whether a person should look at it."""

    reason: str
    doubtful: bool = False  # twins, or one child entered twice with a name slip: ask


def refusal_reason(nodes: Sequence[Node], others: Sequence[Node]) -> Refusal | None:
    """Why the guard keeps the records ``nodes`` and ``others`` apart, or None when it does not;
    ``nodes[0]`` and ``others[0]`` are the pair the model scored.

    For :mod:`padan.linkage.explain` and the review queue: the same rule the clustering applies.
    """
    here = _State.of_all([(node, f"a{number}") for number, node in enumerate(nodes)])
    there = _State.of_all([(node, f"b{number}") for number, node in enumerate(others)])
    return here.conflict(there, pair=frozenset(("a0", "b0")))


@dataclass(slots=True)
class _State:
    """What a cluster holds that the guard checks."""

    verified: set[str]  # NIKs verified against Dukcapil
    niks: set[str]
    heads: set[str]  # households whose head is in the cluster
    roster: dict[str, list[Member]]  # DTSEN household -> its members in the cluster
    born: set[tuple[str, str]]  # (record, birth date) of the cluster's DTSEN records
    direct: set[str]  # the cluster's records that join only records scored alike with them

    @classmethod
    def of(cls, node: Node, uid: str) -> _State:
        return cls(
            {node.nik} if node.nik and node.nik_padan else set(),
            {node.nik} if node.nik else set(),
            {node.household or ""} if node.is_head else set(),
            {node.household: [_member(node)]} if node.household else {},
            {(uid, node.registered_dob)} if node.registered_dob else set(),
            {uid} if node.direct else set(),
        )

    @classmethod
    def of_all(cls, members: Sequence[tuple[Node, str]]) -> _State:
        """The state of one cluster of ``members`` (node, uid; at least one)."""
        state = cls.of(*members[0])
        for node, uid in members[1:]:
            state.absorb(cls.of(node, uid))
        return state

    def conflict(
        self,
        other: _State,
        *,
        weighed: Collection[frozenset[str]] = frozenset(),
        pair: frozenset[str] | None = None,
        alike: Collection[frozenset[str]] = frozenset(),
    ) -> Refusal | None:
        """Why one person cannot hold both clusters' records, or None. ``weighed``: the pairs
        the model scored at or above the threshold, and ``pair``, the one that would merge the
        two: the model compared their birth dates itself. ``alike``: the pairs of ``direct``
        records scored at least at the review threshold."""
        if len(self.verified | other.verified) > 1:
            return Refusal("two different NIKs, both verified by Dukcapil")
        same_nik = bool(self.niks & other.niks)
        # Every resident is on one KK, headed by one person (domain.md §2.3): two heads are two
        # households' heads, unless one NIK shows one person registered twice.
        if len(self.heads | other.heads) > 1 and not same_nik:
            return Refusal("the heads of two DTSEN households")
        for household in self.roster.keys() & other.roster.keys():
            for a in self.roster[household]:
                for b in other.roster[household]:
                    verdict = entered_twice(a, b)
                    if verdict is not True:
                        return Refusal(
                            "two members of one DTSEN household (twins or siblings)",
                            doubtful=verdict is None,
                        )
        # One person has one birth date: two that DTSEN records give, further apart than a
        # typing slip, brought together by a chain of links through records without a date,
        # are two people. The two records of the pair itself are not a chain: registries hold
        # one person twice under birth dates further apart (domain.md §2.2), and the model
        # weighed their dates.
        if any(
            not date_slip(a, b) and frozenset((x, y)) not in weighed and frozenset((x, y)) != pair
            for x, a in self.born
            for y, b in other.born
        ):
            return Refusal("two DTSEN birth dates further apart than a typing slip")
        # One person is registered a few times at most, each time under their own name, birth
        # date and mother: every two of a child's DTSEN records are alike themselves, not only
        # through a chain (alike names of one regency chain thousands of people on encodings).
        if any(
            frozenset((x, y)) not in alike and frozenset((x, y)) != pair
            for x in self.direct
            for y in other.direct
        ):
            return Refusal(CHAIN_REASON, doubtful=True)
        return None

    def absorb(self, other: _State) -> None:
        self.verified |= other.verified
        self.niks |= other.niks
        self.heads |= other.heads
        self.born |= other.born
        self.direct |= other.direct
        for household, members in other.roster.items():
            self.roster.setdefault(household, []).extend(members)


#: Why the guard refuses a merge of encoded DTSEN records not scored alike with each other.
CHAIN_REASON = (
    "two DTSEN records that only a chain of links brings together: their own pair was scored "
    "below the review threshold or never a candidate"
)


def _shown(node: Node) -> str | None:
    """The node's NIK if its record shows it right (district and birth date agree)."""
    return node.nik if node.nik_proven else None
