"""Reports on a linked synthetic population with known truth."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from padan.analysis import (
    Worklist,
    build_report,
    compute_report,
    default_rules,
    indicator_labels,
    load_inputs,
    truth_links,
)
from padan.analysis.charts import BarChart, report_charts
from padan.analysis.html import VEGA_SCRIPTS, _script_json, render_html, vega_lite
from padan.analysis.tables import report_tables
from padan.analysis.xlsx import write_xlsx
from padan.errors import InputError
from padan.ingest import ingest_file
from padan.linkage import read_truth
from padan.store import export_audit_entries, open_store
from padan.synth import generate

from .conftest import Linked


def test_report_every_indicator_is_close_to_the_truth(linked: Linked) -> None:
    """Every indicator through Padan's matching is within ±1 percentage point (of KPAI
    children) or ±1 % of the count of the same indicator computed from the known truth."""
    store = open_store(linked.db)
    inputs, snapshot = load_inputs(store, all_dtsen=True)
    padan = compute_report(inputs, snapshot)
    assert padan.values() == build_report(store).values()  # reading only what it needs
    truth = compute_report(
        dataclasses.replace(inputs, links=truth_links(read_truth(linked.truth))), snapshot
    )
    children = truth.indicators["kpai_children"].value
    assert children > 100
    off = []
    for key, figure in padan.indicators.items():
        expected = truth.indicators[key].value
        gap = abs(figure.value - expected)
        if not (100 * gap / children <= 1.0 or gap <= 0.01 * expected):
            off.append((key, figure.value, expected))
    assert off == []


def test_report_same_snapshot_gives_same_figures_after_new_batches(
    linked: Linked, tmp_path: Path
) -> None:
    shutil.copy(linked.db.removeprefix("sqlite:///"), tmp_path / "copy.db")
    store = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    before = build_report(store)
    extra = generate(tmp_path / "extra", households=200, seed=99)
    ingest_file(extra.files["kpai"], source="kpai", store=store)
    after = build_report(store)
    assert after.values() == before.values()
    assert after.snapshot.newer_batches and not before.snapshot.newer_batches
    assert [b.id for b in after.snapshot.batches] == [b.id for b in before.snapshot.batches]
    assert before.snapshot.model_version and before.snapshot.link_threshold == 0.9


def test_report_region_is_the_sum_of_its_part(linked: Linked) -> None:
    store = open_store(linked.db)
    national = build_report(store)
    province = next(r for r in national.regions if r.level == "province" and r.code)
    regional = build_report(store, region=province.code)
    assert regional.region is not None and regional.region.code == province.code
    assert regional.values() == {k: f.value for k, f in province.figures.items()}
    assert {r.level for r in regional.regions} <= {"regency", "district"}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("99.99", "not a known Kemendagri region"),
        ("32-01", "not a known"),
        ("32.01.01.1001", "is a village"),
    ],
)
def test_report_bad_region_is_an_input_error(linked: Linked, code: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        build_report(open_store(linked.db), region=code)


def test_report_before_any_run_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="padan link"):
        build_report(open_store(f"sqlite:///{tmp_path / 'empty.db'}"))


def test_report_xlsx_neutralises_formulas_and_is_formatted(linked: Linked, tmp_path: Path) -> None:
    report = build_report(open_store(linked.db), worklists=True, actor="uji")
    evil = Worklist(
        "uji",
        "Uji",
        ("nama", "catatan"),
        [
            ('=HYPERLINK("http://x","klik")', "+1"),
            ("@SUM(A1)", "-2"),
            ("Budi", "aman"),
        ],
    )
    report = dataclasses.replace(report, worklists={**report.worklists, "uji": evil})
    tables = report_tables(report, indicator_labels(default_rules()))
    path = write_xlsx(report, tables, tmp_path / "r.xlsx", worklists=True)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Ringkasan"
    assert "Daftar uji" in wb.sheetnames and "Daftar usulan_dtsen" in wb.sheetnames
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    sheet = wb["Daftar uji"]
    assert sheet["A2"].value == '\'=HYPERLINK("http://x","klik")' and sheet["B3"].value == "'-2"
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width > 10
    assert wb["Anak KPAI"]["A1"].value == "tingkat"
    found = wb["Daftar usulan_dtsen"]
    headers = [c.value for c in found[1]]
    assert headers[:3] == ["ID anak", "Nomor pengaduan", "Nama anak"] and "Status NIK" in headers
    statuses = {
        r[headers.index("Status NIK")] for r in found.iter_rows(min_row=2, values_only=True)
    }
    assert statuses and statuses <= {"Valid", "Tidak valid", "Tidak diisi"}


def test_report_xlsx_without_worklists_has_no_names(linked: Linked, tmp_path: Path) -> None:
    report = build_report(open_store(linked.db), worklists=False)
    assert report.worklists == {}
    tables = report_tables(report, indicator_labels(default_rules()))
    wb = load_workbook(write_xlsx(report, tables, tmp_path / "r.xlsx"))
    assert not [n for n in wb.sheetnames if n.startswith("Daftar")]


def test_report_public_tables_hide_small_cells(linked: Linked) -> None:
    report = build_report(open_store(linked.db))
    labels = indicator_labels(default_rules())
    public = report_tables(report, labels)
    internal = report_tables(report, labels, suppress_small=False)
    cells = [v for t in public for row in t.rows for v in row]
    assert "<5" in cells
    small = [
        v
        for t in public
        if t.key not in ("kualitas_data",)
        for row in t.rows
        for v in row[4:6]
        if isinstance(v, int) and 0 < v < 5
    ]
    assert not small
    assert not [v for t in internal for row in t.rows for v in row if v == "<5"]


def _specs(html: str) -> dict[str, dict[str, Any]]:
    found = re.findall(r'<script type="application/json" id="spec-(\w+)">(.*?)</script>', html)
    return {key: json.loads(text) for key, text in found}


def test_report_html_has_both_charts_as_vega_lite_with_the_shown_figures(linked: Linked) -> None:
    report = build_report(open_store(linked.db))
    tables = report_tables(report, indicator_labels(default_rules()))
    html = render_html(report, tables, suppressed=True)
    assert html.count('data-spec="spec-') == 2 and "Menurut wilayah" in html
    specs = _specs(html)
    assert list(specs) == ["wilayah", "indikator"]
    charts = {c.key: c for c in report_charts(report, tables)}
    for key, spec in specs.items():
        assert spec["data"]["values"] == charts[key].values() and spec["mark"]["type"] == "bar"
    region = specs["wilayah"]
    assert region["encoding"]["color"]["scale"]["domain"] == list(charts["wilayah"].series)
    assert "Jawa Barat" in {v["wilayah"] for v in region["data"]["values"]}
    # Only cells a table shows are drawn: no hidden small cell comes back through a chart.
    by_key = {t.key: t for t in tables}
    shown = {
        (str(row[2]), row[4])
        for key in ("kpai_children_in_dtsen", "kpai_children_not_in_dtsen")
        for row in by_key[key].rows
        if row[0] == "Provinsi"
    }
    for v in region["data"]["values"]:
        assert not 0 < v["anak"] < 5 and (v["wilayah"], v["anak"]) in shown | {
            (str(r[2]), r[4]) for r in by_key["kpai_children_maybe_in_dtsen"].rows
        }
    indicators = [v["indikator"] for v in specs["indikator"]["data"]["values"]]
    assert "Anak KPAI ditemukan di DTSEN" in indicators and "Anak KPAI" not in indicators
    # The page carries its scripts: Vega, Vega-Lite and vega-embed inline, nothing to load.
    vendor = resources.files("padan.analysis") / "vendor"
    for name in VEGA_SCRIPTS:
        assert (vendor / name).read_text("utf-8")[:2000] in html
    assert "<script src" not in html and "sourceMappingURL" not in html
    assert not re.search(r"<link[^>]+href", html)


def test_report_html_vendored_scripts_can_be_inlined_and_are_licensed() -> None:
    vendor = resources.files("padan.analysis") / "vendor"
    for name in VEGA_SCRIPTS:
        text = (vendor / name).read_text("utf-8").lower()
        assert "</script" not in text and "<!--" not in text  # would end the inline <script>
        assert (vendor / name.replace(".min.js", ".LICENSE")).is_file()
    assert (vendor / "vega-bundled-dependencies.LICENSE").is_file()


def test_report_html_chart_data_cannot_close_its_script_element() -> None:
    name = "</script><script>alert(1)</script>&"
    chart = BarChart("wilayah", "t", "wilayah", "anak", "anak", ("a",), ((name, (7,)),), 100)
    text = _script_json(vega_lite(chart))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["data"]["values"][0]["wilayah"].startswith("</script>")


def test_report_xlsx_has_native_charts_of_the_html_figures(linked: Linked, tmp_path: Path) -> None:
    report = build_report(open_store(linked.db))
    tables = report_tables(report, indicator_labels(default_rules()))
    wb = load_workbook(write_xlsx(report, tables, tmp_path / "r.xlsx"))
    assert wb.sheetnames[:2] == ["Ringkasan", "Grafik"]
    ws = wb["Grafik"]
    drawn = ws._charts
    charts = report_charts(report, tables)
    assert len(drawn) == len(charts) == 2
    for excel, chart in zip(drawn, charts, strict=True):
        assert excel.type == "bar" and len(excel.series) == len(chart.series)
        assert excel.grouping == ("stacked" if len(chart.series) > 1 else "clustered")
        categories = excel.series[0].cat
        names = _cells(ws, (categories.strRef or categories.numRef).f)
        assert names == [name for name, _ in chart.rows]
        for i, series in enumerate(excel.series):
            assert _cells(ws, series.tx.strRef.f) == [chart.series[i]]
            assert _cells(ws, series.val.numRef.f) == [cells[i] for _, cells in chart.rows]


def _cells(ws: Any, ref: str) -> list[object]:
    """The values of a chart reference such as ``'Grafik'!$B$2:$B$9``."""
    area = ref.split("!")[1].replace("$", "")
    return [cell.value for row in ws[area if ":" in area else f"{area}:{area}"] for cell in row]


def test_report_named_worklists_are_audited_without_names(linked: Linked, tmp_path: Path) -> None:
    shutil.copy(linked.db.removeprefix("sqlite:///"), tmp_path / "copy.db")
    store = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    with pytest.raises(InputError, match="actor"):
        build_report(store, worklists=True)
    before = len(export_audit_entries(store))
    build_report(store)  # figures only: nothing to audit
    assert len(export_audit_entries(store)) == before
    report = build_report(store, worklists=True, actor="rina")
    entries = export_audit_entries(store)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry.actor, entry.action, entry.run_id) == (
        "rina",
        "report.worklists",
        report.snapshot.run_id,
    )
    assert entry.rows == sum(len(w.rows) for w in report.worklists.values()) > 0
    names = {str(row[2]) for row in report.worklists["usulan_dtsen"].rows}
    assert not any(name in str(entry.detail) for name in names)


def test_report_html_shows_labels_not_keys(linked: Linked, tmp_path: Path) -> None:
    from padan.analysis.html import render_html

    report = build_report(open_store(linked.db))
    page = render_html(
        report, report_tables(report, indicator_labels(default_rules())), suppressed=True
    )
    assert "Anak KPAI ditemukan di DTSEN" in page and ">kpai_children_in_dtsen<" not in page
    assert "(DTSEN)" in page and "Proses pemadanan" in page
