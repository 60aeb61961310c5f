"""What an explanation of a pair is (plaintext or encoded): the prior, each comparison's level
and weight, the total and the probability (:mod:`padan.linkage.explain`,
:mod:`padan.linkage.encoded_explain`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Explanation", "Part"]


@dataclass(frozen=True)
class Part:
    """One comparison's contribution: the level both records fell in and its match weight."""

    comparison: str
    level: str
    match_weight: float
    value_a: str | None
    value_b: str | None
    # Each compared column on its own, (column, value A, value B): the parents comparison
    # weighs mother with mother and father with father, and a reader must see them so.
    details: tuple[tuple[str, str | None, str | None], ...] = ()


@dataclass(frozen=True)
class Explanation:
    """The prior, each comparison's weight, the total and the probability."""

    record_a: str
    record_b: str
    prior_weight: float
    parts: list[Part]
    match_weight: float
    match_probability: float
    # Why the clustering guard keeps these two records apart, whatever the score, or None.
    guard: str | None = None
