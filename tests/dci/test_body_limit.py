"""Bodies refused before they are read (too large, or chunked without a length) are answered
on ``/registry/...`` with the DCI error envelope, not the web app's HTML page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.store import Store
from padan.web import create_app
from support.dci import envelope, search_message

_BY_ID = {"type": "PADAN_CHILD_ID", "value": "PDN000000001"}


@pytest.fixture
def small_upload_client(dci_world: Any, dci_store: Store) -> Iterator[TestClient]:
    """The app with an upload limit (1 KiB) far below the DCI message limit."""
    app = create_app(
        dci_store, model_path=dci_world.model, secure_cookies=False, upload_max_bytes=1024
    )
    with TestClient(app) as client:
        yield client


def _body(padding: int) -> bytes:
    body = envelope("search", search_message("idtype-value", _BY_ID))
    body["message"]["padding"] = "x" * padding  # an unknown field: ignored if taken
    return json.dumps(body).encode()


def _post(client: TestClient, world: Any, content: Any) -> Any:
    headers = {
        "Authorization": f"Bearer {world.tokens['kemensos1']}",
        "Content-Type": "application/json",
    }
    return client.post("/registry/sync/search", content=content, headers=headers)


def _dci_error(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    error: dict[str, Any] = response.json()["message"]["error"]
    assert response.json()["message"]["ack_status"] == "ERR"
    return error


def test_a_body_over_the_upload_limit_gets_a_dci_error(
    small_upload_client: TestClient, dci_world: Any
) -> None:
    response = _post(small_upload_client, dci_world, _body(3 * 2**20))
    assert response.status_code == 413
    error = _dci_error(response)
    assert error["code"] == "err.request.bad" and "KiB" in error["message"]


def test_a_dci_message_follows_its_own_limit_not_the_upload_limit(
    small_upload_client: TestClient, dci_world: Any
) -> None:
    response = _post(small_upload_client, dci_world, _body(200 * 1024))
    assert response.status_code == 200, response.text[:200]


def test_a_chunked_body_gets_a_dci_error(dci_client: TestClient, dci_world: Any) -> None:
    body = _body(10)
    response = _post(dci_client, dci_world, iter([body[:50], body[50:]]))
    assert response.status_code == 411
    error = _dci_error(response)
    assert error["code"] == "err.request.bad" and "Content-Length" in error["message"]


def test_the_web_app_keeps_its_page_for_a_chunked_upload(dci_client: TestClient) -> None:
    response = dci_client.post("/login", content=iter([b"a=1"]))
    assert response.status_code == 411
    assert response.headers["content-type"].startswith("text/html")
