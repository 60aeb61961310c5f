"""Debian Chromium: an officer downloads a worklist XLSX, fills it in and uploads it on the
worklist page; the follow-up shows on the child's profile (Playwright, no downloaded browser)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from web.conftest import PASSWORD, WebWorld
from web.test_browser import base_url  # noqa: F401  (a module fixture)

pytestmark = pytest.mark.browser


def test_browser_worklist_round_trip(
    world: WebWorld,
    base_url: str,  # noqa: F811
    browser: object,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(base_url + "/login")
    page.fill("input[name=username]", "daerah1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(base_url + "/worklists")
    page.locator("a.worklist-link").first.click()
    page.click("#purpose-form button[type=submit]")
    expect(page.locator("#worklist")).to_be_visible()
    expect(page.locator("#worklist th").first).to_have_text("ID anak")
    # The page does not scroll sideways on a phone; the table scrolls inside its box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    with page.expect_download() as download:
        page.click("#export-xlsx")
    sheet = tmp_path / "daftar.xlsx"
    download.value.save_as(sheet)
    wb = load_workbook(sheet)
    ws = wb.worksheets[1]
    header = [c.value for c in ws[1]]
    child = ws.cell(row=2, column=header.index("ID anak") + 1).value
    day = dt.date.today() - dt.timedelta(days=1)
    note = "keluarga ditemui di rumah, dibantu mendaftar"
    ws.cell(row=2, column=header.index("Status tindak lanjut") + 1, value="Terdaftar DTSEN")
    ws.cell(row=2, column=header.index("Tanggal tindak lanjut") + 1, value=day)
    ws.cell(row=2, column=header.index("Catatan tindak lanjut") + 1, value=note)
    wb.save(sheet)
    page.set_input_files("#import-form input[name=file]", str(sheet))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-result")).to_contain_text("Tindak lanjut dicatat: 1")
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)
    page.goto(base_url + f"/children/{child}?purpose=tindak+lanjut")
    expect(page.locator("#followups")).to_contain_text(note)
    expect(page.locator("#followups")).to_contain_text("Terdaftar DTSEN")
    page.close()
