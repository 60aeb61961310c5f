"""The report as an XLSX workbook for people: summary, charts, one sheet per indicator and
worklist."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart as ExcelBarChart
from openpyxl.chart import Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from padan.analysis.charts import BarChart, report_charts
from padan.analysis.files import new_partial
from padan.analysis.model import Report
from padan.analysis.tables import DisplayTable
from padan.analysis.trend_sheet import write_trend_sheet
from padan.analysis.trend_view import TrendTable
from padan.domain.cells import neutralise
from padan.i18n import DEFAULT_LANGUAGE, label
from padan.i18n.codes import CODES, shown

__all__ = ["basis_rows", "snapshot_rows", "write_xlsx"]

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_SHEET_NAME_MAX = 31
_ROW_CM = 0.53  # a default row (15 pt) in centimetres, the unit of chart sizes


#: How the report names what an indicator family rests on (``Report.basis``).
_BASIS_TEXT = {
    "kemensos_layanan": "catatan layanan Kemensos (kemensos_layanan)",
    "dtsen_penerima_atensi": "penanda penerima_atensi DTSEN (belum ada data layanan)",
    "lembaga": "register lembaga (lembaga) saat pemadanan selesai",
    "": "belum ada register lembaga",
}


def basis_rows(report: Report) -> list[tuple[str, str]]:
    """What the ATENSI and institution indicators rest on, as label/value pairs."""
    names = {"atensi": "Dasar ABH/korban tanpa ATENSI", "lembaga": "Dasar lembaga tak berizin"}
    return [
        (names.get(key, key), _BASIS_TEXT.get(value, value)) for key, value in report.basis.items()
    ]


def snapshot_rows(report: Report) -> list[tuple[str, str]]:
    """What the figures rest on, as label/value pairs (Indonesian labels)."""
    s = report.snapshot
    rows = [
        ("Wilayah", f"{report.region.code} {report.region.name}" if report.region else "Nasional"),
        ("Proses pemadanan", str(s.run_id)),
        ("Waktu pemadanan", s.run_finished_at.isoformat(timespec="seconds")),
        ("Versi model", s.model_version),
        ("Ambang tautan", f"{s.link_threshold:g}"),
        ("Ambang tinjauan", f"{s.review_threshold:g}"),
        ("Tanggal acuan (usia)", s.reference_date.isoformat()),
        ("Aturan kelayakan", f"{s.rules_source} (sha256 {s.rules_digest})"),
        ("Dibuat", s.generated_at.isoformat(timespec="seconds")),
        *basis_rows(report),
    ]
    for b in s.batches:
        rows.append(
            (
                f"Batch {b.id} ({label('source', b.source, DEFAULT_LANGUAGE)})",
                f"{b.file_name}, sha256 {b.content_sha256[:12]}, {b.finished_at:%Y-%m-%d %H:%M}",
            )
        )
    if s.newer_batches:
        rows.append(
            (
                "Batch belum ditautkan",
                ", ".join(map(str, s.newer_batches)) + " (jalankan padan link)",
            )
        )
    return rows


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join("-" if c in "[]:*?/\\" else c for c in title)[:_SHEET_NAME_MAX].strip()
    base, n = name, 2
    while name.lower() in used:
        suffix = f" {n}"
        name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _write_sheet(
    wb: Workbook,
    used: set[str],
    name: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    ws = wb.create_sheet(_sheet_name(name, used))
    ws.append([neutralise(h) for h in headers])
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [neutralise(v) if isinstance(v, str) else v for v in row]
        ws.append(values)
        for i, v in enumerate(values):
            widths[i] = max(widths[i], len(str(v)) if v is not None else 0)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _write_charts(wb: Workbook, used: set[str], charts: Sequence[BarChart]) -> None:
    """One sheet with each chart's cells (hidden ``<5`` cells left empty) and a native bar
    chart of them to their right, the charts one below the other."""
    ws = wb.create_sheet(_sheet_name("Grafik", used))
    top = 1
    for chart in charts:
        header = [chart.category, *chart.series]
        for col, text in enumerate(header, start=1):
            cell = ws.cell(top, col, neutralise(text))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        for i, (name, cells) in enumerate(chart.rows, start=top + 1):
            ws.cell(i, 1, neutralise(name))
            for col, value in enumerate(cells, start=2):
                ws.cell(i, col, value)
        last = top + len(chart.rows)
        height = 7.5
        if chart.rows:
            height = max(7.5, 0.6 * len(chart.rows) + 3.5)
            ws.add_chart(
                _excel_chart(ws, chart, top, last, height), f"{_col(len(header) + 2)}{top}"
            )
        else:
            ws.cell(top + 1, 1, "(tidak ada angka yang dapat digambarkan)")
            last = top + 1
        top = max(last, top + math.ceil(height / _ROW_CM)) + 3
    ws.column_dimensions["A"].width = max(
        [12] + [min(len(name), 45) + 2 for chart in charts for name, _ in chart.rows]
    )
    for col in range(2, 2 + max(len(chart.series) for chart in charts)):
        names = [chart.series[col - 2] for chart in charts if col - 2 < len(chart.series)]
        ws.column_dimensions[_col(col)].width = max(12, *(min(len(n), 40) + 2 for n in names))


def _excel_chart(ws: object, chart: BarChart, top: int, last: int, height: float) -> object:
    bar = ExcelBarChart()
    bar.type = "bar"  # horizontal, as in the HTML
    bar.title = chart.title
    if len(chart.series) > 1:
        bar.grouping, bar.overlap = "stacked", 100
        bar.legend.position = "b"
    else:
        bar.legend = None
    data = Reference(ws, min_col=2, max_col=1 + len(chart.series), min_row=top, max_row=last)
    bar.add_data(data, titles_from_data=True)
    bar.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    # First row at the top (Excel draws categories bottom-up), the value axis still below.
    bar.x_axis.scaling.orientation = "maxMin"
    bar.y_axis.crosses = "max"
    bar.y_axis.title = chart.axis
    bar.x_axis.delete = bar.y_axis.delete = False  # openpyxl 3.1 hides axes otherwise
    bar.width, bar.height = 18.0, height
    return bar


def _col(number: int) -> str:
    return str(get_column_letter(number))


def write_xlsx(
    report: Report,
    tables: Sequence[DisplayTable],
    path: Path,
    *,
    worklists: bool = False,
    institutions: Sequence[DisplayTable] = (),
    trends: TrendTable | None = None,
    suppressed: bool = True,
) -> Path:
    """Write the workbook to ``path`` atomically (a finished file or none).

    Sheets: ``Ringkasan`` (snapshot and headline figures), ``Grafik`` (the HTML summary's two
    charts as native Excel charts, each beside the cells it draws), one per table, one per
    institution table (:func:`padan.analysis.institution_sheets.institution_tables`) and — only with
    ``worklists`` — one per named worklist; with ``trends``, ``Tren`` after ``Grafik``
    (:func:`padan.analysis.trend_sheet.write_trend_sheet`; ``suppressed`` says whether its
    small cells are hidden). Text starting like a formula is neutralised.
    """
    wb = Workbook()
    summary = wb.active
    summary.title = "Ringkasan"
    used = {"ringkasan"}
    summary.append(["Laporan kesenjangan perlindungan anak (Padan)"])
    summary["A1"].font = Font(bold=True, size=14)
    for name, value in snapshot_rows(report):
        summary.append([neutralise(name), neutralise(value)])
    summary.append([])
    head = tables[0]
    summary.append([neutralise(h) for h in head.headers])
    header_row = summary.max_row
    for cell in summary[header_row]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for row in head.rows:
        summary.append([neutralise(v) if isinstance(v, str) else v for v in row])
    summary.freeze_panes = f"A{header_row + 1}"
    for col, width in zip("ABCDEF", (48, 70, 14, 16, 40, 12), strict=True):
        summary.column_dimensions[col].width = width
    _write_charts(wb, used, report_charts(report, tables))
    if trends is not None:
        write_trend_sheet(wb.create_sheet(_sheet_name("Tren", used)), trends, suppressed=suppressed)
    for table in tables[1:]:
        _write_sheet(wb, used, table.title, table.headers, table.rows)
    for table in institutions:
        _write_sheet(wb, used, table.title, table.headers, table.rows)
    if worklists:
        for wl in report.worklists.values():
            headers = [label("column", c, DEFAULT_LANGUAGE) for c in wl.columns]
            rows = [
                [
                    shown(c, v, DEFAULT_LANGUAGE) if c in CODES else v
                    for c, v in zip(wl.columns, r, strict=True)
                ]
                for r in wl.rows
            ]
            _write_sheet(wb, used, f"Daftar {wl.key}", headers, rows)
    handle, tmp = new_partial(path)
    os.close(handle)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
