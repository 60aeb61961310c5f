"""What the opt-in extra sources share: the children other agencies know, and how their forms
write a child.

Kemensos service records (:mod:`padan.synth.services`) and SIMFONI-PPA cases
(:mod:`padan.synth.simfoni`) describe the same synthetic people as the DTSEN and KPAI files.
Each draws from its own generator, seeded from the run's seed and the source name, and runs only
after the DTSEN, KPAI and institution files are written: the files of a run without extra
sources, and the DTSEN, KPAI and institution files of a run with them, are byte for byte the
same as before.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Final

from padan.errors import InputError
from padan.synth.common import COMPLAINT_START
from padan.synth.complaints import Child, ComplaintPlanner
from padan.synth.household_details import street_address
from padan.synth.intake import IntakeWriter
from padan.synth.people import Household, Person, Registry
from padan.synth.places import Geography
from padan.synth.profiles import Profile

__all__ = [
    "EXTRA_FILE_NAMES",
    "EXTRA_SOURCES",
    "OLDEST_BIRTH",
    "IdentityWriter",
    "KpaiChild",
    "Subject",
    "Written",
    "extra_rng",
    "kpai_children",
    "parse_sources",
]

#: Extra sources ``generate(..., sources=...)`` can add, and the file each writes.
EXTRA_SOURCES: Final = ("kemensos", "simfoni")
EXTRA_FILE_NAMES: Final = {"kemensos": "kemensos_layanan.csv", "simfoni": "simfoni_kasus.csv"}
#: Anyone born before this day is 18 or older throughout the period the files cover.
OLDEST_BIRTH: Final = dt.date(COMPLAINT_START.year - 18, 1, 1)


def parse_sources(names: Iterable[str]) -> tuple[str, ...]:
    """The extra sources asked for, in :data:`EXTRA_SOURCES` order; ``all`` means every one.

    Raises :class:`InputError` naming the choices for an unknown name.
    """
    wanted: set[str] = set()
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        if name == "all":
            wanted.update(EXTRA_SOURCES)
        elif name in EXTRA_SOURCES:
            wanted.add(name)
        else:
            raise InputError(
                f"sources: {raw!r} is not an extra synthetic source. "
                f"Use one or more of: {', '.join(EXTRA_SOURCES)} (or all)."
            )
    return tuple(s for s in EXTRA_SOURCES if s in wanted)


def extra_rng(seed: int, source: str) -> random.Random:
    """The generator of one extra source: independent of the main one, same for the same seed."""
    return random.Random(f"padan-synth:{seed}:{source}")


@dataclass(slots=True)
class Subject:
    """A child another agency writes about, with where the true values come from."""

    person: Person
    household: Household
    in_dtsen: bool


@dataclass(slots=True)
class KpaiChild:
    """A child of the KPAI file and what its complaints say (first date, categories)."""

    subject: Subject
    first: dt.date
    klaster: set[str] = field(default_factory=set)
    kategori: set[str] = field(default_factory=set)
    peran: set[str] = field(default_factory=set)


def kpai_children(planner: ComplaintPlanner) -> list[KpaiChild]:
    """The children of the written KPAI file with the categories of their complaints."""
    out = [_kpai_child(child) for child in planner.children]
    for index, _day, klaster, kategori, peran in planner.written:
        entry = out[index]
        entry.klaster.add(klaster)
        if kategori:
            entry.kategori.add(kategori)
        if peran:
            entry.peran.add(peran)
    return out


def _kpai_child(child: Child) -> KpaiChild:
    return KpaiChild(Subject(child.person, child.household, child.in_dtsen), child.dates[0])


@dataclass(frozen=True, slots=True)
class Written:
    """A child's identity as one record of another agency writes it."""

    nik: str
    no_kk: str
    name: str
    birth: str
    usia: str
    mother: str
    address: str
    code: str


class IdentityWriter:
    """Writes a child's identifiers with the profile's error model at a source's own rates.

    The noise is that of the KPAI intake (:class:`padan.synth.intake.IntakeWriter`): the same
    NIK, name, birth-date and region situations, with each rate multiplied by ``scale`` (a
    Kemensos record made from a verified DTSEN entry is cleaner than a complaint form).
    """

    def __init__(
        self,
        profile: Profile,
        registry: Registry,
        geography: Geography,
        *,
        scale: dict[str, float],
    ) -> None:
        tuned = replace(profile, **{k: min(0.9, getattr(profile, k) * v) for k, v in scale.items()})
        self._intake = IntakeWriter(tuned, registry, geography)

    @property
    def counts(self) -> dict[str, int]:
        """Situations injected so far (profiles other than ``standard``)."""
        return dict(self._intake.counts)

    def write(
        self,
        rng: random.Random,
        subject: Subject,
        day: dt.date,
        *,
        kk_share: float,
        mother_missing: float,
    ) -> Written:
        """The identity fields of a record about ``subject`` dated ``day``."""
        person, household = subject.person, subject.household
        intake = self._intake
        name = intake._name(rng, person)
        birth, usia = intake._birth(rng, person.birth, day)
        code, moved = intake._region(rng, household.village)
        nik = intake._nik(rng, person, household, day, moved)
        mother = ComplaintPlanner._other_name(rng, person.mother, mother_missing, 0.15)
        draw = rng.random()
        place = moved or household.village
        if draw < 0.5:
            address = street_address(rng, moved) if moved is not None else household.address
        elif draw < 0.75:
            address = f"Desa/Kel. {place.name}, Kec. {place.district_name}"
        else:
            address = ""
        no_kk = household.no_kk if rng.random() < kk_share else ""
        return Written(nik, no_kk, name, birth, usia, mother, address, code)
