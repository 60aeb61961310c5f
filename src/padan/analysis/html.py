"""The report's summary as one self-contained HTML page with SVG charts (Altair + vl-convert)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, select_autoescape

from padan.analysis.model import Report
from padan.analysis.tables import DisplayTable
from padan.analysis.xlsx import snapshot_rows

if TYPE_CHECKING:
    import altair as alt

__all__ = ["render_html", "summary_chart", "write_html"]

_TEMPLATE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<title>Laporan Padan — {{ place }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; max-width: 70rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #1f4e78; color: #fff; }
.note { color: #555; font-size: .9rem; }
</style></head><body>
<h1>Laporan kesenjangan perlindungan anak — {{ place }}</h1>
<p class="note">Data sintetis atau data lembaga sesuai snapshot di bawah. Sel 1–4 ditampilkan
sebagai <b>&lt;5</b>{% if suppressed %}, beserta sel lain yang dapat membukanya{% endif %}.
"Anak dari pasangan tinjauan": anak yang angkanya bergantung pada pasangan rekaman yang masih
menunggu tinjauan.</p>
<h2>Indikator utama</h2>
<table><tr>{% for h in summary.headers %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in summary.rows %}<tr>{% for v in row %}
<td{% if v is number %} class="n"{% endif %}>{{ '' if v is none else v }}</td>{% endfor %}</tr>
{% endfor %}</table>
<h2>Menurut wilayah</h2>
<figure>{{ region_svg | safe }}
<figcaption class="note">Wilayah yang selnya disembunyikan (&lt;5) tidak digambarkan.
Angka lengkap per provinsi, kabupaten/kota dan kecamatan ada di berkas XLSX.</figcaption></figure>
<h2>Indikator kesenjangan</h2>
<figure>{{ summary_svg | safe }}</figure>
<h2>Snapshot</h2>
<table>{% for k, v in snapshot %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>
</body></html>
"""


def _region_values(
    found: DisplayTable, missing: DisplayTable, maybe: DisplayTable | None, level_label: str
) -> list[dict[str, object]]:
    values: list[dict[str, object]] = []
    statuses = [(found, "ditemukan di DTSEN"), (missing, "tidak ditemukan")]
    if maybe is not None:
        statuses.append((maybe, "mungkin terdaftar (menunggu pemeriksaan)"))
    for table, status in statuses:
        for row in table.rows:
            if row[0] == level_label and isinstance(row[4], int):
                values.append({"wilayah": str(row[2]), "status": status, "anak": row[4]})
    return values


def _bar_by_region(values: list[dict[str, object]]) -> alt.Chart:
    import altair as alt  # a second to import: only when a report is drawn, not every command

    chart: alt.Chart = (
        alt.Chart(alt.Data(values=values))  # type: ignore[no-untyped-call]
        .mark_bar()
        .encode(
            y=alt.Y("wilayah:N", sort="-x", title=None),
            x=alt.X("sum(anak):Q", title="anak KPAI"),
            color=alt.Color("status:N", title=None),
            tooltip=["wilayah:N", "status:N", "anak:Q"],
        )
        .properties(width=560, title="Anak KPAI menurut wilayah dan status di DTSEN")
    )
    return chart


def summary_chart(summary: DisplayTable) -> alt.Chart:
    """Bar chart of the headline gap indicators (suppressed ones left out)."""
    import altair as alt

    values = [
        {"indikator": str(row[0]), "anak": row[2]}
        for row in summary.rows
        if isinstance(row[2], int)
        and str(row[1]) != "kpai_children"
        and not (str(row[1]).startswith("eligible_") and "_not_receiving_" not in str(row[1]))
    ]
    chart: alt.Chart = (
        alt.Chart(alt.Data(values=values))  # type: ignore[no-untyped-call]
        .mark_bar()
        .encode(y=alt.Y("indikator:N", sort=None, title=None), x=alt.X("anak:Q", title="anak"))
        .properties(width=480, title="Indikator (jumlah anak)")
    )
    return chart


def render_html(report: Report, tables: Sequence[DisplayTable], *, suppressed: bool) -> str:
    """The HTML page as text, charts inlined as SVG (no script, nothing fetched)."""
    by_key = {t.key: t for t in tables}
    levels = [r.level for r in report.regions]
    level_label = {"province": "provinsi", "regency": "kabupaten/kota", "district": "kecamatan"}
    top = level_label[levels[0]] if levels else "provinsi"
    values = _region_values(
        by_key["kpai_children_in_dtsen"], by_key["kpai_children_not_in_dtsen"],
        by_key.get("kpai_children_maybe_in_dtsen"), top,
    )  # fmt: skip
    import vl_convert as vlc

    region_svg = vlc.vegalite_to_svg(_bar_by_region(values).to_json())
    summary_svg = vlc.vegalite_to_svg(summary_chart(by_key["ringkasan"]).to_json())
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    place = f"{report.region.code} {report.region.name}" if report.region else "Nasional"
    return env.from_string(_TEMPLATE).render(
        place=place, summary=by_key["ringkasan"], region_svg=region_svg,
        summary_svg=summary_svg, snapshot=snapshot_rows(report), suppressed=suppressed,
    )  # fmt: skip


def write_html(
    report: Report, tables: Sequence[DisplayTable], path: Path, *, suppressed: bool
) -> Path:
    """Write the HTML summary to ``path`` atomically."""
    text = render_html(report, tables, suppressed=suppressed)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(suffix=".html", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)
    return path
