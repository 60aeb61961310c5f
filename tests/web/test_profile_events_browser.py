"""Debian Chromium: the History section of a child's profile on a 360 px phone (Playwright),
on two DTSEN quarters of hand-written children (tests/support/child_events.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from padan.access.auth import create_user
from padan.store import open_store
from support.child_events import build_event_world
from support.live_server import live_server
from web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def events_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A live server on a store with a second quarter: its children have a history (the
    first load of a source is the baseline and has none)."""
    work = tmp_path_factory.mktemp("profile-events-browser")
    url = f"sqlite:///{work / 'padan.db'}"
    store = open_store(url)
    built = build_event_world(store, work)
    create_user(store, "kemensos1", role="analis_kemensos", password=PASSWORD)
    store.engine.dispose()
    with live_server(url, built.model) as base:
        yield base, built.child


def test_browser_profile_history_fits_a_phone(
    events_site: tuple[str, dict[str, str]], browser: object
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    base_url, child = events_site
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(base_url + "/login")
    page.fill("input[name=username]", "kemensos1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(base_url + f"/children/{child['C']}?purpose=penanganan+kasus")
    expect(page.locator("#history")).to_have_text("Riwayat")
    # Child C stopped receiving an aid in the second quarter: the history says so.
    expect(page.locator("#events")).to_contain_text("Berhenti menerima")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
