"""Defects found in the review of the DCI registry API: malformed input answered with a DCI
error (never a 500), filters on fields the role may not see refused, callbacks that do not
follow redirects, and no signing key in the repository."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.dci.callbacks import post_callback
from support.dci import envelope, search_message

_KEY = re.compile(rb'"dci_signing_key":\s*"[0-9a-f]{64}"')
_BY_ID = {"type": "PADAN_CHILD_ID", "value": "PDN000000001"}


def _post(client: TestClient, world: Any, body: Any, *, path: str = "/registry/sync/search") -> Any:
    headers = {"Authorization": f"Bearer {world.tokens['kemensos1']}"}
    if isinstance(body, bytes):
        headers["Content-Type"] = "application/json"
        return client.post(path, content=body, headers=headers)
    return client.post(path, json=body, headers=headers)


def test_deeply_nested_json_is_a_bad_request_not_a_server_error(
    dci_client: TestClient, dci_world: Any
) -> None:
    response = _post(dci_client, dci_world, b"[" * 200_000 + b"]" * 200_000)
    assert response.status_code == 400, response.text
    assert response.json()["message"]["error"]["code"] == "err.request.bad"


def test_a_sender_uri_with_a_bad_port_is_refused_as_such(
    dci_client: TestClient, dci_world: Any
) -> None:
    body = envelope(
        "search",
        search_message("idtype-value", _BY_ID),
        sender_uri="http://127.0.0.1:99999/registry/on-search",
    )
    response = _post(dci_client, dci_world, body, path="/registry/search")
    assert response.status_code == 400, response.text
    assert response.json()["message"]["error"]["code"] == "err.sender_uri.invalid"


def _search(client: TestClient, world: Any, user: str, query_type: str, query: Any) -> Any:
    body = envelope("search", search_message(query_type, query))
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    response = client.post("/registry/sync/search", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["message"]["search_response"][0]


def _age(op: str, value: Any, seq: Any) -> dict[str, Any]:
    item = {"attribute_name": "age", "operator": op, "attribute_value": value}
    return {"seq_num": seq, "expression1": item}


@pytest.mark.parametrize(
    ("query_type", "query", "names"),
    [
        # seq_num of mixed types cannot be ordered
        ("predicate", [_age("lt", 6, 1), _age("ge", 1, "two")], "seq_num"),
        # an attribute without an operator compares nothing (was an empty AND: a 500)
        (
            "expression",
            {"value": {"expression": {"collection": "Member", "query": {"age": {}}}}},
            "takes an operator",
        ),
        # thousands of comparisons: more than a database's expression depth
        (
            "expression",
            {
                "value": {
                    "expression": {
                        "collection": "Member",
                        "query": {
                            "birth_date": {
                                "$in": [
                                    (dt.date(2010, 1, 1) + dt.timedelta(days=i)).isoformat()
                                    for i in range(1500)
                                ]
                            }
                        },
                    }
                }
            },
            "at most",
        ),
        (
            "expression",
            {
                "value": {
                    "expression": {
                        "collection": "Member",
                        "query": {"$or": [{"age": i % 18} for i in range(1500)]},
                    }
                }
            },
            "at most",
        ),
    ],
)
def test_a_malformed_or_oversized_query_is_rejected_not_a_server_error(
    dci_client: TestClient, dci_world: Any, query_type: str, query: Any, names: str
) -> None:
    answer = _search(dci_client, dci_world, "kemensos1", query_type, query)
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == "rjct.search_criteria.invalid"
    assert names in answer["status_reason_message"]


@pytest.mark.parametrize(
    "query",
    [
        [{"expression1": {"attribute_name": "desil", "operator": "eq", "attribute_value": 1}}],
        [{"expression1": {"attribute_name": "desil", "operator": "le", "attribute_value": 10}}],
    ],
)
def test_a_filter_on_a_field_the_role_may_not_see_is_refused(
    dci_client: TestClient, dci_world: Any, query: Any
) -> None:
    # analis_kpai does not see the DTSEN decile: filtering on it would reveal it child by child.
    answer = _search(dci_client, dci_world, "kpai1", "predicate", query)
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == "rjct.search_criteria.invalid"
    assert "desil" in answer["status_reason_message"]
    assert answer["data"]["reg_records"] == [] and "pagination" not in answer
    # A role that sees the decile gets an answer to the same query.
    seen = _search(dci_client, dci_world, "kemensos1", "predicate", query)
    assert seen["status"] == "succ"


class _Counter(BaseHTTPRequestHandler):
    hits: list[str]
    target = ""

    def _answer(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        if self.target:
            self.send_response(302)
            self.send_header("Location", self.target)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def two_servers() -> Iterator[tuple[str, list[str], list[str]]]:
    """A receiver that redirects to a second server; each server's requests."""
    inner_hits: list[str] = []
    outer_hits: list[str] = []
    inner = HTTPServer(("127.0.0.1", 0), type("Inner", (_Counter,), {"hits": inner_hits}))
    target = f"http://127.0.0.1:{inner.server_port}/internal/admin"
    outer = HTTPServer(
        ("127.0.0.1", 0), type("Outer", (_Counter,), {"hits": outer_hits, "target": target})
    )
    for server in (inner, outer):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{outer.server_port}/on-search", outer_hits, inner_hits
    for server in (inner, outer):
        server.shutdown()
        server.server_close()


