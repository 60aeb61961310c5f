"""A report as display tables (headers + rows), with small cells suppressed when asked.

XLSX, HTML and JSON outputs all render these, so every output hides the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from padan.analysis.denominators import DENOMINATORS, denominator
from padan.analysis.model import Figure, GroupFigures, RegionFigures, Report
from padan.analysis.service_gaps import MEDIAN_KEY
from padan.analysis.service_tables import (
    COUNT_KEY,
    median_region_rows,
    median_summary_row,
    median_table,
)
from padan.analysis.suppress import SUPPRESSED, THRESHOLD, Relation, suppress
from padan.i18n import DEFAULT_LANGUAGE, label
from padan.i18n.codes import CODES

__all__ = [
    "DENOMINATORS",
    "Cell",
    "DisplayTable",
    "denominator",
    "level_label",
    "region_hidden",
    "report_dict",
    "report_tables",
]

Cell = int | float | str | None


def level_label(level: str) -> str:
    """A region level as the report names it (``Kabupaten/Kota``), from the catalogs."""
    return (
        label("region_level", level, DEFAULT_LANGUAGE) if level in CODES["region_level"] else level
    )


#: Found + possibly found (a DTSEN match awaits review) + not found = every KPAI child.
_ROW_RELATION: Final = (
    ("kpai_children_in_dtsen", "kpai_children_not_in_dtsen", "kpai_children_maybe_in_dtsen"),
    "kpai_children",
)


@dataclass(frozen=True)
class DisplayTable:
    """One sheet: a key, a title, headers and rows of cells."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]


_Key = tuple[str, str | None, str | None, str]  # level, parent, code, indicator


def region_hidden(report: Report, keys: list[str]) -> set[_Key]:
    """Cells of the region grid (and national totals) to hide: ``(level, parent, code, key)``."""
    cells: dict[_Key, int] = {
        ("total", None, None, k): f.value for k, f in report.indicators.items()
    }
    for row in report.regions:
        for k, f in row.figures.items():
            cells[(row.level, row.parent, row.code, k)] = f.value
    relations: list[Relation[_Key]] = []
    levels = [r.level for r in report.regions]
    order = list(dict.fromkeys(levels))
    parent_cell: dict[tuple[str, str | None], tuple[str, str | None, str | None]] = {}
    for row in report.regions:
        if row.code is not None:
            parent_cell[(row.level, row.code)] = (row.level, row.parent, row.code)
    groups: dict[tuple[str, str | None], list[RegionFigures]] = defaultdict(list)
    for row in report.regions:
        groups[(row.level, row.parent)].append(row)
    for (level, parent), rows in groups.items():
        index = order.index(level)
        above = parent_cell.get((order[index - 1], parent)) if index > 0 else None
        total = above or ("total", None, None)
        for k in keys:
            relations.append(([(r.level, r.parent, r.code, k) for r in rows], (*total, k)))
    parts, whole = _ROW_RELATION
    for level, parent, code, k in list(cells):
        if k == whole:
            relations.append(
                ([(level, parent, code, p) for p in parts], (level, parent, code, whole))
            )
    return suppress(cells, relations)


def _show(value: int, hidden: bool) -> Cell:
    return SUPPRESSED if hidden else value


def _uncertain(f: Figure, hidden: bool, on: bool) -> Cell:
    if on and (0 < f.uncertain < THRESHOLD or (hidden and f.uncertain > 0)):
        return SUPPRESSED
    return f.uncertain


def _percent(num: Cell, den: Cell) -> Cell:
    if isinstance(num, int) and isinstance(den, int) and den > 0:
        return round(100 * num / den, 1)
    return None


