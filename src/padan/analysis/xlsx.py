"""The report as an XLSX workbook for people: summary, one sheet per indicator and worklist."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from padan.analysis.model import Report
from padan.analysis.tables import DisplayTable
from padan.domain.cells import neutralise

__all__ = ["snapshot_rows", "write_xlsx"]

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_SHEET_NAME_MAX = 31


def snapshot_rows(report: Report) -> list[tuple[str, str]]:
    """What the figures rest on, as label/value pairs (Indonesian labels)."""
    s = report.snapshot
    rows = [
        ("Wilayah", f"{report.region.code} {report.region.name}" if report.region else "Nasional"),
        ("Run pemadanan", str(s.run_id)),
        ("Waktu run", s.run_finished_at.isoformat(timespec="seconds")),
        ("Versi model", s.model_version),
        ("Ambang tautan", f"{s.link_threshold:g}"),
        ("Ambang tinjauan", f"{s.review_threshold:g}"),
        ("Tanggal acuan (usia)", s.reference_date.isoformat()),
        ("Aturan kelayakan", f"{s.rules_source} (sha256 {s.rules_digest})"),
        ("Dibuat", s.generated_at.isoformat(timespec="seconds")),
    ]
    for b in s.batches:
        rows.append(
            (f"Batch {b.id} ({b.source})",
             f"{b.file_name}, sha256 {b.content_sha256[:12]}, {b.finished_at:%Y-%m-%d %H:%M}")
        )  # fmt: skip
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


def write_xlsx(
    report: Report,
    tables: Sequence[DisplayTable],
    path: Path,
    *,
    worklists: bool = False,
    institutions: Sequence[DisplayTable] = (),
) -> Path:
    """Write the workbook to ``path`` atomically (a finished file or none).

    Sheets: ``Ringkasan`` (snapshot and headline figures), one per table, one per institution
    table (:func:`padan.analysis.institution_sheets.institution_tables`) and — only with
    ``worklists`` — one per named worklist. Text starting like a formula is neutralised.
    """
    wb = Workbook()
    summary = wb.active
    summary.title = "Ringkasan"
    used = {"ringkasan"}
    summary.append(["Laporan kesenjangan perlindungan anak (Padan)"])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in snapshot_rows(report):
        summary.append([neutralise(label), neutralise(value)])
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
    for table in tables[1:]:
        _write_sheet(wb, used, table.title, table.headers, table.rows)
    for table in institutions:
        _write_sheet(wb, used, table.title, table.headers, table.rows)
    if worklists:
        for wl in report.worklists.values():
            _write_sheet(wb, used, f"Daftar {wl.key}", wl.columns, [list(r) for r in wl.rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
