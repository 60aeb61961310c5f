"""Institution sheets of the XLSX report: indicators per region and the top of the worklist."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook

from analysis.conftest import Linked
from padan.analysis import build_report, default_rules, indicator_labels
from padan.analysis.institution_sheets import institution_tables
from padan.analysis.tables import report_tables
from padan.analysis.xlsx import write_xlsx
from padan.store import Store, open_store
from support.institutions import TODAY, register


def _store(linked: Linked, tmp_path: Path) -> Store:
    source = Path(linked.db.removeprefix("sqlite:///"))
    copy = tmp_path / "padan.db"
    shutil.copy(source, copy)
    return open_store(f"sqlite:///{copy}")


def test_institution_sheets_in_the_xlsx_report(linked: Linked, tmp_path: Path) -> None:
    store = _store(linked, tmp_path)
    register(store, "L-GOOD")
    register(
        store,
        "L-RISK",
        nama_lembaga='=HYPERLINK("http://x","klik")',
        status_izin="TIDAK_BERIZIN",
        kapasitas="10",
        jumlah_anak="25",
    )
    register(
        store,
        "L-SAFE",
        nama_lembaga="Rumah Aman",
        jenis="RUMAH_AMAN",
        kode_wilayah="32.02",
        alamat="Jl. Rahasia 1",
    )
    report = build_report(store)
    tables = report_tables(report, indicator_labels(default_rules()))
    extra = institution_tables(store, top=2, today=TODAY)
    wb = load_workbook(write_xlsx(report, tables, tmp_path / "r.xlsx", institutions=extra))
    regions = wb["Lembaga per wilayah"]
    assert regions.freeze_panes == "A2" and regions["A1"].value == "kode_wilayah"
    assert regions["A1"].font.bold and regions.column_dimensions["B"].width > 10
    rows = {r[0]: r for r in regions.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"32.01", "32.02"}
    header = [c.value for c in regions[1]]
    first = dict(zip(header, rows["32.01"], strict=True))
    assert (first["jumlah lembaga"], first["berizin"], first["% berizin"]) == (2, 1, 50.0)
    assert dict(zip(header, rows["32.02"], strict=True))["rumah aman"] == 1
    top = wb["Prioritas lembaga (top 2)"]
    ranked = list(top.iter_rows(min_row=2, values_only=True))
    assert len(ranked) == 2 and ranked[0][1] == "L-RISK"
    assert ranked[0][2] == '\'=HYPERLINK("http://x","klik")'  # neutralised, not a formula
    assert "tidak berizin" in ranked[0][6] and ranked[0][5] > (ranked[1][5] or 0)
    assert all("Jl. Rahasia" not in str(v) for row in top.iter_rows(values_only=True) for v in row)
    for ws in wb.worksheets:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_institution_sheets_empty_without_institutions(linked: Linked, tmp_path: Path) -> None:
    assert institution_tables(_store(linked, tmp_path), today=TODAY) == []
