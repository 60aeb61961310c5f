"""The DCI registry's envelope, tokens and errors, the asynchronous answers sent to a real
receiver, and the transaction status."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from padan.access.auth import login
from padan.store import Store
from padan.store.audit import audit_entries
from padan.web.deps import SESSION_COOKIE
from support.dci import envelope, search_message

_BY_ID = {"type": "PADAN_CHILD_ID", "value": "PDN000000001"}


def _valid() -> dict[str, Any]:
    return envelope("search", search_message("idtype-value", _BY_ID))


def _without(key: str) -> dict[str, Any]:
    body = _valid()
    del body[key]
    return body


def _header(**changes: Any) -> dict[str, Any]:
    body = _valid()
    body["header"].update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "code", "names"),
    [
        (_without("message"), "err.request.bad", "message"),
        (_without("header"), "err.request.bad", "header"),
        (_header(action="subscribe"), "err.request.bad", "header.action"),
        (_header(message_ts="yesterday"), "err.request.bad", "header.message_ts"),
        (_header(message_ts="2026-01-01T10:00:00"), "err.request.bad", "time zone"),
        (_header(total_count="one"), "err.request.bad", "header.total_count"),
        (_header(version="2.0.0"), "err.version.not_supported", "1.0.0"),
        (_header(is_msg_encrypted=True), "err.encryption.invalid", "encrypted"),
        (_header(receiver_id="sr-server"), "err.receiver_id.invalid", "'padan'"),
        ("not an object", "err.request.bad", "JSON object"),
    ],
)
def test_a_bad_envelope_is_refused_saying_what_is_wrong_and_audited(
    dci_client: TestClient, dci_world: Any, dci_store: Store, body: Any, code: str, names: str
) -> None:
    headers = {"Authorization": f"Bearer {dci_world.tokens['kemensos1']}"}
    response = dci_client.post("/registry/sync/search", json=body, headers=headers)
    assert response.status_code == 400
    message = response.json()["message"]
    assert message["ack_status"] == "ERR" and message["correlation_id"]
    assert message["error"]["code"] == code
    assert names in message["error"]["message"]
    entry = audit_entries(dci_store, limit=1)[0]
    assert (entry.username, entry.action) == ("kemensos1", "registry_refused")
    assert entry.target == f"search: {code}"


def test_a_body_that_is_not_json_is_refused(dci_client: TestClient, dci_world: Any) -> None:
    headers = {
        "Authorization": f"Bearer {dci_world.tokens['kemensos1']}",
        "Content-Type": "application/json",
    }
    response = dci_client.post("/registry/sync/search", content=b"{nope", headers=headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "err.request.bad"


@pytest.mark.parametrize(
    ("path", "authorization"),
    [
        ("/registry/sync/search", None),
        ("/registry/sync/search", "Bearer padan_not-a-real-token"),
        ("/registry/search", "Basic dXNlcjpwYXNz"),
        ("/registry/sync/txn/status", None),
        ("/registry/subscribe", None),
    ],
)
def test_a_request_without_a_valid_token_is_unauthorized(
    dci_client: TestClient, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = dci_client.post(path, json=_valid(), headers=headers)
    assert response.status_code == 401
    assert response.json()["message"]["error"]["code"] == "err.request.unauthorized"


def test_a_session_cookie_does_not_authenticate_a_dci_request(
    dci_client: TestClient, dci_store: Store
) -> None:
    session_id, _ = login(dci_store, "kemensos1", "rahasia-sekali-123", client="test")
    dci_client.cookies.set(SESSION_COOKIE, session_id)
    assert dci_client.get("/api/v1/me").status_code == 200  # the cookie is a live session
    response = dci_client.post("/registry/sync/search", json=_valid())
    assert response.status_code == 401
    assert response.json()["message"]["error"]["code"] == "err.request.unauthorized"


def test_a_role_without_search_is_forbidden(dci_client: TestClient, dci_world: Any) -> None:
    headers = {"Authorization": f"Bearer {dci_world.tokens['audit1']}"}
    response = dci_client.post("/registry/sync/search", json=_valid(), headers=headers)
    assert response.status_code == 403
    assert response.json()["message"]["error"]["code"] == "err.request.forbidden"


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append((self.path, json.loads(self.rfile.read(length))))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"message": {"ack_status": "ACK"}}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """A callback receiver on 127.0.0.1 (a real HTTP server in a thread)."""
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Receiver.received
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "action", "message", "answer"),
    [
        ("/registry/search", "search", search_message("idtype-value", _BY_ID), "on-search"),
        (
            "/registry/unsubscribe",
            "unsubscribe",
            {
                "transaction_id": "t-u",
                "timestamp": "2026-12-06T10:00:00Z",
                "subscription_codes": ["s1"],
            },
            "on-unsubscribe",
        ),
        (
            "/registry/subscribe",
            "subscribe",
            {
                "transaction_id": "t-s",
                "subscribe_request": [
                    {
                        "reference_id": "r-s",
                        "timestamp": "2026-12-06T10:00:00Z",
                        "subscribe_criteria": {"reg_event_type": "REGISTER"},
                    }
                ],
            },
            "on-subscribe",
        ),
        (
            "/registry/txn/status",
            "txn-status",
            {
                "transaction_id": "t-x",
                "txnstatus_request": {
                    "reference_id": "r-x",
                    "txn_type": "search",
                    "attribute_type": "transaction_id",
                    "attribute_value": "never-sent",
                },
            },
            "txn/on-status",
        ),
    ],
)
def test_an_asynchronous_request_is_acknowledged_then_answered_by_callback(
    dci_client: TestClient,
    dci_world: Any,
    dci_store: Store,
    receiver: Any,
    path: str,
    action: str,
    message: dict[str, Any],
    answer: str,
) -> None:
    base, received = receiver
    body = envelope(action, message, sender_uri=f"{base}/registry/{answer}")
    headers = {"Authorization": f"Bearer {dci_world.tokens['kemensos1']}"}
    response = dci_client.post(path, json=body, headers=headers)
    assert response.status_code == 200
    ack = response.json()["message"]
    assert ack["ack_status"] == "ACK"
    # The test client runs the background task before it returns.
    assert [p for p, _ in received] == [f"/registry/{answer}"]
    sent = received[0][1]
    assert sent["header"]["action"] == answer.replace("/", "-")
    assert sent["message"]["transaction_id"] == message["transaction_id"]
    assert sent["message"]["correlation_id"] == ack["correlation_id"]
    entry = audit_entries(dci_store, limit=1)[0]
    assert entry.action == "registry_callback" and "HTTP 200" in entry.target


def test_a_callback_to_an_unlisted_host_is_refused(dci_client: TestClient, dci_world: Any) -> None:
    body = envelope(
        "search",
        search_message("idtype-value", _BY_ID),
        sender_uri="http://203.0.113.5/registry/on-search",
    )
    headers = {"Authorization": f"Bearer {dci_world.tokens['kemensos1']}"}
    response = dci_client.post("/registry/search", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["message"]["error"]["code"] == "err.sender_uri.invalid"


def test_the_status_of_a_search_is_known_to_its_caller_only(
    dci_client: TestClient, dci_world: Any
) -> None:
    search = search_message("idtype-value", _BY_ID)
    kemensos = {"Authorization": f"Bearer {dci_world.tokens['kemensos1']}"}
    done = dci_client.post(
        "/registry/sync/search", json=envelope("search", search), headers=kemensos
    )
    correlation = done.json()["message"]["correlation_id"]
    status_request = {
        "transaction_id": "t-status",
        "txnstatus_request": {
            "reference_id": "r-status",
            "txn_type": "search",
            "attribute_type": "transaction_id",
            "attribute_value": search["transaction_id"],
        },
    }

    def status(user: str) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {dci_world.tokens[user]}"}
        body = envelope("txn-status", status_request)
        response = dci_client.post("/registry/sync/txn/status", json=body, headers=headers)
        assert response.status_code == 200
        assert response.json()["header"]["action"] == "txn-on-status"
        found: dict[str, Any] = response.json()["message"]["txnstatus_response"]["txn_status"]
        return found

    mine = status("kemensos1")
    assert mine["correlation_id"] == correlation
    assert [(i["reference_id"], i["status"]) for i in mine["search_response"]] == [("r-1", "succ")]
    other = status("daerah1")
    assert [(i["reference_id"], i["status"]) for i in other["search_response"]] == [
        ("r-status", "rjct")
    ]
