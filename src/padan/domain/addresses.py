"""Indonesian addresses: the village (desa or kelurahan) an address names.

An address on a population document is written in parts, from the street down the hierarchy of
regions (the KTP-el and KK layout: street and number, RT/RW, kelurahan/desa, kecamatan;
``domain.md`` §8.6): in free text the village is the last part before the district, regency or
province, often after a comma ("Jl. Melati No. 3 RT 002/RW 005, Sukamaju", "Desa/Kel.
Balekambang, Kec. Jonggol", or just "Sukamaju" on a complaint form). Matching compares that
village name where a region code stops above the village (a complaint coded to its regency
only names the village in its address).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

__all__ = ["village_named"]

# Parts that name a level above the village, or a postcode: never the village.
_ABOVE: Final = re.compile(
    r"^(kec|kecamatan|kab|kabupaten|kota|kotamadya|prov|provinsi|kode\s*pos)\b|^\d{5}$"
)
# The village's own label, written before its name.
_LABEL: Final = re.compile(r"^(desa\s*/\s*kel|kel\s*/\s*desa|desa|kelurahan|kel|ds)\b\.?\s*")
# RT/RW numbers ("RT 002/RW 005", "RT.2 RW.5", "RT 02 / 05").
_RT_RW: Final = re.compile(r"\brt\b\.?\s*\d+\s*(/\s*(rw\b\.?)?\s*\d+|\s+rw\b\.?\s*\d+)?")
# A part that starts below the village (a street, an alley, a hamlet, a housing estate): the
# village is not named in it.
_BELOW: Final = re.compile(
    r"^(jl|jln|jalan|gg|gang|no|nomor|dusun|dsn|dukuh|blok|perum|perumahan|komplek|kompleks)\b"
)
_NOT_LETTERS: Final = re.compile(r"[^a-z]+")
_PARTS: Final = re.compile(r"[,;\n]")
# A remark in brackets (a landmark, a note: "(belakang masjid)", "(pindah rumah)"): no part
# of the address's hierarchy.
_REMARK: Final = re.compile(r"\([^)]*\)?")


def village_named(address: str | None) -> str | None:
    """The village an address names, lower case, words separated by one space; None when no
    part of it names one (empty, a street only, a hamlet only).

    >>> village_named("Jl. Melati No. 3 RT 002/RW 005, Sukamaju")
    'sukamaju'
    >>> village_named("Desa/Kel. Balekambang, Kec. Jonggol")
    'balekambang'
    >>> village_named("Jl. Sudirman No. 101") is None
    True
    """
    if not address:
        return None
    # The last part that names no level above the village; parts repeat across a village's
    # addresses (only the RT/RW and street differ), hence the cache.
    for part in reversed(_PARTS.split(_REMARK.sub(" ", address.lower()))):
        part = part.strip()
        if part and not _ABOVE.match(part):
            return _village(part)
    return None


@lru_cache(maxsize=65_536)
def _village(part: str) -> str | None:
    part = _RT_RW.sub(" ", _LABEL.sub("", part)).strip()
    if _BELOW.match(part):
        return None
    village = " ".join(_NOT_LETTERS.sub(" ", part).split())
    return village if len(village.replace(" ", "")) >= 3 else None
