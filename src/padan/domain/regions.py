"""Kemendagri region codes (kode wilayah): parse, normalise and look up at any level.

The tables are the official Kemendagri lists shipped in ``data/wilayah`` (MIT, Cahya DSN; see the
LICENSE there). Codes valid in earlier releases (2016-2023) are recognised as *retired*: NIK and
KK numbers keep the district code that was valid when they were issued.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Final

__all__ = [
    "LEVEL_BY_DIGITS",
    "Region",
    "RegionCheck",
    "RegionStatus",
    "check_region",
    "current_code",
    "district_status",
    "dotted",
    "predecessors",
    "region_table",
    "within",
]

#: Number of digits (without dots) at each level.
LEVEL_BY_DIGITS: Final[dict[int, str]] = {
    2: "province",
    4: "regency",
    6: "district",
    10: "village",
}
_FILES: Final = {
    "province": "provinces.csv",
    "regency": "regencies.csv",
    "district": "districts.csv",
    "village": "villages.csv",
}


class RegionStatus(StrEnum):
    CURRENT = "current"
    RETIRED = "retired"
    UNKNOWN = "unknown"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class Region:
    """One region of the current or an earlier Kemendagri release."""

    code: str  # dotted, e.g. "32.01.01.2001"
    level: str  # province | regency | district | village
    name: str
    parent: str | None
    retired: bool = False


@dataclass(frozen=True, slots=True)
class RegionCheck:
    """Result of :func:`check_region`: the normalised code (or ``None``) and what is known of it."""

    status: RegionStatus
    code: str | None = None  # dotted
    level: str | None = None
    region: Region | None = None

    @property
    def ok(self) -> bool:
        return self.status in (RegionStatus.CURRENT, RegionStatus.RETIRED)

    def lineage(self) -> list[Region]:
        """The region and its parents, from the region up to the province (known ones only)."""
        chain: list[Region] = []
        node = self.region
        table = region_table()
        while node is not None:
            chain.append(node)
            node = table.get(node.parent) if node.parent else None
        return chain


def dotted(digits: str) -> str:
    """``"3201012001"`` → ``"32.01.01.2001"`` (input must be 2, 4, 6 or 10 digits)."""
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)


@cache
def region_table() -> dict[str, Region]:
    """All regions by dotted code: the current release plus retired codes of earlier ones."""
    table: dict[str, Region] = {}
    base = resources.files("padan.domain") / "data" / "wilayah"
    for level, name in _FILES.items():
        with (base / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                table[row["code"]] = Region(
                    row["code"], level, row["name"], row["parent_code"] or None
                )
    with (base / "code_history_l1_l3.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["code"]
            if code not in table:
                parent = code.rsplit(".", 1)[0] if "." in code else None
                table[code] = Region(code, row["level"], row["latest_name"], parent, retired=True)
    return table


@cache
def check_region(raw: str) -> RegionCheck:
    """Normalise a region code written with or without dots, at any level, and look it up.

    Returns a :class:`RegionCheck` whose status is ``current`` (in the 2025 list), ``retired``
    (only in an earlier release), ``unknown`` (well-formed but in no release) or ``malformed``.
    Never raises.
    """
    text = raw.strip().replace(" ", "")
    digits = text.replace(".", "")
    if not digits.isdigit() or not digits.isascii() or len(digits) not in LEVEL_BY_DIGITS:
        return RegionCheck(RegionStatus.MALFORMED)
    if "." in text and text != dotted(digits):
        return RegionCheck(RegionStatus.MALFORMED)
    code = dotted(digits)
    level = LEVEL_BY_DIGITS[len(digits)]
    region = region_table().get(code)
    if region is None:
        return RegionCheck(RegionStatus.UNKNOWN, code, level)
    status = RegionStatus.RETIRED if region.retired else RegionStatus.CURRENT
    return RegionCheck(status, code, level, region)


def district_status(six_digits: str) -> RegionStatus:
    """Status of the 6-digit district prefix of a NIK or KK number."""
    check = check_region(six_digits)
    if check.level != "district":
        return RegionStatus.MALFORMED if not check.ok else RegionStatus.UNKNOWN
    return check.status


def current_code(code: str) -> str:
    """The current code of the region ``code`` (dotted, any level) denotes.

    Codes retired by the 2022 Papua split (91.*, 92.* → 93-96, domain.md §1.2) are followed to
    the current region of the same name and kind (kabupaten or kota) under the successor of
    their parent; a village keeps its own four digits under its district's successor. A code
    whose region has no single successor of that name becomes its parent's successor (coarser,
    never wrong). Current and unknown codes are returned as they are.
    """
    table = _successors()
    parts = code.split(".")
    district, regency = ".".join(parts[:3]), ".".join(parts[:2])
    if len(parts) >= 3 and district in table:
        successor = table[district]
        # A district without a successor of its own went to its regency's: drop the village.
        return ".".join([successor, *parts[3:]]) if successor.count(".") == 2 else successor
    if len(parts) >= 2 and regency in table:
        return table[regency]
    return code


def within(code: str, region: str) -> bool:
    """The dotted ``code`` is ``region`` or a region inside it."""
    return code == region or code.startswith(region + ".")


@cache
def predecessors(region: str) -> tuple[str, ...]:
    """Retired codes (regency or district) under which a code may be written whose current code
    (:func:`current_code`) lies in ``region``: those whose successor is inside ``region`` or
    contains it. A superset: read the codes written under them through :func:`current_code`.
    """
    return tuple(
        sorted(
            old for old, new in _successors().items() if within(new, region) or within(region, new)
        )
    )


@cache
def _successors() -> dict[str, str]:
    """Retired province/regency/district code → its current successor (see current_code)."""
    regions = region_table()
    by_name: dict[tuple[str, str], list[str]] = {}
    for region in regions.values():
        if not region.retired and region.level in ("regency", "district"):
            by_name.setdefault((region.level, _plain(region.name)), []).append(region.code)
    successors: dict[str, str] = {}
    for region in sorted(regions.values(), key=lambda r: len(r.code)):
        if not region.retired or region.level not in ("regency", "district"):
            continue
        parent = successors.get(region.parent or "", region.parent)
        found = [
            c
            for c in by_name.get((region.level, _plain(region.name)), [])
            if _same_kind(c, region.code)
            and (region.level == "regency" or c.rsplit(".", 1)[0] == parent)
        ]
        if len(found) > 1:  # Sorong: Kab. 92.01 → 96.01, Kota 92.71 → 96.71
            found = [c for c in found if c[-2:] == region.code[-2:]] or found
        if len(found) == 1:
            successors[region.code] = found[0]
        elif region.level == "district" and parent and parent in successors.values():
            successors[region.code] = parent
    return successors


def _plain(name: str) -> str:
    lowered = name.lower()
    for prefix in ("kabupaten ", "kab. ", "kota administrasi ", "kota "):
        lowered = lowered.removeprefix(prefix)
    return "".join(lowered.split())


def _same_kind(a: str, b: str) -> bool:
    """Both regencies of one kind: kabupaten (01-69) or kota (71-99); districts always."""
    if a.count(".") != 1:
        return True
    return (int(a[-2:]) >= 71) == (int(b[-2:]) >= 71)
