"""KPAI complaint records about synthetic children, with the errors of real intake forms.

Children are picked from the DTSEN households as they stream past (weighted towards poorer
desil), plus a share of children who are in no DTSEN household. Complaints are kept in memory —
one per ~40 DTSEN persons — then numbered in date order and written with corrupted fields.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from padan.synth.common import (
    COMPLAINT_END,
    COMPLAINT_START,
    Pool,
    RowWriter,
    age_at,
    chance,
    format_date,
)
from padan.synth.households import HouseholdMaker
from padan.synth.people import Household, Person
from padan.synth.variants import mistype_digits, name_variant

__all__ = ["KPAI_COLUMNS", "Child", "ComplaintPlanner", "minor_window"]

KPAI_COLUMNS: Final = (
    "no_pengaduan",
    "tanggal_pengaduan",
    "nik_anak",
    "nama_anak",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "usia",
    "nama_ibu",
    "nama_ayah",
    "alamat",
    "kode_wilayah",
    "klaster",
    "kategori",
    "peran_abh",
    "ragam_disabilitas",
    "status_penanganan",
)
#: One complaint row per this many DTSEN rows.
ROWS_PER_COMPLAINT: Final = 40
#: Share of complained-about children who are in no DTSEN household.
ABSENT_SHARE: Final = 0.20
# Complaints per child: ~15 % of children have 2-3.
_COMPLAINTS: Final = Pool([1, 2, 3], [85, 10.5, 4.5])
_MEAN_COMPLAINTS: Final = (85 * 1 + 10.5 * 2 + 4.5 * 3) / 100
# Selection weight by desil: poorer children are ~3x as likely to be the subject of a complaint.
_DESIL_WEIGHT: Final = {
    1: 3.0,
    2: 3.0,
    3: 3.0,
    4: 2.4,
    5: 2.0,
    6: 1.6,
    7: 1.3,
    8: 1.0,
    9: 1.0,
    10: 1.0,
    None: 1.5,
}
_KLASTER: Final = Pool(["I", "II", "III", "IV", "V"], [5, 45, 5, 12, 33])
_KATEGORI: Final = Pool(
    list("abcdefghijklmno"), [2, 20, 1, 10, 2, 3, 0.5, 2, 18, 22, 0.3, 6, 12, 2, 1]
)
_ROLE_12_PLUS: Final = Pool(["pelaku", "korban", "saksi"], [45, 40, 15])
_ROLE_UNDER_12: Final = Pool(["korban", "saksi"], [75, 25])
_DISABILITY: Final = ("FISIK", "INTELEKTUAL", "MENTAL", "SENSORIK", "GANDA")
_SEX_FORMS: Final = Pool(
    [
        ("L", "P"),
        ("Laki-laki", "Perempuan"),
        ("LK", "PR"),
        ("l", "p"),
        ("LAKI-LAKI", "PEREMPUAN"),
        ("laki-laki", "perempuan"),
        ("Lk", "Pr"),
    ],
    [38, 28, 14, 4, 8, 4, 4],
)
_DATE_STYLE: Final = Pool([0, 1, 2], [40, 35, 25])
# Field corruption rates (each drawn independently per complaint row).
NIK_MISSING: Final = 0.35
NIK_MISTYPED: Final = 0.08
NAME_VARIANT: Final = 0.30
DOB_AGE_ONLY: Final = 0.10
DOB_SWAPPED: Final = 0.05
DOB_YEAR_OFF: Final = 0.03
DOB_PLACEHOLDER: Final = 0.03
REGION_COARSE: Final = 0.40
MOTHER_MISSING: Final = 0.30
MOTHER_VARIANT: Final = 0.15
FATHER_MISSING: Final = 0.40
SEX_WRONG: Final = 0.01


@dataclass(slots=True)
class Child:
    """A child who is the subject of one or more complaints, with the true facts about them."""

    person: Person
    household: Household
    in_dtsen: bool
    dates: list[dt.date] = field(default_factory=list)


def minor_window(birth: dt.date) -> tuple[dt.date, dt.date] | None:
    """The dates of the period the files cover at which someone born on ``birth`` is born and
    under 18 (``None`` when there are none)."""
    try:
        adult = birth.replace(year=birth.year + 18)
    except ValueError:  # born 29 February
        adult = dt.date(birth.year + 18, 3, 1)
    start = max(COMPLAINT_START, birth)
    end = min(COMPLAINT_END, adult - dt.timedelta(days=1))
    return (start, end) if start <= end else None


def _uniform_day(rng: random.Random) -> dt.date:
    return dt.date.fromordinal(rng.randint(COMPLAINT_START.toordinal(), COMPLAINT_END.toordinal()))


class ComplaintPlanner:
    """Chooses the children and complaint dates while households stream past, then writes."""

    def __init__(
        self,
        rows_per_complaint: int = ROWS_PER_COMPLAINT,
        *,
        row_writer: Callable[[random.Random, str, dt.date, Child], list[str]] | None = None,
    ) -> None:
        self.children: list[Child] = []
        #: Every written complaint as ``(child index, date, klaster, kategori, peran_abh)``:
        #: what later sources (services, SIMFONI-PPA cases) know of the child's situation.
        self.written: list[tuple[int, dt.date, str, str, str]] = []
        # A profile other than standard writes its rows with its own error model.
        self._row_writer = row_writer or self._row
        self._weight_seen = 0.0
        self._target_per_row = 1.0 / (rows_per_complaint * _MEAN_COMPLAINTS) * (1 - ABSENT_SHARE)

    def consider(self, rng: random.Random, household: Household, rows_so_far: int) -> None:
        """Maybe select children of ``household`` (after its DTSEN rows were counted).

        The per-child probability is the desil weight times a running ratio of DTSEN rows to the
        total weight of eligible children seen, so the expected number of complaints tracks one
        per ``rows_per_complaint`` DTSEN rows whatever the regional mix.
        """
        eligible = []
        for person in household.members:
            window = minor_window(person.birth)
            if window is None:
                continue
            # The first complaint date is uniform over the whole period; a child counts only if
            # under 18 and born by then (so dates do not pile up at the start of the period).
            first = _uniform_day(rng)
            if window[0] <= first <= window[1]:
                weight = _DESIL_WEIGHT[household.desil]
                self._weight_seen += weight
                eligible.append((person, window, first, weight))
        if not eligible:
            return
        per_weight = self._target_per_row * rows_so_far / self._weight_seen
        for person, window, first, weight in eligible:
            if chance(rng, min(1.0, weight * per_weight)):
                self._add(rng, person, household, window, first, in_dtsen=True)

    def _add(
        self,
        rng: random.Random,
        person: Person,
        household: Household,
        window: tuple[dt.date, dt.date],
        first: dt.date,
        *,
        in_dtsen: bool,
    ) -> None:
        count = _COMPLAINTS.pick(rng)
        low, high = window[0].toordinal(), window[1].toordinal()
        days = {first.toordinal()}
        for _ in range(count - 1):  # later complaints about the same child, any time as a minor
            days.add(rng.randint(low, high))
        self.children.append(
            Child(person, household, in_dtsen, [dt.date.fromordinal(d) for d in sorted(days)])
        )

    def add_absent(self, rng: random.Random, maker: HouseholdMaker, hid: int) -> None:
        """Add children who are in no DTSEN household (so ~20 % of all children are absent)."""
        linked = len(self.children)
        wanted = round(linked * ABSENT_SHARE / (1 - ABSENT_SHARE))
        while wanted > 0:
            household = maker.make(rng, hid)
            first = _uniform_day(rng)
            options = [
                (p, w)
                for p in household.members
                if (w := minor_window(p.birth)) is not None and w[0] <= first <= w[1]
            ]
            if not options:
                continue
            person, window = rng.choice(options)
            self._add(rng, person, household, window, first, in_dtsen=False)
            wanted -= 1

    def complaints(self) -> list[tuple[dt.date, int]]:
        """All complaints as ``(date, child index)``, in the order they are numbered."""
        flat = [(day, index) for index, child in enumerate(self.children) for day in child.dates]
        flat.sort()
        return flat

    def write(self, rng: random.Random, kpai: RowWriter, truth: RowWriter) -> int:
        """Write the KPAI rows (and their truth pairs) in date order; return the row count."""
        per_year: dict[int, int] = {}
        rows = 0
        for day, index in self.complaints():
            child = self.children[index]
            per_year[day.year] = per_year.get(day.year, 0) + 1
            number = f"KPAI/{day.year}/{per_year[day.year]:06d}"
            row = self._row_writer(rng, number, day, child)
            kpai.writerow(row)
            self.written.append((index, day, row[12], row[13], row[14]))
            truth.writerow(("kpai", number, f"P{child.person.pid:08d}"))
            rows += 1
        return rows

    def _row(self, rng: random.Random, number: str, day: dt.date, child: Child) -> list[str]:
        person, household = child.person, child.household
        village = household.village
        name = (
            name_variant(person.name, rng, child=True) if chance(rng, NAME_VARIANT) else person.name
        )
        birth_text, usia = self._birth(rng, person.birth, day)
        region = rng.random()
        if region < REGION_COARSE * 0.6:
            code = village.district
        elif region < REGION_COARSE:
            code = village.regency
        else:
            code = village.code
        if chance(rng, 0.5):
            code = code.replace(".", "")
        mother = self._other_name(rng, person.mother, MOTHER_MISSING, MOTHER_VARIANT)
        father = self._other_name(rng, person.father, FATHER_MISSING, 0.1)
        birthplace = person.birthplace if chance(rng, 0.55) else ""
        if birthplace and chance(rng, 0.3):
            birthplace = birthplace.upper()
        draw = rng.random()
        address = (
            household.address
            if draw < 0.5
            else f"Desa/Kel. {village.name}, Kec. {village.district_name}"
            if draw < 0.75
            else ""
        )
        klaster, kategori, peran, disability = self._case(rng, person, day)
        return [
            number,
            format_date(day, _DATE_STYLE.pick(rng)),
            self._nik(rng, person.nik),
            name,
            self._sex(rng, person.sex),
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
            self._status(rng, day),
        ]

    @staticmethod
    def _nik(rng: random.Random, nik: str) -> str:
        draw = rng.random()
        if draw < NIK_MISSING:
            return ""
        if draw < NIK_MISSING + NIK_MISTYPED:
            return mistype_digits(nik, rng)
        if chance(rng, 0.05):  # spreadsheet noise the exchange format tolerates
            return rng.choice(
                ("'" + nik, f"{nik[:6]} {nik[6:12]} {nik[12:]}", f"{nik[:6]}.{nik[6:]}")
            )
        return nik

    @staticmethod
    def _sex(rng: random.Random, sex: str) -> str:
        male, female = _SEX_FORMS.pick(rng)
        if chance(rng, SEX_WRONG):
            sex = "P" if sex == "L" else "L"
        return male if sex == "L" else female

    @staticmethod
    def _birth(rng: random.Random, birth: dt.date, day: dt.date) -> tuple[str, str]:
        draw = rng.random()
        style = _DATE_STYLE.pick(rng)
        if draw < DOB_AGE_ONLY:  # only the age was recorded
            return "", str(age_at(birth, day))
        draw -= DOB_AGE_ONLY
        written = birth
        if draw < DOB_SWAPPED and birth.day <= 12 and birth.day != birth.month:
            written = birth.replace(month=birth.day, day=birth.month)  # read month-first
        elif draw < DOB_SWAPPED + DOB_YEAR_OFF:
            # Year one off (also used when day and month cannot be swapped into a real date).
            year = birth.year + (1 if chance(rng, 0.5) else -1)
            written = dt.date(year, birth.month, min(birth.day, 28 if birth.month == 2 else 31))
        elif draw < DOB_SWAPPED + DOB_YEAR_OFF + DOB_PLACEHOLDER:
            month, dom = rng.choice(((1, 1), (7, 1), (12, 31)))
            written = dt.date(birth.year, month, dom)
        if written > day:  # a written birth date is never after the complaint it appears in
            written = birth
        return format_date(written, style), ""

    @staticmethod
    def _other_name(rng: random.Random, name: str, missing: float, variant: float) -> str:
        draw = rng.random()
        if not name or draw < missing:
            return ""
        if draw < missing + variant:
            return name_variant(name, rng)
        return name

    @staticmethod
    def _case(rng: random.Random, person: Person, day: dt.date) -> tuple[str, str, str, str]:
        age = age_at(person.birth, day)
        klaster = _KLASTER.pick(rng)
        if person.disability and chance(rng, 0.35):
            klaster = "V"
        kategori = peran = ""
        if klaster == "V":
            kategori = "l" if person.disability and chance(rng, 0.4) else _KATEGORI.pick(rng)
            if kategori == "b":  # a child in conflict with the law is at least 12 (UU SPPA)
                peran = (_ROLE_12_PLUS if age >= 12 else _ROLE_UNDER_12).pick(rng)
        # Disability as reported: usually agrees with DTSEN, sometimes another type or missing;
        # a disability case always names one, even when DTSEN records none (a real data gap).
        disability = ""
        if person.disability:
            draw = rng.random()
            if draw < 0.6 or kategori == "l":
                disability = person.disability
            elif draw < 0.7:
                disability = rng.choice([d for d in _DISABILITY if d != person.disability])
        elif kategori == "l" or chance(rng, 0.005):
            disability = rng.choice(_DISABILITY)
        return klaster, kategori, peran, disability

    @staticmethod
    def _status(rng: random.Random, day: dt.date) -> str:
        age_days = (COMPLAINT_END - day).days
        if age_days < 90:
            weights = (60, 35, 5)
        elif age_days < 365:
            weights = (25, 45, 30)
        else:
            weights = (5, 25, 70)
        return rng.choices(("baru", "proses", "selesai"), weights)[0]