def test_a_callback_does_not_follow_a_redirect(two_servers: Any) -> None:
    url, outer_hits, inner_hits = two_servers
    outcome = post_callback(url, {"message": {}})
    assert outer_hits == ["POST /on-search"]
    assert inner_hits == []  # the redirect would reach a host the partner list never named
    assert outcome == "HTTP 302"


def test_no_signing_key_is_kept_in_the_repository() -> None:
    root = Path(__file__).resolve().parents[2]
    listed = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    tracked = [root / name for name in listed.stdout.splitlines()]
    holding = [
        str(p.relative_to(root))
        for p in tracked
        if p.is_file() and p.stat().st_size < 1_000_000 and _KEY.search(p.read_bytes())
    ]
    assert holding == []


@pytest.mark.parametrize(
    ("which", "text", "names"),
    [
        ("signing", "not json", "PADAN_DCI_KEY_FILE"),
        ("signing", '{"other": 1}', "PADAN_DCI_KEY_FILE"),
        ("signing", '{"dci_signing_key": "zz"}', "PADAN_DCI_KEY_FILE"),
        ("partners", "not json", "PADAN_DCI_PARTNER_KEYS"),
        ("partners", '{"keys": [{"kty": "RSA", "kid": "a|b"}]}', "keys[0]"),
        (
            "partners",
            '{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "a|b", "x": "c2hvcnQ"}]}',
            "keys[0]",
        ),
        ("partners", "[1, 2]", "PADAN_DCI_PARTNER_KEYS"),
    ],
)
def test_a_bad_key_file_is_an_input_error_naming_it(
    dci_world: Any, tmp_path: Path, which: str, text: str, names: str
) -> None:
    from padan.errors import InputError
    from padan.store import open_store
    from padan.web import create_app

    path = tmp_path / "key.json"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    store = open_store(dci_world.url)
    option = {"dci_key_file": path} if which == "signing" else {"dci_partner_keys": path}
    try:
        with pytest.raises(InputError, match=re.escape(names)) as raised:
            create_app(store, model_path=dci_world.model, secure_cookies=False, **option)
        assert str(path) in str(raised.value)
    finally:
        store.engine.dispose()


def test_a_reference_id_used_twice_in_one_message_is_rejected_as_a_duplicate(
    dci_client: TestClient, dci_world: Any
) -> None:
    message = search_message("idtype-value", _BY_ID)
    message["search_request"].append(dict(message["search_request"][0]))
    response = _post(dci_client, dci_world, envelope("search", message))
    assert response.status_code == 200, response.text
    first, second = response.json()["message"]["search_response"]
    assert first["status"] == "succ"
    assert (second["status"], second["status_reason_code"]) == (
        "rjct",
        "rjct.reference_id.duplicate",
    )


