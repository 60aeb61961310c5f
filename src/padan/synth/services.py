"""Kemensos ATENSI service records (``kemensos_layanan.csv``): one row per service a child got.

Who is served (``docs/domain.md`` §5.1, §5.10): mostly children the other files know to be in
need — ABH, victims of violence or exploitation, children with disabilities, children in
alternative care, children of households DTSEN flags as ATENSI recipients — plus children known
to nobody else (street and neglected children). Many KPAI children, ABH among them, get no
service at all: that gap is what the indicators measure. A child's first service comes after
the first complaint or case that made it known, after a delay of days to months (log-normal,
median about six weeks); services not yet given by the synthetic "today" are not written.

Institutions: an LKS is a row of ``lembaga.csv`` (``id_lembaga`` the same; unlicensed ones
included), a Sentra is one of Kemensos' units (``SENTRA-NN``, by province) and a regional UPTD
``UPTD-SOS-NNNN`` (by regency); neither of the last two is in the institution file.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from padan.synth.common import COMPLAINT_END, Pool, RowWriter, age_at, chance
from padan.synth.common import format_date as _format
from padan.synth.complaints import minor_window
from padan.synth.extras import OLDEST_BIRTH, IdentityWriter, KpaiChild, Subject
from padan.synth.households import HouseholdMaker
from padan.synth.people import Household, Registry
from padan.synth.places import Geography
from padan.synth.profiles import Profile

__all__ = ["KEMENSOS_COLUMNS", "Service", "ServicePlanner"]

KEMENSOS_COLUMNS: Final = (
    "id_layanan",
    "tanggal_layanan",
    "komponen_atensi",
    "basis_layanan",
    "klaster_atensi",
    "jenis_ppks",
    "id_lembaga",
    "jenis_lembaga",
    "nik_anak",
    "no_kk",
    "nama_anak",
    "jenis_kelamin",
    "tanggal_lahir",
    "usia",
    "nama_ibu",
    "alamat",
    "kode_wilayah",
    "ragam_disabilitas",
    "status_layanan",
)
#: Median days from the complaint or case to the first service (log-normal, sigma 1).
MEDIAN_DELAY_DAYS: Final = 45
#: Children served who are in no other file, as a share of all children served.
UNKNOWN_SHARE: Final = 0.12


@dataclass(frozen=True, slots=True)
class _Reason:
    """Why a child is served: how likely, as which PPKS and cluster, which components where."""

    chance: float
    ppks: str
    klaster: str
    components: Pool[str]
    providers: Pool[str]


def _pool(spec: str) -> Pool[str]:
    """A pool from ``"code:weight code:weight ..."``."""
    pairs = [item.split(":") for item in spec.split()]
    return Pool([code for code, _ in pairs], [float(weight) for _, weight in pairs])


# Component codes of ``padan.domain.values.KOMPONEN_ATENSI``; weights are choices for synthetic
# data (therapy and family support for victims, accessibility for disability, care for neglect).
# Per reason: chance of a service, PPKS type, ATENSI cluster, components, providers.
_REASON_TABLE: Final = (
    ("abh", 0.40, "abh", "anak",
     "terapi:30 dukungan_keluarga:20 perawatan_pengasuhan:20 vokasional_kewirausahaan:15 "
     "pemenuhan_hidup_layak:10 bantuan_asistensi_sosial:5", "sentra:55 uptd:20 lks:25"),
    ("eksploitasi", 0.35, "ampk", "anak",
     "terapi:35 perawatan_pengasuhan:25 dukungan_keluarga:25 vokasional_kewirausahaan:15",
     "sentra:60 uptd:20 lks:20"),
    ("kekerasan", 0.30, "anak_korban_kekerasan", "anak",
     "terapi:40 dukungan_keluarga:25 perawatan_pengasuhan:15 pemenuhan_hidup_layak:10 "
     "bantuan_asistensi_sosial:10", "sentra:50 uptd:30 lks:20"),
    ("disabilitas", 0.45, "anak_disabilitas", "penyandang_disabilitas",
     "terapi:30 dukungan_aksesibilitas:30 bantuan_asistensi_sosial:20 dukungan_keluarga:10 "
     "pemenuhan_hidup_layak:10", "sentra:40 uptd:25 lks:35"),
    ("pengasuhan", 0.20, "anak_terlantar", "anak",
     "perawatan_pengasuhan:45 pemenuhan_hidup_layak:25 dukungan_keluarga:20 "
     "bantuan_asistensi_sosial:10", "lks:70 sentra:20 uptd:10"),
    ("atensi_keluarga", 0.30, "anak_terlantar", "anak",
     "pemenuhan_hidup_layak:40 bantuan_asistensi_sosial:40 dukungan_keluarga:20",
     "uptd:40 sentra:40 lks:20"),
    ("lainnya", 0.05, "ampk", "anak",
     "dukungan_keluarga:40 terapi:30 pemenuhan_hidup_layak:30", "sentra:40 uptd:40 lks:20"),
    ("jalanan", 1.0, "anak_jalanan", "anak",
     "pemenuhan_hidup_layak:30 perawatan_pengasuhan:30 terapi:15 dukungan_keluarga:15 "
     "vokasional_kewirausahaan:10",
     "sentra:50 lks:40 uptd:10"),
)  # fmt: skip
_REASONS: Final = {
    name: _Reason(chance, ppks, klaster, _pool(components), _pool(providers))
    for name, chance, ppks, klaster, components, providers in _REASON_TABLE
}
#: Stricter first: a child with several reasons is served (or not) for the first that applies.
_ORDER: Final = ("abh", "eksploitasi", "kekerasan", "disabilitas", "pengasuhan", "lainnya")
_SERVICES: Final = Pool([1, 2, 3, 4], [45, 30, 15, 10])
_BASIS: Final = {
    "sentra": _pool("residensial:50 keluarga:30 komunitas:20"),
    "uptd": _pool("keluarga:50 komunitas:35 residensial:15"),
    "lks": _pool("residensial:70 komunitas:20 keluarga:10"),
}
# Rates of the run's profile multiplied for a Kemensos record (made from a registered PPKS
# entry, often a DTSEN/Dukcapil-checked one): fewer missing NIKs, fewer variants.
_SCALE: Final = {
    "kpai_nik_missing": 0.3,
    "kpai_nik_typo": 0.4,
    "kpai_nik_family": 0.5,
    "kpai_nik_kk": 0.3,
    "dob_age_only": 0.3,
    "dob_missing": 0.3,
    "name_variant": 0.5,
    "name_situation": 0.5,
    "region_coarse": 0.4,
    "region_province": 0.2,
}


@dataclass(slots=True)
class Service:
    """One service given to a child."""

    subject: Subject
    day: dt.date
    reason: str
    component: str
    provider: tuple[str, str]  # (id_lembaga, jenis_lembaga)


class ServicePlanner:
    """Chooses the served children while households stream past, then writes their services."""

    def __init__(
        self,
        rng: random.Random,
        profile: Profile,
        registry: Registry,
        geography: Geography,
    ) -> None:
        self.rng = rng
        self.services: list[Service] = []
        self._dtsen: list[tuple[Subject, str]] = []
        self._identity = IdentityWriter(profile, registry, geography, scale=_SCALE)
        self.new_pids: set[int] = set()  # people written in no other file

    @property
    def counts(self) -> dict[str, int]:
        """Identifier situations injected (profiles other than ``standard``)."""
        return self._identity.counts

    def consider(self, household: Household) -> None:
        """Note the children of a written DTSEN household a service may reach without any
        complaint: children with a disability, children of ATENSI households."""
        for person in household.members:
            if person.birth < OLDEST_BIRTH:  # an adult for the whole period: skip quickly
                continue
            if minor_window(person.birth) is None:
                continue
            if person.disability:
                self._dtsen.append((Subject(person, household, True), "disabilitas"))
            elif household.atensi:
                self._dtsen.append((Subject(person, household, True), "atensi_keluarga"))

    def plan(
        self,
        kpai: Sequence[KpaiChild],
        cases: Sequence[tuple[Subject, dt.date]],
        lks: Sequence[tuple[str, str]],
        maker: HouseholdMaker,
        hid: int,
    ) -> None:
        """Decide every service. ``cases`` are SIMFONI-PPA victims with their report dates,
        ``lks`` the ``(id_lembaga, regency)`` of the LKSA/RPSA rows of the institution file."""
        rng = self.rng
        anchors: dict[int, tuple[Subject, dt.date | None, str]] = {}
        for entry in kpai:
            anchors[entry.subject.person.pid] = (entry.subject, entry.first, _kpai_reason(entry))
        for subject, day in cases:
            pid = subject.person.pid
            known = anchors.get(pid)
            if known is None:
                anchors[pid] = (subject, day, "kekerasan")
            else:  # served after both the complaint and the case
                first = known[1]
                later = day if first is None or day > first else first
                anchors[pid] = (known[0], later, _stricter(known[2], "kekerasan"))
        for subject, reason in self._dtsen:
            anchors.setdefault(subject.person.pid, (subject, None, reason))
        served = 0
        for pid in sorted(anchors):
            subject, anchor, reason = anchors[pid]
            if chance(rng, _REASONS[reason].chance):
                served += self._serve(rng, subject, anchor, reason, lks)
        wanted = round(served * UNKNOWN_SHARE / (1 - UNKNOWN_SHARE))
        while wanted > 0:
            household = maker.make(rng, hid)
            options = [p for p in household.members if minor_window(p.birth) is not None]
            if not options:
                continue
            person = rng.choice(options)
            # Street children and neglected small children are often on no list at all.
            young = age_at(person.birth, COMPLAINT_END) < 8
            reason = "pengasuhan" if young or chance(rng, 0.4) else "jalanan"
            if self._serve(rng, Subject(person, household, False), None, reason, lks):
                self.new_pids.add(person.pid)
                wanted -= 1

    def _serve(
        self,
        rng: random.Random,
        subject: Subject,
        anchor: dt.date | None,
        reason: str,
        lks: Sequence[tuple[str, str]],
    ) -> int:
        """Add the services of one child; returns 1 if any falls before the synthetic today."""
        window = minor_window(subject.person.birth)
        assert window is not None  # only children who are minors in the period are planned
        if anchor is None:  # known only to DTSEN (or to nobody): any day as a minor
            anchor = dt.date.fromordinal(rng.randint(window[0].toordinal(), window[1].toordinal()))
        delay = max(1, round(MEDIAN_DELAY_DAYS * math.exp(rng.gauss(0, 1))))
        day = anchor + dt.timedelta(days=delay)
        details = _REASONS[reason]
        provider = _provider(rng, details.providers.pick(rng), subject.household, lks)
        added = 0
        for _ in range(_SERVICES.pick(rng)):
            if day > min(COMPLAINT_END, window[1]):
                break
            component = details.components.pick(rng)
            self.services.append(Service(subject, day, reason, component, provider))
            added += 1
            day += dt.timedelta(days=rng.randint(7, 120))
            if chance(rng, 0.15):  # referred on to another institution
                provider = _provider(rng, details.providers.pick(rng), subject.household, lks)
        return 1 if added else 0

    def write(self, out: RowWriter, truth: RowWriter) -> int:
        """Number the services in date order and write them; returns the row count."""
        rng = self.rng
        order = sorted(range(len(self.services)), key=lambda i: (self.services[i].day, i))
        per_year: dict[int, int] = {}
        for i in order:
            service = self.services[i]
            year = service.day.year
            per_year[year] = per_year.get(year, 0) + 1
            number = f"ATN-{year}-{per_year[year]:07d}"
            out.writerow(self._row(rng, number, service))
            truth.writerow(("kemensos", number, f"P{service.subject.person.pid:08d}"))
        return len(order)

    def _row(self, rng: random.Random, number: str, service: Service) -> list[str]:
        subject, day = service.subject, service.day
        person = subject.person
        written = self._identity.write(rng, subject, day, kk_share=0.7, mother_missing=0.2)
        details = _REASONS[service.reason]
        ppks = details.ppks
        if ppks == "anak_terlantar" and day < _sixth_birthday(person.birth):
            ppks = "anak_balita_terlantar"
        klaster = details.klaster
        if service.reason == "eksploitasi" and chance(rng, 0.3):
            klaster = "tuna_sosial_kpo"  # trafficked children are also served in that cluster
        elif person.disability and chance(rng, 0.5):
            klaster = "penyandang_disabilitas"
        disability = person.disability if person.disability and chance(rng, 0.85) else ""
        provider, kind = service.provider
        return [
            number,
            _format(day, 0),
            service.component,
            _BASIS[kind].pick(rng) if chance(rng, 0.9) else "",
            klaster,
            ppks if chance(rng, 0.9) else "",
            provider,
            kind if chance(rng, 0.95) else "",
            written.nik,
            written.no_kk,
            written.name,
            person.sex,
            written.birth,
            written.usia,
            written.mother,
            written.address,
            written.code,
            disability,
            _status(rng, day),
        ]


def _kpai_reason(entry: KpaiChild) -> str:
    kategori, person = entry.kategori, entry.subject.person
    if "b" in kategori:
        return "abh"
    if kategori & {"d", "h"}:
        return "eksploitasi"
    if kategori & {"i", "j", "m"}:
        return "kekerasan"
    if "l" in kategori or person.disability:
        return "disabilitas"
    if "II" in entry.klaster:
        return "pengasuhan"
    return "lainnya"


def _stricter(first: str, second: str) -> str:
    ranks = {reason: i for i, reason in enumerate(_ORDER)}
    return first if ranks.get(first, 99) <= ranks.get(second, 99) else second


def _provider(
    rng: random.Random, kind: str, household: Household, lks: Sequence[tuple[str, str]]
) -> tuple[str, str]:
    village = household.village
    if kind == "lks" and lks:
        near = [lid for lid, regency in lks if regency == village.regency]
        return (rng.choice(near) if near and chance(rng, 0.8) else rng.choice(lks)[0]), "lks"
    if kind == "uptd":
        return f"UPTD-SOS-{village.regency.replace('.', '')}", "uptd"
    return f"SENTRA-{village.regency[:2]}", "sentra"


def _sixth_birthday(birth: dt.date) -> dt.date:
    try:
        return birth.replace(year=birth.year + 6)
    except ValueError:  # born 29 February
        return dt.date(birth.year + 6, 3, 1)


def _status(rng: random.Random, day: dt.date) -> str:
    weights = (70, 30, 0, 0) if (COMPLAINT_END - day).days < 60 else (10, 75, 8, 7)
    return rng.choices(("berjalan", "selesai", "dirujuk", "dihentikan"), weights)[0]
