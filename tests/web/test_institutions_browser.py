"""Debian Chromium through the institution flow: risk worklist → institution → inspection."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.live_server import live_server
from support.web_institutions import PASSWORD, InstWorld, build
from web.conftest import ARGS, CHROMIUM

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def inst(tmp_path_factory: pytest.TempPathFactory) -> InstWorld:
    return build(tmp_path_factory.mktemp("institutions-browser"))


@pytest.fixture(scope="module")
def base_url(inst: InstWorld) -> Iterator[str]:
    with live_server(inst.url, inst.model) as url:
        yield url


def test_browser_risk_worklist_institution_and_inspection(base_url: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(
            "Debian chromium is missing: scripts/test installs it (apt-get install chromium)"
        )
    from playwright.sync_api import expect, sync_playwright

    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(base_url + "/login")
        page.fill("input[name=username]", "daerah1")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.click("header nav >> text=Lembaga")
        expect(page.locator("h1")).to_have_text("Lembaga")
        # The ranked worklist of the officer's province, every reason listed.
        page.click("#risk-link")
        expect(page.locator("h1")).to_have_text("Prioritas pengawasan")
        first = page.locator("#risk tbody tr").first
        expect(first).to_contain_text("L-RISK")
        expect(first.locator("ul.reasons li").first).to_contain_text("tidak berizin")
        assert "L-OUT" not in page.locator("main").inner_text()
        page.screenshot(path=str(shots / "1-risk.png"), full_page=True)
        # The institution: facts, findings, history.
        first.locator("a.inst-link").click()
        expect(page.locator("h1")).to_contain_text("TPA Bahaya")
        expect(page.locator("table.findings")).to_contain_text("TPA-06")
        page.screenshot(path=str(shots / "2-institution.png"), full_page=True)
        before = page.locator("section.inspection").count()
        # Record an inspection against the daycare checklist, with one finding.
        page.click("#inspect-link")
        expect(page.locator("#items fieldset").first).to_be_visible()
        visit = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        due = (dt.date.today() + dt.timedelta(days=60)).isoformat()
        page.fill("input[name=tanggal]", visit)
        page.fill("input[name=petugas]", "Rina Pengawas")
        page.select_option("select[name=sev_TPA-01]", "BERAT")
        page.fill("input[name=action_TPA-01]", "Ajukan izin operasional")
        page.fill("input[name=due_TPA-01]", due)
        page.screenshot(path=str(shots / "3-inspection-form.png"), full_page=True)
        page.click("#inspection-form button[type=submit]")
        expect(page.locator("#done")).to_have_text("Pengawasan tersimpan.")
        expect(page.locator("section.inspection")).to_have_count(before + 1)
        expect(page.locator("section.inspection").first).to_contain_text("Rina Pengawas")
        # Close the new finding's corrective action.
        row = page.locator("table.findings tr", has_text="Ajukan izin operasional")
        row.locator("select[name=status]").select_option("selesai")
        row.locator("form.follow-up button").click()
        expect(
            page.locator("table.findings tr", has_text="Ajukan izin operasional").locator(
                "td.status"
            )
        ).to_contain_text("Selesai")
        page.screenshot(path=str(shots / "4-recorded.png"), full_page=True)
        browser.close()
    assert len(list(shots.glob("*.png"))) == 4
