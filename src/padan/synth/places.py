"""Where the synthetic households live: real Kemendagri villages, regional poverty and naming mix.

Only the codes are real (from :func:`padan.domain.regions.region_table`); people are invented.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from padan.domain.regions import Region, RegionStatus, check_region, region_table
from padan.errors import InputError
from padan.synth.common import Pool

__all__ = [
    "DEFAULT_REGENCIES",
    "DENSE_REGENCIES",
    "DENSE_SHARE",
    "Geography",
    "Village",
    "resolve_regions",
]

#: Default mix: Java (rich city, peri-urban, poor Madura), Sumatra, Bali, NTT, Sulawesi and Papua,
#: with a weight ~ share of households, and a poverty index in [-1, 1] (1 = poorest) that skews the
#: desil distribution. Poverty values are a rough ordering for synthetic data, not statistics.
DEFAULT_REGENCIES: Final[dict[str, tuple[float, float]]] = {
    "32.01": (0.20, 0.0),  # Kabupaten Bogor
    "33.74": (0.12, -0.45),  # Kota Semarang
    "35.27": (0.10, 0.7),  # Kabupaten Sampang
    "31.74": (0.12, -0.8),  # Kota Administrasi Jakarta Selatan
    "12.02": (0.08, 0.2),  # Kabupaten Tapanuli Utara
    "53.02": (0.10, 0.85),  # Kabupaten Timor Tengah Selatan
    "73.71": (0.10, -0.3),  # Kota Makassar
    "51.03": (0.08, -0.7),  # Kabupaten Badung
    "95.01": (0.10, 1.0),  # Kabupaten Jayawijaya (Papua Pegunungan)
}

#: Dense population, default mix: these six regencies hold :data:`DENSE_SHARE` of the households
#: (four Java/Sulawesi regencies where names concentrate most, Jakarta, and Jayawijaya so that
#: retired Papua codes occur); the other default regencies share the rest.
DENSE_REGENCIES: Final = ("32.01", "33.74", "35.27", "31.74", "73.71", "95.01")
DENSE_SHARE: Final = 0.92
_DENSE_COUNT: Final = 6

# Province baseline poverty index for regencies outside the default table (kota are richer).
_PROVINCE_POVERTY: Final = {
    "11": 0.35,
    "12": 0.1,
    "13": 0.0,
    "14": -0.1,
    "15": 0.0,
    "16": 0.25,
    "17": 0.3,
    "18": 0.3,
    "19": -0.3,
    "21": -0.4,
    "31": -0.7,
    "32": 0.0,
    "33": 0.2,
    "34": 0.15,
    "35": 0.1,
    "36": -0.1,
    "51": -0.5,
    "52": 0.4,
    "53": 0.8,
    "61": 0.1,
    "62": -0.1,
    "63": -0.2,
    "64": -0.5,
    "65": -0.1,
    "71": -0.1,
    "72": 0.3,
    "73": 0.2,
    "74": 0.3,
    "75": 0.5,
    "76": 0.4,
    "81": 0.6,
    "82": 0.4,
    "91": 0.8,
    "92": 0.8,
    "93": 0.8,
    "94": 0.9,
    "95": 1.0,
    "96": 0.8,
}

# Naming traditions by province (weights); see names.GROUPS.
_JAVA_OTHER: Final = {
    "jawa": 40,
    "sunda": 10,
    "melayu": 35,
    "tionghoa": 7,
    "batak": 5,
    "kristen": 3,
}
_SUMATRA: Final = {"melayu": 60, "jawa": 28, "tionghoa": 5, "batak": 7}
_KALIMANTAN: Final = {"melayu": 50, "jawa": 25, "kristen": 12, "tionghoa": 8, "bugis": 5}
_SULAWESI: Final = {"bugis": 65, "melayu": 22, "jawa": 6, "kristen": 7}
_PAPUA: Final = {"papua": 78, "jawa": 8, "bugis": 7, "kristen": 7}
_GROUP_MIX: Final[dict[str, dict[str, int]]] = {
    "11": {"melayu": 90, "jawa": 6, "batak": 4},
    "12": {"batak": 50, "melayu": 28, "jawa": 17, "tionghoa": 5},
    "13": {"melayu": 95, "jawa": 3, "batak": 2},
    "31": {"jawa": 35, "sunda": 18, "melayu": 25, "tionghoa": 9, "batak": 8, "kristen": 5},
    "32": {"sunda": 68, "melayu": 15, "jawa": 12, "tionghoa": 3, "batak": 2},
    "33": {"jawa": 78, "melayu": 17, "tionghoa": 3, "kristen": 2},
    "34": {"jawa": 80, "melayu": 15, "tionghoa": 3, "kristen": 2},
    "35": {"jawa": 60, "melayu": 35, "tionghoa": 3, "kristen": 2},
    "36": {"sunda": 55, "melayu": 30, "jawa": 10, "tionghoa": 5},
    "51": {"bali": 86, "jawa": 7, "melayu": 5, "kristen": 2},
    "52": {"melayu": 88, "bali": 7, "jawa": 5},
    "53": {"kristen": 86, "melayu": 9, "jawa": 3, "bugis": 2},
    "71": {"kristen": 78, "melayu": 15, "jawa": 4, "bugis": 3},
    "81": {"kristen": 50, "melayu": 45, "bugis": 5},
    "82": {"melayu": 70, "kristen": 25, "bugis": 5},
}


@dataclass(frozen=True, slots=True)
class Village:
    """A village with everything a household generator needs about its place."""

    code: str  # dotted, 10 digits
    name: str
    district: str  # dotted
    district_name: str
    regency: str  # dotted
    regency_name: str
    district6: str  # digits, NIK/KK prefix
    birthplace: str  # how people write the regency as a place of birth
    poverty: float
    groups: Pool[str]


def _mix_for(province: str) -> dict[str, int]:
    if province in _GROUP_MIX:
        return _GROUP_MIX[province]
    first = province[0]
    return {
        "1": _SUMATRA,
        "2": _SUMATRA,
        "3": _JAVA_OTHER,
        "5": _JAVA_OTHER,
        "6": _KALIMANTAN,
        "7": _SULAWESI,
        "8": _SULAWESI,
        "9": _PAPUA,
    }.get(first, _JAVA_OTHER)


def _birthplace_name(regency_name: str) -> str:
    """``Kabupaten Bogor`` → ``Bogor``; Jakarta's administrative cities → ``Jakarta``."""
    if "Jakarta" in regency_name or "Kepulauan Seribu" in regency_name:
        return "Jakarta"
    for prefix in ("Kota Administrasi ", "Kabupaten ", "Kota "):
        if regency_name.startswith(prefix):
            return regency_name[len(prefix) :]
    return regency_name


