"""Synthetic DTSEN households: who lives together, with their names, births and welfare decile.

A household is built around a head; a wife (or, rarely, a husband), children born to the mother
at plausible intervals (twins included), sometimes grandchildren, a parent of the head or another
relative. Every person gets a NIK consistent with the village's district, the birth date and the
sex (day + 40 for women), and the household a KK number (district + recording date + serial).
The people are :mod:`padan.synth.people`; the address, NIKs, disability, schooling and aid are
given by :mod:`padan.synth.household_details` once the members are known.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Final

from padan.synth.common import REF_DATE, Pool, age_at, chance, random_date
from padan.synth.household_details import finish, street_address
from padan.synth.namenoise import near_name
from padan.synth.names import NameMaker
from padan.synth.people import Household, Person, Registry
from padan.synth.places import Geography, Village
from padan.synth.profiles import DEFAULT_PROFILE, Profile, profile_for

__all__ = ["HouseholdMaker"]

_YEAR: Final = 365.2425
# Oldest birth year allowed: NIKs carry a 2-digit year and the checker places it in the last
# century before the reference date, so nobody may be born in 1926 or earlier.
_OLDEST_BIRTH: Final = dt.date(1931, 1, 1)
_HEAD_AGE: Final = Pool(
    [(20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 85)], [10, 24, 27, 21, 12, 6]
)


def _birth_for_age(rng: random.Random, age: int) -> dt.date:
    # Uniform over the year of life that gives exactly ``age`` on the reference date.
    end = REF_DATE.toordinal() - int(age * _YEAR)
    return max(_OLDEST_BIRTH, dt.date.fromordinal(end - rng.randint(0, 364)))


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
            street_address(rng, village),
            members,
        )
        finish(
            rng,
            household,
            geography=self.geography,
            registry=self.registry,
            profile=self.profile,
        )
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
