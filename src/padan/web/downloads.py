"""Files the routes send: CSV and XLSX downloads whose text cannot run as a formula."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from padan.domain.cells import neutralise
from padan.services.worklist_file import WorklistExport, worklist_workbook

__all__ = ["csv_response", "file_response", "worklist_xlsx_response"]

_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_response(header: list[str], rows: list[list[Any]], name: str) -> Response:
    """Rows as a CSV download (UTF-8 with BOM); text that starts like a formula gets a ``'``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                "'" + v if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v
                for v in row
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def file_response(
    fmt: str, name: str, title: str, header: list[str], rows: list[list[Any]]
) -> Response:
    """A worklist as a CSV or XLSX download; text that looks like a formula is neutralised."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([neutralise(v) for v in row] for row in rows)
        body: bytes | str = "\ufeff" + buffer.getvalue()
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = name[:31]
        ws.append([neutralise(title)])
        ws["A1"].font = Font(bold=True)
        ws.append([neutralise(h) for h in header])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([neutralise(v) for v in row])
        ws.freeze_panes = "A3"
        out = io.BytesIO()
        wb.save(out)
        body = out.getvalue()
    return _download(body, f"daftar_{name}.{fmt}", _MEDIA[fmt])


def worklist_xlsx_response(export: WorklistExport, lang: str) -> Response:
    """A worklist ready for the field as an XLSX download in ``lang``: labelled headers, a
    cover sheet, the follow-up columns (:func:`~padan.services.worklist_file.worklist_workbook`)."""
    body = worklist_workbook(export, lang)
    return _download(body, f"daftar_{export.name}.xlsx", _MEDIA["xlsx"])


def _download(body: bytes | str, filename: str, media_type: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''"
            f"{quote(filename)}"
        },
    )