@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1/on search", "http://127.0.0.1/on-search\r\nX-Injected: 1"]
)
def test_a_sender_uri_a_request_line_cannot_carry_is_refused_at_once(
    dci_client: TestClient, dci_world: Any, uri: str
) -> None:
    body = envelope("search", search_message("idtype-value", _BY_ID), sender_uri=uri)
    response = _post(dci_client, dci_world, body, path="/registry/search")
    assert response.status_code == 400, response.text
    assert response.json()["message"]["error"]["code"] == "err.sender_uri.invalid"


def test_the_status_of_a_search_is_found_by_its_correlation_id(
    dci_client: TestClient, dci_world: Any
) -> None:
    search = search_message("idtype-value", _BY_ID)
    done = _post(dci_client, dci_world, envelope("search", search))
    correlation = done.json()["message"]["correlation_id"]
    status_request = {
        "transaction_id": "t-status-by-correlation",  # a new transaction: the status request
        "txnstatus_request": {
            "reference_id": "r-status",
            "txn_type": "search",
            "attribute_type": "correlation_id",
            "attribute_value": correlation,
        },
    }
    body = envelope("txn-status", status_request)
    response = _post(dci_client, dci_world, body, path="/registry/sync/txn/status")
    assert response.status_code == 200, response.text
    found = response.json()["message"]["txnstatus_response"]["txn_status"]
    assert found["transaction_id"] == search["transaction_id"]
    assert found["correlation_id"] == correlation
    assert [(i["reference_id"], i["status"]) for i in found["search_response"]] == [("r-1", "succ")]
    # Another caller asking for the same correlation id learns nothing (a message of its own:
    # a message id is taken once).
    headers = {"Authorization": f"Bearer {dci_world.tokens['daerah1']}"}
    body = envelope("txn-status", status_request)
    other = dci_client.post("/registry/sync/txn/status", json=body, headers=headers).json()
    items = other["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert [(i["reference_id"], i["status"]) for i in items] == [("r-status", "rjct")]


def test_a_role_that_does_not_see_the_kk_cannot_search_by_it(
    dci_client: TestClient, dci_world: Any
) -> None:
    from padan.access.auth import create_token, create_user
    from padan.store import open_store

    store = open_store(dci_world.url)
    try:
        if "admin1" not in dci_world.tokens:
            create_user(store, "admin1", role="admin", password="rahasia-sekali-123")
            dci_world.tokens["admin1"] = create_token(store, "admin1")
        kk = next(r["no_kk"] for r in store.fetch_records("dtsen_individu") if r.get("no_kk"))
    finally:
        store.engine.dispose()
    query = {"type": "KK", "value": kk}
    # admin sees identity fields only: the children of a family card are not for it to list
    refused = _search(dci_client, dci_world, "admin1", "idtype-value", query)
    assert (refused["status"], refused["status_reason_code"]) == (
        "rjct",
        "rjct.search_criteria.invalid",
    )
    assert "no_kk" in refused["status_reason_message"]
    assert _search(dci_client, dci_world, "kemensos1", "idtype-value", query)["status"] == "succ"


def test_a_body_over_the_dci_limit_is_refused_before_it_is_read(
    dci_client: TestClient, dci_world: Any
) -> None:
    body = envelope("search", search_message("idtype-value", _BY_ID))
    body["message"]["padding"] = "x" * (2 * 2**20)  # an unknown field: ignored if taken
    response = _post(dci_client, dci_world, body)
    assert response.status_code == 413, response.text[:200]
    error = response.json()["message"]["error"]
    assert error["code"] == "err.request.bad" and "KiB" in error["message"]


def test_one_message_may_ask_for_ten_full_pages_at_most(
    dci_client: TestClient, dci_world: Any
) -> None:
    message = search_message("idtype-value", _BY_ID)
    first = message["search_request"][0]
    first["search_criteria"]["pagination"] = {"page_size": 1000, "page_number": 1}
    message["search_request"] = [first | {"reference_id": f"r-{i}"} for i in range(11)]
    response = _post(dci_client, dci_world, envelope("search", message))
    assert response.status_code == 200, response.text[:300]
    answers = response.json()["message"]["search_response"]
    assert [a["status"] for a in answers] == ["succ"] * 10 + ["rjct"]
    assert answers[-1]["status_reason_code"] == "rjct.pagination.invalid"
