"""Institution sheets of the report: supervision indicators per region and the top of the
inspection worklist (issue 6, items 4 and 5), as display tables the XLSX writer renders."""

from __future__ import annotations

import datetime as dt

from padan.analysis.tables import DisplayTable
from padan.domain.regions import region_table
from padan.institutions import RiskAssessment, region_indicators, worklist
from padan.store import Store

__all__ = ["DEFAULT_TOP", "institution_tables"]

#: Institutions of the risk worklist shown in the report.
DEFAULT_TOP = 20

_INDICATOR_HEADERS = [
    "kode_wilayah",
    "nama_wilayah",
    "jumlah lembaga",
    "berizin",
    "% berizin",
    "jenis yang diakreditasi",
    "terakreditasi (masih berlaku)",
    "% terakreditasi",
    "rumah aman",
    "rumah aman berizin",
    "anak dalam pengasuhan",
    "pekerja sosial",
    "pekerja sosial bersertifikat",
    "anak per pekerja sosial",
    "pengawasan terlambat",
    "temuan berat terbuka",
]
_WORKLIST_HEADERS = [
    "peringkat",
    "id_lembaga",
    "nama lembaga",
    "jenis",
    "kode_wilayah",
    "skor",
    "alasan (poin dan fakta)",
    "pengawasan terakhir",
    "catatan duplikat",
]


def institution_tables(
    store: Store,
    *,
    region: str | None = None,
    top: int = DEFAULT_TOP,
    today: dt.date | None = None,
) -> list[DisplayTable]:
    """Two tables: indicators per regency and the ``top`` of the risk worklist (in ``region``).

    Empty when no institution is registered there. Complaint numbers and categories stay out
    of the report: a complaint point says only that a KPAI complaint is linked. Raises
    :class:`~padan.errors.InputError` for an unusable region code.
    """
    day = today or dt.date.today()
    indicators = region_indicators(store, level="regency", region=region, today=day)
    if not indicators:
        return []
    names = region_table()
    rows: list[list[int | float | str | None]] = [
        [
            i.kode_wilayah,
            names[i.kode_wilayah].name if i.kode_wilayah in names else None,
            i.institutions,
            i.licensed,
            _pct(i.share_licensed),
            i.accreditable,
            i.accredited,
            _pct(i.share_accredited),
            i.safe_houses,
            i.safe_houses_licensed,
            i.children,
            i.social_workers,
            i.social_workers_certified,
            round(i.children_per_social_worker, 1) if i.children_per_social_worker else None,
            i.inspections_overdue,
            i.open_severe_findings,
        ]
        for i in indicators
    ]
    ranked = worklist(store, region=region, today=day, limit=top)
    top_rows: list[list[int | float | str | None]] = [
        [
            a.rank,
            a.id_lembaga,
            a.nama_lembaga,
            a.jenis,
            a.kode_wilayah,
            a.score,
            "; ".join(_reasons(a)),
            a.last_inspection.isoformat() if a.last_inspection else "belum pernah",
            ", ".join(a.duplicates),
        ]
        for a in ranked
    ]
    return [
        DisplayTable("lembaga_wilayah", "Lembaga per wilayah", _INDICATOR_HEADERS, rows),
        DisplayTable(
            "lembaga_prioritas", f"Prioritas lembaga (top {top})", _WORKLIST_HEADERS, top_rows
        ),
    ]


def _reasons(a: RiskAssessment) -> list[str]:
    return [
        f"+{p.points} pengaduan KPAI terkait lembaga (rincian di Padan)"
        if p.code == "complaint"
        else f"+{p.points} {p.text_id}"
        for p in a.points
    ]


def _pct(share: float | None) -> float | None:
    return round(100 * share, 1) if share is not None else None
