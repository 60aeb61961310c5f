"""The dashboard's province map, charts and tiles: figures per province, suppression, scope,
the SVG drawn from the shipped boundaries, and the tiles following the selected region."""

from __future__ import annotations

import json
import re
from html import unescape
from importlib import resources
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.access.authorise import Forbidden
from padan.access.policy import Principal, get_role
from padan.analysis import SUPPRESSED, build_report
from padan.analysis.tables import denominator
from padan.services.dashboard import dashboard
from padan.services.figures import indicator_chart, indicators, province_figures
from padan.store import Store
from padan.web.choropleth import GEOJSON, _classes, choropleth, shapes
from web.conftest import WebWorld

KEYS = ("kpai_children", "kpai_children_in_dtsen", "kpai_children_not_in_dtsen", "eligible_pkh")


def _who(role: str, region: str | None = None) -> Principal:
    return Principal("uji", get_role(role), region)


def _get(client: TestClient, world: WebWorld, user: str, path: str, **params: Any) -> Any:
    return client.get(
        path, headers={"Authorization": f"Bearer {world.tokens[user]}"}, params=params
    )


def _in(code: str | None, region: str | None) -> bool:
    if code is None:
        return False
    return region is None or code == region or code.startswith(region + ".")


def _provinces_with_children(store: Store) -> set[str]:
    report = build_report(store)
    return {r.code for r in report.regions if r.level == "province" and r.code}


@pytest.mark.parametrize("key", KEYS)
def test_province_figures_values_match_each_province_report(web_store: Store, key: str) -> None:
    """An exact role sees, per province, the figures the report computes for that province
    alone (another code path: the report scoped to one region), with its denominator."""
    got = province_figures(web_store, _who("analis_kpai"), key=key)
    assert got["key"] == key and not got["suppressed"]
    den = denominator(key)
    assert got["denominator"] == den
    assert set(got["provinces"]) == _provinces_with_children(web_store)
    for code, cell in got["provinces"].items():
        expected = build_report(web_store, region=code).indicators
        assert cell["value"] == expected[key].value, code
        if den is None:
            assert cell["denominator"] is None and cell["percent"] is None
        else:
            assert cell["denominator"] == expected[den].value, code
            if expected[den].value:
                assert cell["percent"] == round(100 * expected[key].value / expected[den].value, 1)


@pytest.mark.parametrize("key", KEYS)
def test_province_figures_suppressed_as_the_indicator_table(web_store: Store, key: str) -> None:
    """A role meant for aggregates sees exactly the cells the indicator table (national level,
    one row per province) shows: the same suppression, primary and complementary."""
    auditor = _who("auditor")
    got = province_figures(web_store, auditor, key=key)
    assert got["suppressed"]
    table = {r["code"]: r["figures"] for r in indicators(web_store, auditor)["regions"]}
    den = denominator(key)
    for code, cell in got["provinces"].items():
        assert cell["value"] == table[code][key], code
        if den:
            assert cell["denominator"] == table[code][den], code
        shown = [cell["value"], cell["denominator"]]
        assert not any(isinstance(v, int) and 0 < v < 5 for v in shown), (code, shown)
        if SUPPRESSED in shown:
            assert cell["percent"] is None  # no percent from a hidden count


def test_province_figures_suppression_hides_small_counts(web_store: Store) -> None:
    exact = province_figures(web_store, _who("analis_kpai"), key="kpai_children_not_in_dtsen")
    hidden = province_figures(web_store, _who("auditor"), key="kpai_children_not_in_dtsen")
    small = [c for c, f in exact["provinces"].items() if 0 < f["value"] < 5]
    assert small, "the small synthetic store has small cells"
    assert all(hidden["provinces"][c]["value"] == SUPPRESSED for c in small)


@pytest.mark.parametrize(
    ("role", "region", "sees"),
    [
        ("analis_kpai", None, "all"),
        ("auditor", None, "all"),
        ("petugas_daerah", "PROVINCE", "own"),
        ("petugas_daerah", "REGENCY", "none"),  # a province figure would show other regencies
    ],
)
def test_province_figures_follow_the_scope(
    world: WebWorld, web_store: Store, role: str, region: str | None, sees: str
) -> None:
    regency = next(
        r.code
        for r in build_report(web_store, region=world.province).regions
        if r.level == "regency" and r.code
    )
    scope = {"PROVINCE": world.province, "REGENCY": regency, None: None}[region]
    got = set(province_figures(web_store, _who(role, scope))["provinces"])
    expected = {
        "all": _provinces_with_children(web_store),
        "own": {world.province},
        "none": set(),
    }[sees]
    assert got == expected


