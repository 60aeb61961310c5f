"""Institution pages and API: authorisation matrix, scope, safe houses, forms, audit."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.institutions import list_inspections, list_institutions
from padan.store import Store, open_store
from padan.store.audit import audit_entries, verify_audit
from padan.web import create_app
from support.web_institutions import (
    OUT_SAFE_ADDRESS,
    OUT_SECRETS,
    PASSWORD,
    SAFE_ADDRESS,
    USERS,
    InstWorld,
    build,
)

#: Which institution endpoints each role may use (the PKS as a table, independent of the file).
ALLOWED = {
    "admin": {"list", "risk", "indicators", "profile_in", "profile_out", "audit"},
    "analis_kpai": {"list", "risk", "indicators", "profile_in", "profile_out"},
    "analis_kemensos": {
        "list",
        "risk",
        "indicators",
        "profile_in",
        "profile_out",
        "create",
        "edit_in",
        "inspect_in",
        "follow_up",
        "duplicates",
        "decide",
    },
    "petugas_daerah": {
        "list",
        "risk",
        "indicators",
        "profile_in",
        "create",
        "edit_in",
        "inspect_in",
        "follow_up",
    },
    "peninjau": {"duplicates", "decide"},
    "auditor": {"audit"},
}
#: Roles that may see a safe house's address.
SAFE_HOUSE_ROLES = {"analis_kemensos", "petugas_daerah"}


@pytest.fixture(scope="module")
def inst(tmp_path_factory: pytest.TempPathFactory) -> InstWorld:
    return build(tmp_path_factory.mktemp("institutions-web"))


@pytest.fixture
def store(inst: InstWorld) -> Iterator[Store]:
    opened = open_store(inst.url)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def client(inst: InstWorld, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store, model_path=inst.model, secure_cookies=False)) as c:
        yield c


def _endpoints(inst: InstWorld) -> dict[str, tuple[str, str, dict[str, Any]]]:
    new = {"nama_lembaga": "TPA Baru", "jenis": "TPA", "kode_wilayah": "32.01.01.1001"}
    visit = {
        "checklist": "tpa-tara",
        "tanggal": "2026-01-05",
        "petugas": "Rina",
        "temuan": [{"butir": "TPA-01", "tindakan": "Urus izin"}],
    }
    return {
        "list": ("GET", "/api/v1/institutions", {}),
        "risk": ("GET", "/api/v1/institutions/risk", {}),
        "indicators": ("GET", "/api/v1/institutions/indicators", {"params": {"level": "province"}}),
        "profile_in": ("GET", "/api/v1/institutions/L-RISK", {}),
        "profile_out": ("GET", "/api/v1/institutions/L-OUT", {}),
        "create": ("POST", "/api/v1/institutions", {"json": {"fields": new}}),
        "edit_in": (
            "PATCH",
            "/api/v1/institutions/L-GOOD",
            {"json": {"fields": {"jumlah_anak": "21"}, "reason": "kunjungan"}},
        ),
        "inspect_in": ("POST", "/api/v1/institutions/L-GOOD/inspections", {"json": visit}),
        "follow_up": (
            "POST",
            f"/api/v1/findings/{inst.finding}/follow-up",
            {"json": {"status": "proses", "catatan": "sedang disusun"}},
        ),
        "duplicates": ("GET", "/api/v1/institutions/duplicates", {}),
        "decide": (
            "POST",
            "/api/v1/institutions/duplicates/decisions",
            {
                "json": {
                    "id_a": "L-DUP1",
                    "id_b": "L-DUP2",
                    "decision": "unsure",
                    "reason": "alamat mirip, nama beda",
                }
            },
        ),
        "audit": ("GET", "/api/v1/audit", {}),
    }


@pytest.mark.parametrize("user", sorted(USERS))
def test_institutions_authorisation_matrix_every_role_every_endpoint(
    inst: InstWorld, client: TestClient, user: str
) -> None:
    role = USERS[user][0]
    headers = {"Authorization": f"Bearer {inst.tokens[user]}"}
    for name, (method, path, kwargs) in _endpoints(inst).items():
        response = client.request(method, path, headers=headers, **kwargs)
        body = response.text
        if name in ALLOWED[role]:
            assert response.status_code == 200, (user, name, body)
        else:
            assert response.status_code in (403, 404), (user, name, response.status_code, body)
            assert set(response.json()) == {"error"}, (user, name, body)
        if role == "petugas_daerah" or name not in ALLOWED[role]:
            for secret in OUT_SECRETS:
                assert secret not in body, (user, name, secret)
        if role not in SAFE_HOUSE_ROLES and name != "audit":
            assert SAFE_ADDRESS not in body and OUT_SAFE_ADDRESS not in body, (user, name)
        if role != "analis_kpai":
            assert inst.complaint not in body, (user, name)
    if role == "petugas_daerah":
        listed = client.get("/api/v1/institutions", headers=headers).json()["institutions"]
        assert listed and all(r["kode_wilayah"].startswith("32") for r in listed)
        refused = client.get("/api/v1/institutions/risk", headers=headers, params={"region": "35"})
        assert refused.status_code == 403


def test_institutions_unauthenticated_requests_get_401(inst: InstWorld, client: TestClient) -> None:
    for name, (method, path, kwargs) in _endpoints(inst).items():
        response = client.request(method, path, **kwargs)
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] == "unauthenticated"


def test_institutions_out_of_scope_and_missing_look_the_same(
    inst: InstWorld, client: TestClient
) -> None:
    headers = {"Authorization": f"Bearer {inst.tokens['daerah1']}"}
    out = client.get("/api/v1/institutions/L-OUT", headers=headers)
    missing = client.get("/api/v1/institutions/L-NOPE", headers=headers)
    assert out.status_code == missing.status_code == 404
    assert out.json() == missing.json()


def test_institutions_risk_ranks_the_risky_daycare_first_with_every_reason(
    inst: InstWorld, client: TestClient
) -> None:
    kpai = client.get(
        "/api/v1/institutions/risk", headers={"Authorization": f"Bearer {inst.tokens['kpai1']}"}
    ).json()["worklist"]
    order = [r["id_lembaga"] for r in kpai]
    assert order.index("L-RISK") < order.index("L-GOOD")
    risky = kpai[order.index("L-RISK")]
    assert risky["score"] == sum(p["points"] for p in risky["points"])
    codes = {p["code"] for p in risky["points"]}
    assert {"unlicensed", "overcrowded", "open_severe_finding", "complaint"} <= codes
    assert any(inst.complaint in reason for reason in risky["reasons"])
    kemensos = client.get(
        "/api/v1/institutions/risk", headers={"Authorization": f"Bearer {inst.tokens['kemensos1']}"}
    ).json()["worklist"]
    same = next(r for r in kemensos if r["id_lembaga"] == "L-RISK")
    assert same["score"] == risky["score"]  # the points stay, the details are withheld
    assert any("hanya untuk peran KPAI" in reason for reason in same["reasons"])


def test_institutions_safe_house_address_follows_the_policy(
    inst: InstWorld, client: TestClient
) -> None:
    def address(user: str) -> str:
        headers = {"Authorization": f"Bearer {inst.tokens[user]}"}
        return str(
            client.get("/api/v1/institutions/L-SAFE", headers=headers).json()["fields"]["alamat"]
        )

    assert address("kemensos1") == SAFE_ADDRESS
    assert address("daerah1") == SAFE_ADDRESS
    assert address("kpai1") == address("admin1") == "(rahasia)"


def test_institutions_profile_shows_history_inspections_and_expiry(
    inst: InstWorld, client: TestClient
) -> None:
    headers = {"Authorization": f"Bearer {inst.tokens['kpai1']}"}
    data = client.get("/api/v1/institutions/L-GOOD", headers=headers).json()
    assert data["akreditasi_berlaku_sampai"] == "2029-01-09"  # A: 5 years less a day
    assert data["history"][0]["version"] == 1 and data["history"][0]["source"] == "form"
    risky = client.get("/api/v1/institutions/L-RISK", headers=headers).json()
    finding = risky["inspections"][0]["temuan"][0]
    assert (finding["butir"], finding["keparahan"]) == ("TPA-06", "BERAT")
    assert risky["complaints"][0]["no_pengaduan"] == inst.complaint


def _session(client: TestClient, user: str) -> str:
    client.get("/login")
    token = client.cookies.get("padan_login_csrf")
    done = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get("/institutions/new")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (
            {"nama_lembaga": "", "jenis": "TPA", "kode_wilayah": "32.01"},
            "nama_lembaga",
            "Isian ini wajib diisi.",
        ),
        (
            {"nama_lembaga": "X", "jenis": "PANTI", "kode_wilayah": "32.01"},
            "jenis",
            "Pilih salah satu: LKSA, TPA",
        ),
        (
            {"nama_lembaga": "X", "jenis": "TPA", "kode_wilayah": "99.99"},
            "kode_wilayah",
            "99.99 bukan kode wilayah Kemendagri",
        ),
        (
            {"nama_lembaga": "X", "jenis": "TPA", "kode_wilayah": "32.01", "kapasitas": "-3"},
            "kapasitas",
            "-3 bukan bilangan bulat 0 atau lebih.",
        ),
        (
            {"nama_lembaga": "X", "jenis": "TPA", "kode_wilayah": "35.27"},
            "kode_wilayah",
            "35.27 berada di luar wilayah Anda (32)",
        ),
        (
            {
                "nama_lembaga": "X",
                "jenis": "TPA",
                "kode_wilayah": "32.01",
                "jumlah_pekerja_sosial": "1",
                "jumlah_pekerja_sosial_bersertifikat": "4",
            },
            "jumlah_pekerja_sosial_bersertifikat",
            "Melebihi jumlah pekerja sosial (1).",
        ),
    ],
)
def test_institutions_form_bad_input_gives_a_clear_error_and_stores_nothing(
    client: TestClient, store: Store, fields: dict[str, str], field: str, words: str
) -> None:
    csrf = _session(client, "daerah1")
    before = len(list_institutions(store))
    response = client.post("/institutions/new", data={**fields, "csrf_token": csrf})
    assert response.status_code == 400
    assert 'id="form-error"' in response.text
    # The message in Indonesian next to its field, which points to it.
    error = re.search(f'<span class="field-error" id="e-{field}">([^<]*)</span>', response.text)
    assert error and words in html.unescape(error.group(1)), response.text
    assert re.search(f'id="f-{field}"[^>]*aria-describedby="[^"]*e-{field}"', response.text)
    assert re.search(f'id="f-{field}"[^>]*aria-invalid="true"', response.text)
    if fields["nama_lembaga"]:
        assert 'value="X"' in response.text  # what was typed stays in the form
    assert len(list_institutions(store)) == before


def test_institutions_forms_need_the_csrf_token(client: TestClient, store: Store) -> None:
    _session(client, "kemensos1")
    before = len(list_institutions(store))
    response = client.post(
        "/institutions/new", data={"nama_lembaga": "TPA X", "jenis": "TPA", "kode_wilayah": "32.01"}
    )
    assert response.status_code == 403 and "CSRF" in response.text
    assert len(list_institutions(store)) == before


def test_institutions_edit_form_keeps_history_and_refuses_an_outdated_version(
    client: TestClient, store: Store
) -> None:
    csrf = _session(client, "kemensos1")
    page = client.get("/institutions/L-DUP1/edit")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    values = {
        "nama_lembaga": "TPA Ceria",
        "jenis": "TPA",
        "kode_wilayah": "32.01.01.1001",
        "alamat": "Jl. Mawar 5",
        "status_izin": "BERIZIN",
        "akreditasi": "A",
        "tanggal_akreditasi": "2024-01-10",
        "kapasitas": "30",
        "jumlah_anak": "28",
        "jumlah_pekerja_sosial": "2",
        "jumlah_pekerja_sosial_bersertifikat": "2",
    }
    saved = client.post(
        "/institutions/L-DUP1/edit",
        follow_redirects=False,
        data={
            **values,
            "version": version.group(1),
            "reason": "hasil kunjungan",
            "csrf_token": csrf,
        },
    )
    assert saved.status_code == 303
    profile = client.get("/institutions/L-DUP1")
    assert "Jumlah anak: 20 → 28" in profile.text and "hasil kunjungan" in profile.text
    stale = client.post(
        "/institutions/L-DUP1/edit",
        data={**values, "jumlah_anak": "30", "version": version.group(1), "csrf_token": csrf},
    )
    assert stale.status_code == 400 and "Muat ulang halaman lalu ubah kembali." in stale.text
    assert next(r for r in list_institutions(store) if r.id_lembaga == "L-DUP1").jumlah_anak == 28


def test_institutions_inspection_form_bad_input_stores_nothing(
    client: TestClient, store: Store
) -> None:
    csrf = _session(client, "daerah1")
    before = len(list_inspections(store, "L-GOOD"))
    response = client.post(
        "/institutions/L-GOOD/inspections/new",
        data={
            "csrf_token": csrf,
            "checklist": "tpa-tara",
            "tanggal": "2099-01-01",
            "petugas": "",
            "sev_TPA-06": "BERAT",
            "due_TPA-06": "2001-01-01",
        },
    )
    assert response.status_code == 400
    errors = dict(
        re.findall(r'<span class="field-error" id="e-([^"]+)">([^<]*)</span>', response.text)
    )
    assert errors == {
        "tanggal": "2099-01-01 bukan tanggal yang dapat dipakai; isi tanggal yang benar dan "
        "bukan tanggal yang akan datang.",
        "petugas": "Nama petugas pengawas wajib diisi.",
    }
    assert 'type="date"' in response.text and 'value="2099-01-01"' in response.text
    assert "inspection not recorded" not in response.text  # no English, no internals
    early = client.post(
        "/institutions/L-GOOD/inspections/new",
        data={
            "csrf_token": csrf,
            "checklist": "tpa-tara",
            "tanggal": "2026-01-10",
            "petugas": "Rina",
            "sev_TPA-06": "BERAT",
            "due_TPA-06": "2026-01-01",
        },
    )
    assert early.status_code == 400
    assert re.search(
        r'id="f-due_TPA-06"[^>]*aria-describedby="e-due_TPA-06" aria-invalid="true"', early.text
    )
    assert (
        '<span class="field-error" id="e-due_TPA-06">Batas waktu lebih awal dari tanggal '
        "kunjungan (2026-01-10).</span>" in early.text
    )
    assert len(list_inspections(store, "L-GOOD")) == before


def test_institutions_views_and_changes_are_audited(
    inst: InstWorld, client: TestClient, store: Store
) -> None:
    headers = {"Authorization": f"Bearer {inst.tokens['daerah1']}"}
    client.get("/api/v1/institutions/L-SAFE", headers=headers, params={"purpose": "supervisi"})
    client.post(
        f"/api/v1/findings/{inst.finding}/follow-up", headers=headers, json={"status": "selesai"}
    )
    entries = audit_entries(store, limit=50)
    seen = {(e.username, e.action, e.target, e.purpose) for e in entries}
    assert ("daerah1", "institution_view", "lembaga:L-SAFE", "supervisi") in seen
    assert any(
        e.action == "finding_follow_up" and e.target.endswith("selesai") and e.username == "daerah1"
        for e in entries
    )
    assert verify_audit(store)[1] is None


def test_institutions_pages_in_both_languages(inst: InstWorld, client: TestClient) -> None:
    _session(client, "kemensos1")
    page = client.get("/institutions/risk")
    assert page.status_code == 200 and "Prioritas pengawasan" in page.text
    assert "tidak berizin" in page.text
    client.cookies.set("padan_lang", "en")
    english = client.get("/institutions/risk")
    assert "Inspection priorities" in english.text and "unlicensed" in english.text
    dedup = client.get("/institutions/duplicates")
    assert "L-DUP1" in dedup.text and "L-OUT" in dedup.text