@cache
def _villages_by_regency() -> dict[str, list[Region]]:
    out: dict[str, list[Region]] = {}
    for region in region_table().values():
        if region.level == "village" and not region.retired:
            out.setdefault(region.code[:5], []).append(region)
    return out


@cache
def _districts_by_regency() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for region in region_table().values():
        if region.level == "district" and not region.retired:
            out.setdefault(region.code[:5], []).append(region.code.replace(".", ""))
    return out


def resolve_regions(regions: Sequence[str] | str | None) -> tuple[dict[str, float], list[str]]:
    """Map the requested region codes to ``{regency code: weight}`` and the dotted prefixes.

    Codes may be at any level, dotted or not. A regency is weighted by the number of its villages
    that fall in the selection (a proxy for population); ``None`` gives :data:`DEFAULT_REGENCIES`
    (prefixes are then the regency codes). Raises :class:`InputError` for malformed, unknown or
    retired codes and for an empty list.
    """
    if regions is None:
        return {code: weight for code, (weight, _) in DEFAULT_REGENCIES.items()}, list(
            DEFAULT_REGENCIES
        )
    if isinstance(regions, str):
        regions = [regions]
    if not regions:
        raise InputError(
            "regions: the list is empty. Give at least one region code, e.g. 32 "
            "(province), 33.74 (regency) or 3201, or omit it for the default mix."
        )
    prefixes: list[str] = []
    for raw in regions:
        check = check_region(str(raw))
        if check.status is RegionStatus.MALFORMED or check.code is None:
            raise InputError(
                f"regions: {raw!r} is not a Kemendagri region code. Use 2, 4, 6 or 10 digits with "
                "or without dots, e.g. 32, 33.74, 3201 or 32.01.01.1001."
            )
        if check.status is RegionStatus.UNKNOWN:
            raise InputError(
                f"regions: {raw!r} is not in the current Kemendagri list. Check the code against "
                "src/padan/domain/data/wilayah/*.csv."
            )
        if check.status is RegionStatus.RETIRED:
            raise InputError(
                f"regions: {raw!r} is a retired code (valid only in an earlier release, e.g. "
                "Papua before the 2022 split). Use the current code of that region."
            )
        prefixes.append(check.code)
    weights: dict[str, float] = {}
    for regency, villages in _villages_by_regency().items():
        count = sum(1 for v in villages if _selected(v.code, prefixes))
        if count:
            weights[regency] = float(count)
    if not weights:
        raise InputError(
            f"regions: {list(regions)!r} contain no villages. Give codes of "
            "populated regions (province, regency, district or village)."
        )
    return weights, prefixes


