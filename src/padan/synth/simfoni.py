"""SIMFONI-PPA-style case records (``simfoni_kasus.csv``): child victims registered by UPTD PPA.

One row per victim of a case (``docs/exchange-format.md`` annex B). Victims come from three
places, so that the overlap with KPAI is partial as in reality (SIMFONI-PPA counted 28,831
child-violence cases in 2024, KPAI 2,057 complaints; ``docs/domain.md`` §4.4, §5.8):

* KPAI children whose complaints are about violence, exploitation, trafficking, neglect or a
  child victim in a legal case (about half of them, the case reported near the complaint date);
* DTSEN children known to no complaint, drawn as households stream past (girls and poorer
  families more often: 80 % of SIMFONI-PPA's child victims are girls);
* children in no other file.

A few cases have two victims (siblings), a few victims a second case. Identifiers are written
with the run's error profile (:class:`padan.synth.extras.IdentityWriter`), somewhat noisier than
KPAI: victims often come without documents.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from padan.domain.values import HUBUNGAN_PELAKU
from padan.synth.common import COMPLAINT_END, COMPLAINT_START, Pool, RowWriter, age_at, chance
from padan.synth.common import format_date as _format
from padan.synth.complaints import ComplaintPlanner, minor_window
from padan.synth.extras import OLDEST_BIRTH, IdentityWriter, KpaiChild, Subject
from padan.synth.households import HouseholdMaker
from padan.synth.people import Household, Registry
from padan.synth.places import Geography
from padan.synth.profiles import Profile

__all__ = ["SIMFONI_COLUMNS", "Case", "CasePlanner"]

SIMFONI_COLUMNS: Final = (
    "id_korban",
    "no_kasus",
    "tanggal_lapor",
    "tanggal_kejadian",
    "jenis_kekerasan",
    "tempat_kejadian",
    "hubungan_pelaku",
    "nik_korban",
    "nama_korban",
    "jenis_kelamin",
    "tanggal_lahir",
    "usia",
    "nama_ibu",
    "alamat",
    "kode_wilayah",
    "ragam_disabilitas",
    "id_unit_layanan",
    "nama_unit_layanan",
    "status_penanganan",
)
#: Share of KPAI children with a violence-type complaint who are also a SIMFONI-PPA victim.
KPAI_SHARE: Final = 0.5
#: Chance per DTSEN child (weighted by sex and desil) of being a victim known only to SIMFONI.
DTSEN_RATE: Final = 0.02
#: Victims in no other file, as a share of those known only to SIMFONI.
ABSENT_SHARE: Final = 0.15
_SEX_WEIGHT: Final = {"P": 1.6, "L": 0.5}
# Victims by age at the report, SIMFONI-PPA 2024: 6-12 7,016, 13-17 12,170 (younger fewer).
_AGE_WEIGHT: Final = ((6, 0.4), (13, 0.9), (18, 1.6))
# Relations and places that do not fit a young child.
_NOT_UNDER_13: Final = frozenset(("pacar_teman", "suami_istri", "majikan", "rekan_kerja"))
_NOT_UNDER_6: Final = frozenset(("sekolah", "tempat_kerja", "lembaga_pendidikan_kilat"))
# Forms of violence against children, 2024 SIMFONI-PPA totals (mediapribumi.id 2025-01-11).
_KINDS: Final = Pool(
    ["fisik", "psikis", "seksual", "eksploitasi", "trafficking", "penelantaran", "lainnya"],
    [11373, 9799, 14465, 386, 471, 2588, 3260],
)
# What a KPAI category says about the violence (UU 35/2014 Pasal 59(2) letters).
_FROM_KATEGORI: Final = {
    "i": ("fisik", "psikis"),
    "j": ("seksual",),
    "m": ("penelantaran",),
    "d": ("eksploitasi",),
    "h": ("trafficking",),
    "b": ("fisik", "seksual", "psikis"),
}
_PLACE: Final = Pool(
    [
        "rumah_tangga",
        "tempat_kerja",
        "sekolah",
        "lembaga_pendidikan_kilat",
        "fasilitas_umum",
        "lainnya",
    ],
    [20681, 120, 2520, 102, 3481, 7322],
)
_RELATION: Final = Pool(
    list(HUBUNGAN_PELAKU),
    [3434, 1640, 150, 5464, 2256, 878, 30, 20, 3560, 2838],
)
# Rates of the run's profile multiplied for a SIMFONI-PPA record.
_SCALE: Final = {
    "kpai_nik_missing": 1.25,
    "kpai_nik_typo": 1.0,
    "dob_age_only": 1.5,
    "name_variant": 1.0,
    "region_coarse": 0.75,
}


@dataclass(slots=True)
class Case:
    """One victim of one case, with what the record says about it."""

    subject: Subject
    reported: dt.date
    kinds: tuple[str, ...]
    number: str = ""
    victim: int = 1
    of: Case | None = None  # the first victim's case, for a second victim


def _violence_kinds(entry: KpaiChild) -> tuple[str, ...]:
    """Forms of violence a KPAI child's complaints describe (empty: none)."""
    kinds: list[str] = []
    for letter in sorted(entry.kategori):
        if letter == "b" and "korban" not in entry.peran:
            continue
        for kind in _FROM_KATEGORI.get(letter, ()):
            if kind not in kinds:
                kinds.append(kind)
    return tuple(kinds)


