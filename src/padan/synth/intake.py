"""KPAI complaint rows under a profile other than ``standard``: the intake situations of
``docs/domain.md`` (§2.2 NIKs, §2.3 KK numbers that change, §1.2 retired codes, §8 names) and
of how complaints are taken (a parent reports the child with the NIK or KK card at hand).

The columns are those of :data:`padan.synth.complaints.KPAI_COLUMNS`; every row stays valid per
the exchange format (16-digit identifiers or empty, real region codes, known code values).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Final

from padan.synth.codes import mistype_nik, retired_code
from padan.synth.common import Pool, age_at, chance, format_date
from padan.synth.complaints import Child, ComplaintPlanner
from padan.synth.household_details import street_address
from padan.synth.namenoise import NAME_SITUATIONS, bin_binti
from padan.synth.people import Household, Person, Registry
from padan.synth.places import Geography, Village
from padan.synth.profiles import Profile
from padan.synth.variants import name_variant

__all__ = ["IntakeWriter"]

_DATE_STYLE: Final = Pool([0, 1, 2], [40, 35, 25])


class IntakeWriter:
    """Writes complaint rows with a profile's error model and counts what it injected."""

    def __init__(self, profile: Profile, registry: Registry, geography: Geography) -> None:
        self.profile = profile
        self.registry = registry
        self.geography = geography
        self.counts: Counter[str] = Counter()
        self._name_kinds = Pool(range(len(NAME_SITUATIONS)), profile.name_kinds)

    def row(self, rng: random.Random, number: str, day: dt.date, child: Child) -> list[str]:
        """One ``kpai_kasus`` row about ``child`` for the complaint ``number`` of ``day``."""
        person, household = child.person, child.household
        village = household.village
        name = self._name(rng, person)
        birth_text, usia = self._birth(rng, person.birth, day)
        code, moved_to = self._region(rng, village)
        mother = ComplaintPlanner._other_name(rng, person.mother, 0.30, 0.15)
        father = ComplaintPlanner._other_name(rng, person.father, 0.40, 0.1)
        birthplace = person.birthplace if chance(rng, 0.55) else ""
        if birthplace and chance(rng, 0.3):
            birthplace = birthplace.upper()
        draw = rng.random()
        place = moved_to or village
        if moved_to is not None and draw < 0.5:
            address = street_address(rng, moved_to)
        elif draw < 0.5:
            address = household.address
        elif draw < 0.75:
            address = f"Desa/Kel. {place.name}, Kec. {place.district_name}"
        else:
            address = ""
        klaster, kategori, peran, disability = ComplaintPlanner._case(rng, person, day)
        return [
            number,
            format_date(day, _DATE_STYLE.pick(rng)),
            self._nik(rng, person, household, day, moved_to),
            name,
            ComplaintPlanner._sex(rng, person.sex),
            birthplace,
            birth_text,
            usia,
            mother,
            father,
            address,
            code,
            klaster,
            kategori,
            peran,
            disability,
            ComplaintPlanner._status(rng, day),
        ]

    def _name(self, rng: random.Random, person: Person) -> str:
        profile = self.profile
        draw = rng.random()
        if draw < profile.name_situation:
            label, change = NAME_SITUATIONS[self._name_kinds.pick(rng)]
            if change is None:
                written = bin_binti(person.name, person.father, person.sex, rng)
            else:
                written = change(person.name, rng)
            if written != person.name and written.strip():
                self.counts[label] += 1
                return written
            draw = profile.name_situation  # not applicable to this name: a common variant
        if draw < profile.name_situation + profile.name_variant:
            return name_variant(person.name, rng, child=True)
        return person.name

    def _birth(self, rng: random.Random, birth: dt.date, day: dt.date) -> tuple[str, str]:
        profile = self.profile
        style = _DATE_STYLE.pick(rng)
        draw = rng.random()
        if draw < profile.dob_age_only:
            self.counts["dob_age_only"] += 1
            return "", str(age_at(birth, day))
        draw -= profile.dob_age_only
        if draw < profile.dob_missing:
            self.counts["dob_missing"] += 1
            return "", ""
        draw -= profile.dob_missing
        written, label = birth, ""
        if draw < profile.dob_swapped and birth.day <= 12 and birth.day != birth.month:
            written, label = (
                birth.replace(month=birth.day, day=birth.month),
                "dob_day_month_swapped",
            )
        elif draw < profile.dob_swapped + profile.dob_year_off:
            year = birth.year + (1 if chance(rng, 0.5) else -1)
            day_of_month = min(birth.day, 28 if birth.month == 2 else 31)
            written, label = dt.date(year, birth.month, day_of_month), "dob_year_off"
        elif draw < profile.dob_swapped + profile.dob_year_off + profile.dob_placeholder:
            month, dom = rng.choice(((1, 1), (7, 1), (12, 31)))
            written, label = dt.date(birth.year, month, dom), "dob_placeholder"
        if written > day or written == birth:
            return format_date(birth, style), ""
        self.counts[label] += 1
        return format_date(written, style), ""

    def _region(self, rng: random.Random, village: Village) -> tuple[str, Village | None]:
        """The code written, and the village the child has moved to (``None`` if not moved)."""
        profile = self.profile
        moved: Village | None = None
        old = retired_code(village.code)
        if profile.region_moved and chance(rng, profile.region_moved):
            moved = self.geography.village_elsewhere(rng, village.regency)
        if moved is not None:
            self.counts["region_moved_regency"] += 1
            code = moved.code if chance(rng, 0.5) else moved.district
        elif old is not None and profile.region_retired and chance(rng, profile.region_retired):
            self.counts["region_retired_papua"] += 1
            code = old
        else:
            draw = rng.random()
            if draw < profile.region_province:
                self.counts["region_province_only"] += 1
                code = village.regency[:2]
            elif draw < profile.region_province + profile.region_coarse * 0.6:
                code = village.district
            elif draw < profile.region_province + profile.region_coarse:
                self.counts["region_regency_only"] += 1
                code = village.regency
            else:
                code = village.code
        if chance(rng, 0.5):
            code = code.replace(".", "")
        return code, moved

    def _nik(
        self,
        rng: random.Random,
        person: Person,
        household: Household,
        day: dt.date,
        moved_to: Village | None,
    ) -> str:
        profile = self.profile
        draw = rng.random()
        if draw < profile.kpai_nik_missing:
            return ""
        draw -= profile.kpai_nik_missing
        if draw < profile.kpai_nik_family:
            family = _family_niks(person, household)
            if family:
                label, nik = rng.choice(family)
                self.counts[label] += 1
                return nik
            return person.nik
        draw -= profile.kpai_nik_family
        if draw < profile.kpai_nik_kk:
            return self._kk(rng, household, day, moved_to)
        draw -= profile.kpai_nik_kk
        if draw < profile.kpai_nik_typo:
            self.counts["kpai_nik_typo"] += 1
            return mistype_nik(person.nik, rng)
        if chance(rng, 0.05):  # spreadsheet noise the exchange format tolerates
            nik = person.nik
            return rng.choice(
                ("'" + nik, f"{nik[:6]} {nik[6:12]} {nik[12:]}", f"{nik[:6]}.{nik[6:]}")
            )
        return person.nik

    def _kk(
        self, rng: random.Random, household: Household, day: dt.date, moved_to: Village | None
    ) -> str:
        """The family's KK: often a newer one (the family split or moved, §2.3), not in DTSEN."""
        kk = household.no_kk
        recorded = _kk_date(kk)
        if recorded is not None and recorded < day and chance(rng, self.profile.kpai_kk_newer):
            when = dt.date.fromordinal(rng.randint(recorded.toordinal() + 1, day.toordinal()))
            district = (moved_to or household.village).district6
            self.counts["nik_is_newer_kk"] += 1
            return self.registry.kk(district, when)
        self.counts["nik_is_dtsen_kk"] += 1
        return kk


def _family_niks(person: Person, household: Household) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for member in household.members:
        if member.pid == person.pid or not member.nik:
            continue
        if member.sex == "P" and member.name == person.mother:
            out.append(("nik_of_mother", member.nik))
        elif member.sex == "L" and member.name == person.father:
            out.append(("nik_of_father", member.nik))
        elif member.relation == person.relation == "ANAK":
            out.append(("nik_of_sibling", member.nik))
    return out


def _kk_date(kk: str) -> dt.date | None:
    """The recording date encoded in a KK number (DDMMYY after the district)."""
    try:
        return dt.date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
    except ValueError:
        return None
