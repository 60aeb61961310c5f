"""The worklist XLSX an officer takes to the field, and reading it back once filled in.

The workbook has the worklist (labelled headers, widths, autofilter, frozen header row, a
status drop-down, a date and a note column to fill in), a cover sheet saying who exported it,
when, why, from which linkage run and under which rules, and a hidden sheet marking it as a
Padan worklist export (which worklist, which columns) so that :func:`read_worklist_file` can
refuse any other file. Every text cell is neutralised (:func:`padan.domain.cells.neutralise`).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from padan.domain.cells import neutralise
from padan.errors import InputError
from padan.i18n import LANGUAGES, gettext, label
from padan.i18n.codes import shown
from padan.ingest.file_checks import XLSX_MAX_RATIO, XLSX_MAX_UNPACKED

__all__ = [
    "FOLLOWUP_COLUMNS",
    "FOLLOWUP_STATUSES",
    "MARKER",
    "ExportedRow",
    "WorklistExport",
    "WorklistFile",
    "column_label",
    "read_worklist_file",
    "status_label",
    "worklist_workbook",
]

#: What an officer can record for a child (``label("followup_status", code)`` names them).
FOLLOWUP_STATUSES = (
    "dikunjungi",
    "terdaftar_dtsen",
    "dirujuk_atensi",
    "tidak_ditemukan",
    "lainnya",
)
#: The columns the officer fills in, after the worklist's own.
FOLLOWUP_COLUMNS = ("status_tindak_lanjut", "tanggal_tindak_lanjut", "catatan_tindak_lanjut")
#: The first cell of the hidden sheet of every worklist export, and that sheet's name.
MARKER = "padan-worklist-export"
_MARKER_SHEET = "padan"
_FORMAT = "1"


def column_label(code: str, lang: str) -> str:
    """The header of worklist column ``code`` in ``lang`` (the code when it has no label)."""
    labels = {
        "child_id": label("column", "child_id", lang),
        "no_pengaduan": label("column", "no_pengaduan", lang),
        "nama_anak": label("column", "nama_anak", lang),
        "jenis_kelamin": label("column", "jenis_kelamin", lang),
        "tanggal_lahir": label("column", "tanggal_lahir", lang),
        "usia": label("column", "usia", lang),
        "nik_anak": label("column", "nik_anak", lang),
        "status_nik": label("column", "status_nik", lang),
        "kode_wilayah": label("column", "kode_wilayah", lang),
        "provinsi": label("column", "provinsi", lang),
        "kabupaten_kota": label("column", "kabupaten_kota", lang),
        "kecamatan": label("column", "kecamatan", lang),
        "desa_kelurahan": label("column", "desa_kelurahan", lang),
        "alamat": label("column", "alamat", lang),
        "nama_ibu": label("column", "nama_ibu", lang),
        "nama_ayah": label("column", "nama_ayah", lang),
        "klaster": label("column", "klaster", lang),
        "kategori": label("column", "kategori", lang),
        "peran_abh": label("column", "peran_abh", lang),
        "perlu_tinjauan": label("column", "perlu_tinjauan", lang),
        "kandidat_terdekat": label("column", "kandidat_terdekat", lang),
        "periksa": label("column", "periksa", lang),
        "program": label("column", "program", lang),
        "id_individu": label("column", "id_individu", lang),
        "id_keluarga": label("column", "id_keluarga", lang),
        "nama": label("column", "nama", lang),
        "nama_dtsen": label("column", "nama_dtsen", lang),
        "desil": label("column", "desil", lang),
        "kelompok": label("column", "kelompok", lang),
        "di_dtsen": label("column", "di_dtsen", lang),
        "disabilitas_kpai": label("column", "disabilitas_kpai", lang),
        "disabilitas_dtsen": label("column", "disabilitas_dtsen", lang),
        "bantuan": label("column", "bantuan", lang),
        "status_tindak_lanjut": label("column", "status_tindak_lanjut", lang),
        "tanggal_tindak_lanjut": label("column", "tanggal_tindak_lanjut", lang),
        "catatan_tindak_lanjut": label("column", "catatan_tindak_lanjut", lang),
    }
    return labels.get(code, code)


def status_label(code: str, lang: str) -> str:
    """The label of follow-up status ``code`` in ``lang``."""
    labels = {
        "dikunjungi": label("followup_status", "dikunjungi", lang),
        "terdaftar_dtsen": label("followup_status", "terdaftar_dtsen", lang),
        "dirujuk_atensi": label("followup_status", "dirujuk_atensi", lang),
        "tidak_ditemukan": label("followup_status", "tidak_ditemukan", lang),
        "lainnya": label("followup_status", "lainnya", lang),
    }
    return labels.get(code, code)


ExportedRow = list[object]


@dataclass(frozen=True)
class WorklistExport:
    """A worklist as exported: shaped columns and rows, and what the cover sheet states."""

    name: str
    title: str
    columns: list[str]  # column codes, as the policy left them
    rows: list[ExportedRow]
    username: str
    role: str  # the role's label
    purpose: str
    region: str  # "Name (code)", or "" for national
    run_id: int | None
    run_finished_at: dt.datetime | None
    exported_at: dt.datetime
    hidden_columns: list[str]  # left out by the role's policy
    nik_masked: bool
    regional: bool  # the role's scope is a region


@dataclass(frozen=True)
class WorklistFile:
    """A filled-in worklist export as read back: which worklist, and its rows by column code."""

    name: str
    run_id: str
    exported_by: str
    exported_at: str
    purpose: str
    lang: str
    rows: list[tuple[int, dict[str, Any]]]  # (spreadsheet row number, {column code: value})


def _when(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _width(header: str, values: list[object]) -> float:
    longest = max([len(header), *(len(str(v)) for v in values if v is not None)])
    return float(min(max(longest + 2, 10), 60))


def _cover(wb: Workbook, e: WorklistExport, lang: str) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = label("sheet", "cover", lang)[:31]
    hidden = ", ".join(column_label(c, lang) for c in e.hidden_columns) or gettext("none", lang)
    run = (
        gettext("run %(id)s, finished %(when)s", lang)
        % {"id": e.run_id, "when": _when(e.run_finished_at)}
        if e.run_id is not None and e.run_finished_at is not None
        else gettext("no linkage run yet", lang)
    )
    lines: list[tuple[str, object]] = [
        (gettext("Padan worklist", lang), e.title),
        (gettext("Worklist", lang), e.name),
        (gettext("Exported by", lang), f"{e.username} ({e.role})"),
        (gettext("Exported at", lang), _when(e.exported_at)),
        (gettext("Purpose of access", lang), e.purpose),
        (gettext("Region", lang), e.region or gettext("National", lang)),
        (gettext("Source linkage run", lang), run),
        (gettext("Rows", lang), len(e.rows)),
        (
            gettext("Scope", lang),
            gettext("only children of the region above (the role sees one region)", lang)
            if e.regional
            else gettext("children of the region above (the role sees every region)", lang),
        ),
        (
            gettext("Columns", lang),
            gettext(
                "only the fields the role's data-sharing policy allows; left out: %(cols)s", lang
            )
            % {"cols": hidden},
        ),
        (
            gettext("NIK", lang),
            gettext("masked: only the district part (first 6 digits) is shown", lang)
            if e.nik_masked
            else gettext("shown in full (the role's policy allows it)", lang),
        ),
        (
            gettext("Small cells", lang),
            gettext(
                "not suppressed: a worklist names children one by one and only roles allowed "
                "to see exact figures may open it",
                lang,
            ),
        ),
        (
            gettext("How to fill in", lang),
            gettext(
                "Choose a status from the drop-down list, give the date and a note; rows left "
                "empty are skipped. Then upload this file on the worklist page, or run: "
                "padan --as NAME worklist import FILE",
                lang,
            ),
        ),
        (
            gettext("Confidentiality", lang),
            gettext(
                "This file holds children's personal data (UU 27/2022): keep it safe, share it "
                "with no one outside the follow-up and delete it when done. Its export is "
                "written to the audit log.",
                lang,
            ),
        ),
    ]
    for key, value in lines:
        ws.append([neutralise(key), neutralise(value)])
    for cell in ws["A"]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
    for cell in ws["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90


def _marker(wb: Workbook, e: WorklistExport, columns: list[str], sheet: str, lang: str) -> None:
    ws = wb.create_sheet(_MARKER_SHEET)
    ws.sheet_state = "hidden"
    for key, value in (
        ("marker", MARKER),
        ("format", _FORMAT),
        ("worklist", e.name),
        ("sheet", sheet),
        ("run_id", "" if e.run_id is None else str(e.run_id)),
        ("exported_by", e.username),
        ("exported_at", e.exported_at.astimezone(dt.UTC).isoformat()),
        ("purpose", e.purpose),
        ("lang", lang),
        ("columns", ",".join(columns)),
    ):
        ws.append([key, neutralise(value)])


def worklist_workbook(e: WorklistExport, lang: str) -> bytes:
    """The worklist as an XLSX file in ``lang``; the follow-up columns are added when the rows
    carry the child id (the re-import needs it)."""
    wb = Workbook()
    _cover(wb, e, lang)
    followup = "child_id" in e.columns
    columns = [*e.columns, *(FOLLOWUP_COLUMNS if followup else ())]
    sheet = label("sheet", "worklist", lang)[:31]
    ws = wb.create_sheet(sheet)
    headers = [column_label(c, lang) for c in columns]
    ws.append([neutralise(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    blank = [None] * (len(columns) - len(e.columns))
    for row in e.rows:
        # Codes as an officer reads them (a NIK's status, a category); numbers and dates stay
        # typed so the sheet can sort and filter them.
        cells = [
            shown(c, v, lang) if isinstance(v, str) else v
            for c, v in zip(e.columns, row, strict=True)
        ]
        ws.append([neutralise(v) for v in cells] + blank)
    sample = e.rows[:500]
    for i, code in enumerate(columns):
        values = [r[i] for r in sample] if i < len(e.columns) else []
        width = 40.0 if code == "catatan_tindak_lanjut" else _width(headers[i], values)
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    last = max(len(e.rows) + 1, 2)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    if followup:
        first = len(e.columns) + 1
        status_col = get_column_letter(first)
        date_col = get_column_letter(first + 1)
        end = last
        choices = ",".join(status_label(s, lang) for s in FOLLOWUP_STATUSES)
        status = DataValidation(
            type="list",
            formula1=f'"{choices}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=gettext("Status", lang),
            error=gettext("Choose a status from the list.", lang),
        )
        status.add(f"{status_col}2:{status_col}{end}")
        date = DataValidation(
            type="date",
            operator="greaterThan",
            formula1="36526",  # 2000-01-01: a follow-up is never older
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=gettext("Date", lang),
            error=gettext("Give a date, e.g. 2026-12-01.", lang),
        )
        date.add(f"{date_col}2:{date_col}{end}")
        ws.add_data_validation(status)
        ws.add_data_validation(date)
        for r in range(2, end + 1):
            ws[f"{date_col}{r}"].number_format = "yyyy-mm-dd"
    _marker(wb, e, columns, sheet, lang)
    wb.active = 1  # open on the worklist; the cover sheet is one click away
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_NOT_OURS = (
    "{what}: this is not a worklist exported by Padan ({why}). Export the worklist again "
    "(XLSX) from its page, fill in the status, date and note columns and upload that file."
)


def read_worklist_file(data: bytes, *, what: str = "file") -> WorklistFile:
    """The rows of a filled-in worklist export. Raises :class:`InputError` for a file that is
    not an XLSX worklist exported by Padan, or whose header row was changed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > XLSX_MAX_UNPACKED and unpacked > XLSX_MAX_RATIO * len(data):
            raise InputError(
                f"{what}: the workbook unpacks to {unpacked // 2**20} MiB from "
                f"{len(data) // 1024} KiB, far more than a worklist; export it again"
            )
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise InputError(_NOT_OURS.format(what=what, why=f"not an XLSX file: {exc}")) from exc
    if _MARKER_SHEET not in wb.sheetnames:
        raise InputError(_NOT_OURS.format(what=what, why="it has no Padan marker sheet"))
    meta = {
        str(r[0]): "" if r[1] is None else str(r[1])
        for r in wb[_MARKER_SHEET].iter_rows(max_col=2, values_only=True)
        if r[0] is not None
    }
    if meta.get("marker") != MARKER or meta.get("format") != _FORMAT:
        raise InputError(_NOT_OURS.format(what=what, why="its marker sheet is not Padan's"))
    sheet = meta.get("sheet", "")
    columns = meta.get("columns", "").split(",")
    lang = meta.get("lang", "")
    if sheet not in wb.sheetnames or lang not in LANGUAGES or "child_id" not in columns:
        raise InputError(
            _NOT_OURS.format(what=what, why=f"its worklist sheet {sheet!r} is missing")
        )
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for i, code in enumerate(columns):
        seen = header[i] if i < len(header) else None
        if seen != neutralise(column_label(code, lang)):
            raise InputError(
                f"{what}: row 1, column {get_column_letter(i + 1)}: header {seen!r} is not "
                f"{column_label(code, lang)!r} as exported. Put the header row back as it was "
                "(or export the worklist again) and upload the file again."
            )
    rows = []
    for number, values in enumerate(
        ws.iter_rows(min_row=2, max_col=len(columns), values_only=True), start=2
    ):
        cells = dict(zip(columns, values, strict=False))
        if all(cells.get(c) in (None, "") for c in FOLLOWUP_COLUMNS):
            continue
        rows.append((number, cells))
    return WorklistFile(
        name=meta.get("worklist", ""),
        run_id=meta.get("run_id", ""),
        exported_by=meta.get("exported_by", ""),
        exported_at=meta.get("exported_at", ""),
        purpose=meta.get("purpose", ""),
        lang=lang,
        rows=rows,
    )
