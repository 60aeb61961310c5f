"""Plain data objects of the institution registry (no SQLAlchemy types leak out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ComplaintLink",
    "DedupRun",
    "FindingRecord",
    "HistoryEntry",
    "InspectionRecord",
    "InstitutionRecord",
]


@dataclass(frozen=True, slots=True)
class InstitutionRecord:
    """One institution as the registry holds it now."""

    id_lembaga: str
    nama_lembaga: str
    jenis: str
    kode_wilayah: str
    alamat: str | None = None
    status_izin: str | None = None
    akreditasi: str | None = None
    tanggal_akreditasi: dt.date | None = None
    kapasitas: int | None = None
    jumlah_anak: int | None = None
    jumlah_pekerja_sosial: int | None = None
    jumlah_pekerja_sosial_bersertifikat: int | None = None
    origin: str = "form"  # extract | form
    version: int = 1
    updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of one institution: who, when, from where, and each field's old and new value."""

    id_lembaga: str
    version: int
    changed_at: dt.datetime
    changed_by: str
    source: str  # extract:BATCH | form
    changes: dict[str, list[Any]]  # field -> [old, new] (dates as ISO text)
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """A finding of an inspection, with its corrective action and follow-up status."""

    id: int
    inspection_id: int
    item_code: str
    severity: str  # RINGAN | SEDANG | BERAT
    note: str | None
    action: str | None
    due_on: dt.date | None
    status: str  # terbuka | proses | selesai
    closed_on: dt.date | None
    follow_up: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class InspectionRecord:
    """A supervision visit against a checklist, with its findings."""

    id: int
    id_lembaga: str
    checklist_id: str
    checklist_version: str
    visited_on: dt.date
    inspector: str
    notes: str | None
    recorded_at: dt.datetime
    findings: list[FindingRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ComplaintLink:
    """A KPAI complaint a person linked to an institution."""

    id_lembaga: str
    no_pengaduan: str
    linked_by: str
    linked_at: dt.datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DedupRun:
    """A stored deduplication run of the institution registry."""

    id: int
    started_at: dt.datetime
    finished_at: dt.datetime
    link_threshold: float
    review_threshold: float
    records: int
    clusters: int
