"""Every role × every endpoint: allowed, or refused with nothing from outside its scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.store import Store
from padan.store.children import child_members, latest_run_id, records_by_uid
from web.conftest import USERS, WebWorld

#: The PKS as a table: which endpoints each role may use (independent of policy.toml).
ALLOWED = {
    "admin": {
        "dashboard",
        "search",
        "profile_in",
        "profile_out",
        "batches",
        "quarantine",
        "ingest",
        "runs",
        "audit",
    },
    "analis_kpai": {
        "dashboard",
        "search",
        "profile_in",
        "profile_out",
        "export",
        "batches",
        "quarantine",
        "ingest",
        "runs",
    },
    "analis_kemensos": {
        "dashboard",
        "search",
        "profile_in",
        "profile_out",
        "export",
        "batches",
        "runs",
    },
    "petugas_daerah": {"dashboard", "search", "profile_in", "export"},
    "peninjau": {"dashboard", "search", "profile_in", "profile_out", "review", "decide"},
    "auditor": {"dashboard", "audit"},
}
#: Headline indicators and worklists (issue 4 in the web app).
_NATIONAL_FIGURES = {"indicators", "indicators_out"}
_NAMED = {"worklists", "worklist", "worklist_export"}
_KEMENSOS_LISTS = {"worklist_eligible", "worklist_eligible_export"}
ALLOWED["admin"] |= _NATIONAL_FIGURES
ALLOWED["analis_kpai"] |= _NATIONAL_FIGURES | _NAMED
ALLOWED["analis_kemensos"] |= _NATIONAL_FIGURES | _NAMED | _KEMENSOS_LISTS
ALLOWED["petugas_daerah"] |= {"indicators"} | _NAMED | _KEMENSOS_LISTS
ALLOWED["peninjau"] |= _NATIONAL_FIGURES
ALLOWED["auditor"] |= _NATIONAL_FIGURES


def _children(store: Store, province: str) -> tuple[str, str, str]:
    """A child in the officer's province (with a KPAI record), one outside, and a name."""
    run = latest_run_id(store)
    assert run is not None
    kpai = store.fetch_records("kpai_kasus")
    from padan.store.children import children_of

    child_of = children_of(store, run, [f"kpai:{r['no_pengaduan']}" for r in kpai])
    inside = outside = None
    for child in sorted(set(child_of.values())):
        members = child_members(store, run, [child])[child]
        records = records_by_uid(store, [u for u, _ in members])
        dtsen = [r for u, r in sorted(records.items()) if u.startswith("dtsen:")]
        code = (dtsen[0] if dtsen else next(iter(records.values())))["kode_wilayah"]
        if code.startswith(province + ".") and inside is None and dtsen:
            inside = child
        elif not code.startswith(province + ".") and outside is None and dtsen:
            outside = child
    assert inside and outside
    return inside, outside, ""


def _endpoints(
    world: WebWorld, inside: str, outside: str, name: str, other: str = "11"
) -> dict[str, tuple[str, str, dict[str, Any]]]:
    purpose = {"purpose": "uji matriks"}
    export = {"purpose": "uji matriks", "format": "csv"}
    return {
        "indicators": ("GET", "/api/v1/indicators", {}),
        "indicators_out": ("GET", "/api/v1/indicators", {"params": {"region": other}}),
        "worklists": ("GET", "/api/v1/worklists", {}),
        "worklist": ("GET", "/api/v1/worklists/usulan_dtsen", {"params": purpose}),
        "worklist_export": ("GET", "/api/v1/worklists/tanpa_atensi/export", {"params": export}),
        "worklist_eligible": ("GET", "/api/v1/worklists/layak_belum_menerima", {"params": purpose}),
        "worklist_eligible_export": (
            "GET",
            "/api/v1/worklists/layak_belum_menerima/export",
            {"params": export},
        ),
        "dashboard": ("GET", "/api/v1/dashboard", {}),
        "search": ("GET", "/api/v1/children", {"params": {"q": name}}),
        "profile_in": ("GET", f"/api/v1/children/{inside}", {}),
        "profile_out": ("GET", f"/api/v1/children/{outside}", {}),
        "export": ("GET", "/api/v1/exports/children.csv", {"params": {"q": name}}),
        "review": ("GET", "/api/v1/review", {}),
        "decide": (
            "POST",
            "/api/v1/review/decisions",
            {
                "json": {
                    "record_a": "REVIEW_A",
                    "record_b": "REVIEW_B",
                    "decision": "unsure",
                    "reason": "matrix test",
                }
            },
        ),
        "batches": ("GET", "/api/v1/batches", {}),
        "quarantine": ("GET", "/api/v1/batches/2/quarantine", {}),
        "ingest": (
            "POST",
            "/api/v1/ingest/kpai",
            {
                "files": {
                    "file": ("kpai_kasus.csv", world.data_files["kpai"].read_bytes(), "text/csv")
                }
            },
        ),
        "runs": ("GET", "/api/v1/runs", {}),
        "audit": ("GET", "/api/v1/audit", {}),
    }


