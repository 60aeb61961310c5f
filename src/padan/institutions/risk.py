"""A transparent risk score per institution and the ranked inspection worklist.

The score is a plain sum of points. Every point comes from one fact of the registry, the
inspections or the complaints, and carries that fact (``RiskPoint.fact``) and a sentence saying
it, so a supervisor can check each one. The weights are a policy (:class:`RiskPolicy`), not a
statistical model: change them there, and the sentences still say what was counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from padan.institutions.checklists import checklist_for
from padan.institutions.facts import InstitutionFacts, gather_facts
from padan.institutions.fields import accreditation_expiry
from padan.store import Store

__all__ = ["RiskAssessment", "RiskPoint", "RiskPolicy", "assess", "inspection_due", "worklist"]


@dataclass(frozen=True)
class RiskPolicy:
    """Points per fact and the thresholds behind them."""

    unlicensed: int = 25
    licence_pending: int = 10
    licence_unknown: int = 10
    accreditation_missing: int = 15
    accreditation_expired: int = 15
    overcrowded: int = 15
    no_social_worker: int = 15
    low_worker_ratio: int = 10
    uncertified_staff: int = 5
    inspection_overdue: int = 10
    open_severe_finding: int = 20  # each
    overdue_action: int = 5  # each open corrective action past its due date
    complaint: int = 20  # each linked complaint in one of ``complaint_categories``
    #: More children per social worker than this is a low ratio (Padan's policy, not a standard).
    max_children_per_worker: int = 15
    #: An institution should be visited at least this often (days).
    inspection_interval_days: int = 365
    #: Pasal 59(2) categories: d = economic/sexual exploitation, j = sexual crime victims.
    complaint_categories: tuple[str, ...] = ("d", "j")
    #: Types that are accredited as LKS (UPTD PPA is a government unit).
    accredited_types: tuple[str, ...] = ("LKSA", "TPA", "RPSA", "RUMAH_AMAN")


@dataclass(frozen=True)
class RiskPoint:
    """Points for one fact: a code, the fact's values, and sentences in Indonesian and English."""

    code: str
    points: int
    fact: dict[str, Any]
    text_id: str
    text_en: str


