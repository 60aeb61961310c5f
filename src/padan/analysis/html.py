"""The report's summary as one self-contained HTML page; its charts are Vega-Lite specs drawn
by the browser from scripts inlined in the page (vendored in ``analysis/vendor``, nothing is
fetched)."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from jinja2 import Environment, select_autoescape

from padan.analysis.charts import BarChart, report_charts
from padan.analysis.files import new_partial
from padan.analysis.model import Report
from padan.analysis.tables import DisplayTable
from padan.analysis.trend_chart import trend_svg
from padan.analysis.trend_view import TrendTable, trend_note
from padan.analysis.xlsx import snapshot_rows
from padan.i18n import gettext

__all__ = ["VEGA_SCRIPTS", "render_html", "vega_lite", "write_html"]

#: The vendored scripts, in load order (vega-embed needs vega and vega-lite): files of the npm
#: packages' ``build/`` folders, licences beside them (``analysis/vendor/README.md``).
VEGA_SCRIPTS = ("vega-6.4.0.min.js", "vega-lite-6.5.0.min.js", "vega-embed-7.3.0.min.js")

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
.chart { min-height: 2rem; }
</style></head><body>
<h1>Laporan kesenjangan perlindungan anak — {{ place }}</h1>
<p class="note">Data sintetis atau data lembaga sesuai snapshot di bawah. Sel 1–4 ditampilkan
sebagai <b>&lt;5</b>{% if suppressed %}, beserta sel lain yang dapat membukanya{% endif %}.
"Anak dari pasangan tinjauan": anak yang angkanya bergantung pada pasangan rekaman yang masih
menunggu tinjauan.</p>
<h2>Indikator utama</h2>
<table><tr>{% for h in summary_headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr>
{% for row in summary_rows %}<tr>{% for v in row %}
<td{% if v is number %} class="n"{% endif %}>{{ '' if v is none else v }}</td>{% endfor %}</tr>
{% endfor %}</table>
<noscript><p class="note">Grafik digambar oleh peramban dengan JavaScript (tersemat di berkas
ini, tanpa unduhan). Angka grafik ada di tabel di atas dan di lembar "Grafik" berkas XLSX.</p>
</noscript>
<h2>Menurut wilayah</h2>
<figure><div class="chart" id="chart-wilayah" data-spec="spec-wilayah"></div>
<figcaption class="note">Wilayah yang selnya disembunyikan (&lt;5) tidak digambarkan.
Angka lengkap per provinsi, kabupaten/kota dan kecamatan ada di berkas XLSX.</figcaption></figure>
<h2>Indikator kesenjangan</h2>
<figure><div class="chart" id="chart-indikator" data-spec="spec-indikator"></div></figure>
{% if trends %}
<h2 id="tren">Tren</h2>
<p class="note">{{ trends_note }}</p>
{% for t in trends %}
<h3 id="tren-{{ t.key }}">{{ t.label }}</h3>
<figure>{{ t.svg | safe }}</figure>
<table><tr>{% for h in t.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr>
{% for row in t.rows %}<tr>{% for v in row %}
<td{% if v is number %} class="n"{% endif %}>{{ '' if v is none else v }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}
{% endif %}
<h2>Dasar angka</h2>
<table>{% for k, v in snapshot %}<tr><th scope="row">{{ k }}</th><td>{{ v }}</td></tr>
{% endfor %}</table>
{% for key, spec in specs %}
<script type="application/json" id="spec-{{ key }}">{{ spec | safe }}</script>{% endfor %}
<script>{{ vega | safe }}</script>
<script>{{ draw | safe }}</script>
</body></html>
"""


#: Draws every ``[data-spec]`` element from its JSON spec as SVG; marks it ``data-drawn`` when
#: done (the browser test waits for that). The action menu offers PNG/SVG export only: no
#: source view, no link to the online editor.
_DRAW = """(function () {
  var options = {
    mode: "vega-lite", renderer: "svg",
    actions: {export: true, source: false, compiled: false, editor: false},
    i18n: {CLICK_TO_VIEW_ACTIONS: "Klik untuk pilihan", PNG_ACTION: "Simpan sebagai PNG",
           SVG_ACTION: "Simpan sebagai SVG"}
  };
  document.querySelectorAll("[data-spec]").forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
    vegaEmbed(el, spec, options).then(function () { el.dataset.drawn = "1"; }, function (e) {
      el.textContent = "Grafik tidak dapat digambar: " + e;
    });
  });
})();"""


