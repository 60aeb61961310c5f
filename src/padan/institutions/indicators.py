"""Supervision indicators per region, for the dashboard and the XLSX report."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from padan.errors import InputError
from padan.institutions.facts import InstitutionFacts, gather_facts
from padan.institutions.fields import accreditation_valid
from padan.institutions.risk import RiskPolicy, inspection_due
from padan.store import Store

__all__ = ["RegionIndicators", "region_indicators"]

_LEVELS = {"province": 2, "regency": 5}


@dataclass(frozen=True)
class RegionIndicators:
    """Counts and shares for the institutions of one region (deduplicated)."""

    kode_wilayah: str
    institutions: int
    licensed: int
    accreditable: int  # institutions of a type that is accredited
    accredited: int  # with a grade still valid today
    safe_houses: int  # RUMAH_AMAN
    safe_houses_licensed: int
    children: int  # children in care, where reported
    social_workers: int
    social_workers_certified: int
    inspections_overdue: int
    open_severe_findings: int

    @property
    def share_licensed(self) -> float | None:
        return self.licensed / self.institutions if self.institutions else None

    @property
    def share_accredited(self) -> float | None:
        return self.accredited / self.accreditable if self.accreditable else None

    @property
    def children_per_social_worker(self) -> float | None:
        """Children in care per social worker (``None`` with no social worker reported)."""
        return self.children / self.social_workers if self.social_workers else None

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "share_licensed": self.share_licensed,
            "share_accredited": self.share_accredited,
            "children_per_social_worker": self.children_per_social_worker,
        }


def region_indicators(
    store: Store,
    *,
    level: str = "regency",
    region: str | None = None,
    today: dt.date | None = None,
    policy: RiskPolicy | None = None,
) -> list[RegionIndicators]:
    """Indicators per province or regency (``level``), optionally within ``region``.

    Each institution counts once (duplicates merged by the latest deduplication run). Raises
    :class:`InputError` for an unknown level or region code.
    """
    if level not in _LEVELS:
        raise InputError(f"level {level!r} is not one of {', '.join(_LEVELS)}")
    day = today or dt.date.today()
    policy = policy or RiskPolicy()
    groups: dict[str, list[InstitutionFacts]] = {}
    for facts in gather_facts(store, region=region):
        groups.setdefault(facts.record.kode_wilayah[: _LEVELS[level]], []).append(facts)
    return [_one(code, members, day, policy) for code, members in sorted(groups.items())]


def _one(
    code: str, members: list[InstitutionFacts], today: dt.date, policy: RiskPolicy
) -> RegionIndicators:
    records = [f.record for f in members]
    accreditable = [r for r in records if r.jenis in policy.accredited_types]
    safe = [r for r in records if r.jenis == "RUMAH_AMAN"]
    return RegionIndicators(
        kode_wilayah=code,
        institutions=len(records),
        licensed=sum(r.status_izin == "BERIZIN" for r in records),
        accreditable=len(accreditable),
        accredited=sum(
            accreditation_valid(r.akreditasi, r.tanggal_akreditasi, today) for r in accreditable
        ),
        safe_houses=len(safe),
        safe_houses_licensed=sum(r.status_izin == "BERIZIN" for r in safe),
        children=sum(r.jumlah_anak or 0 for r in records),
        social_workers=sum(r.jumlah_pekerja_sosial or 0 for r in records),
        social_workers_certified=sum(r.jumlah_pekerja_sosial_bersertifikat or 0 for r in records),
        inspections_overdue=sum(inspection_due(f, today, policy) for f in members),
        open_severe_findings=sum(
            1
            for f in members
            for i in f.inspections
            for x in i.findings
            if x.severity == "BERAT" and x.status != "selesai"
        ),
    )
