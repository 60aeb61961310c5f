"""The report's two charts as data, drawn by both outputs from the same figures.

The HTML summary draws them in the browser (Vega-Lite, see :mod:`padan.analysis.html`), the
XLSX workbook as native Excel charts beside their data (:mod:`padan.analysis.xlsx`). Cells the
tables hide (``<5``) are not drawn: a chart must not give back what a table suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from padan.analysis.model import Report
from padan.analysis.tables import DisplayTable, level_label

__all__ = ["BarChart", "report_charts"]

_STATUSES = (
    ("kpai_children_in_dtsen", "ditemukan di DTSEN"),
    ("kpai_children_not_in_dtsen", "tidak ditemukan"),
    ("kpai_children_maybe_in_dtsen", "mungkin terdaftar (menunggu pemeriksaan)"),
)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per category, top to bottom in ``rows`` order; with more than one
    series the bars are stacked (one part per series)."""

    key: str
    title: str
    category: str  # what a bar is (``wilayah``)
    value: str  # what its length counts (``anak``)
    axis: str  # the value axis title
    series: tuple[str, ...]  # names of the stacked parts; one name for plain bars
    rows: tuple[tuple[str, tuple[int | None, ...]], ...]  # category, value per series
    width: int  # in the HTML, pixels

    def values(self) -> list[dict[str, object]]:
        """The drawn cells as records (``category``, ``value`` and, when stacked, ``status``);
        hidden cells left out."""
        records: list[dict[str, object]] = []
        for name, cells in self.rows:
            for series, cell in zip(self.series, cells, strict=True):
                if cell is None:
                    continue
                record: dict[str, object] = {self.category: name, self.value: cell}
                if len(self.series) > 1:
                    record["status"] = series
                records.append(record)
        return records


def report_charts(report: Report, tables: Sequence[DisplayTable]) -> list[BarChart]:
    """The region chart (KPAI children of the report's top level by status in DTSEN, largest
    first) and the indicator chart (headline gap indicators in the summary's order)."""
    by_key = {t.key: t for t in tables}
    return [_by_region(report, by_key), _indicators(by_key["ringkasan"])]


def _by_region(report: Report, by_key: dict[str, DisplayTable]) -> BarChart:
    top = level_label(report.regions[0].level if report.regions else "province")
    statuses = [(key, label) for key, label in _STATUSES if key in by_key]
    regions: dict[str, list[int | None]] = {}
    for i, (key, _) in enumerate(statuses):
        for row in by_key[key].rows:
            if row[0] != top:
                continue
            cells = regions.setdefault(str(row[2]), [None] * len(statuses))
            cells[i] = row[4] if isinstance(row[4], int) else None
    drawn = [(name, tuple(cells)) for name, cells in regions.items() if any(c for c in cells)]
    drawn.sort(key=lambda item: (-sum(c or 0 for c in item[1]), item[0]))
    return BarChart(
        key="wilayah",
        title="Anak KPAI menurut wilayah dan status di DTSEN",
        category="wilayah",
        value="anak",
        axis="anak KPAI",
        series=tuple(label for _, label in statuses),
        rows=tuple(drawn),
        width=560,
    )


def _indicators(summary: DisplayTable) -> BarChart:
    rows = tuple(
        (str(row[0]), (row[2],))
        for row in summary.rows
        if isinstance(row[2], int)
        and str(row[1]) != "kpai_children"
        and not (str(row[1]).startswith("eligible_") and "_not_receiving_" not in str(row[1]))
    )
    return BarChart(
        key="indikator",
        title="Indikator (jumlah anak)",
        category="indikator",
        value="anak",
        axis="anak",
        series=("anak",),
        rows=rows,
        width=480,
    )
