"""Small shared pieces of the synthetic generator: the fixed reference date, weighted pools, dates.

Everything random goes through a ``random.Random`` passed in by the caller, never the module-level
generator, so that one seed reproduces the same files byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Any, Final, Generic, Protocol, TypeVar

__all__ = [
    "COMPLAINT_END",
    "COMPLAINT_START",
    "REF_DATE",
    "Pool",
    "RowWriter",
    "age_at",
    "chance",
    "format_date",
    "random_date",
    "zipf_pool",
]

#: Fixed "today" of the synthetic world: ages, complaint dates and KK dates never depend on the
#: real clock, otherwise the same seed would give different files on different days.
REF_DATE: Final = dt.date(2026, 6, 30)
COMPLAINT_START: Final = dt.date(2023, 1, 1)
COMPLAINT_END: Final = REF_DATE

T = TypeVar("T")


class RowWriter(Protocol):
    """What the generator needs of a ``csv.writer``."""

    def writerow(self, row: Any, /) -> Any: ...


class Pool(Generic[T]):
    """Items drawn with fixed relative weights (cumulative table + bisect: fast, reproducible)."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("a pool needs as many weights as items, and at least one item")
        self._items = tuple(items)
        self._cum = list(accumulate(weights))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> T:
        """One item, drawn with the pool's weights."""
        return self._items[bisect(self._cum, rng.random() * self._total)]

    @property
    def items(self) -> tuple[T, ...]:
        """The items, in the order given."""
        return self._items


def zipf_pool(items: Sequence[str], exponent: float = 0.8) -> Pool[str]:
    """Pool where the i-th item has weight ``1 / (i + 1) ** exponent``.

    Lists are written most common first, so a few names dominate and a long tail stays rare —
    the skew that makes name-only matching produce false positives in real registries.
    """
    return Pool(items, [1.0 / (i + 1) ** exponent for i in range(len(items))])


def chance(rng: random.Random, probability: float) -> bool:
    """True with the given probability."""
    return rng.random() < probability


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """Uniform date in ``[start, end]`` (both inclusive); ``start`` if the range is empty."""
    first, last = start.toordinal(), end.toordinal()
    if last <= first:
        return start
    return dt.date.fromordinal(rng.randint(first, last))


def age_at(birth: dt.date, when: dt.date) -> int:
    """Completed years of age on ``when``."""
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def format_date(value: dt.date, style: int) -> str:
    """Write a date in an exchange-format style: 0 ISO, 1 ``DD-MM-YYYY``, 2 ``DD/MM/YYYY``."""
    if style == 0:
        return value.isoformat()
    sep = "-" if style == 1 else "/"
    return f"{value.day:02d}{sep}{value.month:02d}{sep}{value.year:04d}"
