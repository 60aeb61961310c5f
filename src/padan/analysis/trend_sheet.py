"""The report workbook's "Tren" sheet (issue 18): every indicator per snapshot or period with
its change since the previous point, the same cells as the HTML report's "Tren" section
(:func:`padan.analysis.trend_view.trend_table`: small counts and small changes hidden alike),
and a native line chart of each indicator beside its rows."""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from padan.analysis.trend_view import TrendTable, trend_note
from padan.domain.cells import neutralise
from padan.i18n import gettext

__all__ = ["trend_headers", "trend_rows", "write_trend_sheet"]

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_CHART_ROWS = 15  # rows a chart takes (7.5 cm at 0.5 cm a row)


def trend_headers(trends: TrendTable) -> list[str]:
    """The sheet's column headers, in the table's language."""
    x_title, _ = trends.axis_titles()
    return [
        gettext("Indicator", trends.lang),
        x_title,
        gettext("As of", trends.lang),
        gettext("Children", trends.lang),
        gettext("Change since the previous point", trends.lang),
    ]


def trend_rows(trends: TrendTable) -> list[list[object]]:
    """One row per indicator and point, indicator by indicator, points in time order: the
    indicator, the point's label, its date, the value and the change since the previous point
    (empty at the first point, and where it is not known or would give a hidden count back)."""
    return [
        [row.label, point[0], point[1][:10], row.values[i], row.changes[i]]
        for row in trends.rows
        for i, point in enumerate(trends.points)
    ]


def write_trend_sheet(ws: Worksheet, trends: TrendTable, *, suppressed: bool) -> None:
    """Fill ``ws`` with the rows of :func:`trend_rows`, a note under them and a line chart per
    indicator to their right (hidden ``<5`` cells are gaps in a line)."""
    headers = trend_headers(trends)
    ws.append([neutralise(h) for h in headers])
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    rows = trend_rows(trends)
    for row in rows:
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    ws.append([])
    for line in trend_note(trends, suppressed=suppressed):
        ws.append([neutralise(line)])
    for col, width in zip("ABCDE", (60, 22, 12, 10, 18), strict=True):
        ws.column_dimensions[col].width = width
    _charts(ws, trends, first_row=2)


def _charts(ws: Worksheet, trends: TrendTable, *, first_row: int) -> None:
    """A line chart per indicator, beside the rows it draws (column D: numbers only, a hidden
    cell is text and Excel leaves a gap)."""
    points = len(trends.points)
    x_title, y_title = trends.axis_titles()
    anchor_row = 1
    for n, row in enumerate(trends.rows):
        top = first_row + n * points
        chart = LineChart()
        chart.title = row.label
        chart.legend = None
        chart.x_axis.title, chart.y_axis.title = x_title, y_title
        chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides axes otherwise
        chart.add_data(Reference(ws, min_col=4, min_row=top, max_row=top + points - 1))
        chart.set_categories(Reference(ws, min_col=2, min_row=top, max_row=top + points - 1))
        chart.width, chart.height = 16.0, 7.5
        ws.add_chart(chart, f"G{anchor_row}")
        anchor_row += _CHART_ROWS
