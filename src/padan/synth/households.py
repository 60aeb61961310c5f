"""Synthetic DTSEN households: members, identifiers, welfare decile, schooling and aid.

A household is built around a head; a wife (or, rarely, a husband), children born to the mother
at plausible intervals (twins included), sometimes grandchildren, a parent of the head or another
relative. Every person gets a NIK consistent with the village's district, the birth date and the
sex (day + 40 for women), and the household a KK number (district + recording date + serial).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Final

from padan.domain.regions import dotted
from padan.synth.codes import retired_code
from padan.synth.common import REF_DATE, Pool, age_at, chance, random_date
from padan.synth.namenoise import near_name
from padan.synth.names import NameMaker
from padan.synth.places import Geography, Village
from padan.synth.profiles import DEFAULT_PROFILE, Profile, profile_for

__all__ = ["Household", "HouseholdMaker", "Person", "Registry"]

_YEAR: Final = 365.2425
# Oldest birth year allowed: NIKs carry a 2-digit year and the checker places it in the last
# century before the reference date, so nobody may be born in 1926 or earlier.
_OLDEST_BIRTH: Final = dt.date(1931, 1, 1)
_HEAD_AGE: Final = Pool(
    [(20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 85)], [10, 24, 27, 21, 12, 6]
)
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


@dataclass(slots=True)
class Person:
    """One real (synthetic) person; the true values behind every record that mentions them."""

    pid: int
    name: str
    sex: str  # "L" / "P"
    birth: dt.date
    relation: str
    mother: str  # birth mother's name as she is really called
    father: str  # "" when unknown
    birthplace: str
    nik: str = ""
    disability: str = ""
    school: str = ""
    mother_written: str = ""  # nama_ibu_kandung as the DTSEN row writes it
    pip: bool = False
    twin: int = 0  # pid of the twin (profiles other than standard mark twins)
    similar_to: int = 0  # pid of the elder sibling or twin whose name this one nearly repeats
    old_nik: bool = False  # NIK carries a retired (pre-2022 Papua) district prefix


@dataclass(slots=True)
class Household:
    """One DTSEN family with its members and household-level attributes."""

    hid: int
    village: Village
    group: str
    desil: int | None
    no_kk: str
    address: str
    members: list[Person] = field(default_factory=list)
    pkh: bool = False
    sembako: bool = False
    pbi: bool = False
    atensi: bool = False


class Registry:
    """Issues NIK and KK numbers with serials unique per (district, encoded date).

    Keys are packed into one int (12 digits) to keep the table small for a million people.
    """

    def __init__(self) -> None:
        self._nik: dict[int, int] = {}
        self._kk: dict[int, int] = {}

    @staticmethod
    def _issue(table: dict[int, int], core: str) -> str:
        key = int(core)
        serial = table.get(key, 0) + 1
        table[key] = serial
        # More than 9999 people of one district born on one day cannot happen at our scale;
        # wrap rather than emit a 5-digit serial.
        return f"{core}{(serial - 1) % 9999 + 1:04d}"

    def nik(self, district6: str, birth: dt.date, sex: str) -> str:
        """A NIK: district, birth DDMMYY with day + 40 for women, next serial."""
        day = birth.day + (40 if sex == "P" else 0)
        return self._issue(
            self._nik, f"{district6}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        )

    def kk(self, district6: str, recorded: dt.date) -> str:
        """A KK number: district, recording DDMMYY, next serial."""
        core = f"{district6}{recorded.day:02d}{recorded.month:02d}{recorded.year % 100:02d}"
        return self._issue(self._kk, core)


def _birth_for_age(rng: random.Random, age: int) -> dt.date:
    # Uniform over the year of life that gives exactly ``age`` on the reference date.
    end = REF_DATE.toordinal() - int(age * _YEAR)
    return max(_OLDEST_BIRTH, dt.date.fromordinal(end - rng.randint(0, 364)))


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


class HouseholdMaker:
    """Builds households one at a time (streaming: nothing is kept after the caller writes it)."""

    def __init__(
        self,
        geography: Geography,
        names: NameMaker,
        registry: Registry,
        profile: Profile | None = None,
    ) -> None:
        self.geography = geography
        self.names = names
        self.registry = registry
        self.profile = profile or profile_for(DEFAULT_PROFILE)
        self.next_pid = 1
        self._desil_pools: dict[tuple[float, int], Pool[int]] = {}

    def _pid(self) -> int:
        pid = self.next_pid
        self.next_pid += 1
        return pid

    def _desil(self, rng: random.Random, poverty: float, children: int) -> int | None:
        if chance(rng, 0.02):  # not ranked
            return None
        # Weight of desil d falls/rises exponentially across 1..10 with the regional poverty
        # index, a little more for large families.
        key = (round(poverty, 2), min(children, 6))
        pool = self._desil_pools.get(key)
        if pool is None:
            slope = 1.6 * (poverty + 0.12 * (min(children, 6) - 2))
            pool = Pool(
                list(range(1, 11)), [math.exp(-slope * (d - 5.5) / 4.5) for d in range(1, 11)]
            )
            self._desil_pools[key] = pool
        return pool.pick(rng)

    def _person(
        self,
        rng: random.Random,
        group: str,
        sex: str,
        birth: dt.date,
        relation: str,
        mother: str,
        father: str,
        birthplace: str,
        *,
        marga: str | None = None,
        order: int = 0,
    ) -> Person:
        name = self.names.name(rng, group, sex, birth.year, marga=marga, order=order)
        return Person(self._pid(), name, sex, birth, relation, mother, father, birthplace)

    def _random_parent(self, rng: random.Random, group: str, sex: str, child_birth: dt.date) -> str:
        year = child_birth.year - rng.randint(20, 38)
        return self.names.name(rng, group, sex, max(year, 1900))

    def make(self, rng: random.Random, hid: int, village: Village | None = None) -> Household:
        """One household in ``village`` (or a random village of the geography)."""
        village = village or self.geography.village(rng)
        group = village.groups.pick(rng)
        low, high = _HEAD_AGE.pick(rng)
        head_age = rng.randint(low, high)
        head_sex = "P" if chance(rng, 0.12 if head_age < 60 else 0.28) else "L"
        local = village.birthplace
        marga = self.names.marga(rng, group) if head_sex == "L" else None
        head_birth = _birth_for_age(rng, head_age)
        place = local if chance(rng, 0.8) else self.geography.far_birthplace(rng)
        head = self._person(
            rng,
            group,
            head_sex,
            head_birth,
            "KEPALA KELUARGA",
            self._random_parent(rng, group, "P", head_birth),
            self._random_parent(rng, group, "L", head_birth),
            place,
            marga=marga,
        )
        members = [head]
        mother: Person | None = head if head_sex == "P" else None
        father_name = head.name if head_sex == "L" else ""
        spouse_rate = (0.9 if head_age < 60 else 0.65) if head_sex == "L" else 0.15
        if head_age < 25:
            spouse_rate *= 0.85
        if chance(rng, spouse_rate):
            spouse_sex = "P" if head_sex == "L" else "L"
            gap = rng.gauss(4, 4) if spouse_sex == "P" else -rng.gauss(4, 4)
            spouse_age = int(min(90, max(17, head_age - gap)))
            spouse_group = group if chance(rng, 0.85) else village.groups.pick(rng)
            spouse_birth = _birth_for_age(rng, spouse_age)
            if spouse_sex == "L":  # a husband registered under his wife: children take his marga
                marga = self.names.marga(rng, spouse_group)
            spouse = self._person(
                rng,
                spouse_group,
                spouse_sex,
                spouse_birth,
                "ISTRI" if spouse_sex == "P" else "SUAMI",
                self._random_parent(rng, spouse_group, "P", spouse_birth),
                self._random_parent(rng, spouse_group, "L", spouse_birth),
                local if chance(rng, 0.7) else self.geography.far_birthplace(rng),
                marga=marga if spouse_sex == "L" else None,
            )
            members.append(spouse)
            if spouse_sex == "P":
                mother = spouse
            else:
                father_name = spouse.name
        if not father_name:  # children of an absent father still carry his marga and name
            marga = self.names.marga(rng, group)
        self._children(rng, members, group, village, mother, head, father_name, marga)
        self._extended(rng, members, group, village, head)
        kids = sum(1 for m in members if age_at(m.birth, REF_DATE) < 18)
        desil = self._desil(rng, village.poverty, kids)
        youngest = max(m.birth for m in members)
        recorded = random_date(rng, max(youngest, dt.date(2008, 1, 1)), dt.date(2026, 5, 31))
        household = Household(
            hid,
            village,
            group,
            desil,
            self.registry.kk(village.district6, recorded),
            self._address(rng, village),
            members,
        )
        self._finish(rng, household)
        return household

    def _children(
        self,
        rng: random.Random,
        members: list[Person],
        group: str,
        village: Village,
        mother: Person | None,
        head: Person,
        father_name: str,
        marga: str | None,
    ) -> None:
        if mother is not None:
            mother_birth, mother_name = mother.birth, mother.name
        else:  # a father raising children alone: their mother lives elsewhere or has died
            mother_birth = dt.date.fromordinal(head.birth.toordinal() + int(3 * _YEAR))
            mother_name = self.names.name(rng, group, "P", mother_birth.year)
        # Fertility rises with regional poverty (NTT/Papua families are larger).
        wanted = max(0, round(rng.gauss(2.7 + 0.9 * village.poverty, 1.4)))
        age_years = rng.uniform(18, 27 - 2 * village.poverty)
        order = 0
        while order < wanted and len(members) < 9:
            birth = dt.date.fromordinal(
                mother_birth.toordinal() + int(age_years * _YEAR) + rng.randint(0, 200)
            )
            if birth > REF_DATE or age_years > 45:
                break
            births = 2 if chance(rng, self.profile.twins) else 1  # twins: same day
            before = len(members)
            for _ in range(births):
                age = age_at(birth, REF_DATE)
                # Older children have often left to form their own households.
                if age <= 25 and (age < 18 or chance(rng, 0.85)) and len(members) < 9:
                    sex = "L" if chance(rng, 0.51) else "P"
                    members.append(
                        self._person(
                            rng,
                            group,
                            sex,
                            birth,
                            "ANAK",
                            mother_name,
                            father_name,
                            village.birthplace,
                            marga=marga,
                            order=order,
                        )
                    )
                order += 1
            if not self.profile.standard:
                self._similar_names(rng, members, before, marga)
            age_years += rng.uniform(1.3, 5.0)

    def _similar_names(
        self, rng: random.Random, members: list[Person], before: int, marga: str | None
    ) -> None:
        """Twins and siblings named almost alike (a letter or a token apart), still two people."""
        born = members[before:]
        profile = self.profile
        if len(born) == 2:
            first, second = born
            first.twin, second.twin = second.pid, first.pid
            if profile.twin_similar and chance(rng, profile.twin_similar):
                second.name = _alike(rng, first.name, second.name, marga)
                second.similar_to = first.pid
            return
        if len(born) != 1 or not profile.sibling_similar:
            return
        child = born[0]
        elder = [m for m in members[:before] if m.relation == "ANAK" and m.sex == child.sex]
        if elder and chance(rng, profile.sibling_similar):
            model = elder[-1]
            child.name = _alike(rng, model.name, child.name, marga)
            child.similar_to = model.pid

    def _extended(
        self, rng: random.Random, members: list[Person], group: str, village: Village, head: Person
    ) -> None:
        head_age = age_at(head.birth, REF_DATE)
        if 25 <= head_age <= 62 and chance(rng, 0.14):
            # The head's widowed mother (most often), father, or both live with the family.
            sexes = rng.choice((("P",), ("P",), ("P",), ("L",), ("P", "L")))
            for sex in sexes:
                birth = dt.date.fromordinal(
                    head.birth.toordinal() - int(rng.uniform(19, 36) * _YEAR)
                )
                if birth < _OLDEST_BIRTH or len(members) >= 9:
                    continue
                marga = self.names.marga(rng, group) if sex == "L" else None
                parent = self._person(
                    rng,
                    group,
                    sex,
                    birth,
                    "ORANG TUA",
                    self._random_parent(rng, group, "P", birth),
                    "",
                    village.birthplace if chance(rng, 0.7) else self.geography.far_birthplace(rng),
                    marga=marga,
                )
                members.append(parent)
                if sex == "P":  # the head's mother lives with them: same name in both records
                    head.mother = parent.name
                else:
                    head.father = parent.name
        if head_age >= 42 and chance(rng, 0.35):
            daughters = [
                m
                for m in members
                if m.relation == "ANAK" and m.sex == "P" and age_at(m.birth, REF_DATE) >= 19
            ]
            in_house = rng.choice(daughters) if daughters and chance(rng, 0.6) else None
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                if len(members) >= 9:
                    break
                earliest = REF_DATE.toordinal() - int(14 * _YEAR)
                if in_house is not None:
                    earliest = max(earliest, in_house.birth.toordinal() + int(17 * _YEAR))
                birth = dt.date.fromordinal(
                    rng.randint(min(earliest, REF_DATE.toordinal()), REF_DATE.toordinal())
                )
                mother = in_house.name if in_house else self._random_parent(rng, group, "P", birth)
                sex = "L" if chance(rng, 0.51) else "P"
                members.append(
                    self._person(
                        rng,
                        group,
                        sex,
                        birth,
                        "CUCU",
                        mother,
                        self._random_parent(rng, group, "L", birth) if chance(rng, 0.7) else "",
                        village.birthplace,
                    )
                )
        for _ in range(rng.choice((1, 1, 1, 2)) if chance(rng, 0.1) else 0):
            if len(members) >= 9:
                break
            relation = "FAMILI LAIN" if chance(rng, 0.85) else "LAINNYA"
            birth = _birth_for_age(rng, rng.randint(3, 70))
            sex = "L" if chance(rng, 0.5) else "P"
            members.append(
                self._person(
                    rng,
                    group,
                    sex,
                    birth,
                    relation,
                    self._random_parent(rng, group, "P", birth),
                    self._random_parent(rng, group, "L", birth) if chance(rng, 0.6) else "",
                    self.geography.far_birthplace(rng) if chance(rng, 0.4) else village.birthplace,
                )
            )

    @staticmethod
    def _address(rng: random.Random, village: Village) -> str:
        rt, rw = rng.randint(1, 12), rng.randint(1, 8)
        if village.code[9] == "1" or chance(rng, 0.3):  # kelurahan: streets; desa: hamlets
            street = f"Jl. {rng.choice(_STREETS)} No. {rng.randint(1, 150)}"
        else:
            street = f"Dusun {rng.choice(_HAMLETS)}"
        return f"{street} RT {rt:03d}/RW {rw:03d}, {village.name}"

    def _finish(self, rng: random.Random, household: Household) -> None:
        """NIKs, disability, schooling and aid, which depend on the whole household."""
        desil = household.desil
        rank = desil if desil is not None else 6  # unranked families rarely receive aid
        village = household.village
        for person in household.members:
            district = village.district6
            if chance(rng, 0.01):  # registered elsewhere before moving here
                district = self.geography.other_district(rng, district)
            # A NIK issued before the 2022 Papua split keeps its retired district prefix.
            old = retired_code(dotted(district)) if self.profile.papua_old_nik else None
            if old and person.birth.year < 2022 and chance(rng, self.profile.papua_old_nik):
                district = old.replace(".", "")
                person.old_nik = True
            person.nik = self.registry.nik(district, person.birth, person.sex)
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


_ORDER_WORDS: Final = ("Eka", "Dwi", "Tri", "Catur", "Panca")


def _alike(rng: random.Random, model: str, own: str, marga: str | None) -> str:
    """A name for a twin or younger sibling close to ``model``: the next Javanese birth-order
    word (``Eka Putri`` → ``Dwi Putri``), the model's first tokens with the sibling's own last
    token, or one letter changed (``Rizki``/``Rizka``). Never ``model`` itself."""
    tail = f" {marga}" if marga and model.endswith(f" {marga}") and model != marga else ""
    core = model[: len(model) - len(tail)]
    tokens = core.split()
    if tokens and tokens[0] in _ORDER_WORDS[:-1]:
        tokens[0] = _ORDER_WORDS[_ORDER_WORDS.index(tokens[0]) + 1]
        return " ".join(tokens) + tail
    own_last = own[: len(own) - len(tail)].split()[-1:] if own != model else []
    if len(tokens) >= 2 and own_last and own_last[0] != tokens[-1] and chance(rng, 0.4):
        return " ".join(tokens[:-1] + own_last) + tail
    for _ in range(4):
        changed = near_name(core, rng)
        if changed != core:
            return changed + tail
    return core + ("a" if not core.endswith("a") else "i") + tail
