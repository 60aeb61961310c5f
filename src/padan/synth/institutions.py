"""Synthetic child-care institutions (``lembaga``): LKSA, daycares, safe houses, RPSA, UPTD PPA.

Licence and accreditation mixes follow ``docs/domain.md`` §4.4 and §5.4: most LKSA are licensed
and about 85 % accredited (C most common, A rare), most daycares are unlicensed; accreditation
dates are spread so that some grades have expired (A valid 5 years, B 3, C 2).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Final

from padan.synth.common import REF_DATE, Pool, chance, format_date, random_date
from padan.synth.places import Geography

__all__ = ["DUPLICATE_SHARE", "LEMBAGA_COLUMNS", "cross_agency_duplicates", "institutions"]

LEMBAGA_COLUMNS: Final = (
    "id_lembaga",
    "nama_lembaga",
    "jenis",
    "kode_wilayah",
    "alamat",
    "status_izin",
    "akreditasi",
    "tanggal_akreditasi",
    "kapasitas",
    "jumlah_anak",
    "jumlah_pekerja_sosial",
    "jumlah_pekerja_sosial_bersertifikat",
)
#: One institution per this many households (at least :data:`MIN_INSTITUTIONS`).
HOUSEHOLDS_PER_INSTITUTION: Final = 500
MIN_INSTITUTIONS: Final = 10

_KIND: Final = Pool(["LKSA", "TPA", "RUMAH_AMAN", "RPSA", "UPTD_PPA"], [45, 30, 7, 5, 13])
_LICENCE: Final = {
    "LKSA": Pool(["BERIZIN", "TIDAK_BERIZIN", "DALAM_PROSES"], [75, 15, 10]),
    "TPA": Pool(["BERIZIN", "TIDAK_BERIZIN", "DALAM_PROSES"], [20, 65, 15]),
}
_PUBLIC_LICENCE: Final = Pool(["BERIZIN", "DALAM_PROSES", "TIDAK_BERIZIN"], [90, 7, 3])
# LKSA grades from the July 2025 BALKS figures (A 871, B 4,439, C 6,897, not yet 2,238).
_GRADE: Final = {
    "LKSA": Pool(["A", "B", "C", "BELUM"], [6, 31, 48, 15]),
    "TPA": Pool(["A", "B", "C", "BELUM"], [3, 10, 17, 70]),
}
_OTHER_GRADE: Final = Pool(["A", "B", "C", "BELUM"], [5, 15, 20, 60])
_CAPACITY: Final = {
    "LKSA": (20, 120),
    "TPA": (10, 60),
    "RUMAH_AMAN": (4, 20),
    "RPSA": (20, 60),
    "UPTD_PPA": (5, 30),
}
_WORDS: Final = (
    "Al Ikhlas",
    "Kasih Bunda",
    "Harapan Bangsa",
    "Nurul Iman",
    "Bina Insani",
    "Tunas Harapan",
    "Mutiara Hati",
    "Ceria",
    "Permata Hati",
    "Pelita",
    "Kasih Ibu",
    "Darul Aitam",
    "Bunda Maria",
    "Hikmah",
    "Cahaya",
    "Sayap Ibu",
    "Mekar Sari",
    "Cinta Kasih",
    "Insan Mulia",
    "Muhammadiyah",
    "Aisyiyah",
    "Rumah Pelangi",
    "Budi Luhur",
    "Tunas Bangsa",
    "Bakti Luhur",
    "Anugerah",
)


def institutions(rng: random.Random, geography: Geography, households: int) -> Iterator[list[str]]:
    """Rows of ``lembaga.csv`` for a population of ``households`` households."""
    count = max(MIN_INSTITUTIONS, households // HOUSEHOLDS_PER_INSTITUTION)
    uptd_seen: set[str] = set()  # membership only (never iterated): one UPTD PPA per regency
    for number in range(1, count + 1):
        village = geography.village(rng)
        kind = _KIND.pick(rng)
        if kind == "UPTD_PPA" and village.regency in uptd_seen:
            kind = "LKSA"
        words = rng.choice(_WORDS)
        place = village.birthplace
        if kind == "LKSA":
            name = f"{rng.choice(('Panti Asuhan', 'LKSA', 'Yayasan'))} {words}"
        elif kind == "TPA":
            name = f"{rng.choice(('TPA', 'Daycare', 'Taman Penitipan Anak', 'TARA'))} {words}"
        elif kind == "RUMAH_AMAN":
            name = f"Rumah Aman {place} {number}"
        elif kind == "RPSA":
            name = f"RPSA {words}"
        else:
            uptd_seen.add(village.regency)
            name = f"UPTD PPA {village.regency_name}"
        code = village.regency if kind == "UPTD_PPA" else village.code
        if chance(rng, 0.5):
            code = code.replace(".", "")
        # Safe-house locations are confidential: no street address.
        address = (
            ""
            if kind == "RUMAH_AMAN"
            else (
                f"Jl. {rng.choice(('Merdeka', 'Pendidikan', 'Sosial', 'Raya', 'Melati'))} "
                f"No. {rng.randint(1, 200)}, {village.name}, Kec. {village.district_name}"
            )
        )
        licence = _LICENCE.get(kind, _PUBLIC_LICENCE).pick(rng)
        grade = _GRADE.get(kind, _OTHER_GRADE).pick(rng)
        if licence == "TIDAK_BERIZIN" and grade != "BELUM" and chance(rng, 0.7):
            grade = "BELUM"
        accredited = ""
        if grade != "BELUM":
            accredited = format_date(
                random_date(rng, dt.date(2016, 1, 1), REF_DATE), rng.choice((0, 0, 1, 2))
            )
        low, high = _CAPACITY[kind]
        capacity = rng.randint(low, high)
        ratio = rng.uniform(1.1, 1.6) if chance(rng, 0.12) else rng.uniform(0.35, 1.0)
        children = round(capacity * ratio)  # 12 % overcrowded
        workers = 0 if chance(rng, 0.18) else rng.randint(1, 3 if kind == "TPA" else 8)
        certified = sum(1 for _ in range(workers) if chance(rng, 0.35))
        row = [
            f"LMB{number:05d}",
            name,
            kind,
            code,
            address,
            licence,
            grade,
            accredited,
            str(capacity),
            str(children),
            str(workers),
            str(certified),
        ]
        if chance(rng, 0.05):  # some counts not reported
            row[8 + rng.randrange(4)] = ""
        yield row


#: Share of institutions that the other agency (KPAI) reports again under its own id.
DUPLICATE_SHARE: Final = 0.25
_PREFIXES: Final = {
    "LKSA": ("Panti Asuhan", "LKSA", "Yayasan", "PA", "Yayasan Panti Asuhan"),
    "TPA": ("TPA", "Daycare", "Taman Penitipan Anak", "Tempat Penitipan Anak", "Day Care"),
    "RPSA": ("RPSA", "Rumah Perlindungan Sosial Anak"),
}


def cross_agency_duplicates(
    rng: random.Random, rows: list[list[str]]
) -> Iterator[tuple[list[str], str]]:
    """The same institutions as reported by KPAI: ``(row, id_lembaga of the original)``.

    About :data:`DUPLICATE_SHARE` of ``rows`` come back with a ``KPAI-L`` id and the variants
    two agencies' lists show: another generic prefix (Panti Asuhan / LKSA / Yayasan), case,
    hyphens and typos in the name, Jalan/Jl. and No. written differently or no address, a
    region coded only to the regency, and counts reported on another day.
    """
    number = 0
    for original in rows:
        if not chance(rng, DUPLICATE_SHARE):
            continue
        number += 1
        row = list(original)
        row[0] = f"KPAI-L{number:05d}"
        row[1] = _variant_name(rng, original[1], original[2])
        code = original[3].replace(".", "")
        if len(code) == 10 and chance(rng, 0.3):
            code = code[:4]
        row[3] = f"{code[:2]}.{code[2:4]}" + (f".{code[4:6]}.{code[6:]}" if len(code) == 10 else "")
        if chance(rng, 0.5):
            row[3] = row[3].replace(".", "")
        row[4] = _variant_address(rng, original[4])
        if row[9] and chance(rng, 0.5):  # children counted on another day
            row[9] = str(max(0, int(row[9]) + rng.randint(-3, 3)))
        yield row, original[0]


def _variant_name(rng: random.Random, name: str, kind: str) -> str:
    prefixes = _PREFIXES.get(kind, ())
    for prefix in sorted(prefixes, key=len, reverse=True):
        if name.startswith(prefix + " ") and chance(rng, 0.6):
            name = f"{rng.choice(prefixes)} {name[len(prefix) + 1 :]}"
            break
    if chance(rng, 0.3):
        name = name.replace("Al ", "Al-").replace("Kab. ", "Kabupaten ")
    if chance(rng, 0.2):
        letters = list(name)
        i = rng.randrange(len(name) // 2, len(name) - 1)
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
        name = "".join(letters)
    return name.upper() if chance(rng, 0.3) else name


def _variant_address(rng: random.Random, address: str) -> str:
    if not address or chance(rng, 0.2):
        return ""
    if chance(rng, 0.5):
        address = address.replace("Jl. ", "Jalan ")
    if chance(rng, 0.4):
        address = address.replace("No. ", "")
    if chance(rng, 0.4):
        address = address.split(", Kec.")[0]
    return address