def _selected(village: str, prefixes: list[str]) -> bool:
    return any(village == p or village.startswith(p + ".") for p in prefixes)


class Geography:
    """The villages in use, grouped by regency, with helpers for places and moved persons."""

    def __init__(self, regions: Sequence[str] | str | None, *, dense: bool = False) -> None:
        weights, prefixes = resolve_regions(regions)
        if dense:
            weights = _densify(weights, regions is None)
        table = region_table()
        by_regency = _villages_by_regency()
        self.regencies: list[str] = list(weights)
        self._villages: dict[str, list[Village]] = {}
        for regency in self.regencies:
            regency_region = table[regency]
            province = regency[:2]
            if regency in DEFAULT_REGENCIES:
                poverty = DEFAULT_REGENCIES[regency][1]
            else:
                poverty = _PROVINCE_POVERTY.get(province, 0.0) - (0.3 if regency[3] in "789" else 0)
                poverty = max(-1.0, min(1.0, poverty))
            mix = _mix_for(province)
            groups = Pool(list(mix), list(mix.values()))
            birthplace = _birthplace_name(regency_region.name)
            chosen = [v for v in by_regency[regency] if _selected(v.code, prefixes)]
            self._villages[regency] = [
                Village(
                    v.code,
                    v.name,
                    v.parent or "",
                    table[v.parent].name if v.parent else "",
                    regency,
                    regency_region.name,
                    (v.parent or "").replace(".", ""),
                    birthplace,
                    poverty,
                    groups,
                )
                for v in chosen
            ]
        self._regency_pool = Pool(self.regencies, [weights[r] for r in self.regencies])
        self._all_birthplaces = sorted(
            {
                _birthplace_name(r.name)
                for r in table.values()
                if r.level == "regency" and not r.retired
            }
        )
        self._own_districts = sorted({v.district6 for vs in self._villages.values() for v in vs})

    def village(self, rng: random.Random) -> Village:
        """A village drawn by regency weight, then uniformly within the regency."""
        return rng.choice(self._villages[self._regency_pool.pick(rng)])

    def villages_of(self, regency: str) -> list[Village]:
        """The villages in use in one regency (dotted code)."""
        return self._villages[regency]

    def other_district(self, rng: random.Random, home: str) -> str:
        """A 6-digit district other than ``home``: where a person who has since moved was first
        registered (mostly the same regency, sometimes elsewhere in the selection)."""
        neighbours = [
            d for d in _districts_by_regency().get(f"{home[:2]}.{home[2:4]}", []) if d != home
        ]
        if neighbours and rng.random() < 0.7:
            return rng.choice(neighbours)
        others = [d for d in self._own_districts if d != home]
        if others:
            return rng.choice(others)
        if neighbours:
            return rng.choice(neighbours)
        every = [d for ds in _districts_by_regency().values() for d in ds if d != home]
        return rng.choice(every)

    def village_elsewhere(self, rng: random.Random, regency: str) -> Village | None:
        """A village in another regency of the selection (``None`` if there is only one)."""
        others = [r for r in self.regencies if r != regency]
        return rng.choice(self._villages[rng.choice(others)]) if others else None

    def far_birthplace(self, rng: random.Random) -> str:
        """A place of birth anywhere in Indonesia (migrants, spouses from elsewhere)."""
        return rng.choice(self._all_birthplaces)


def _densify(weights: dict[str, float], default: bool) -> dict[str, float]:
    """Put :data:`DENSE_SHARE` of the weight on six regencies (for the default mix
    :data:`DENSE_REGENCIES`, otherwise the six with most villages), the rest on the others."""
    dense: list[str]
    if default:
        dense = [r for r in DENSE_REGENCIES if r in weights]
    else:
        dense = sorted(weights, key=lambda r: (-weights[r], r))[:_DENSE_COUNT]
    rest = [r for r in weights if r not in dense]
    share = DENSE_SHARE if rest else 1.0
    out: dict[str, float] = {}
    for regency in weights:
        if regency in dense:
            out[regency] = share / len(dense)
        else:
            out[regency] = (1 - share) / len(rest)
    return out