def vega_lite(chart: BarChart) -> dict[str, object]:
    """The Vega-Lite spec of ``chart``: horizontal bars in the chart's order, stacked and
    coloured by status when it has more than one series."""
    category = {"field": chart.category, "type": "nominal"}
    value = {"field": chart.value, "type": "quantitative", "aggregate": "sum"}
    encoding: dict[str, object] = {
        "y": {**category, "sort": None, "title": None, "axis": {"labelLimit": 320}},
        "x": {**value, "title": chart.axis},
        "tooltip": [category, value],
    }
    spec: dict[str, object] = {
        "title": chart.title,
        "width": chart.width,
        "data": {"values": chart.values()},
        "mark": {"type": "bar"},
        "encoding": encoding,
    }
    if len(chart.series) > 1:
        status = {"field": "status", "type": "nominal"}
        scale = {"domain": list(chart.series)}
        encoding["color"] = {
            **status,
            "title": None,
            "scale": scale,
            "legend": {"orient": "bottom", "labelLimit": 400},
        }
        encoding["order"] = {"field": "order", "type": "quantitative"}  # stacked in series order
        encoding["tooltip"] = [category, status, value]
        series = json.dumps(list(chart.series), ensure_ascii=False)
        spec["transform"] = [{"calculate": f"indexof({series}, datum.status)", "as": "order"}]
    return spec


@functools.cache
def _vega_js() -> str:
    vendor = resources.files("padan.analysis") / "vendor"
    # Source-map comments would send a browser's developer tools looking for .map files.
    return "\n".join(
        re.sub(r"^//# sourceMappingURL=.*$", "", (vendor / name).read_text("utf-8"), flags=re.M)
        for name in VEGA_SCRIPTS
    )


def _script_json(value: object) -> str:
    """JSON to put inside ``<script>`` unescaped: no ``<``, ``>`` or ``&`` that could end it."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _trend_sections(trends: TrendTable) -> list[dict[str, object]]:
    """One chart (inline SVG) and table per indicator of ``trends``."""
    x_title, y_title = trends.axis_titles()
    labels = [p[0] for p in trends.points]
    headers = [
        x_title,
        gettext("As of", trends.lang),
        gettext("Children", trends.lang),
        gettext("Change since the previous point", trends.lang),
    ]
    sections: list[dict[str, object]] = []
    for row in trends.rows:
        svg = trend_svg(
            title=row.label,
            x_title=x_title,
            y_title=y_title,
            labels=labels,
            values=row.values,
            ident=f"tren-{row.key}",
        )
        cells = [
            [p[0], p[1][:10], row.values[i], row.changes[i]] for i, p in enumerate(trends.points)
        ]
        sections.append(
            {"key": row.key, "label": row.label, "svg": svg, "headers": headers, "rows": cells}
        )
    return sections


def _trends_note(trends: TrendTable, suppressed: bool) -> str:
    return " ".join(trend_note(trends, suppressed=suppressed))


def render_html(
    report: Report,
    tables: Sequence[DisplayTable],
    *,
    suppressed: bool,
    trends: TrendTable | None = None,
) -> str:
    """The HTML page as text: tables, and the charts as Vega-Lite specs drawn by the inlined
    Vega scripts when the page is opened (no network); with ``trends``, a "Tren" section of
    inline SVG line charts, each with its table."""
    by_key = {t.key: t for t in tables}
    charts = report_charts(report, tables)
    specs = [(chart.key, _script_json(vega_lite(chart))) for chart in charts]
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    place = f"{report.region.code} {report.region.name}" if report.region else "Nasional"
    summary = by_key["ringkasan"]
    return env.from_string(_TEMPLATE).render(
        place=place,
        # The indicator's key (the JSON's) is for the XLSX and programs, not for this page.
        summary_headers=[h for i, h in enumerate(summary.headers) if i != 1],
        summary_rows=[[v for i, v in enumerate(row) if i != 1] for row in summary.rows],
        specs=specs,
        snapshot=snapshot_rows(report),
        suppressed=suppressed,
        vega=_vega_js(),
        draw=_DRAW,
        trends=_trend_sections(trends) if trends else [],
        trends_note=_trends_note(trends, suppressed) if trends else "",
    )


def write_html(
    report: Report,
    tables: Sequence[DisplayTable],
    path: Path,
    *,
    suppressed: bool,
    trends: TrendTable | None = None,
) -> Path:
    """Write the HTML summary to ``path`` atomically (with a "Tren" section for ``trends``)."""
    text = render_html(report, tables, suppressed=suppressed, trends=trends)
    handle, tmp = new_partial(path)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)
    return path