@pytest.fixture(scope="module")
def setup(world: WebWorld) -> dict[str, Any]:
    from padan.store import open_store

    store = open_store(world.url)
    inside, outside, _ = _children(store, world.province)
    out_records = records_by_uid(
        store, [u for u, _ in child_members(store, latest_run_id(store) or 0, [outside])[outside]]
    )
    dtsen = next(r for u, r in out_records.items() if u.startswith("dtsen:"))
    in_records = records_by_uid(
        store, [u for u, _ in child_members(store, latest_run_id(store) or 0, [inside])[inside]]
    )
    in_dtsen = next(r for u, r in in_records.items() if u.startswith("dtsen:"))
    # Search by the first name of the inside child: hits fall in and out of the province.
    name = in_dtsen["nama"].split()[0]
    from padan.access.policy import Principal, get_role
    from padan.services.review import review_items

    reviewer = Principal("setup", get_role("peninjau"), None)
    item = review_items(store, reviewer, limit=1)[0]
    store.engine.dispose()
    return {
        "inside": inside,
        "outside": outside,
        "name": name,
        "outside_secrets": [s for s in (dtsen["nik"], dtsen["id_individu"], outside) if s],
        "other_province": dtsen["kode_wilayah"][:2],
        "pair": (item["record_a"], item["record_b"]),
    }


@pytest.mark.parametrize("user", sorted(USERS))
def test_authorisation_matrix_every_role_every_endpoint(
    world: WebWorld, client: TestClient, setup: dict[str, Any], user: str
) -> None:
    role = USERS[user][0]
    endpoints = _endpoints(
        world, setup["inside"], setup["outside"], setup["name"], setup["other_province"]
    )
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    for name, (method, path, kwargs) in endpoints.items():
        if name == "decide":
            a, b = setup["pair"]
            kwargs = {"json": {**kwargs["json"], "record_a": a, "record_b": b}}
        response = client.request(method, path, headers=headers, **kwargs)
        body = response.text
        if name in ALLOWED[role]:
            assert response.status_code == 200, (user, name, body)
        else:
            assert response.status_code in (403, 404), (user, name, response.status_code, body)
            assert set(response.json()) == {"error"}, (user, name, body)
        if role == "petugas_daerah" or name not in ALLOWED[role]:
            for secret in setup["outside_secrets"]:
                assert secret not in body, (user, name, secret)
        if role == "petugas_daerah" and name == "search":
            results = response.json()["results"]
            assert results, "the officer's search finds children in the province"
            assert all(r["kode_wilayah"].startswith(world.province + ".") for r in results)


def test_unauthenticated_requests_get_401_everywhere(
    world: WebWorld, client: TestClient, setup: dict[str, Any]
) -> None:
    for name, (method, path, kwargs) in _endpoints(
        world, setup["inside"], setup["outside"], setup["name"]
    ).items():
        response = client.request(method, path, **kwargs)
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] == "unauthenticated"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer padan_wrong"})
    assert bad.status_code == 401


def test_out_of_scope_and_missing_children_look_the_same(
    world: WebWorld, client: TestClient, setup: dict[str, Any]
) -> None:
    headers = {"Authorization": f"Bearer {world.tokens['daerah1']}"}
    out = client.get(f"/api/v1/children/{setup['outside']}", headers=headers)
    missing = client.get("/api/v1/children/PDN999999999", headers=headers)
    assert out.status_code == missing.status_code == 404
    assert out.json()["error"]["message"] == missing.json()["error"]["message"]


_NIK = re.compile(r"(?<![\d.])\d{16}(?!\d)")