class CasePlanner:
    """Chooses SIMFONI-PPA victims while households stream past, then writes the cases."""

    def __init__(
        self,
        rng: random.Random,
        profile: Profile,
        registry: Registry,
        geography: Geography,
    ) -> None:
        self.rng = rng
        self.cases: list[Case] = []
        self._dtsen: list[tuple[Subject, dt.date]] = []
        self._identity = IdentityWriter(profile, registry, geography, scale=_SCALE)
        self.new_pids: set[int] = set()  # people written in no other file

    @property
    def counts(self) -> dict[str, int]:
        """Identifier situations injected (profiles other than ``standard``)."""
        return self._identity.counts

    def consider(self, household: Household) -> None:
        """Maybe pick children of a written DTSEN household as victims known only here."""
        rng = self.rng
        poor = 1.3 if household.desil is not None and household.desil <= 4 else 0.8
        for person in household.members:
            if person.birth < OLDEST_BIRTH:  # an adult for the whole period: skip quickly
                continue
            window = minor_window(person.birth)
            if window is None:
                continue
            day = _day(rng, window)
            weight = _SEX_WEIGHT[person.sex] * poor * _age_weight(age_at(person.birth, day))
            if chance(rng, DTSEN_RATE * weight):
                self._dtsen.append((Subject(person, household, True), day))

    def plan(self, kpai: Sequence[KpaiChild], maker: HouseholdMaker, hid: int) -> None:
        """Decide every case: KPAI children's, DTSEN-only and absent victims, siblings."""
        rng = self.rng
        in_kpai = {entry.subject.person.pid for entry in kpai}
        for entry in kpai:
            kinds = _violence_kinds(entry)
            if not kinds and "II" in entry.klaster and chance(rng, 0.15):
                kinds = ("penelantaran",)
            if not kinds or not chance(rng, KPAI_SHARE + (0.1 if "seksual" in kinds else 0)):
                continue
            window = minor_window(entry.subject.person.birth)
            assert window is not None  # a KPAI child was a minor at its complaint
            offset = rng.randint(-45, 60)
            reported = dt.date.fromordinal(
                min(
                    max(entry.first.toordinal() + offset, window[0].toordinal()),
                    window[1].toordinal(),
                )
            )
            if chance(rng, 0.25):  # the UPTD PPA records more than the complaint said
                kinds = _more_kinds(rng, kinds)
            self.cases.append(Case(entry.subject, reported, kinds))
        only = [(s, d) for s, d in self._dtsen if s.person.pid not in in_kpai]
        for subject, day in only:
            self.cases.append(Case(subject, day, _more_kinds(rng, ())))
        wanted = round(len(only) * ABSENT_SHARE / (1 - ABSENT_SHARE))
        while wanted > 0:
            household = maker.make(rng, hid)
            day = _day(rng, (COMPLAINT_START, COMPLAINT_END))
            options = [p for p in household.members if _minor_on(p.birth, day)]
            if not options:
                continue
            person = rng.choice(options)
            self.new_pids.add(person.pid)
            self.cases.append(Case(Subject(person, household, False), day, _more_kinds(rng, ())))
            wanted -= 1
        self._siblings_and_repeats()

    def _siblings_and_repeats(self) -> None:
        rng = self.rng
        extra: list[Case] = []
        for case in self.cases:
            if chance(rng, 0.06):  # a second victim of the same case: a sibling
                person = case.subject.person
                siblings = [
                    m
                    for m in case.subject.household.members
                    if m.pid != person.pid and _minor_on(m.birth, case.reported)
                ]
                if siblings:
                    sibling = rng.choice(siblings)
                    if not case.subject.in_dtsen:
                        self.new_pids.add(sibling.pid)
                    subject = Subject(sibling, case.subject.household, case.subject.in_dtsen)
                    extra.append(Case(subject, case.reported, case.kinds, victim=2, of=case))
            window = minor_window(case.subject.person.birth)
            if window is not None and chance(rng, 0.03) and case.reported < window[1]:
                later = _day(rng, (case.reported + dt.timedelta(days=1), window[1]))
                extra.append(Case(case.subject, later, _more_kinds(rng, ())))
        self.cases.extend(extra)

    def write(self, out: RowWriter, truth: RowWriter, units: dict[str, tuple[str, str]]) -> int:
        """Number the cases in date order and write them; ``units`` maps a regency code to its
        UPTD PPA ``(id_lembaga, name)`` in the institution file. Returns the row count."""
        rng = self.rng
        order = sorted(
            range(len(self.cases)),
            key=lambda i: (self.cases[i].reported, self.cases[i].victim, i),
        )
        per_year: dict[int, int] = {}
        rows = 0
        for i in order:  # a second victim comes after the first (same date, victim 2)
            case = self.cases[i]
            if case.of is not None:
                case.number = case.of.number
            else:
                year = case.reported.year
                per_year[year] = per_year.get(year, 0) + 1
                case.number = f"SPPA-{year}-{per_year[year]:06d}"
            row = self._row(rng, case, units)
            out.writerow(row)
            truth.writerow(("simfoni", row[0], f"P{case.subject.person.pid:08d}"))
            rows += 1
        return rows

    def _row(self, rng: random.Random, case: Case, units: dict[str, tuple[str, str]]) -> list[str]:
        subject, day = case.subject, case.reported
        person, village = subject.person, subject.household.village
        written = self._identity.write(rng, subject, day, kk_share=0.0, mother_missing=0.45)
        occurred = ""
        if chance(rng, 0.7):
            when = max(person.birth, day - dt.timedelta(days=int(rng.expovariate(1 / 20))))
            occurred = _format(when, _style(rng))
        unit_id, unit_name = units.get(village.regency, ("", ""))
        if not unit_id or chance(rng, 0.3):  # the unit is not (or not so) in the lembaga file
            unit_id = f"UPTDPPA-{village.regency.replace('.', '')}"
            unit_name = f"UPTD PPA {village.regency_name}"
        age = age_at(person.birth, day)
        usia = written.usia
        if not usia and written.birth and chance(rng, 0.7):  # the form asks for the age too
            usia = str(age)
        disability = person.disability if person.disability and chance(rng, 0.7) else ""
        return [
            f"{case.number}-K{case.victim}",
            case.number,
            _format(day, _style(rng)),
            occurred,
            ";".join(case.kinds),
            _place(rng, age) if chance(rng, 0.9) else "",
            _relation(rng, age),
            written.nik,
            written.name,
            ComplaintPlanner._sex(rng, person.sex),
            written.birth,
            usia,
            written.mother,
            written.address,
            written.code,
            disability,
            unit_id,
            unit_name if chance(rng, 0.8) else "",
            _status(rng, day),
        ]


