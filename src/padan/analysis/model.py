"""The typed results of a report: figures, breakdowns, data quality, worklists, snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "BatchRef",
    "Figure",
    "GroupFigures",
    "QualityRow",
    "RegionFigures",
    "RegionRef",
    "Report",
    "Snapshot",
    "Worklist",
]


@dataclass(frozen=True, slots=True)
class Figure:
    """A count of children, and how many of them rest on review-band matches."""

    value: int
    uncertain: int = 0


@dataclass(frozen=True, slots=True)
class RegionRef:
    """A Kemendagri region: dotted code, level and name."""

    code: str
    level: str
    name: str


@dataclass(frozen=True, slots=True)
class RegionFigures:
    """Every indicator for one region at one level.

    ``code`` is ``None`` for children whose region is only known at a coarser level (the
    part of ``parent`` that cannot be placed further down).
    """

    level: str  # province | regency | district
    code: str | None
    name: str
    parent: str | None
    figures: dict[str, Figure]
    #: Median days from first complaint or report to first service (``None``: no child).
    median_days: float | None = None


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """Coverage figures for one KPAI klaster or kategori."""

    group: str
    label: str
    figures: dict[str, Figure]


@dataclass(frozen=True, slots=True)
class QualityRow:
    """Data quality of one source's records in one region (``level == "all"``: overall)."""

    source: str  # kpai | dtsen
    level: str  # all | province | regency
    code: str | None
    name: str
    parent: str | None
    records: int
    nik_filled: int
    nik_valid: int
    duplicates: int  # records minus distinct children among them


@dataclass(frozen=True, slots=True)
class Worklist:
    """Named rows for follow-up (only for roles allowed to see names)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class BatchRef:
    """An ingested file the snapshot includes."""

    id: int
    source: str
    file_name: str
    content_sha256: str
    finished_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the figures rest on. The same snapshot (and rules) gives the same figures."""

    run_id: int
    run_finished_at: dt.datetime
    model_version: str
    link_threshold: float
    review_threshold: float
    batches: tuple[BatchRef, ...]
    reference_date: dt.date
    rules_source: str
    rules_digest: str
    generated_at: dt.datetime
    newer_batches: tuple[int, ...] = ()  # ingested after the run, not in these figures


@dataclass(frozen=True)
class Report:
    """A full report for the whole country or one region."""

    snapshot: Snapshot
    region: RegionRef | None
    indicators: dict[str, Figure]
    regions: list[RegionFigures]
    by_klaster: list[GroupFigures]
    by_kategori: list[GroupFigures]
    quality: list[QualityRow]
    programs: dict[str, str]  # program key → label
    worklists: dict[str, Worklist] = field(default_factory=dict)
    #: What an indicator family rests on, e.g. ``{"atensi": "kemensos_layanan"}`` (service
    #: records) or ``"dtsen_penerima_atensi"`` (DTSEN's flag: no service source ingested).
    basis: dict[str, str] = field(default_factory=dict)
    #: Median days from first complaint or report to first service over the report's scope.
    median_days: float | None = None

    def values(self) -> dict[str, int]:
        """Indicator key → count."""
        return {key: f.value for key, f in self.indicators.items()}