@pytest.mark.parametrize(
    ("user", "sees", "hidden", "full_nik"),
    [
        ("kpai1", {"nama_anak", "nama"}, {"desil", "penerima_pkh"}, False),
        ("kemensos1", {"desil", "penerima_pkh"}, {"kategori", "klaster"}, False),
        ("daerah1", {"desil", "penerima_pkh"}, {"klaster", "status_penanganan"}, True),
        ("tinjau1", {"klaster", "nama"}, {"desil", "penerima_pkh"}, True),
        ("admin1", {"nama"}, {"desil", "klaster", "alamat", "nik"}, False),
    ],
)
def test_profile_fields_follow_the_policy(
    world: WebWorld,
    client: TestClient,
    setup: dict[str, Any],
    user: str,
    sees: set[str],
    hidden: set[str],
    full_nik: bool,
) -> None:
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    body = client.get(f"/api/v1/children/{setup['inside']}", headers=headers)
    assert body.status_code == 200
    fields = {k for r in body.json()["records"] for k in r["fields"]}
    assert sees <= fields, sees - fields
    assert not hidden & fields, hidden & fields
    assert bool(_NIK.search(body.text)) == full_nik


def test_every_search_and_profile_is_audited_with_purpose(
    world: WebWorld, client: TestClient, setup: dict[str, Any]
) -> None:
    headers = {"Authorization": f"Bearer {world.tokens['kemensos1']}"}
    client.get(
        f"/api/v1/children/{setup['inside']}", headers=headers, params={"purpose": "verifikasi PKH"}
    )
    audit = client.get(
        "/api/v1/audit",
        params={"child_id": setup["inside"]},
        headers={"Authorization": f"Bearer {world.tokens['audit1']}"},
    )
    rows = audit.json()["entries"]
    assert any(
        r["username"] == "kemensos1"
        and r["action"] == "profile"
        and r["purpose"] == "verifikasi PKH"
        for r in rows
    )
    assert all(setup["inside"] in r["child_ids"] for r in rows)


def test_explain_gives_the_weights_with_values_shaped_by_role(
    world: WebWorld, client: TestClient, setup: dict[str, Any]
) -> None:
    def get(user: str, path: str, **params: str) -> Any:
        headers = {"Authorization": f"Bearer {world.tokens[user]}"}
        return client.get(path, headers=headers, params=params)

    profile = get("tinjau1", f"/api/v1/children/{setup['inside']}").json()
    pair = next(p for p in profile["pairs"] if p["within_child"])
    path = f"/api/v1/children/{setup['inside']}/explain"
    full = get("tinjau1", path, a=pair["record_a"], b=pair["record_b"])
    assert full.status_code == 200, full.text
    parts = {p["comparison"]: p for p in full.json()["parts"]}
    assert {"name", "dob"} <= set(parts)
    total = full.json()["prior_weight"] + sum(p["match_weight"] for p in parts.values())
    assert abs(total - full.json()["match_weight"]) < 1e-6
    masked = get("kpai1", path, a=pair["record_a"], b=pair["record_b"]).json()
    nik_values = [p["value_a"] for p in masked["parts"] if p["comparison"] == "nik"]
    assert all(v is None or "*" in v for v in nik_values)
    refused = get(
        "daerah1",
        f"/api/v1/children/{setup['outside']}/explain",
        a=pair["record_a"],
        b=pair["record_b"],
    )
    assert refused.status_code == 404


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        ("audit1", "/children?q=siti", 403),
        ("audit1", "/review", 403),
        ("daerah1", "/children/OUTSIDE", 404),
        ("daerah1", "/runs", 403),
        ("admin1", "/review", 403),
        ("kemensos1", "/audit", 403),
        ("tinjau1", "/ingest", 403),
        ("audit1", "/worklists", 403),
        ("tinjau1", "/worklists/usulan_dtsen/export.csv?purpose=x", 403),
        ("kpai1", "/worklists/sinyal_inklusi/export.xlsx?purpose=x", 403),
    ],
)
def test_pages_refuse_like_the_api(
    world: WebWorld, client: TestClient, setup: dict[str, Any], user: str, path: str, status: int
) -> None:
    from web.conftest import PASSWORD
    from web.test_auth_audit import _login

    assert _login(client, user, PASSWORD) == 303
    response = client.get(path.replace("OUTSIDE", setup["outside"]))
    assert response.status_code == status
    for secret in setup["outside_secrets"][:-1]:
        assert secret not in response.text
