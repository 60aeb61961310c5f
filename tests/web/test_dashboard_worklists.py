"""Headline indicators and worklists in the web app: scope, suppression, fields, audit, export."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from padan.analysis import build_report
from padan.registry import IMPACTS
from padan.services.worklist_file import column_label
from padan.store import Store
from padan.store.audit import audit_entries, verify_audit
from padan.web.downloads import file_response
from web.conftest import WebWorld

LISTS = (
    "usulan_dtsen",
    "mungkin_terdaftar",
    "layak_belum_menerima",
    "tanpa_atensi",
    "verifikasi_disabilitas",
    "sinyal_inklusi",
)


def _get(client: TestClient, world: WebWorld, user: str, path: str, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    return client.get(path, headers=headers, params=params)


def _in(code: str | None, region: str) -> bool:
    return code is not None and (code == region or code.startswith(region + "."))


def test_regional_officer_sees_only_their_region(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    province = world.province
    data = _get(client, world, "daerah1", "/api/v1/indicators").json()
    assert data["region"]["code"] == province
    assert data["regions"] and all(_in(r["code"], province) for r in data["regions"] if r["code"])
    # The headline figures are the province's, exactly as the report computes them.
    expected = build_report(web_store, region=province).indicators
    got = {i["key"]: i["value"] for i in data["indicators"]}
    assert got == {k: f.value for k, f in expected.items()}
    # Found, possibly found (a DTSEN match awaits review) and not found add up to every child.
    coverage = (
        "kpai_children_in_dtsen",
        "kpai_children_maybe_in_dtsen",
        "kpai_children_not_in_dtsen",
    )
    assert sum(got[k] for k in coverage) == got["kpai_children"]
    assert data["labels"]["kpai_children_maybe_in_dtsen"].startswith("Mungkin terdaftar di DTSEN")
    assert not data["suppressed"]
    seen = 0
    for name in LISTS:
        body = _get(
            client, world, "daerah1", f"/api/v1/worklists/{name}", purpose="uji", limit=1000
        ).json()
        at = body["columns"].index("kode_wilayah")
        assert all(_in(row[at], province) for row in body["rows"]), name
        seen += len(body["rows"])
        export = _get(
            client,
            world,
            "daerah1",
            f"/api/v1/worklists/{name}/export",
            purpose="uji",
            format="csv",
        )
        rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
        assert rows[0] == body["columns"] and len(rows) - 1 == body["total"]
        assert all(_in(r[at], province) for r in rows[1:])
    assert seen > 0, "the officer's province has children on some worklist"
    national = _get(client, world, "kemensos1", "/api/v1/worklists").json()["worklists"]
    regional = _get(client, world, "daerah1", "/api/v1/worklists").json()["worklists"]
    assert sum(w["rows"] for w in regional) < sum(w["rows"] for w in national)
    other = next(
        r["code"]
        for r in _get(client, world, "kemensos1", "/api/v1/indicators").json()["regions"]
        if r["code"] and r["code"] != province
    )
    for path in ("/api/v1/indicators", "/api/v1/worklists"):
        refused = _get(client, world, "daerah1", path, region=other)
        assert refused.status_code == 403 and set(refused.json()) == {"error"}


def test_dashboard_suppresses_small_cells_for_aggregate_roles(
    world: WebWorld, client: TestClient
) -> None:
    small = 0
    for region in (None, world.province):
        params = {"region": region} if region else {}
        exact = _get(client, world, "kemensos1", "/api/v1/indicators", **params).json()
        hidden = _get(client, world, "audit1", "/api/v1/indicators", **params).json()
        assert hidden["suppressed"] and not exact["suppressed"]
        pairs = [
            (a["value"], b["value"])
            for a, b in zip(exact["indicators"], hidden["indicators"], strict=True)
        ]
        for e, h in zip(exact["regions"], hidden["regions"], strict=True):
            assert e["code"] == h["code"]
            pairs += [(e["figures"][k], h["figures"][k]) for k in e["figures"]]
        for value, shown in pairs:
            assert isinstance(value, int)
            if 0 < value < 5:
                small += 1
                assert shown == "<5"
            else:
                assert shown in (value, "<5")  # complementary suppression hides a few more
            assert not (isinstance(shown, int) and 0 < shown < 5)
    assert small > 0, "the small synthetic store has small cells to hide"


def test_dashboard_page_shows_indicators_chart_and_institutions(
    world: WebWorld, client: TestClient
) -> None:
    page = _get(client, world, "daerah1", "/dashboard", indicator="kpai_children")
    assert page.status_code == 200
    html = page.text
    assert 'id="headline"' in html and 'id="indicator-regions"' in html
    assert 'id="institutions"' in html and "<svg" in html and 'href="/worklists' in html
    hidden = _get(client, world, "audit1", "/dashboard").text
    assert "&lt;5" in hidden and 'href="/worklists' not in hidden


@pytest.mark.parametrize(
    ("user", "name", "present", "absent", "masked"),
    [
        ("kemensos1", "layak_belum_menerima", {"nama", "desil"}, set(), True),
        ("kemensos1", "usulan_dtsen", {"nama_anak", "kandidat_terdekat"}, {"klaster"}, True),
        ("kpai1", "tanpa_atensi", {"nama_anak", "kategori"}, {"desil"}, True),
        ("daerah1", "usulan_dtsen", {"nama_anak", "nik_anak"}, {"kandidat_terdekat"}, False),
    ],
)
def test_worklist_columns_follow_the_policy(
    world: WebWorld,
    client: TestClient,
    user: str,
    name: str,
    present: set[str],
    absent: set[str],
    masked: bool,
) -> None:
    body = _get(client, world, user, f"/api/v1/worklists/{name}", purpose="uji").json()
    assert present <= set(body["columns"]) and not absent & set(body["columns"])
    if "nik_anak" in body["columns"]:
        at = body["columns"].index("nik_anak")
        niks = [r[at] for r in body["rows"] if r[at]]
        assert niks and all(("*" in n) == masked for n in niks)


def test_worklist_views_and_exports_are_audited_with_purpose(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    before = audit_entries(web_store, limit=1)[0].id if audit_entries(web_store, limit=1) else 0
    missing = _get(client, world, "kemensos1", "/api/v1/worklists/usulan_dtsen")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "bad_input"
    view = _get(
        client, world, "kemensos1", "/api/v1/worklists/usulan_dtsen", purpose="usulan DTSEN 2026"
    ).json()
    export = _get(
        client,
        world,
        "kemensos1",
        "/api/v1/worklists/usulan_dtsen/export",
        purpose="rapat dinsos",
        format="xlsx",
    )
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    labels = [column_label(c, "id") for c in view["columns"]]
    assert [c.value for c in sheet[1]][: len(labels)] == labels
    new = [e for e in audit_entries(web_store, limit=50) if e.id > before]
    actions = {(e.action, e.purpose, e.username) for e in new}
    assert actions == {
        ("worklist.view", "usulan DTSEN 2026", "kemensos1"),
        ("worklist.export", "rapat dinsos", "kemensos1"),
    }
    shown = {r[view["columns"].index("child_id")] for r in view["rows"]}
    assert shown and all(shown <= set(e.child_ids) for e in new)
    assert verify_audit(web_store)[1] is None
    # The auditor page answers who saw a worklist child.
    child = sorted(shown)[0]
    rows = _get(client, world, "audit1", "/api/v1/audit", child_id=child).json()["entries"]
    assert {"worklist.view", "worklist.export"} <= {r["action"] for r in rows}


def test_worklist_page_asks_for_a_purpose_before_showing_names(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    last = audit_entries(web_store, limit=1)[0].id
    ask = _get(client, world, "daerah1", "/worklists/usulan_dtsen")
    assert ask.status_code == 200 and 'id="purpose-form"' in ask.text
    assert 'id="worklist"' not in ask.text
    assert audit_entries(web_store, limit=1)[0].id == last
    shown = _get(client, world, "daerah1", "/worklists/usulan_dtsen", purpose="penanganan kasus")
    assert 'id="worklist"' in shown.text and 'id="export-xlsx"' in shown.text
    assert _get(client, world, "tinjau1", "/worklists/usulan_dtsen").status_code == 403
    assert _get(client, world, "kpai1", "/worklists/sinyal_inklusi").status_code == 403
    assert _get(client, world, "kpai1", "/worklists/tidak_ada", purpose="x").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_worklist_export_neutralises_formulas(fmt: str) -> None:
    rows: list[list[Any]] = [['=HYPERLINK("http://x")', "+62", "-1", "@SUM(A1)", "Siti", 3]]
    response = file_response(fmt, "uji", "Uji", ["a", "b", "c", "d", "e", "f"], rows)
    if fmt == "csv":
        cells = list(csv.reader(io.StringIO(response.body.decode("utf-8").lstrip("\ufeff"))))[1]
    else:
        sheet = load_workbook(io.BytesIO(response.body)).active
        cells = [c.value for c in sheet[3]]
    assert [str(c)[0] for c in cells[:4]] == ["'"] * 4
    assert cells[4] == "Siti" and str(cells[5]) == "3"


def test_dashboard_shows_institution_indicators_in_scope(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    from padan.ingest import ingest_file
    from padan.institutions import region_indicators, sync_from_extract

    ingest_file(world.data_files["lembaga"], source="lembaga", store=web_store)
    sync_from_extract(web_store)
    national = _get(client, world, "audit1", "/api/v1/indicators").json()["institutions"]
    expected = region_indicators(web_store, level="province")
    assert national and [r["kode_wilayah"] for r in national] == [r.kode_wilayah for r in expected]
    assert [r["institutions"] for r in national] == [r.institutions for r in expected]
    regional = _get(client, world, "daerah1", "/api/v1/indicators").json()["institutions"]
    assert regional and all(r["kode_wilayah"].startswith(world.province + ".") for r in regional)
    page = _get(client, world, "daerah1", "/dashboard").text
    assert all(r["kode_wilayah"] in page for r in regional)


def test_review_api_orders_by_impact_then_probability(world: WebWorld, client: TestClient) -> None:
    items = _get(client, world, "tinjau1", "/api/v1/review", limit=1000).json()["items"]
    assert items, "the small synthetic store has pairs waiting"
    order = [IMPACTS.index(i["impact"]) for i in items]
    assert order == sorted(order)
    for a, b in itertools.pairwise(items):
        if a["impact"] == b["impact"]:
            assert a["match_probability"] >= b["match_probability"]
    page = _get(client, world, "tinjau1", "/review")
    assert 'class="impact impact-' in page.text and "Urutan:" in page.text
