"""CSRF: every state-changing route declares the dependency, and real requests show it holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from padan.store import Store
from padan.store.audit import audit_entries
from padan.web import create_app
from padan.web.deps import require_csrf, require_login_csrf
from web.conftest import PASSWORD, WebWorld

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _calls(dependant: Dependant) -> set[Any]:
    """Every dependency callable of a route, however deep."""
    found = set()
    for sub in dependant.dependencies:
        found.add(sub.call)
        found |= _calls(sub)
    return found


def _routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app, also those of included routers (kept lazily by newer FastAPI)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazily included routers: app.routes holds them all
        return [r for r in app.routes if isinstance(r, APIRoute)]
    found = (c.original_route for c in iter_route_contexts(app.routes))
    return [r for r in found if isinstance(r, APIRoute)]


def _writes(tmp_path: Path, store: Store) -> list[tuple[str, str, set[Any]]]:
    """(method, path, dependency callables) of every state-changing route that a session
    cookie authenticates: the DCI registry API (``/registry/``) takes a bearer token only,
    never the cookie a browser would send on its own (tests/dci/test_exchange.py)."""
    app = create_app(store, model_path=tmp_path / "model.json")
    return [
        (method, route.path, _calls(route.dependant))
        for route in _routes(app)
        for method in sorted(route.methods & _WRITES)
        if not route.path.startswith("/registry/")
    ]


def test_every_state_changing_route_carries_the_csrf_dependency(
    tmp_path: Path, web_store: Store
) -> None:
    writes = _writes(tmp_path, web_store)
    assert len(writes) >= 15, writes  # the pages' forms and the API's writes
    for method, path, calls in writes:
        wanted = require_login_csrf if path == "/login" else require_csrf
        assert wanted in calls, f"{method} {path} does not depend on {wanted.__name__}"


def _login(client: TestClient, username: str) -> str:
    """Log in through the form; returns the session's CSRF token as the pages carry it."""
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


def _concrete(path: str) -> str:
    """A path with its parameters filled in (the CSRF check comes before anything else)."""
    values = {
        "source": "kpai",
        "id_lembaga": "L-NONE",
        "finding_id": "1",
        "username": "kpai1",
        "action": "deactivate",
        "token_id": "1",
        "name": "usulan_dtsen",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


@pytest.mark.parametrize("token", [None, "wrong-token", "tökén"])
def test_session_writes_without_the_right_token_are_refused_and_change_nothing(
    tmp_path: Path, web_store: Store, client: TestClient, token: str | None
) -> None:
    _login(client, "admin1")
    before = len(audit_entries(web_store, limit=100_000))
    writes = [w for w in _writes(tmp_path, web_store) if w[1] != "/login"]
    for method, path, _ in writes:
        data = {"csrf_token": token} if token else None
        response = client.request(method, _concrete(path), data=data, follow_redirects=False)
        assert response.status_code == 403, (method, path, response.status_code)
        if path.startswith("/api/"):
            assert response.json()["error"]["code"] == "csrf", (method, path)
        else:
            assert "CSRF" in response.text, (method, path)
    assert len(audit_entries(web_store, limit=100_000)) == before
    assert client.get("/dashboard").status_code == 200  # still logged in: logout was refused


def test_the_session_token_is_taken_from_the_form_or_the_header(client: TestClient) -> None:
    csrf = _login(client, "tinjau1")
    body = {"record_a": "kpai:X1", "record_b": "kpai:X2", "decision": "unsure", "reason": "uji"}
    by_header = client.post("/api/v1/review/decisions", json=body, headers={"X-CSRF-Token": csrf})
    # Past the CSRF check, the service refuses records the latest run does not know.
    assert by_header.status_code == 400, by_header.text
    assert "not in the latest linkage run" in by_header.json()["error"]["message"]
    in_form = client.post(
        "/review/decide", data={**body, "csrf_token": csrf}, follow_redirects=False
    )
    assert in_form.status_code == 400 and "not in the latest linkage run" in in_form.text
    wrong_header = client.post(
        "/api/v1/review/decisions", json=body, headers={"X-CSRF-Token": csrf[:-1] + "x"}
    )
    assert wrong_header.status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_bearer_requests_need_no_csrf_token(world: WebWorld, client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {world.tokens['tinjau1']}"}
    body = {"record_a": "kpai:X1", "record_b": "kpai:X2", "decision": "unsure", "reason": "uji"}
    response = client.post("/api/v1/review/decisions", json=body, headers=headers)
    assert response.status_code == 400, response.text  # past the CSRF check: unknown records
    assert response.json()["error"]["code"] == "bad_input"


def test_a_session_token_from_another_session_is_refused(world: WebWorld) -> None:
    from padan.store import open_store

    store = open_store(world.url)
    try:
        app = create_app(store, model_path=world.model, secure_cookies=False)
        with TestClient(app) as first, TestClient(app) as second:
            theirs = _login(first, "tinjau1")
            _login(second, "tinjau2")
            response = second.post("/logout", data={"csrf_token": theirs})
            assert response.status_code == 403
    finally:
        store.engine.dispose()


@pytest.mark.parametrize("token", [None, "wrong-token", "tökén"])
def test_the_login_form_without_its_token_is_shown_again(
    client: TestClient, token: str | None
) -> None:
    client.get("/login")
    data = {"username": "tinjau1", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 200 and 'id="login-error"' in response.text
    assert "padan_session" not in response.cookies
    assert client.cookies.get("padan_login_csrf")  # a fresh form token to try again with