def test_province_figures_unknown_key_falls_back(web_store: Store) -> None:
    got = province_figures(web_store, _who("analis_kpai"), key="no_such_indicator")
    assert got["key"] == "kpai_children_not_in_dtsen"
    assert next(k for k, _ in got["choices"]) == "kpai_children"


def test_province_figures_needs_the_dashboard_permission(web_store: Store) -> None:
    role = get_role("auditor")
    nobody = Principal("x", type(role)(**{**role.__dict__, "permissions": frozenset()}), None)
    with pytest.raises(Forbidden):
        province_figures(web_store, nobody)


@pytest.mark.parametrize(
    ("values", "classes"),
    [
        ([], []),
        ([0, 0], []),
        ([7], [(7, 7)]),
        ([1, 1, 1], [(1, 1)]),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]),
        ([0, 3.5, 3.5, 10, 20], [(3.5, 3.5), (10, 10), (20, 20)]),
    ],
)
def test_choropleth_classes_cover_every_value_once(
    values: list[float], classes: list[tuple[float, float]]
) -> None:
    assert _classes(values) == classes


def test_choropleth_rate_needs_a_denominator(web_store: Store) -> None:
    who = _who("analis_kpai")
    plain = province_figures(web_store, who, key="kpai_children")
    assert choropleth(plain, measure="rate")["measure"] == "count"
    share = province_figures(web_store, who, key="kpai_children_in_dtsen")
    drawn = choropleth(share, measure="rate")
    assert drawn["measure"] == "rate"
    for item in drawn["provinces"]:
        f = item["figures"]
        if f is None:
            assert item["css"] == "none"
        elif f["percent"] is None:
            assert item["css"] == "supp"
        elif f["percent"] == 0:
            assert item["css"] == "q0"
        else:
            legend = next(c for c in drawn["legend"] if c["css"] == item["css"])
            assert legend["low"] <= f["percent"] <= legend["high"]


def _svg(html: str) -> str:
    found = re.search(r'<svg id="map".*?</svg>', html, re.S)
    assert found, "the dashboard has the map"
    return found.group(0)