def _group_table(
    key: str, title: str, head: str, groups: list[GroupFigures], on: bool
) -> DisplayTable:
    rows: list[list[Cell]] = []
    for g in groups:
        cells = {k: f.value for k, f in g.figures.items()}
        parts, whole = _ROW_RELATION
        hidden = suppress(cells, [(parts, whole)]) if on else set()
        shown = {k: _show(v, k in hidden) for k, v in cells.items()}
        rows.append(
            [
                g.label,
                shown[whole],
                shown[parts[0]],
                _percent(shown[parts[0]], shown[whole]),
                shown[parts[1]],
                _uncertain(g.figures[whole], whole in hidden, on),
                shown.get(parts[2], 0),
            ]
        )
    headers = [
        head,
        "anak KPAI",
        "ditemukan di DTSEN",
        "cakupan (%)",
        "tidak ditemukan",
        "anak dari pasangan tinjauan",
        "mungkin terdaftar (menunggu pemeriksaan)",
    ]
    return DisplayTable(key, title, headers, rows)


def report_tables(
    report: Report, labels: dict[str, str], *, suppress_small: bool = True
) -> list[DisplayTable]:
    """Summary, one table per indicator by region, klaster, kategori and data quality.

    With ``suppress_small`` counts 1-4 and the cells that would reveal them show as ``<5``.
    """
    keys = list(report.indicators)
    hidden = region_hidden(report, keys) if suppress_small else set()

    def cell(level: str, parent: str | None, code: str | None, k: str, value: int) -> Cell:
        return _show(value, (level, parent, code, k) in hidden)

    summary_rows: list[list[Cell]] = []
    for k, f in report.indicators.items():
        shown = cell("total", None, None, k, f.value)
        den = denominator(k)
        den_shown = cell("total", None, None, den, report.indicators[den].value) if den else None
        summary_rows.append(
            [
                labels.get(k, k),
                k,
                shown,
                _uncertain(f, ("total", None, None, k) in hidden, suppress_small),
                labels.get(den, den) if den else None,
                _percent(shown, den_shown),
            ]
        )
    if COUNT_KEY in report.indicators:
        summary_rows.append(median_summary_row(report, labels, hidden, suppress_small))
    tables = [
        DisplayTable(
            "ringkasan",
            "Ringkasan indikator",
            [
                "indikator",
                "kunci",
                "jumlah anak",
                "anak dari pasangan tinjauan",
                "penyebut",
                "persen (%)",
            ],
            summary_rows,
        )
    ]
    for k in keys:
        den = denominator(k)
        rows: list[list[Cell]] = []
        for r in report.regions:
            f = r.figures[k]
            value = cell(r.level, r.parent, r.code, k, f.value)
            den_value = cell(r.level, r.parent, r.code, den, r.figures[den].value) if den else None
            rows.append(
                [
                    level_label(r.level),
                    r.code,
                    r.name,
                    r.parent,
                    value,
                    _uncertain(f, (r.level, r.parent, r.code, k) in hidden, suppress_small),
                    den_value,
                    _percent(value, den_value),
                ]
            )
        tables.append(
            DisplayTable(
                k,
                labels.get(k, k),
                [
                    "tingkat",
                    "kode wilayah",
                    "nama wilayah",
                    "induk",
                    "jumlah anak",
                    "anak dari pasangan tinjauan",
                    f"penyebut: {labels.get(den, den) if den else '-'}",
                    "persen (%)",
                ],
                rows,
            )
        )
    if COUNT_KEY in report.indicators:
        tables.append(
            DisplayTable(MEDIAN_KEY, *median_table(report, labels, hidden, suppress_small))
        )
    tables.append(
        _group_table(
            "klaster", "Cakupan menurut klaster KPAI", "klaster", report.by_klaster, suppress_small
        )
    )
    tables.append(
        _group_table(
            "kategori",
            "Cakupan menurut kategori Pasal 59(2)",
            "kategori",
            report.by_kategori,
            suppress_small,
        )
    )
    quality_rows: list[list[Cell]] = []
    for q in report.quality:
        quality_rows.append(
            [
                label("source", q.source, DEFAULT_LANGUAGE),
                level_label(q.level),
                q.code,
                q.name,
                q.records,
                q.nik_filled,
                _percent(q.nik_filled, q.records),
                q.nik_valid,
                _percent(q.nik_valid, q.records),
                q.duplicates,
                _percent(q.duplicates, q.records),
            ]
        )
    tables.append(
        DisplayTable(
            "kualitas_data",
            "Kualitas data per sumber dan wilayah (jumlah rekaman)",
            [
                "sumber",
                "tingkat",
                "kode wilayah",
                "nama wilayah",
                "rekaman",
                "NIK terisi",
                "NIK terisi (%)",
                "NIK valid",
                "NIK valid (%)",
                "rekaman ganda",
                "rekaman ganda (%)",
            ],
            quality_rows,
        )
    )
    return tables


