"""Small-cell suppression for aggregates meant for a wider audience.

Primary suppression hides counts 1-4 (shown as ``<5``). Complementary suppression then makes
sure no hidden count can be derived from what is shown: every published additive relation
(parts that add up to a total) with exactly one hidden cell gets a second one hidden, the
smallest cell that is still shown, until no relation has a single unknown.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

__all__ = ["SUPPRESSED", "THRESHOLD", "Relation", "suppress"]

#: What a hidden count is shown as.
SUPPRESSED = "<5"
#: Counts from 1 to THRESHOLD - 1 are hidden.
THRESHOLD = 5

K = TypeVar("K", bound=Hashable)
#: ``(parts, total)``: the values of ``parts`` add up to the value of ``total``.
Relation = tuple[Sequence[K], K]


def suppress(cells: Mapping[K, int], relations: Sequence[Relation[K]]) -> set[K]:
    """The keys of ``cells`` to hide: primary (1-4) plus complementary ones.

    ``relations`` lists every additive relation a reader can see. Keys in a relation that are
    not in ``cells`` are ignored. Deterministic: ties are broken by the order of the parts.
    """
    hidden = {key for key, value in cells.items() if 0 < value < THRESHOLD}
    changed = bool(hidden)
    while changed:
        changed = False
        for parts, total in relations:
            members = [k for k in (*parts, total) if k in cells]
            unknown = [k for k in members if k in hidden]
            if len(unknown) != 1:
                continue
            shown = [k for k in members if k not in hidden]
            if not shown:
                continue
            # Hide the smallest non-zero part (zeros reveal nothing), then a zero, then the total.
            order = {k: i for i, k in enumerate(members)}
            pick = min(
                shown,
                key=lambda k: (k == total, cells[k] == 0, cells[k], order[k]),
            )
            hidden.add(pick)
            changed = True
    return hidden
