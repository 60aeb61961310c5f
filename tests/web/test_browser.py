"""Debian Chromium through the main flows (Playwright, no downloaded browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.live_server import live_server
from web.conftest import PASSWORD, WebWorld

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(world: WebWorld) -> Iterator[str]:
    with live_server(world.url, world.model) as url:
        yield url


def test_browser_main_flows(
    world: WebWorld, base_url: str, browser: object, tmp_path: Path
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    page = browser.new_page()
    # Log in as a reviewer (Bahasa Indonesia by default).
    page.goto(base_url + "/")
    expect(page.locator("h1")).to_have_text("Masuk")
    page.fill("input[name=username]", "tinjau2")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dasbor")
    expect(page.locator("#regions tbody tr").first).to_be_visible()
    page.screenshot(path=str(shots / "1-dashboard.png"), full_page=True)
    # Search (htmx swaps the results in), open a profile.
    page.click("text=Cari anak")
    page.fill("input[name=q]", "siti")
    page.click("button[type=submit]")
    expect(page.locator("#hits tbody tr").first).to_be_visible()
    page.screenshot(path=str(shots / "2-search.png"), full_page=True)
    page.locator("a.child-link").first.click()
    expect(page.locator("h1")).to_contain_text("Anak PDN")
    expect(page.locator("section.record").first).to_be_visible()
    page.screenshot(path=str(shots / "3-profile.png"), full_page=True)
    # Decide a review item with a reason.
    page.goto(base_url + "/review")
    first = page.locator("section.review-item").first
    expect(first.locator("p.impact")).to_be_visible()  # what deciding this pair changes
    expect(first.locator("ul.evidence li").first).to_be_visible()  # the evidence in words
    pair = first.locator("h2").inner_text().split(": ", 1)[1]
    first.locator("input[name=reason]").fill("tanggal lahir dan nama ibu berbeda")
    first.locator("button[value=different]").click()
    expect(page.locator("#done")).to_be_visible()
    assert pair not in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "4-review.png"), full_page=True)
    # English switch.
    page.click("a.lang")
    expect(page.locator("h1")).to_have_text("Review queue")
    page.close()

    # Upload a file as a KPAI analyst: the summary shows the counts.
    page = browser.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=username]", "kpai1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(base_url + "/ingest")
    upload = tmp_path / "kpai_baru.csv"
    lines = world.data_files["kpai"].read_text(encoding="utf-8").splitlines()
    upload.write_text("\n".join(lines[:7]) + "\n", encoding="utf-8")  # header + 6 rows
    page.set_input_files("input[name=file]", str(upload))
    page.click("#upload button[type=submit]")
    expect(page.locator("#summary")).to_be_visible()
    assert int(page.locator("#sum-read").inner_text()) == 6
    page.screenshot(path=str(shots / "5-upload.png"), full_page=True)
    # Export the search results as CSV.
    page.goto(base_url + "/children?q=siti")
    with page.expect_download() as download:
        page.click("#export")
    saved = tmp_path / "anak.csv"
    download.value.save_as(saved)
    assert saved.read_text(encoding="utf-8-sig").startswith("ID anak,Kode wilayah")
    page.close()

    # A regional officer: the dashboard's indicators, then a worklist exported as XLSX.
    page = browser.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=username]", "daerah1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#headline tbody tr").first).to_be_visible()
    expect(page.locator("#headline")).to_contain_text("Mungkin terdaftar di DTSEN")
    expect(page.locator("#indicator-regions tbody tr").first).to_be_visible()
    codes = page.locator("#indicator-regions tbody tr td:first-child").all_inner_texts()
    assert codes and all(c.startswith(world.province + ".") for c in codes if c != "-")
    page.screenshot(path=str(shots / "6-indicators.png"), full_page=True)
    page.click("#to-worklists")
    page.locator("a.worklist-link").first.click()
    page.click("#purpose-form button[type=submit]")
    expect(page.locator("#worklist")).to_be_visible()
    page.screenshot(path=str(shots / "7-worklist.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#export-xlsx")
    sheet = tmp_path / "daftar.xlsx"
    download.value.save_as(sheet)
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(sheet).active[1]]
    assert "ID anak" in header and "Kode wilayah" in header
    page.close()
    assert len(list(shots.glob("*.png"))) == 7


def test_browser_phone_width_pages_do_not_scroll_sideways(base_url: str, browser: object) -> None:
    """At 390 px the header wraps and wide tables scroll inside their box, not the page."""
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base_url + "/login")
    page.fill("input[name=username]", "admin1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dasbor")
    for path in ("/dashboard", "/runs", "/ingest"):
        page.goto(base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        nav = page.locator("header nav").bounding_box()
        assert nav is not None and nav["x"] + nav["width"] <= 390, (path, nav)
    page.close()