def report_dict(report: Report, *, suppress_small: bool = True) -> dict[str, object]:
    """The report as JSON-ready data.

    ``indicators`` (and ``uncertain``) hold exact integer counts for the report's scope: the
    figures the product's contract names. Breakdowns by region, klaster and kategori show hidden
    cells as ``"<5"`` unless ``suppress_small`` is false.
    """
    keys = list(report.indicators)
    hidden = region_hidden(report, keys) if suppress_small else set()
    s = report.snapshot
    medians = median_region_rows(report, hidden, suppress_small)
    regions = [
        {
            "level": r.level,
            "code": r.code,
            "name": r.name,
            "parent": r.parent,
            "figures": {
                k: _show(f.value, (r.level, r.parent, r.code, k) in hidden)
                for k, f in r.figures.items()
            },
            "uncertain": {
                k: _uncertain(f, (r.level, r.parent, r.code, k) in hidden, suppress_small)
                for k, f in r.figures.items()
            },
            MEDIAN_KEY: medians[(r.level, r.parent, r.code)],
        }
        for r in report.regions
    ]

    def groups(items: list[GroupFigures]) -> list[dict[str, object]]:
        result: list[dict[str, object]] = []
        for g in items:
            cells = {k: f.value for k, f in g.figures.items()}
            gone = suppress(cells, [_ROW_RELATION]) if suppress_small else set()
            result.append(
                {
                    "group": g.group,
                    "label": g.label,
                    "figures": {k: _show(v, k in gone) for k, v in cells.items()},
                }
            )
        return result

    return {
        "region": (
            {"code": report.region.code, "level": report.region.level, "name": report.region.name}
            if report.region
            else None
        ),
        "snapshot": {
            "run_id": s.run_id,
            "run_finished_at": s.run_finished_at.isoformat(),
            "model_version": s.model_version,
            "link_threshold": s.link_threshold,
            "review_threshold": s.review_threshold,
            "reference_date": s.reference_date.isoformat(),
            "rules": s.rules_source,
            "rules_digest": s.rules_digest,
            "generated_at": s.generated_at.isoformat(),
            "batches": [
                {
                    "id": b.id,
                    "source": b.source,
                    "file_name": b.file_name,
                    "content_sha256": b.content_sha256,
                    "finished_at": b.finished_at.isoformat(),
                }
                for b in s.batches
            ],
            "newer_batches": list(s.newer_batches),
        },
        "indicators": {k: f.value for k, f in report.indicators.items()},
        "uncertain": {k: f.uncertain for k, f in report.indicators.items()},
        "programs": report.programs,
        # Exact, like ``indicators``: over every child of the report's scope.
        MEDIAN_KEY: report.median_days,
        "basis": report.basis,
        "suppressed": suppress_small,
        "regions": regions,
        "by_klaster": groups(report.by_klaster),
        "by_kategori": groups(report.by_kategori),
        "data_quality": [
            {
                "source": q.source,
                "level": q.level,
                "code": q.code,
                "name": q.name,
                "parent": q.parent,
                "records": q.records,
                "nik_filled": q.nik_filled,
                "nik_valid": q.nik_valid,
                "duplicates": q.duplicates,
            }
            for q in report.quality
        ],
    }
