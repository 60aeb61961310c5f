"""Debian Chromium: the History section of a child's profile on a 360 px phone (Playwright)."""

from __future__ import annotations

import pytest

from padan.store import Store
from web.conftest import PASSWORD, WebWorld
from web.test_browser import base_url  # noqa: F401  (a module fixture)

pytestmark = pytest.mark.browser


def test_browser_profile_history_fits_a_phone(
    world: WebWorld,
    web_store: Store,
    base_url: str,  # noqa: F811
    browser: object,
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    run = web_store.latest_link_run()
    assert run is not None
    child = next(x.child_id for x in web_store.child_links(run.id) if x.source == "dtsen")
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(base_url + "/login")
    page.fill("input[name=username]", "kemensos1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(base_url + f"/children/{child}?purpose=penanganan+kasus")
    expect(page.locator("#history")).to_have_text("Riwayat")
    # Every child of the first load entered DTSEN then: the history says so.
    expect(page.locator("#events")).to_contain_text("Masuk DTSEN")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
