"""Keyed Bloom filters on Python integers: q-grams, hashing, hardening and Dice similarity.

A filter of ``length`` bits is an ``int``; bit ``i`` is ``1 << i``. Each token is hashed once
with HMAC-SHA256 under its field's key; the digest's four 64-bit words give the positions in the
field's own filter and in the record-level filter by double hashing (Kirsch and Mitzenmacher).
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Iterable
from typing import Final

__all__ = [
    "TokenHasher",
    "balance",
    "dice",
    "keyed_permutation",
    "qgrams",
    "randomise",
    "to_bytes",
]

_CACHE_LIMIT: Final = 300_000
_SHARE_DIGITS: Final = 10


def qgrams(text: str, q: int) -> set[str]:
    """The q-grams of ``text`` padded with ``_`` at both ends (``ab`` → ``_a ab b_`` for q=2)."""
    padded = "_" * (q - 1) + text + "_" * (q - 1)
    return {padded[i : i + q] for i in range(len(padded) - q + 1)}


class TokenHasher:
    """Sets the bits of tokens for one field: ``hashes`` bits in its own filter of ``length``
    bits and ``record_hashes`` bits in the record-level filter of ``record_length`` bits.

    With ``balanced`` the field's filter is balanced (see :func:`balanced_base`): each of its
    positions ``p`` stands for a pair of positions of the ``2 * length``-bit balanced filter,
    ``perm[p]`` (the bit) and ``perm[length + p]`` (its complement), ``perm`` a permutation drawn
    from the key. A token then flips its pairs in :attr:`base`, and the filter of a value is
    ``base ^ bits``: no loop over positions per record.

    Tokens repeat (names, dates, regions), so each token's bits are computed once per run.
    """

    def __init__(
        self,
        key: bytes,
        *,
        length: int,
        hashes: int,
        record_length: int,
        record_hashes: int,
        balanced: bool = False,
    ) -> None:
        self._key = key
        self._length, self._hashes = length, hashes
        self._record_length, self._record_hashes = record_length, record_hashes
        self._cache: dict[str, tuple[int, int]] = {}
        self._perm: list[int] | None = None
        #: The balanced filter of no token (0 when not balanced); a value's filter is base ^ bits.
        self.base = 0
        if balanced:
            self._perm = keyed_permutation(key, 2 * length)
            self.base = sum(1 << self._perm[length + p] for p in range(length))

    def bits(self, tokens: Iterable[str]) -> tuple[int, int]:
        """The field's bits and the field's share of the record filter for ``tokens``."""
        own = shared = 0
        cache = self._cache
        for token in tokens:
            found = cache.get(token)
            if found is None:
                found = self._token(token)
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[token] = found
            own |= found[0]
            shared |= found[1]
        return own, shared

    def _token(self, token: str) -> tuple[int, int]:
        digest = hmac.new(self._key, token.encode(), hashlib.sha256).digest()
        h1, h2, h3, h4 = (int.from_bytes(digest[i : i + 8], "big") for i in (0, 8, 16, 24))
        own = shared = 0
        perm, length = self._perm, self._length
        for i in range(self._hashes):
            position = (h1 + i * (h2 | 1)) % length
            if perm is None:
                own |= 1 << position
            else:  # the bit set, its complement cleared: both flipped from the base
                own |= (1 << perm[position]) | (1 << perm[length + position])
        for i in range(self._record_hashes):
            shared |= 1 << ((h3 + i * (h4 | 1)) % self._record_length)
        return own, shared


def keyed_permutation(key: bytes, size: int) -> list[int]:
    """A permutation of ``range(size)`` that only the key's holders can compute."""
    order = list(range(size))
    seed = hmac.new(key, b"permutation", hashlib.sha256).digest()
    random.Random(seed).shuffle(order)
    return order


def balance(bits: int, length: int, perm: list[int]) -> int:
    """Balance a filter of ``length`` bits: the filter and its complement, ``2 * length`` bits
    with exactly ``length`` set, shuffled by ``perm`` (from :func:`keyed_permutation`), so that
    neither the number of set bits nor a half of the filter tells how long the value is
    (Schnell and Borgs 2016). Loops over the positions: for the record-level filter; field
    filters are balanced token by token (:class:`TokenHasher`)."""
    out = 0
    for position in range(length):
        set_bit = bits >> position & 1
        out |= 1 << perm[position if set_bit else length + position]
    return out


def randomise(bits: int, length: int, share: float, rng: random.Random) -> int:
    """Randomized response: each position, independently with probability ``share`` (to
    1/1024), gets a fresh random bit.

    Two records with the same value then give different filters, while their Dice similarity
    stays high (about ``1 - share / 2`` of the bits agree with the clean filter). The positions
    are chosen for all bits at once: a uniform 10-bit number per position, compared with
    ``share`` digit by digit across whole random integers (no loop over positions).
    """
    numerator = round(share * (1 << _SHARE_DIGITS))
    if not numerator:
        return bits
    below = 0  # per position: is its random number below the share, on the digits so far?
    for digit in range(_SHARE_DIGITS):  # least significant first
        draw = rng.getrandbits(length)
        below = (~draw | below) if numerator >> digit & 1 else (~draw & below)
    chosen = below & ((1 << length) - 1)
    return (bits & ~chosen) | (rng.getrandbits(length) & chosen)


def dice(a: int, b: int) -> float:
    """Dice similarity of two filters: 2|a∧b| / (|a| + |b|); 0 for two empty filters."""
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


def to_bytes(bits: int, length: int) -> bytes:
    """The filter as ``length / 8`` big-endian bytes (its form in the encoding file)."""
    return bits.to_bytes(length // 8, "big")
