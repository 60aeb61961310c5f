"""DTSEN rows as an agency would export them: mixed date formats, missing NIKs, double entries."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Final

from padan.synth.codes import mistype_nik
from padan.synth.common import REF_DATE, Pool, chance, format_date
from padan.synth.namenoise import call_name
from padan.synth.people import Household, Person, Registry
from padan.synth.places import Geography
from padan.synth.profiles import DEFAULT_PROFILE, Profile, profile_for
from padan.synth.variants import name_variant

__all__ = ["DTSEN_COLUMNS", "STATUS_PADAN_COLUMN", "DtsenWriter", "Duplicate"]

DTSEN_COLUMNS: Final = (
    "id_individu",
    "id_keluarga",
    "no_kk",
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "hubungan_keluarga",
    "nama_ibu_kandung",
    "alamat",
    "kode_wilayah",
    "desil",
    "ragam_disabilitas",
    "status_sekolah",
    "penerima_pkh",
    "penerima_sembako",
    "penerima_pbi_jk",
    "penerima_pip",
    "penerima_atensi",
)
#: Exchange format v1.1 optional column, written after ``nik`` by profiles that set
#: :attr:`Profile.status_padan`.
STATUS_PADAN_COLUMN: Final = "status_padan_dukcapil"
# Rates (per person row) of the deliberate imperfections.
NIK_EMPTY: Final = 0.03
MOTHER_VARIANT: Final = 0.08
MOTHER_EMPTY: Final = 0.05
BIRTHPLACE_EMPTY: Final = 0.04
DUPLICATE: Final = 0.015
# Three date styles in one column, as merged regional exports have (ISO dominant).
_DATE_STYLE: Final = Pool([0, 1, 2], [85, 10, 5])
_KINDS: Final = ("same", "second_nik", "kk_as_nik", "grandparents")


@dataclass(slots=True)
class Duplicate:
    """A second registration of a person, waiting for a household to be written into."""

    person: Person
    regency: str  # joins a later household of the same regency
    name: str
    nik: str
    birth: dt.date
    mother: str
    kind: str = "same"  # see Profile.duplicate_kinds: same, second_nik, kk_as_nik, grandparents
    district: str = ""  # district of the first registration (profiles other than standard)


def _flag(value: bool) -> str:
    return "1" if value else "0"


class DtsenWriter:
    """Turns households into ``dtsen_individu`` rows (and truth pairs) and plants duplicates.

    About 1.5 % of persons are registered a second time: a quarter of them again in their own
    household (double entry on one KK), the rest later in another household as a relative, with
    a spelling variant of the name, often no NIK and sometimes a slightly wrong birth date.
    """

    def __init__(
        self,
        profile: Profile | None = None,
        registry: Registry | None = None,
        geography: Geography | None = None,
    ) -> None:
        self.geography = geography
        self.next_row = 1
        self._pending: list[Duplicate] = []
        self.profile = profile or profile_for(DEFAULT_PROFILE)
        self.registry = registry or Registry()
        self.counts: Counter[str] = Counter()  # situations injected (profiles other than standard)

    @property
    def columns(self) -> tuple[str, ...]:
        """The header: :data:`DTSEN_COLUMNS`, plus ``status_padan_dukcapil`` after ``nik``."""
        if not self.profile.status_padan:
            return DTSEN_COLUMNS
        at = DTSEN_COLUMNS.index("nik") + 1
        return (*DTSEN_COLUMNS[:at], STATUS_PADAN_COLUMN, *DTSEN_COLUMNS[at:])

    def rows(self, rng: random.Random, household: Household) -> list[tuple[list[str], int]]:
        """The DTSEN rows of ``household`` with the ``person_id`` of each row."""
        out: list[tuple[list[str], int]] = []
        late: list[Duplicate] = []
        for person in household.members:
            if chance(rng, MOTHER_EMPTY):
                person.mother_written = ""
            elif person.relation in ("ANAK", "CUCU") and chance(rng, MOTHER_VARIANT):
                person.mother_written = name_variant(person.mother, rng)
            else:
                person.mother_written = person.mother
            nik = "" if chance(rng, NIK_EMPTY) else person.nik
            if not self.profile.standard:
                nik = self._noisy_nik(rng, person, nik)
            out.append(
                (
                    self._row(
                        rng,
                        household,
                        person,
                        person.name,
                        nik,
                        person.birth,
                        person.mother_written,
                        person.relation,
                    ),
                    person.pid,
                )
            )
            if chance(rng, self.profile.duplicate):
                if self.profile.standard:
                    duplicate = self._duplicate(rng, person, nik, household.village.regency)
                else:
                    duplicate = self._duplicate_kind(rng, person, nik, household)
                if duplicate.kind == "grandparents":
                    self._pending.append(duplicate)
                elif chance(rng, 0.25) and len(household.members) + len(late) < 9:
                    late.append(duplicate)
                else:
                    self._pending.append(duplicate)
        for duplicate in late:
            out.append(self._duplicate_row(rng, household, duplicate, duplicate.person.relation))
        # Persons registered again elsewhere join a later household of their regency as relatives.
        keep: list[Duplicate] = []
        here = {person.pid for person in household.members}
        room = 9 - len(household.members) - len(late)  # a KK lists at most 9 rows here
        regency = household.village.regency
        for duplicate in self._pending:
            if (
                duplicate.person.pid in here
                or duplicate.regency != regency
                or room <= 0
                or (duplicate.kind == "grandparents" and not _grandparents(household, duplicate))
                or not chance(rng, 0.5)
            ):
                keep.append(duplicate)
                continue
            room -= 1
            if duplicate.kind == "grandparents":
                relation = "CUCU"
            else:
                relation = "FAMILI LAIN" if chance(rng, 0.8) else "LAINNYA"
            out.append(self._duplicate_row(rng, household, duplicate, relation))
        self._pending = keep
        return out

    def leftovers(self, rng: random.Random, household: Household) -> list[tuple[list[str], int]]:
        """Rows for duplicates still waiting at the end (written into ``household``)."""
        for d in self._pending:
            self._count_duplicate(household, d)
        out = [
            (
                self._row(
                    rng, household, d.person, d.name, d.nik, d.birth, d.mother, "FAMILI LAIN"
                ),
                d.person.pid,
            )
            for d in self._pending
        ]
        self._pending = []
        return out

    @staticmethod
    def _duplicate(rng: random.Random, person: Person, nik: str, regency: str) -> Duplicate:
        name = name_variant(person.name, rng) if chance(rng, 0.6) else person.name
        nik = nik if chance(rng, 0.55) else ""
        birth = person.birth
        if chance(rng, 0.2):
            shift = rng.choice((-365, 365, -31, 31, -1, 1, -10, 10))
            if birth.toordinal() + abs(shift) > REF_DATE.toordinal():
                shift = -abs(shift)  # a registered birth date is never in the future
            birth = dt.date.fromordinal(birth.toordinal() + shift)
        draw = rng.random()
        mother = (
            person.mother_written
            if draw < 0.7
            else name_variant(person.mother, rng)
            if draw < 0.85
            else ""
        )
        return Duplicate(person, regency, name, nik, birth, mother)

    def _duplicate_row(
        self, rng: random.Random, household: Household, duplicate: Duplicate, relation: str
    ) -> tuple[list[str], int]:
        """A second registration of an earlier person, in ``household``, with its truth id."""
        self._count_duplicate(household, duplicate)
        row = self._row(
            rng,
            household,
            duplicate.person,
            duplicate.name,
            duplicate.nik,
            duplicate.birth,
            duplicate.mother,
            relation,
        )
        return row, duplicate.person.pid

    def _noisy_nik(self, rng: random.Random, person: Person, nik: str) -> str:
        """A twin left without NIK, or a NIK typed with one wrong or two swapped digits."""
        profile = self.profile
        if not nik:
            return nik
        second_twin = person.twin and person.pid > person.twin
        if second_twin and profile.twin_no_nik and chance(rng, profile.twin_no_nik):
            self.counts["twin_without_nik"] += 1
            return ""
        if profile.dtsen_nik_typo and chance(rng, profile.dtsen_nik_typo):
            self.counts["dtsen_nik_typo"] += 1
            return mistype_nik(nik, rng)
        return nik

    def _duplicate_kind(
        self, rng: random.Random, person: Person, nik: str, household: Household
    ) -> Duplicate:
        """A second registration of one of the kinds of :attr:`Profile.duplicate_kinds`."""
        village = household.village
        kind = _KINDS[Pool(range(len(_KINDS)), self.profile.duplicate_kinds).pick(rng)]
        if kind == "grandparents" and person.relation not in ("ANAK", "CUCU"):
            kind = "second_nik"
        duplicate = self._duplicate(rng, person, nik, village.regency)
        duplicate.kind, duplicate.district = kind, village.district
        if kind == "second_nik":  # a second e-KTP recording: another serial, maybe elsewhere
            district = village.district6
            if chance(rng, 0.4):
                district = self._registry_district(rng, district)
            duplicate.nik = self.registry.nik(district, person.birth, person.sex)
        elif kind == "kk_as_nik":
            duplicate.nik = household.no_kk
        elif kind == "grandparents":
            name = person.name
            for _ in range(3):  # a shortened name: a call name or a token left out
                short = (call_name if chance(rng, 0.5) else _drop_last)(name, rng)
                if short != name:
                    name = short
                    break
            duplicate.name = name
            duplicate.mother = "" if chance(rng, 0.6) else duplicate.mother
            duplicate.nik = person.nik if chance(rng, 0.4) else ""
        return duplicate

    def _registry_district(self, rng: random.Random, home: str) -> str:
        """Where a second NIK was issued: the home district or a neighbouring one."""
        if self.geography is None:
            return home
        return self.geography.other_district(rng, home)

    def _count_duplicate(self, household: Household, duplicate: Duplicate) -> None:
        if self.profile.standard:
            return
        self.counts[f"dtsen_duplicate_{duplicate.kind}"] += 1
        if duplicate.district and duplicate.district != household.village.district:
            self.counts["dtsen_duplicate_other_district"] += 1

    def _status(self, rng: random.Random, person: Person, nik: str) -> str:
        """``status_padan_dukcapil``: PADAN for the person's true NIK (some not checked),
        TIDAK_PADAN or empty for a wrong one."""
        if not nik:
            status = ""
        elif nik == person.nik:
            status = "" if chance(rng, self.profile.padan_unknown) else "PADAN"
        else:
            status = "TIDAK_PADAN" if chance(rng, self.profile.padan_bad_checked) else ""
        self.counts[f"status_{status or 'empty'}"] += 1
        return status

    def _row(
        self,
        rng: random.Random,
        household: Household,
        person: Person,
        name: str,
        nik: str,
        birth: dt.date,
        mother: str,
        relation: str,
    ) -> list[str]:
        row_id = self.next_row
        self.next_row += 1
        birthplace = "" if chance(rng, BIRTHPLACE_EMPTY) else person.birthplace
        desil = "" if household.desil is None else str(household.desil)
        status = [self._status(rng, person, nik)] if self.profile.status_padan else []
        return [
            f"DT{row_id:09d}",
            f"KLG{household.hid:08d}",
            household.no_kk,
            nik,
            *status,
            name,
            person.sex,
            birthplace,
            format_date(birth, _DATE_STYLE.pick(rng)),
            relation,
            mother,
            household.address,
            household.village.code.replace(".", ""),
            desil,
            person.disability,
            person.school,
            _flag(household.pkh),
            _flag(household.sembako),
            _flag(household.pbi),
            _flag(person.pip),
            _flag(household.atensi),
        ]


def _grandparents(household: Household, duplicate: Duplicate) -> bool:
    """Whether ``household`` could be the child's grandparents': a head old enough."""
    head = household.members[0]
    return (duplicate.birth - head.birth).days >= 36 * 365


def _drop_last(name: str, rng: random.Random) -> str:
    tokens = name.split()
    return " ".join(tokens[:-1]) if len(tokens) >= 2 else name
