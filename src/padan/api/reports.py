"""Writing a report to files: the XLSX workbook and the HTML summary beside it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from padan.analysis import Report
from padan.analysis.institution_sheets import institution_tables
from padan.analysis.tables import DisplayTable, report_tables
from padan.analysis.trend_view import TrendTable
from padan.institutions import sync_from_extract
from padan.store import Store

__all__ = ["institution_sheets", "write_report_files"]


def write_report_files(
    report: Report,
    xlsx: Path,
    labels: dict[str, str],
    *,
    suppress_small: bool,
    worklists: bool,
    institutions: Sequence[DisplayTable] = (),
    trends: TrendTable | None = None,
) -> tuple[Path, Path]:
    """Write ``xlsx`` and the HTML summary beside it (same name, ``.html``); returns both."""
    # openpyxl, Jinja2 and the chart code load here, not on every import of padan.
    from padan.analysis.html import write_html
    from padan.analysis.xlsx import write_xlsx

    tables = report_tables(report, labels, suppress_small=suppress_small)
    html = xlsx.with_suffix(".html")
    write_xlsx(
        report,
        tables,
        xlsx,
        worklists=worklists,
        institutions=institutions,
        trends=trends,
        suppressed=suppress_small,
    )
    write_html(report, tables, html, suppressed=suppress_small, trends=trends)
    return xlsx, html


def institution_sheets(store: Store, report: Report) -> list[DisplayTable]:
    """The institution sheets for the report's region, after taking over the current
    ``lembaga`` extract (as ``padan institutions`` commands do)."""
    sync_from_extract(store)
    return institution_tables(store, region=report.region.code if report.region else None)
