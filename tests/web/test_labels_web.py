"""Pages show code values by their labels (padan.i18n.codes), in the user's language."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from padan.i18n import gettext
from padan.ingest import ingest_file
from padan.store import open_store
from padan.synth.broken import write_broken_kpai
from padan.web import create_app
from support.institutions import register
from web.conftest import PASSWORD, WebWorld


@pytest.fixture(scope="module")
def labelled(world: WebWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # A copy of the shared store with a broken KPAI batch and an unlicensed institution.
    work = tmp_path_factory.mktemp("labels")
    shutil.copy(Path(world.url.removeprefix("sqlite:///")), work / "padan.db")
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    broken = write_broken_kpai(world.data_files["kpai"], work)
    ingest_file(broken, source="kpai", store=store)
    register(
        store, "LBL-1", status_izin="TIDAK_BERIZIN", akreditasi="BELUM", tanggal_akreditasi=None
    )
    app = create_app(store, model_path=world.model, secure_cookies=False)
    with TestClient(app) as client:
        yield client
    store.engine.dispose()


def _login(client: TestClient, username: str, lang: str) -> None:
    client.cookies.clear()
    client.get("/login")
    done = client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORD,
            "csrf_token": client.cookies.get("padan_login_csrf"),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    client.cookies.set("padan_lang", lang)


def _quarantine_page(client: TestClient) -> str:
    history = client.get("/ingest").text
    link = history.split('href="/ingest/')[-1].split('"')[0]
    return client.get(f"/ingest/{link}").text


@pytest.mark.parametrize(
    ("lang", "shown", "raw"),
    [
        ("id", ["tanggal tidak ada di kalender", "Tanggal pengaduan"], ["tanggal_tidak_ada"]),
        ("en", ["date does not exist in the calendar", "Complaint date"], ["tanggal_pengaduan<"]),
    ],
)
def test_labels_quarantine_reasons_and_columns(
    labelled: TestClient, lang: str, shown: list[str], raw: list[str]
) -> None:
    _login(labelled, "kpai1", lang)
    page = _quarantine_page(labelled)
    for text in shown:
        assert text in page
    for code in raw:
        assert code not in page


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("id", ["Tidak berizin", "Belum terakreditasi", "Status izin"]), ("en", ["Unlicensed"])],
)
def test_labels_institution_codes(labelled: TestClient, lang: str, shown: list[str]) -> None:
    _login(labelled, "kemensos1", lang)
    listing = labelled.get("/institutions?q=").text
    profile = labelled.get("/institutions/LBL-1").text
    for text in shown:
        assert text in listing and text in profile
    assert "TIDAK_BERIZIN" not in listing
    assert "TIDAK_BERIZIN" not in profile


def test_labels_roles_on_the_users_page(labelled: TestClient) -> None:
    _login(labelled, "admin1", "id")
    page = labelled.get("/admin/users").text
    assert "Analis KPAI" in page and ">analis_kpai<" not in page


def _upload(client: TestClient, name: str, content: bytes) -> str:
    page = client.get("/ingest").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/ingest",
        data={"source": "kpai", "csrf_token": csrf},
        files={"file": (name, content, "text/csv")},
    )
    assert response.status_code == 400
    return response.text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("id", "kolom wajib tidak ada: no_pengaduan"),
        ("en", "required column(s) missing for kpai_kasus: no_pengaduan"),
    ],
)
def test_labels_upload_error_speaks_the_language_and_not_the_cli(
    labelled: TestClient, lang: str, expected: str
) -> None:
    _login(labelled, "kpai1", lang)
    page = _upload(labelled, "kasus.csv", b"nama;umur\nBudi;7\n")
    assert expected in page
    assert "kasus.csv:" in page
    assert "--mapping" not in page and "padan-upload-" not in page and "/tmp" not in page


def test_labels_institution_form_error_names_fields_by_label(labelled: TestClient) -> None:
    _login(labelled, "kemensos1", "id")
    form = labelled.get("/institutions/new").text
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    response = labelled.post(
        "/institutions/new",
        data={
            "csrf_token": csrf,
            "nama_lembaga": "LKSA Uji",
            "jenis": "LKSA",
            "kode_wilayah": "32.01",
            "akreditasi": "BELUM",
            "tanggal_akreditasi": "2020-01-01",
        },
    )
    assert response.status_code == 400
    # The problem is said next to its field, in Indonesian, not in the library's English.
    assert gettext("Not saved. Correct the fields below.", "id") in response.text
    assert (
        '<span class="field-error" id="e-tanggal_akreditasi">Kosongkan selama akreditasi BELUM.'
        in (response.text)
    )
    assert "is given but" not in response.text


def test_labels_page_not_found_speaks_indonesian(labelled: TestClient) -> None:
    _login(labelled, "kpai1", "id")
    page = labelled.get("/no-such-page")
    assert page.status_code == 404
    assert "Halaman ini tidak ada" in page.text and "Not Found" not in page.text


def test_labels_search_export_for_people_has_labelled_headers_the_api_keeps_codes(
    labelled: TestClient, world: WebWorld
) -> None:
    _login(labelled, "kpai1", "id")
    page = labelled.get("/children/export.csv", params={"q": "an", "purpose": "uji"})
    assert page.status_code == 200
    header = page.text.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("ID anak,Kode wilayah") and "Jenis kelamin" in header
    assert len(page.text.splitlines()) > 1
    assert "Laki-laki" in page.text or "Perempuan" in page.text
    assert ",L," not in page.text and ",P," not in page.text
    bearer = {"Authorization": f"Bearer {world.tokens['kpai1']}"}
    api = labelled.get(
        "/api/v1/exports/children.csv", params={"q": "an", "purpose": "uji"}, headers=bearer
    )
    assert api.text.lstrip("\ufeff").startswith("child_id,kode_wilayah")


def test_labels_refusal_names_the_role_by_its_label(labelled: TestClient) -> None:
    _login(labelled, "audit1", "id")
    page = labelled.get("/ingest")
    assert page.status_code == 403
    assert "peran Auditor tidak boleh" in page.text and "may not" not in page.text


def test_labels_upload_summary_names_columns_and_reasons(
    labelled: TestClient, world: WebWorld, tmp_path: Path
) -> None:
    _login(labelled, "kpai1", "id")
    broken = write_broken_kpai(world.data_files["kpai"], tmp_path)
    page = labelled.get("/ingest").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = labelled.post(
        "/ingest",
        data={"source": "kpai", "csrf_token": csrf},
        files={"file": ("rusak.csv", broken.read_bytes() + b"\n", "text/csv")},  # new content
    )
    assert response.status_code == 200, response.text
    assert "Tanggal pengaduan: tanggal tidak ada di kalender" in response.text
    assert "tanggal_pengaduan:tanggal_tidak_ada" not in response.text


def test_labels_risk_page_says_never_inspected_not_never_expiring(labelled: TestClient) -> None:
    # "never" means two things: a token that never expires, an institution never inspected.
    _login(labelled, "kemensos1", "id")
    page = labelled.get("/institutions/risk").text
    assert "belum pernah" in page and "tidak kedaluwarsa" not in page
