"""Invented Indonesian names by naming tradition, sex and generation.

The generator reproduces what makes Indonesian name matching hard (``docs/domain.md`` §8):
no surnames except marga traditions (Batak, Papua, NTT/Maluku/Minahasa, some Chinese-Indonesian
families), mononyms among older people, old spelling (``oe``/``dj``/``tj``) for people born before
the 1972 spelling reform, Balinese birth-order names, a handful of very common full names, and two
or more words for everyone born from 2022 on (Permendagri 73/2022).
"""

from __future__ import annotations

import random
from typing import Final

from padan.synth.common import Pool, chance, zipf_pool
from padan.synth.pools import (
    DENSE_FIRST,
    DENSE_FULL,
    GROUP_TOKENS,
    MARGA,
    MODERN,
    OLD_MONONYMS,
    POPULAR_FULL,
)
from padan.synth.variants import to_old_spelling

__all__ = ["GROUPS", "NameMaker"]

GROUPS: Final = (
    "jawa",
    "sunda",
    "melayu",
    "bali",
    "batak",
    "tionghoa",
    "kristen",
    "papua",
    "bugis",
)

# Traditions whose young generation mostly carries the nationally fashionable (Arabic/Sanskrit-
# flavoured) names rather than regional ones.
_MODERN_SHARE: Final = {
    "jawa": 0.65,
    "sunda": 0.6,
    "melayu": 0.6,
    "bugis": 0.55,
    "batak": 0.25,
    "tionghoa": 0.2,
    "kristen": 0.15,
    "papua": 0.1,
    "bali": 0.0,
}
# Probability that an older person (born before 1975) has a single-word name.
_MONONYM_OLD: Final = {"jawa": 0.45, "sunda": 0.25, "melayu": 0.2, "bugis": 0.2}
_OLD_SPELLING: Final = ("jawa", "sunda", "melayu", "tionghoa")
_POPULAR_GROUPS: Final = ("jawa", "sunda", "melayu", "bugis")

# Balinese birth-order names: 1st Wayan/Putu/Gede, 2nd Made/Kadek/Nengah, 3rd Nyoman/Komang,
# 4th Ketut, then the cycle restarts.
_BALI_ORDER: Final = (
    ("Wayan", "Putu", "Gede"),
    ("Made", "Kadek", "Nengah"),
    ("Nyoman", "Komang"),
    ("Ketut",),
)
_BALI_CASTE: Final = {
    "L": ("Ida Bagus", "Anak Agung", "I Gusti Ngurah", "Cokorda"),
    "P": ("Ida Ayu", "Anak Agung Ayu", "I Gusti Ayu", "Desak"),
}


