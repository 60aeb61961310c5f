"""Linkage runs started from the web: who may, in the background, one at a time, with progress,
audited; and the dashboard's notice when the data changed after the latest run."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from padan import Padan, Settings
from padan.api import link_job, start_link
from padan.linkage import frequencies_path
from padan.store import Store, open_store
from padan.store.audit import audit_entries
from padan.web import create_app
from web.conftest import PASSWORD, WebWorld


@dataclass
class Copy:
    store: Store
    padan: Padan
    client: TestClient


@pytest.fixture
def copy(world: WebWorld, tmp_path: Path) -> Iterator[Copy]:
    """The shared world's store and model, copied: these tests add runs and decisions."""
    shutil.copy(world.work / "padan.db", tmp_path / "padan.db")
    shutil.copy(world.model, tmp_path / "model.json")
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    padan = Padan(store, settings=Settings(model_path=tmp_path / "model.json"))
    app = create_app(store, model_path=tmp_path / "model.json", secure_cookies=False)
    with TestClient(app) as client:
        yield Copy(store, padan, client)
    store.engine.dispose()


def _login(client: TestClient, username: str) -> str:
    client.get("/login")
    token = client.cookies.get("padan_login_csrf")
    done = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dashboard").text)
    assert found
    return found.group(1)


def _wait_done(client: TestClient, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get("/runs/job", headers={"HX-Request": "true"})
        assert page.status_code == 200
        if 'data-status="running"' not in page.text:
            assert page.headers.get("HX-Refresh") == "true"  # the page reloads with the run
            return page.text
        assert 'hx-trigger="every 2s"' in page.text
        time.sleep(0.1)
    raise AssertionError("the run did not end")


def test_a_permitted_role_runs_linkage_from_the_runs_page(copy: Copy) -> None:
    client, padan = copy.client, copy.padan
    csrf = _login(client, "admin1")
    if padan.changes().changed:  # earlier tests decided pairs in the shared world
        padan.link()
    before = padan.latest_run()
    assert before is not None
    assert 'id="data-changed"' not in client.get("/dashboard").text
    # A review decision after the run: the dashboard says the figures are behind.
    uid_a, uid_b, *_ = copy.store.link_pairs(before.id)[0]
    padan.review.decide(uid_a, uid_b, "unsure", reviewer="tinjau1", reason="ragu")
    dashboard = client.get("/dashboard").text
    assert "Data berubah sejak pemadanan terakhir" in dashboard
    assert f"(proses pemadanan {before.id}): 0 batch baru, 1 keputusan tinjauan baru" in dashboard
    assert 'href="/runs">Jalankan pemadanan' in dashboard
    page = client.get("/runs").text
    assert 'id="link-start"' in page and 'action="/runs/link"' in page
    started = client.post("/runs/link", data={"csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"] == "/runs"
    ended = _wait_done(client)
    assert 'data-status="done"' in ended and f"proses pemadanan {before.id + 1}" in ended
    latest = padan.latest_run()
    assert latest is not None and latest.id == before.id + 1
    runs = client.get("/runs").text
    assert f"<td>{latest.id}</td>" in runs and "Pemadanan selesai" in runs
    assert 'id="data-changed"' not in client.get("/dashboard").text
    actions = [(e.username, e.action, e.target) for e in audit_entries(copy.store, limit=20)]
    assert ("admin1", "link_start", "incremental") in actions
    assert ("admin1", "link_end", f"incremental run {latest.id}") in actions
    api = client.get("/api/v1/runs/job").json()["job"]
    assert api["status"] == "done" and api["run_id"] == latest.id and api["steps"]


def test_a_run_without_the_models_name_frequencies_says_so(copy: Copy, world: WebWorld) -> None:
    client, padan = copy.client, copy.padan
    csrf = _login(client, "admin1")
    model = padan.settings.model_path
    shutil.copy(frequencies_path(world.model), frequencies_path(model))  # the model's own
    client.post("/runs/link", data={"csrf_token": csrf}, follow_redirects=False)
    assert 'id="frequencies-warning"' not in _wait_done(client)
    assert client.get("/api/v1/runs/job").json()["job"]["name_frequencies"] == "frozen"
    frequencies_path(model).unlink()
    client.post("/runs/link", data={"csrf_token": csrf}, follow_redirects=False)
    ended = _wait_done(client)
    assert 'id="frequencies-warning"' in ended and "Frekuensi nama model tidak ada" in ended
    assert client.get("/api/v1/runs/job").json()["job"]["name_frequencies"] == "lost"


def test_a_second_start_while_one_runs_gets_a_clear_message(copy: Copy, world: WebWorld) -> None:
    client = copy.client
    csrf = _login(client, "admin1")
    first_step, release = threading.Event(), threading.Event()

    def hold(step: str) -> None:
        first_step.set()
        release.wait(60)

    start_link(copy.padan, started_by="admin1", progress=hold)
    try:
        assert first_step.wait(60)
        again = client.post("/runs/link", data={"csrf_token": csrf}, follow_redirects=True)
        assert again.status_code == 200 and 'id="link-busy"' in again.text
        assert "Pemadanan lain masih berjalan pada data ini" in again.text
        assert 'data-status="running"' in again.text and 'id="link-start"' not in again.text
        bearer = {"Authorization": f"Bearer {world.tokens['admin1']}"}
        api = client.post("/api/v1/runs", json={"full": False}, headers=bearer)
        assert api.status_code == 409 and api.json()["error"]["code"] == "busy"
        assert "link_start" not in {e.action for e in audit_entries(copy.store, limit=20)}
    finally:
        release.set()
    _wait_done(client)
    job = link_job(copy.padan)
    assert job is not None and job.status == "done"


def test_only_roles_with_run_linkage_may_start(copy: Copy, world: WebWorld) -> None:
    client = copy.client
    csrf = _login(client, "kpai1")  # may see the runs, not start one
    page = client.get("/runs")
    assert page.status_code == 200 and 'id="link-start"' not in page.text
    refused = client.post("/runs/link", data={"csrf_token": csrf}, follow_redirects=False)
    assert refused.status_code == 403
    for user in ("kpai1", "tinjau1", "daerah1", "audit1"):
        bearer = {"Authorization": f"Bearer {world.tokens[user]}"}
        answer = client.post("/api/v1/runs", json={}, headers=bearer)
        assert answer.status_code == 403, user
        assert answer.json()["error"]["code"] == "forbidden"
    assert link_job(copy.padan) is None
    bearer = {"Authorization": f"Bearer {world.tokens['admin1']}"}
    started = client.post("/api/v1/runs", json={"full": True}, headers=bearer)
    assert started.status_code == 202 and started.json()["full"] is True
    deadline = time.monotonic() + 120
    while (job := client.get("/api/v1/runs/job", headers=bearer).json()["job"])["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["status"] == "done", job


def test_an_upload_shows_its_name_and_the_changed_notice_stands_above_the_figures(
    copy: Copy, world: WebWorld
) -> None:
    client, padan = copy.client, copy.padan
    csrf = _login(client, "admin1")
    if padan.changes().changed:
        padan.link()
    lines = world.data_files["kpai"].read_text(encoding="utf-8").splitlines()
    content = ("\n".join(lines[:5]) + "\n").encode("utf-8")
    page = client.post(
        "/ingest",
        data={"source": "kpai", "csrf_token": csrf},
        files={"file": ("kpai_tambahan.csv", content, "text/csv")},
    )
    assert page.status_code == 200 and 'id="summary"' in page.text
    assert "kpai_tambahan.csv → batch" in page.text
    assert "padan-upload-" not in page.text  # never the server's temporary folder
    bearer = {"Authorization": f"Bearer {world.tokens['admin1']}"}
    api = client.post(
        "/api/v1/ingest/kpai",
        files={"file": ("kpai_lagi.csv", b"\n".join(content.splitlines()[:3]) + b"\n")},
        headers=bearer,
    )
    assert api.status_code == 200 and api.json()["file"] == "kpai_lagi.csv", api.text
    dashboard = client.get("/dashboard").text
    # Above the tiles: every figure on the page is behind, and a phone shows it first.
    assert 0 < dashboard.index('id="data-changed"') < dashboard.index('class="tiles"')
    assert "2 batch baru" in dashboard


def test_a_refused_page_says_why_in_the_users_language(copy: Copy) -> None:
    client = copy.client
    _login(client, "daerah1")
    page = client.get("/runs")
    assert page.status_code == 403 and 'data-code="forbidden"' in page.text
    assert "Peran Anda tidak berhak membuka halaman" in page.text
    client.cookies.set("padan_lang", "en")
    english = client.get("/runs")
    assert english.status_code == 403 and "Your role may not open this page" in english.text


def test_the_progress_steps_read_in_the_users_language(copy: Copy) -> None:
    client = copy.client
    _login(client, "admin1")
    first_step, release = threading.Event(), threading.Event()

    def hold(step: str) -> None:
        first_step.set()
        release.wait(60)

    start_link(copy.padan, started_by="admin1", full=True, progress=hold)
    try:
        assert first_step.wait(60)
        page = client.get("/runs/job", headers={"HX-Request": "true"}).text
        assert 'data-status="running"' in page and "catatan siap" in page
        assert "records ready" not in page
        client.cookies.set("padan_lang", "en")
        assert "records ready" in client.get("/runs/job").text
        client.cookies.set("padan_lang", "id")
    finally:
        release.set()
    ended = _wait_done(client)
    assert 'data-status="done"' in ended


def test_the_model_card_has_labels_in_the_users_language_not_python_reprs(copy: Copy) -> None:
    client = copy.client
    _login(client, "admin1")
    page = client.get("/runs").text
    card = page[page.index('id="model-meta"') : page.index("</dl>", page.index('id="model-meta"'))]
    assert "<dt>Versi model</dt>" in card and "<dt>Catatan pelatihan</dt>" in card
    assert "<dt>training_records</dt>" not in card
    assert "[&#39;" not in card and "{&#39;" not in card  # no Python list or dict reprs
    assert 'l."' not in card and "l.&#34;" not in card and "= r." not in card  # no SQL
    assert "sama nama + tanggal lahir; sama NIK" in card
    client.cookies.set("padan_lang", "en")
    assert "<dt>Training records</dt>" in client.get("/runs").text


def test_a_start_without_a_body_is_an_incremental_run_and_busy_goes_with_the_run(
    copy: Copy, world: WebWorld
) -> None:
    client = copy.client
    _login(client, "admin1")
    bearer = {"Authorization": f"Bearer {world.tokens['admin1']}"}
    started = client.post("/api/v1/runs", headers=bearer)  # no body: the defaults
    assert started.status_code == 202, started.text
    assert started.json()["full"] is False
    _wait_done(client)
    # The page the busy redirect left (htmx reloads it when the run ends): no stale notice.
    page = client.get("/runs?busy=1").text
    assert 'data-status="done"' in page and 'id="link-busy"' not in page


def test_the_english_notice_counts_in_singular_and_plural(
    copy: Copy, world: WebWorld, tmp_path: Path
) -> None:
    client, padan = copy.client, copy.padan
    _login(client, "admin1")
    if padan.changes().changed:
        padan.link()
    lines = world.data_files["kpai"].read_text(encoding="utf-8").splitlines()
    one = tmp_path / "satu_batch.csv"
    one.write_text("\n".join([lines[0], *lines[9:11]]) + "\n", encoding="utf-8")
    padan.ingest("kpai", one)
    client.cookies.set("padan_lang", "en")
    notice = client.get("/dashboard").text
    assert "1 new batch, 0 new review decisions." in notice
    assert "1 new batches" not in notice


def test_an_unreadable_model_file_is_said_not_shown_as_an_empty_card(
    copy: Copy, tmp_path: Path
) -> None:
    client = copy.client
    csrf = _login(client, "admin1")
    (tmp_path / "model.json").write_text("{not json", encoding="utf-8")
    page = client.get("/runs").text
    assert 'id="model-unreadable"' in page and "Berkas model tidak dapat dibaca" in page
    assert 'id="model-meta"' not in page
    started = client.post("/runs/link", data={"csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303
    ended = _wait_done(client)
    assert 'data-status="failed"' in ended  # the run fails and says why; the page stays usable
    assert 'id="link-start"' in client.get("/runs").text
