"""Comparing two encoding files: candidate pairs from shared block keys, scored by Dice
similarity, kept above a threshold. What the party holding only encodings can do.

This is a plain threshold linker for measuring the encodings, in memory and outside any store.
Padan's own linkage on encodings, into its master index and review queue, is
:func:`padan.linkage.link_encoded` (``padan ingest … --encoded``, ``padan link``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from padan.errors import InputError
from padan.pprl.bloom import dice
from padan.pprl.output import EncodedFile

__all__ = [
    "DEFAULT_THRESHOLD",
    "DEFAULT_WEIGHTS",
    "Match",
    "candidate_pairs",
    "link_encodings",
    "score",
    "score_candidates",
    "select_matches",
]

#: Weights of the field filters in the ``fields`` score: how much each field tells people apart.
DEFAULT_WEIGHTS: Final[Mapping[str, float]] = {
    "name": 3.0,
    "mother": 1.5,
    "birth_date": 2.0,
    "region": 1.0,
    "nik": 2.5,
    "kk": 0.5,
    "sex": 0.5,
}
#: The ``fields`` score at which a pair is linked (benchmarks/pprl.py measures it).
DEFAULT_THRESHOLD: Final = 0.75
#: Fields compared as identifiers, and their steps: the Dice of the same number under the
#: default schema (512 bits, 15 hashes, noise 0.03) is 0.92-0.98, of numbers one digit apart
#: 0.84-0.90 (measured on 200 each); a schema with other NIK settings needs other steps.
_STEPPED: Final = frozenset({"nik", "kk"})
_SAME: Final = 0.905
_ONE_OFF: Final = 0.85
#: A block key shared by more records than this on one side is skipped: it says little
#: and would cost most of the comparisons.
_MAX_BLOCK: Final = 5000


@dataclass(frozen=True, slots=True)
class Match:
    """One linked pair: the left and right record ids and their similarity."""

    left: str
    right: str
    score: float


def _index(right: EncodedFile) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for j, keys in enumerate(right.blocks):
        for key in keys:
            index.setdefault(key, []).append(j)
    return index


def _partners(keys: list[str], index: dict[str, list[int]]) -> set[int]:
    partners: set[int] = set()
    for key in keys:
        found = index.get(key)
        if found and len(found) <= _MAX_BLOCK:
            partners.update(found)
    return partners


def candidate_pairs(left: EncodedFile, right: EncodedFile) -> set[tuple[int, int]]:
    """Index pairs (left row, right row) that share at least one block key."""
    index = _index(right)
    return {(i, j) for i, keys in enumerate(left.blocks) for j in _partners(keys, index)}


def score(
    left: EncodedFile,
    right: EncodedFile,
    i: int,
    j: int,
    method: Literal["record", "fields"],
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> float:
    """Similarity of left row ``i`` and right row ``j``: Dice of the record-level filters, or
    the weighted mean Dice of the field filters both records have."""
    if method == "record":
        a, b = left.record[i], right.record[j]
        return dice(a, b) if a is not None and b is not None else 0.0
    total = weight = 0.0
    for name, column in left.fields.items():
        other = right.fields.get(name)
        a = column[i]
        b = other[j] if other is not None else None
        if a is None or b is None:
            continue
        w, d = weights.get(name, 1.0), dice(a, b)
        if name in _STEPPED:
            d, w = _agreement(d, w)
        total += w * d
        weight += w
    return total / weight if weight else 0.0


def _agreement(similarity: float, weight: float) -> tuple[float, float]:
    """A NIK or KK is an identifier, not a string: its digits spell region and birth date, so
    two children born the same day in one district share most bigrams. The same number (Dice
    at or above the first step) counts in full; one keystroke apart as half agreement, and a
    different number as disagreement, each with weight 1: registries hold mistyped and shared
    numbers, so a differing NIK is weaker evidence than an equal one (domain.md §2.2)."""
    if similarity >= _SAME:
        return 1.0, weight
    return (0.5 if similarity >= _ONE_OFF else 0.0), 1.0


def score_candidates(
    left: EncodedFile,
    right: EncodedFile,
    *,
    method: Literal["record", "fields"] = "fields",
    floor: float = 0.0,
) -> list[tuple[int, int, float]]:
    """Every candidate pair (left row, right row) with its :func:`score`, if at least ``floor``.

    Raises :class:`InputError` when the two files were encoded under different schemas.
    """
    if left.schema_sha256 != right.schema_sha256:
        raise InputError(
            f"the {left.source} and {right.source} encodings were made with different schema "
            f"files (SHA-256 {left.schema_sha256[:12]}… and {right.schema_sha256[:12]}…). "
            "Both agencies must encode with the same schema file and secret."
        )
    index = _index(right)
    scored: list[tuple[int, int, float]] = []
    if method == "record":
        for i, keys in enumerate(left.blocks):
            for j in _partners(keys, index):
                value = score(left, right, i, j, method)
                if value >= floor:
                    scored.append((i, j, value))
        return scored
    # The fields score of every pair, with each filter's bit count computed once per record;
    # pairs are made one left record at a time, so they are never all held at once.
    columns = []
    for name, column in left.fields.items():
        other = right.fields.get(name)
        if other is None or all(v is None for v in column) or all(v is None for v in other):
            continue
        counts = ([_count(v) for v in column], [_count(v) for v in other])
        columns.append((DEFAULT_WEIGHTS.get(name, 1.0), name in _STEPPED, column, other, *counts))
    for i, keys in enumerate(left.blocks):
        for j in _partners(keys, index):
            total = weight = 0.0
            for w, stepped, lc, rc, ln, rn in columns:
                a, b = lc[i], rc[j]
                if a is None or b is None:
                    continue
                d = 2 * (a & b).bit_count() / (ln[i] + rn[j] or 1)
                if stepped:
                    d, v = _agreement(d, w)
                    total += v * d
                    weight += v
                    continue
                total += w * d
                weight += w
            value = total / weight if weight else 0.0
            if value >= floor:
                scored.append((i, j, value))
    return scored


def _count(bits: int | None) -> int:
    return bits.bit_count() if bits is not None else 0


def select_matches(
    left: EncodedFile,
    right: EncodedFile,
    scored: list[tuple[int, int, float]],
    *,
    threshold: float,
    margin: float = 0.02,
) -> list[Match]:
    """For each left record, the right records scoring at least ``threshold`` and within
    ``margin`` of its best (a child registered twice on the right has two records)."""
    best: dict[int, list[tuple[float, int]]] = {}
    for i, j, value in scored:
        if value >= threshold:
            best.setdefault(i, []).append((value, j))
    matches: list[Match] = []
    for i, found in sorted(best.items()):
        top = max(v for v, _ in found)
        matches.extend(
            Match(left.ids[i], right.ids[j], v) for v, j in sorted(found) if v >= top - margin
        )
    return matches


def link_encodings(
    left: EncodedFile,
    right: EncodedFile,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    method: Literal["record", "fields"] = "fields",
    margin: float = 0.02,
) -> list[Match]:
    """Score the candidate pairs of two encoding files and keep, for each left record, the
    right records at or above ``threshold`` within ``margin`` of its best.

    Raises :class:`InputError` when the two files were encoded under different schemas.
    """
    scored = score_candidates(left, right, method=method, floor=threshold)
    return select_matches(left, right, scored, threshold=threshold, margin=margin)