class NameMaker:
    """Draws names; build once (the pools are precomputed) and reuse with the caller's RNG."""

    def __init__(self, *, dense: bool = False, ni_luh: float = 0.0) -> None:
        self._dense = dense
        self._ni_luh = ni_luh
        self._dense_first = {
            sex: Pool([t for t, _ in DENSE_FIRST[sex]], [w for _, w in DENSE_FIRST[sex]])
            for sex in ("L", "P")
        }
        self._dense_full = {
            sex: Pool([n for n, _ in DENSE_FULL[sex]], [w for _, w in DENSE_FULL[sex]])
            for sex in ("L", "P")
        }
        self._first: dict[tuple[str, str], Pool[str]] = {}
        self._last: dict[tuple[str, str], Pool[str]] = {}
        for group, tokens in GROUP_TOKENS.items():
            for sex in ("L", "P"):
                self._first[group, sex] = zipf_pool(tokens[f"{sex}_first"])
                self._last[group, sex] = zipf_pool(tokens[f"{sex}_last"])
        self._modern_first = {sex: zipf_pool(MODERN[f"{sex}_first"], 0.9) for sex in ("L", "P")}
        self._modern_last = {sex: zipf_pool(MODERN[f"{sex}_last"]) for sex in ("L", "P")}
        self._mono = {sex: zipf_pool(OLD_MONONYMS[sex], 0.7) for sex in ("L", "P")}
        self._marga = {group: zipf_pool(names, 0.6) for group, names in MARGA.items()}
        self._popular: dict[str, Pool[str]] = {}
        self._popular_rate: dict[str, float] = {}
        for sex, entries in POPULAR_FULL.items():
            self._popular[sex] = Pool([n for n, _ in entries], [w for _, w in entries])
            self._popular_rate[sex] = sum(w for _, w in entries) / 100.0

    def marga(self, rng: random.Random, group: str) -> str | None:
        """A family name for a father of this tradition (``None`` where names carry none)."""
        pool = self._marga.get(group)
        if pool is None or (group == "tionghoa" and not chance(rng, 0.5)):
            return None
        return pool.pick(rng)

    def name(
        self,
        rng: random.Random,
        group: str,
        sex: str,
        birth_year: int,
        *,
        marga: str | None = None,
        order: int = 0,
    ) -> str:
        """A full name for someone of ``group`` and ``sex`` (``"L"``/``"P"``), born ``birth_year``.

        ``marga`` is the family name inherited from the father (marga traditions); ``order`` is
        the 0-based birth order among siblings (Balinese birth-order names).
        """
        name = self._name(rng, group, sex, birth_year, marga, order)
        if self._dense and group in _POPULAR_GROUPS:
            name = self._concentrate(rng, sex, birth_year, name)
        return name

    def _concentrate(self, rng: random.Random, sex: str, birth_year: int, name: str) -> str:
        """Dense population: first tokens and full names as concentrated as real registries
        (``docs/domain.md`` §8.1: Muhammad and its forms >= 5.6 % of all names, then Ahmad,
        Dwi, Siti, Nur, Putri, Dimas, Rizky, Tri; Nurhayati, Sutrisno most common full names)."""
        if birth_year < 1985 and chance(rng, 0.06):
            return self._dense_full[sex].pick(rng)
        share = 0.22 if birth_year >= 1990 else 0.12
        if not chance(rng, share):
            return name
        first = self._dense_first[sex].pick(rng)
        if first == "M" and birth_year >= 2022:
            first = "Muhammad"  # no abbreviations in names registered since 2022
        tokens = name.split()
        if first == tokens[0]:
            return name
        if len(tokens) == 1 or chance(rng, 0.5):
            return " ".join([first, *tokens])  # "Siti" + "Aminah", "Muhammad" + "Rizki Pratama"
        return " ".join([first, *tokens[1:]])

    def _name(
        self,
        rng: random.Random,
        group: str,
        sex: str,
        birth_year: int,
        marga: str | None,
        order: int,
    ) -> str:
        if group in _POPULAR_GROUPS and chance(rng, self._popular_rate[sex]):
            return self._popular[sex].pick(rng)
        if group == "bali":
            return self._bali(rng, sex, birth_year, order)
        if group in MARGA:
            return self._with_marga(rng, group, sex, birth_year, marga)
        return self._given_names(rng, group, sex, birth_year)

    def _first_last(self, rng: random.Random, group: str, sex: str, birth_year: int) -> list[str]:
        if birth_year >= 2005 and chance(rng, _MODERN_SHARE[group]):
            first, last = self._modern_first[sex], self._modern_last[sex]
        else:
            first, last = self._first[group, sex], self._last[group, sex]
        tokens = [first.pick(rng)]
        if birth_year >= 1990 and chance(rng, 0.18):
            middle = first.pick(rng)
            if middle != tokens[0]:
                tokens.append(middle)
        surname = last.pick(rng)
        while surname == tokens[-1]:  # "Putri Putri": draw again, names need two distinct words
            surname = last.pick(rng)
        tokens.append(surname)
        return tokens

    def _given_names(self, rng: random.Random, group: str, sex: str, birth_year: int) -> str:
        if birth_year < 1975 and chance(rng, _MONONYM_OLD.get(group, 0.15)):
            tokens = [
                self._mono[sex].pick(rng) if group != "bugis" else self._first[group, sex].pick(rng)
            ]
        elif 1975 <= birth_year < 1995 and chance(rng, 0.05):
            tokens = [self._first[group, sex].pick(rng)]
        else:
            tokens = self._first_last(rng, group, sex, birth_year)
            if group == "bugis" and tokens[0] != "Andi" and chance(rng, 0.08):
                tokens.insert(0, "Andi")  # Bugis nobility title, also used as a given name
        name = " ".join(tokens)
        if group in _OLD_SPELLING and birth_year < 1972 and chance(rng, 0.3):
            name = to_old_spelling(name)
        return name

    def _with_marga(
        self, rng: random.Random, group: str, sex: str, birth_year: int, marga: str | None
    ) -> str:
        if marga is None and group != "tionghoa":
            marga = self._marga[group].pick(rng)
        if birth_year >= 2005 and chance(rng, _MODERN_SHARE[group]):
            tokens = [self._modern_first[sex].pick(rng)]
        else:
            tokens = [self._first[group, sex].pick(rng)]
        if chance(rng, 0.3):
            tokens.append(self._last[group, sex].pick(rng))
        if marga is None:  # Chinese-Indonesian family without a kept surname
            if len(tokens) == 1:
                tokens.append(self._last[group, sex].pick(rng))
        elif group == "batak" and sex == "P" and chance(rng, 0.35):
            tokens.append(("Br " if chance(rng, 0.85) else "Boru ") + marga)
        else:
            tokens.append(marga)
        name = " ".join(_dedupe(tokens))
        if group == "tionghoa" and birth_year < 1972 and chance(rng, 0.3):
            name = to_old_spelling(name)
        return name

    def _bali(self, rng: random.Random, sex: str, birth_year: int, order: int) -> str:
        if chance(rng, 0.1):
            prefix = rng.choice(_BALI_CASTE[sex])
        else:
            options: tuple[str, ...] = _BALI_ORDER[order % 4]
            if sex == "P":
                options = tuple(o for o in options if o != "Gede") or options
            gender = "I " if sex == "L" else "Ni "
            if sex == "P" and self._ni_luh and chance(rng, self._ni_luh):
                gender = "Ni Luh "
            prefix = gender + rng.choice(options)
        tokens = [prefix, self._first["bali", sex].pick(rng)]
        if birth_year >= 1975 and chance(rng, 0.5):
            tokens.append(self._last["bali", sex].pick(rng))
        return " ".join(_dedupe(tokens))


def _dedupe(tokens: list[str]) -> list[str]:
    # "Putra Putra" is implausible; drop a repeated token but keep at least the first.
    out: list[str] = []
    for token in tokens:
        if not out or token != out[-1]:
            out.append(token)
    return out