def test_dashboard_map_has_one_path_per_province_with_values_and_attribution(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    page = _get(client, world, "kpai1", "/dashboard", indicator="kpai_children_in_dtsen")
    assert page.status_code == 200
    svg = _svg(page.text)
    geo = json.loads((resources.files("padan.web") / GEOJSON).read_text(encoding="utf-8"))
    provinces = {
        f["properties"]["kode_wilayah"]: f["properties"]["PROVINSI"] for f in geo["features"]
    }
    assert len(provinces) == 38
    paths = re.findall(
        r'<path d="M[^"]+" class="([^"]+)" data-code="(\d+)"><title>([^<]*)</title>', svg
    )
    assert sorted(code for _, code, _ in paths) == sorted(provinces)
    figures = province_figures(web_store, _who("analis_kpai"), key="kpai_children_in_dtsen")
    for css, code, title in paths:
        title = unescape(title)
        assert title.startswith(provinces[code] + ": ")
        cell = figures["provinces"].get(code)
        if cell is None:
            assert css == "none" and f'href="/dashboard?region={code}' not in svg
        else:
            # value, percent and denominator, as the page formats them (Indonesian by default)
            assert f"{cell['value']} anak" in title
            assert f"dari {cell['denominator']} (Anak KPAI)" in title
            assert f'href="/dashboard?region={code}&amp;indicator=kpai_children_in_dtsen"' in svg
    attribution = re.search(r'<p class="attribution".*?</p>', page.text, re.S)
    assert attribution and "CC BY 4.0" in attribution.group(0)
    assert "denyherianto/indonesia-geojson-topojson-maps-with-38-provinces" in attribution.group(0)
    assert client.get("/static/geo/README.md").status_code == 200
    assert 'id="map-table"' in page.text  # the table alternative


def test_dashboard_map_of_a_regional_officer_colours_only_its_province(
    world: WebWorld, client: TestClient
) -> None:
    svg = _svg(_get(client, world, "daerah1", "/dashboard").text)
    linked = re.findall(r'<a href="/dashboard\?region=(\d+)', svg)
    assert linked == [world.province]
    # ... and is zoomed onto it, where a national user's map shows the whole country
    national = _svg(_get(client, world, "kpai1", "/dashboard").text)
    full = re.search(r'viewBox="([^"]+)"', national)
    zoomed = re.search(r'viewBox="([^"]+)"', svg)
    assert full and zoomed
    width, height = (float(v) for v in full.group(1).split()[2:])
    x, y, w, h = (float(v) for v in zoomed.group(1).split())
    assert w < width / 2 and h <= height
    shape = next(s for s in shapes()[0] if s.code == world.province)
    left, top, right, bottom = shape.box
    assert x <= left and y <= top and right <= x + w and bottom <= y + h


def test_dashboard_map_suppresses_for_aggregate_roles(world: WebWorld, client: TestClient) -> None:
    html = _get(client, world, "audit1", "/dashboard", indicator="kpai_children_not_in_dtsen").text
    svg = _svg(html)
    assert 'class="supp"' in svg and "&lt;5 anak" in svg
    for n in range(1, 5):
        assert f": {n} anak" not in svg


def test_indicator_chart_sorted_largest_first_zeros_named_once(
    world: WebWorld, web_store: Store
) -> None:
    data = indicators(web_store, _who("analis_kpai"))
    for key in (*KEYS, "abh_without_atensi", "disability_mismatch"):
        chart = indicator_chart(data, key)
        values = [b["value"] for b in chart["bars"]]
        assert 0 not in values
        assert values == sorted(values, reverse=True), key
        zeros = [r["name"] for r in data["regions"] if r["figures"][key] == 0]
        assert chart["zeros"] == zeros
        den = denominator(key)
        for b in chart["bars"]:
            row = next(r for r in data["regions"] if r["code"] == b["code"])
            assert b["denominator"] == (row["figures"][den] if den else None)


@pytest.mark.parametrize("level", ["national", "province", "regency"])
def test_dashboard_tiles_follow_the_selected_region(
    world: WebWorld, web_store: Store, level: str
) -> None:
    admin = _who("analis_kpai")
    region = {"national": None, "province": world.province}.get(level)
    if level == "regency":
        region = dashboard(web_store, admin, region=world.province)["rows"][0]["code"]
    got = dashboard(web_store, admin, region=region)
    report = build_report(web_store, region=region)

    def here(extract: str) -> int:
        return sum(
            1
            for r in web_store.fetch_records(extract)
            if r["is_current"] and _in(r["kode_wilayah"], region)
        )

    kpai, dtsen = here("kpai_kasus"), here("dtsen_individu")
    assert (got["records"]["kpai"], got["records"]["dtsen"]) == (kpai, dtsen)
    # people after linkage: each counted once, so no more than the rows' records and at
    # least the region's KPAI children
    assert report.indicators["kpai_children"].value <= got["children"] <= kpai + dtsen
    if region is not None:
        national = dashboard(web_store, admin)
        assert got["children"] < national["children"]


def test_dashboard_page_says_what_each_figure_counts(world: WebWorld, client: TestClient) -> None:
    html = _get(client, world, "kpai1", "/dashboard", region=world.province).text
    tiles = re.search(r'<section class="tiles" id="tiles".*?</section>', html, re.S)
    assert tiles
    text = unescape(re.sub(r"<[^>]+>", " ", tiles.group(0)))
    for words in ("Anak KPAI", "Catatan KPAI", "Catatan DTSEN", "Orang setelah pemadanan"):
        assert words in text
    assert re.search(r"\d+,\d % dari \d+ \(Anak KPAI\)", text), text
    assert "Seluruh Indonesia (tidak per wilayah)" in html


@pytest.mark.parametrize("user", ["kpai1", "daerah1"])
def test_dashboard_provinces_api_is_the_maps_figures(
    world: WebWorld, client: TestClient, web_store: Store, user: str
) -> None:
    got = _get(client, world, user, "/api/v1/dashboard/provinces", indicator="kpai_children")
    assert got.status_code == 200
    body = got.json()
    role, scope = {"kpai1": ("analis_kpai", None), "daerah1": ("petugas_daerah", world.province)}[
        user
    ]
    expected = province_figures(web_store, _who(role, scope), key="kpai_children")
    assert body["key"] == "kpai_children"
    assert body["provinces"] == expected["provinces"]
    assert (user == "daerah1") == (set(body["provinces"]) == {world.province})
