"""The dashboard map in Debian Chromium: clicking a province drills down to its regencies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.live_server import live_server
from web.conftest import PASSWORD, WebWorld

pytestmark = pytest.mark.browser

#: A point of the viewport inside the province's shape: the first point of a grid over its
#: bounding box where the browser finds the shape itself on top (islands leave sea between).
_POINT_IN = """code => {
  const path = document.querySelector(`#map path[data-code="${code}"]`);
  path.scrollIntoView({block: "center"});
  const box = path.getBoundingClientRect();
  for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
    const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
    if (document.elementFromPoint(x, y) === path) return [x, y];
  }
  return null;
}"""


@pytest.fixture(scope="module")
def base_url(world: WebWorld) -> Iterator[str]:
    with live_server(world.url, world.model) as url:
        yield url


@pytest.mark.parametrize("width", [1366, 360])
def test_browser_map_click_drills_down_to_the_regencies(
    world: WebWorld, base_url: str, browser: object, width: int, tmp_path: Path
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(base_url + "/login")
    page.fill("input[name=username]", "kpai1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#map")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Choose an indicator and colour by percent: the form reloads the map.
    page.select_option("#map-indicator", "kpai_children_in_dtsen")
    page.check("input[name=measure][value=rate]")
    page.click("#map-form button[type=submit]")
    expect(page.locator("#map-note")).to_contain_text("persentase")
    expect(page.locator("#map-attribution")).to_contain_text("CC BY 4.0")
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)
    # A real click on the province (not a scripted one) follows its link.
    point = page.evaluate(_POINT_IN, world.province)
    assert point is not None, "the province is visible on the map"
    page.mouse.click(point[0], point[1])
    page.wait_for_url(f"**/dashboard?region={world.province}&indicator=kpai_children_in_dtsen*")
    expect(page.locator("p.crumbs")).to_contain_text(f"({world.province})")
    codes = page.locator("#indicator-regions tbody tr td:first-child").all_inner_texts()
    assert codes and all(c.startswith(world.province + ".") for c in codes if c != "-")
    regions = page.locator("#regions tbody tr td:first-child").all_inner_texts()
    assert regions and all(c.startswith(world.province + ".") for c in regions)
    # The selected province is outlined on the map of the next level.
    expect(page.locator(f'#map path.here[data-code="{world.province}"]')).to_have_count(1)
    page.close()
