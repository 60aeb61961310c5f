"""The review queue in Debian Chromium, worked with the keyboard (Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.live_server import live_server
from support.review_queue import doubtful_copy
from web.conftest import ARGS, CHROMIUM, PASSWORD, WebWorld

pytestmark = pytest.mark.browser


@pytest.fixture
def queue_url(world: WebWorld, tmp_path: Path) -> Iterator[str]:
    url = doubtful_copy(world.work / "padan.db", tmp_path / "padan.db")
    with live_server(url, world.model) as base:
        yield base


def test_review_browser_keyboard_decides_and_keeps_the_place(queue_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(queue_url + "/login")
            page.fill("input[name=username]", "tinjau1")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(queue_url + "/review?pair=kpai-dtsen&limit=5")
            items = page.locator("section.review-item")
            expect(items).to_have_count(5)
            pairs = [
                (
                    items.nth(i).locator("input[name=record_a]").input_value(),
                    items.nth(i).locator("input[name=record_b]").input_value(),
                )
                for i in range(5)
            ]
            # j twice: the third pair is the current one and has the focus.
            page.keyboard.press("j")
            page.keyboard.press("j")
            current = page.locator("section.review-item.current")
            expect(current).to_have_attribute("id", "item-2")
            expect(current).to_be_focused()
            page.keyboard.press("k")
            expect(page.locator("section.review-item.current")).to_have_attribute("id", "item-1")
            # b without a reason: nothing is sent, the reason field takes the focus.
            page.keyboard.press("b")
            reason = page.locator("#reason-1")
            expect(reason).to_be_focused()
            assert page.url.endswith("/review?pair=kpai-dtsen&limit=5")
            # Typed into the field, s, b and r are letters, not decisions.
            page.keyboard.type("beda ibu dan tanggal lahir", delay=5)
            expect(reason).to_have_value("beda ibu dan tanggal lahir")
            page.keyboard.press("Enter")  # ends the sentence, decides nothing
            assert "done=" not in page.url
            page.keyboard.press("Escape")
            page.keyboard.press("b")
            expect(page.locator("#done")).to_be_visible()
            assert "at=1" in page.url and "pair=kpai-dtsen" in page.url
            # Back at the same place: the pair that followed the decided one, with the focus.
            current = page.locator("section.review-item.current")
            expect(current).to_have_attribute("id", "item-1")
            expect(current).to_be_focused()
            assert current.locator("input[name=record_a]").input_value() == pairs[2][0]
            assert current.locator("input[name=record_b]").input_value() == pairs[2][1]
            expect(page.locator("select[name=pair]")).to_have_value("kpai-dtsen")
            # The shortcuts are written on the page.
            page.click("#shortcuts summary")
            expect(page.locator("#shortcuts")).to_contain_text("pasangan berikutnya")
        finally:
            browser.close()