def _age_weight(age: int) -> float:
    return next(weight for below, weight in _AGE_WEIGHT if age < below)


def _place(rng: random.Random, age: int) -> str:
    place = _PLACE.pick(rng)
    return "rumah_tangga" if age < 6 and place in _NOT_UNDER_6 else place


def _relation(rng: random.Random, age: int) -> str:
    relation = _RELATION.pick(rng)
    if age < 13 and relation in _NOT_UNDER_13:
        return rng.choice(("orang_tua", "keluarga", "tetangga"))
    return relation


def _style(rng: random.Random) -> int:
    return 0 if chance(rng, 0.5) else rng.choice((1, 2))


def _day(rng: random.Random, window: tuple[dt.date, dt.date]) -> dt.date:
    # Cases are reported more often in later years (more units use SIMFONI-PPA).
    low, high = window[0].toordinal(), window[1].toordinal()
    return dt.date.fromordinal(max(rng.randint(low, high), rng.randint(low, high)))


def _minor_on(birth: dt.date, day: dt.date) -> bool:
    window = minor_window(birth)
    return window is not None and window[0] <= day <= window[1]


def _more_kinds(rng: random.Random, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """``kinds`` plus one drawn form (the first when empty); a fifth of victims have two."""
    out = list(kinds)
    for _ in range(3):
        kind = _KINDS.pick(rng)
        if kind not in out:
            out.append(kind)
            break
    if len(out) == 1 and chance(rng, 0.2):
        second = _KINDS.pick(rng)
        if second not in out:
            out.append(second)
    return tuple(out)


def _status(rng: random.Random, day: dt.date) -> str:
    age = (COMPLAINT_END - day).days
    if age < 60:
        weights = (35, 30, 30, 5, 0, 0)
    elif age < 240:
        weights = (5, 10, 40, 25, 15, 5)
    else:
        weights = (1, 2, 10, 15, 65, 7)
    return rng.choices(
        ("pengaduan", "asesmen", "intervensi", "pemantauan", "terminasi", "dirujuk"), weights
    )[0]
