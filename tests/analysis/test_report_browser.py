"""The HTML report's charts as a reader sees them: Debian Chromium opens the file offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from padan.analysis import build_report, default_rules, indicator_labels
from padan.analysis.charts import report_charts
from padan.analysis.html import write_html
from padan.analysis.tables import report_tables
from padan.store import open_store
from web.conftest import ARGS, CHROMIUM

from .conftest import Linked

pytestmark = pytest.mark.browser


def test_report_html_draws_both_charts_offline_in_chromium(linked: Linked, tmp_path: Path) -> None:
    from playwright.sync_api import Request, sync_playwright

    report = build_report(open_store(linked.db))
    tables = report_tables(report, indicator_labels(default_rules()))
    path = write_html(report, tables, tmp_path / "laporan.html", suppressed=True)
    charts = report_charts(report, tables)
    assert all(chart.rows for chart in charts)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []

        def seen(request: Request) -> None:
            requests.append(request.url)

        page.on("request", seen)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.as_uri())
        for chart in charts:
            figure = page.locator(f"#chart-{chart.key}[data-drawn='1']")
            figure.wait_for(timeout=30_000)
            # One bar (or stacked part) per drawn cell, each category labelled on the axis.
            assert figure.locator("svg .mark-rect path").count() == len(chart.values())
            labels = figure.locator("svg .role-axis-label text").all_text_contents()
            assert {name for name, _ in chart.rows} <= set(labels), labels
            assert chart.title in figure.locator("svg .role-title-text").all_text_contents()
        region = charts[0]
        legend = page.locator("#chart-wilayah svg .role-legend-label text").all_text_contents()
        assert legend == list(region.series)
        # Hovering a bar shows its figures; the menu offers image export only.
        page.locator("#chart-wilayah svg .mark-rect path").first.hover()
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert region.rows[0][0] in tooltip.inner_text()
        page.locator("#chart-wilayah details summary").click()
        actions = page.locator("#chart-wilayah .vega-actions a").all_text_contents()
        assert actions == ["Simpan sebagai SVG", "Simpan sebagai PNG"]
        browser.close()
    assert requests == [path.as_uri()]  # the page alone: no script, style or data fetched
    assert errors == []
