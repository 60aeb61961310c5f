"""What a synthetic household gets once its members are known: an address, every member's NIK,
disability and schooling, and the social aid the household receives.
"""

from __future__ import annotations

import random
from typing import Final

from padan.domain.regions import dotted
from padan.synth.codes import retired_code
from padan.synth.common import REF_DATE, Pool, age_at, chance
from padan.synth.people import Household, Registry
from padan.synth.places import Geography, Village
from padan.synth.profiles import Profile

__all__ = ["finish", "street_address"]

_DISABILITY: Final = Pool(
    ["FISIK", "INTELEKTUAL", "MENTAL", "SENSORIK", "GANDA"], [30, 20, 18, 22, 10]
)
_STREETS: Final = (
    "Merdeka",
    "Sudirman",
    "Diponegoro",
    "Gatot Subroto",
    "Ahmad Yani",
    "Pahlawan",
    "Melati",
    "Mawar",
    "Kenanga",
    "Anggrek",
    "Masjid",
    "Pasar",
    "Raya",
    "Kartini",
    "Veteran",
    "Cempaka",
    "Flamboyan",
    "Imam Bonjol",
    "Pattimura",
    "Hasanuddin",
    "Gajah Mada",
    "Hayam Wuruk",
    "Cendrawasih",
    "Kamboja",
    "Nangka",
    "Mangga",
    "Rambutan",
    "Delima",
    "Teratai",
    "Kemuning",
    "Siliwangi",
    "Pemuda",
    "Trikora",
    "Bhayangkara",
    "Kebon Jeruk",
    "Sisingamangaraja",
)
_HAMLETS: Final = (
    "Krajan",
    "Sukamaju",
    "Sukamulya",
    "Karanganyar",
    "Tegalsari",
    "Kauman",
    "Sidomulyo",
    "Mekarsari",
    "Sumbersari",
    "Cikoneng",
    "Babakan",
    "Wates",
    "Purwosari",
    "Gunungsari",
    "Suka Damai",
    "Harapan Jaya",
    "Mulia",
    "Kampung Baru",
    "Tanjung",
    "Pasir",
    "Lembah",
)


def _school_status(rng: random.Random, age: int, desil: int | None, disability: str) -> str:
    # Participation falls with age and poverty, and is much lower for disabled children.
    poor = desil is not None and desil <= 3
    if age <= 4:
        return "BELUM SEKOLAH"
    if age == 5:
        return "SEKOLAH" if chance(rng, 0.45) else "BELUM SEKOLAH"
    if age >= 25:
        return "TIDAK SEKOLAH"
    if age <= 12:
        enrolled, dropout = 0.97, 0.01
    elif age <= 15:
        enrolled, dropout = 0.90 if poor else 0.95, 0.07 if poor else 0.03
    elif age <= 18:
        enrolled, dropout = 0.65 if poor else 0.82, 0.27 if poor else 0.13
    else:
        enrolled, dropout = 0.12 if poor else 0.3, 0.0
    if disability:
        enrolled -= 0.35
    draw = rng.random()
    if draw < enrolled:
        return "SEKOLAH"
    if draw < enrolled + dropout:
        return "PUTUS SEKOLAH"
    return "TIDAK SEKOLAH"


def street_address(rng: random.Random, village: Village) -> str:
    """A street (kelurahan) or hamlet (desa) address with RT/RW in ``village``."""
    rt, rw = rng.randint(1, 12), rng.randint(1, 8)
    if village.code[9] == "1" or chance(rng, 0.3):  # kelurahan: streets; desa: hamlets
        street = f"Jl. {rng.choice(_STREETS)} No. {rng.randint(1, 150)}"
    else:
        street = f"Dusun {rng.choice(_HAMLETS)}"
    return f"{street} RT {rt:03d}/RW {rw:03d}, {village.name}"


def finish(
    rng: random.Random,
    household: Household,
    *,
    geography: Geography,
    registry: Registry,
    profile: Profile,
) -> None:
    """NIKs, disability, schooling and aid, which depend on the whole household."""
    desil = household.desil
    rank = desil if desil is not None else 6  # unranked families rarely receive aid
    village = household.village
    for person in household.members:
        district = village.district6
        if chance(rng, 0.01):  # registered elsewhere before moving here
            district = geography.other_district(rng, district)
        # A NIK issued before the 2022 Papua split keeps its retired district prefix.
        old = retired_code(dotted(district)) if profile.papua_old_nik else None
        if old and person.birth.year < 2022 and chance(rng, profile.papua_old_nik):
            district = old.replace(".", "")
            person.old_nik = True
        person.nik = registry.nik(district, person.birth, person.sex)
        age = age_at(person.birth, REF_DATE)
        rate = 0.025 if age < 18 else (0.015 if age < 60 else 0.06)
        if chance(rng, rate):
            person.disability = _DISABILITY.pick(rng)
        person.school = _school_status(rng, age, desil, person.disability)
        person.pip = (
            6 <= age <= 21
            and person.school == "SEKOLAH"
            and chance(rng, 0.6 if rank <= 4 else 0.2 if rank <= 6 else 0.03)
        )
    ages = [age_at(m.birth, REF_DATE) for m in household.members]
    disabled = any(m.disability for m in household.members)
    # PKH components: children under 21, elderly, severe disability; desil 1-4, with ~20 %
    # exclusion error among the eligible and some inclusion error above desil 5.
    pkh_component = disabled or any(a < 21 or a >= 60 for a in ages)
    pkh_rate = 0.8 if rank <= 4 else 0.12 if rank == 5 else 0.04
    household.pkh = pkh_component and chance(rng, pkh_rate)
    household.sembako = chance(rng, 0.75 if rank <= 5 else 0.08 if rank <= 7 else 0.02)
    household.pbi = chance(rng, 0.85 if rank <= 5 else 0.2 if rank <= 7 else 0.05)
    atensi = (0.15 if rank <= 5 else 0.05) if disabled else (0.01 if rank <= 4 else 0.002)
    household.atensi = chance(rng, atensi)
