"""A snapshot through the JSON API: the same guard, dry run and scope errors as ``padan ingest``,
and nothing stored when refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.access.auth import create_token, create_user
from padan.store import Store, open_store
from padan.web import create_app
from support.snapshots import write_dtsen

PASSWORD = "rahasia-sekali-123"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, Store, dict[str, str]]]:
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    create_user(store, "kemensos1", role="analis_kemensos", password=PASSWORD)
    headers = {"Authorization": f"Bearer {create_token(store, 'kemensos1')}"}
    app = create_app(store, model_path=tmp_path / "model.json", secure_cookies=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        first = write_dtsen(tmp_path, "q1", ["H1", "H2", "H3"])
        sent = client.post(
            "/api/v1/ingest/dtsen",
            headers=headers,
            files={"file": ("q1.csv", first.read_bytes(), "text/csv")},
        )
        assert sent.status_code == 200, sent.text
        yield client, store, headers
    store.engine.dispose()


@pytest.mark.parametrize(
    ("form", "status", "expect"),
    [
        ({"snapshot": "true"}, 400, {"message": "--allow-large-removal", "current": 6}),
        (
            {"snapshot": "true", "dry_run": "true"},
            200,
            {"retired": 2, "dry_run": True, "over_limit": True, "current": 6},
        ),
        ({"snapshot": "true", "allow_large_removal": "true"}, 200, {"retired": 2, "current": 4}),
        (
            {"snapshot": "true", "snapshot_scope": "32.1"},
            400,
            {"message": "snapshot_scope", "current": 6},
        ),
        ({"snapshot_scope": "32.01"}, 400, {"message": "without snapshot", "current": 6}),
        ({}, 200, {"retired": 0, "current": 6}),
    ],
)
def test_api_upload_snapshot(
    api: tuple[TestClient, Store, dict[str, str]],
    tmp_path: Path,
    form: dict[str, str],
    status: int,
    expect: dict[str, Any],
) -> None:
    client, store, headers = api
    q2 = write_dtsen(tmp_path, "q2", ["H1", "H3"])
    response = client.post(
        "/api/v1/ingest/dtsen",
        headers=headers,
        data=form,
        files={"file": ("q2.csv", q2.read_bytes(), "text/csv")},
    )
    assert response.status_code == status, response.text
    body = response.json()
    if "message" in expect:
        assert expect["message"] in body["error"]["message"]
        assert str(tmp_path) not in response.text
    for key in ("retired", "dry_run", "over_limit"):
        if key in expect:
            assert body[key] == expect[key]
    assert store.count_records("dtsen_individu") == expect["current"]


def test_upload_page_dry_run_snapshot_shows_what_would_change(
    api: tuple[TestClient, Store, dict[str, str]], tmp_path: Path
) -> None:
    client, store, headers = api
    client.get("/login")
    login = {"username": "kemensos1", "password": PASSWORD}
    login["csrf_token"] = client.cookies.get("padan_login_csrf") or ""
    assert client.post("/login", data=login, follow_redirects=False).status_code == 303
    page = client.get("/ingest?lang=en").text
    assert 'name="snapshot"' in page and 'for="f-snapshot_scope"' in page
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    q2 = write_dtsen(tmp_path, "q2", ["H1", "H3"])
    form = {"csrf_token": found.group(1), "source": "dtsen", "snapshot": "true", "dry_run": "true"}
    shown = client.post("/ingest", data=form, files={"file": ("q2.csv", q2.read_bytes())})
    assert shown.status_code == 200, shown.text[:500]
    assert 'id="sum-dry-run"' in shown.text and 'id="sum-retired">2<' in shown.text
    form["snapshot_scope"] = "32.1"
    refused = client.post("/ingest", data=form, files={"file": ("q2.csv", q2.read_bytes())})
    assert refused.status_code == 400 and 'id="e-snapshot_scope"' in refused.text
    assert store.count_records("dtsen_individu") == 6
    # Nothing stored by the dry run: the history lists the first load only, not a snapshot.
    history = client.get("/ingest").text
    assert (
        '<th scope="col">Ekstrak lengkap</th>' in history
        and "<td>seluruh sumber</td>" not in history
    )
    applied = client.post(
        "/api/v1/ingest/dtsen",
        headers=headers,
        data={"snapshot": "true", "snapshot_scope": "32.01", "allow_large_removal": "true"},
        files={"file": ("q2.csv", q2.read_bytes(), "text/csv")},
    )
    assert applied.status_code == 200, applied.text
    assert "<td>32.01</td>" in client.get("/ingest").text
