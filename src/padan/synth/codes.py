"""Identifiers and region codes as they go wrong: hand-typed NIKs, retired Papua codes.

``docs/domain.md`` §2.2: operators type NIKs by hand, NIKs keep the district code valid when they
were issued; §1.2: every retired code is in Papua (91.*, 92.*), split in 2022 into 93-96.
"""

from __future__ import annotations

import random
from functools import cache

from padan.domain.regions import region_table

__all__ = ["mistype_nik", "retired_code"]


def mistype_nik(value: str, rng: random.Random) -> str:
    """One keying error that keeps 16 digits: a digit replaced by another, or two neighbouring
    (different) digits swapped. Never returns ``value`` itself."""
    spots = [i for i in range(len(value) - 1) if value[i] != value[i + 1]]
    if spots and rng.random() < 0.45:
        i = rng.choice(spots)
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    i = rng.randrange(len(value))
    digit = str((int(value[i]) + rng.randint(1, 9)) % 10)
    return value[:i] + digit + value[i + 1 :]


def _key(name: str) -> str:
    text = name.upper().replace("KAB.", "KABUPATEN").replace("  ", " ")
    return " ".join(text.split())


@cache
def _retired_by_current() -> dict[str, str]:
    """Current regency/district code → the retired code of the same place (same name under the
    retired parent), from the code-history table."""
    table = region_table()
    retired_regencies: dict[tuple[str, str], str] = {}
    for region in table.values():
        if region.retired and region.level == "regency":
            retired_regencies[region.code[:2], _key(region.name)] = region.code
    out: dict[str, str] = {}
    for region in table.values():
        if region.retired or region.level != "regency" or region.code[:1] != "9":
            continue
        for province in ("91", "92"):
            old = retired_regencies.get((province, _key(region.name)))
            if old is not None:
                out[region.code] = old
    children: dict[str, dict[str, str]] = {}
    for region in table.values():
        if region.level == "district" and region.parent is not None:
            children.setdefault(region.parent, {})[_key(region.name)] = region.code
    for new, old in list(out.items()):
        old_districts = {k: c for k, c in children.get(old, {}).items() if table[c].retired}
        for key, code in children.get(new, {}).items():
            if key in old_districts:
                out[code] = old_districts[key]
    return out


def retired_code(code: str) -> str | None:
    """The pre-2022 code of a Papua district (or, failing that, regency) ``code`` (dotted, any
    level down to village), or ``None`` when the place has none."""
    mapping = _retired_by_current()
    for length in (8, 5):
        old = mapping.get(code[:length])
        if old is not None and len(code) >= length:
            return old
    return None