@dataclass(frozen=True)
class RiskAssessment:
    """An institution's score: the sum of its points, each traced to its fact."""

    id_lembaga: str
    nama_lembaga: str
    jenis: str
    kode_wilayah: str
    points: tuple[RiskPoint, ...]
    duplicates: tuple[str, ...] = ()
    last_inspection: dt.date | None = None
    rank: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> int:
        return sum(p.points for p in self.points)

    @property
    def reasons(self) -> list[str]:
        """One sentence per point (Bahasa Indonesia), in the order they were counted."""
        return [f"+{p.points} {p.text_id}" for p in self.points]

    @property
    def reasons_en(self) -> list[str]:
        return [f"+{p.points} {p.text_en}" for p in self.points]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``id_lembaga``, ``score``, ``reasons`` and the points with their facts."""
        return {
            "rank": self.rank,
            "id_lembaga": self.id_lembaga,
            "nama_lembaga": self.nama_lembaga,
            "jenis": self.jenis,
            "kode_wilayah": self.kode_wilayah,
            "score": self.score,
            "reasons": self.reasons,
            "reasons_en": self.reasons_en,
            "points": [{"code": p.code, "points": p.points, "fact": p.fact} for p in self.points],
            "duplicates": list(self.duplicates),
            "last_inspection": self.last_inspection.isoformat() if self.last_inspection else None,
        }


def inspection_due(facts: InstitutionFacts, today: dt.date, policy: RiskPolicy) -> bool:
    """True when an institution with a checklist was never visited or not within the interval."""
    if checklist_for(facts.record.jenis) is None:
        return False
    last = facts.inspections[0].visited_on if facts.inspections else None
    return last is None or (today - last).days > policy.inspection_interval_days


def assess(
    facts: InstitutionFacts, *, today: dt.date, policy: RiskPolicy | None = None
) -> RiskAssessment:
    """Score one institution from its facts."""
    policy = policy or RiskPolicy()
    r = facts.record
    points: list[RiskPoint] = []

    def add(code: str, pts: int, fact: dict[str, Any], text_id: str, text_en: str) -> None:
        if pts:
            points.append(RiskPoint(code, pts, fact, text_id, text_en))

    if r.status_izin == "TIDAK_BERIZIN":
        add(
            "unlicensed",
            policy.unlicensed,
            {"status_izin": r.status_izin},
            "tidak berizin",
            "unlicensed",
        )
    elif r.status_izin == "DALAM_PROSES":
        add(
            "licence_pending",
            policy.licence_pending,
            {"status_izin": r.status_izin},
            "izin masih dalam proses",
            "licence still in process",
        )
    elif r.status_izin is None:
        add(
            "licence_unknown",
            policy.licence_unknown,
            {"status_izin": None},
            "status izin tidak dilaporkan",
            "licence status not reported",
        )
    if r.jenis in policy.accredited_types:
        expiry = accreditation_expiry(r.akreditasi, r.tanggal_akreditasi)
        if r.akreditasi in (None, "BELUM"):
            add(
                "accreditation_missing",
                policy.accreditation_missing,
                {"akreditasi": r.akreditasi},
                "belum terakreditasi" if r.akreditasi else "akreditasi tidak dilaporkan",
                "not accredited" if r.akreditasi else "accreditation not reported",
            )
        elif expiry is None:
            add(
                "accreditation_missing",
                policy.accreditation_missing,
                {"akreditasi": r.akreditasi, "tanggal_akreditasi": None},
                f"akreditasi {r.akreditasi} tanpa tanggal: masa berlaku tidak dapat dihitung",
                f"accreditation {r.akreditasi} without a date: validity cannot be computed",
            )
        elif expiry is not None and today > expiry:
            add(
                "accreditation_expired",
                policy.accreditation_expired,
                {
                    "akreditasi": r.akreditasi,
                    "tanggal_akreditasi": _iso(r.tanggal_akreditasi),
                    "berlaku_sampai": expiry.isoformat(),
                },
                f"akreditasi {r.akreditasi} dari {r.tanggal_akreditasi} kedaluwarsa {expiry}",
                f"accreditation {r.akreditasi} of {r.tanggal_akreditasi} expired on {expiry}",
            )
    children, places = r.jumlah_anak, r.kapasitas
    if children is not None and places is not None and children > places:
        add(
            "overcrowded",
            policy.overcrowded,
            {"jumlah_anak": children, "kapasitas": places},
            f"{children} anak untuk {places} tempat{_occupancy(children, places)}",
            f"{children} children for {places} places{_occupancy(children, places)}",
        )
    workers, certified = r.jumlah_pekerja_sosial, r.jumlah_pekerja_sosial_bersertifikat
    if workers == 0 and children:
        add(
            "no_social_worker",
            policy.no_social_worker,
            {"jumlah_pekerja_sosial": 0, "jumlah_anak": children},
            f"tidak ada pekerja sosial untuk {children} anak",
            f"no social worker for {children} children",
        )
    elif workers and children is not None and children / workers > policy.max_children_per_worker:
        add(
            "low_worker_ratio",
            policy.low_worker_ratio,
            {
                "jumlah_anak": children,
                "jumlah_pekerja_sosial": workers,
                "batas": policy.max_children_per_worker,
            },
            f"{children / workers:.1f} anak per pekerja sosial "
            f"(batas {policy.max_children_per_worker})",
            f"{children / workers:.1f} children per social worker "
            f"(limit {policy.max_children_per_worker})",
        )
    if workers and certified is not None and certified < workers:
        add(
            "uncertified_staff",
            policy.uncertified_staff,
            {"jumlah_pekerja_sosial": workers, "jumlah_pekerja_sosial_bersertifikat": certified},
            f"{workers - certified} dari {workers} pekerja sosial belum bersertifikat",
            f"{workers - certified} of {workers} social workers not certified",
        )
    last = facts.inspections[0].visited_on if facts.inspections else None
    if inspection_due(facts, today, policy):
        if last is None:
            add(
                "inspection_overdue",
                policy.inspection_overdue,
                {"kunjungan_terakhir": None},
                "belum pernah diawasi",
                "never inspected",
            )
        else:
            days = (today - last).days
            add(
                "inspection_overdue",
                policy.inspection_overdue,
                {
                    "kunjungan_terakhir": last.isoformat(),
                    "hari": days,
                    "interval": policy.inspection_interval_days,
                },
                f"pengawasan terakhir {last} ({days} hari lalu, lebih dari "
                f"{policy.inspection_interval_days})",
                f"last inspection {last} ({days} days ago, more than "
                f"{policy.inspection_interval_days})",
            )
    for inspection in facts.inspections:
        for f in inspection.findings:
            if f.status == "selesai":
                continue
            fact = {
                "temuan": f.id,
                "butir": f.item_code,
                "keparahan": f.severity,
                "kunjungan": inspection.visited_on.isoformat(),
                "status": f.status,
                "batas_waktu": _iso(f.due_on),
            }
            if f.severity == "BERAT":
                add(
                    "open_severe_finding",
                    policy.open_severe_finding,
                    fact,
                    f"temuan berat terbuka #{f.id} butir {f.item_code} "
                    f"(kunjungan {inspection.visited_on})",
                    f"open severe finding #{f.id} item {f.item_code} "
                    f"(visit {inspection.visited_on})",
                )
            if f.due_on is not None and f.due_on < today:
                add(
                    "overdue_action",
                    policy.overdue_action,
                    fact,
                    f"tindakan perbaikan temuan #{f.id} lewat batas waktu {f.due_on}",
                    f"corrective action of finding #{f.id} past its due date {f.due_on}",
                )
    for number, klaster, kategori in facts.complaints:
        if kategori in policy.complaint_categories:
            add(
                "complaint",
                policy.complaint,
                {"no_pengaduan": number, "klaster": klaster, "kategori": kategori},
                f"pengaduan KPAI {number} terkait lembaga (klaster {klaster}, kategori {kategori})",
                f"KPAI complaint {number} linked to the institution "
                f"(cluster {klaster}, category {kategori})",
            )
    return RiskAssessment(
        r.id_lembaga, r.nama_lembaga, r.jenis, r.kode_wilayah, tuple(points), facts.duplicates, last
    )


def worklist(
    store: Store,
    *,
    region: str | None = None,
    today: dt.date | None = None,
    policy: RiskPolicy | None = None,
    limit: int | None = None,
) -> list[RiskAssessment]:
    """Institutions (within ``region``, any level) ranked for inspection: highest score first.

    Ties keep id order. Raises :class:`~padan.errors.InputError` for an unusable region code.
    """
    day = today or dt.date.today()
    scored = [assess(f, today=day, policy=policy) for f in gather_facts(store, region=region)]
    scored.sort(key=lambda a: (-a.score, a.id_lembaga))
    ranked = [
        RiskAssessment(
            a.id_lembaga,
            a.nama_lembaga,
            a.jenis,
            a.kode_wilayah,
            a.points,
            a.duplicates,
            a.last_inspection,
            rank,
        )
        for rank, a in enumerate(scored, start=1)
    ]
    return ranked[:limit] if limit is not None else ranked


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _occupancy(children: int, places: int) -> str:
    """`` (125%)`` of the capacity; nothing for a capacity of 0 (no share to give)."""
    return f" ({children / places:.0%})" if places else ""
