"""DTSEN rows as an agency would export them: mixed date formats, missing NIKs, double entries."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Final

from padan.synth.common import REF_DATE, Pool, chance, format_date
from padan.synth.households import Household, Person
from padan.synth.variants import name_variant

__all__ = ["DTSEN_COLUMNS", "DtsenWriter", "Duplicate"]

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
# Rates (per person row) of the deliberate imperfections.
NIK_EMPTY: Final = 0.03
MOTHER_VARIANT: Final = 0.08
MOTHER_EMPTY: Final = 0.05
BIRTHPLACE_EMPTY: Final = 0.04
DUPLICATE: Final = 0.015
# Three date styles in one column, as merged regional exports have (ISO dominant).
_DATE_STYLE: Final = Pool([0, 1, 2], [85, 10, 5])


@dataclass(slots=True)
class Duplicate:
    """A second registration of a person, waiting for a household to be written into."""

    person: Person
    regency: str  # joins a later household of the same regency
    name: str
    nik: str
    birth: dt.date
    mother: str


def _flag(value: bool) -> str:
    return "1" if value else "0"


class DtsenWriter:
    """Turns households into ``dtsen_individu`` rows (and truth pairs) and plants duplicates.

    About 1.5 % of persons are registered a second time: a quarter of them again in their own
    household (double entry on one KK), the rest later in another household as a relative, with
    a spelling variant of the name, often no NIK and sometimes a slightly wrong birth date.
    """

    def __init__(self) -> None:
        self.next_row = 1
        self._pending: list[Duplicate] = []

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
            if chance(rng, DUPLICATE):
                duplicate = self._duplicate(rng, person, nik, household.village.regency)
                if chance(rng, 0.25) and len(household.members) + len(late) < 9:
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
                or not chance(rng, 0.5)
            ):
                keep.append(duplicate)
                continue
            room -= 1
            relation = "FAMILI LAIN" if chance(rng, 0.8) else "LAINNYA"
            out.append(self._duplicate_row(rng, household, duplicate, relation))
        self._pending = keep
        return out

    def leftovers(self, rng: random.Random, household: Household) -> list[tuple[list[str], int]]:
        """Rows for duplicates still waiting at the end (written into ``household``)."""
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
        row = self._row(
            rng, household, duplicate.person, duplicate.name, duplicate.nik, duplicate.birth,
            duplicate.mother, relation,
        )  # fmt: skip
        return row, duplicate.person.pid

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
        return [
            f"DT{row_id:09d}",
            f"KLG{household.hid:08d}",
            household.no_kk,
            nik,
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
