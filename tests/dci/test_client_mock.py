"""Padan's DCI client against the conformance suite's mock Social Registry (node): every
message it sends validates against the spec's OpenAPI schema, carries the bearer token and a
signature that verifies, and the mock's refusals, delays and unsigned answers become clear
errors.

The mock answers every search with one response under a reference id of its own and no
records, so each value asked stays ``unanswered`` (never ``not_found``: nothing was said about
it) and the response counts as stray. Skipped where node or the suite is missing, unless
``CI`` or ``PADAN_REQUIRE_NODE`` is set (``scripts/test`` installs node first).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from padan.dci.client import (
    RegistryAnswerInvalid,
    RegistryClient,
    RegistryRefused,
    RegistryUnreachable,
)
from padan.dci.signatures import Signatures, signing_string
from support.mock_registry import admin, mock_registry_or_skip

pytestmark = pytest.mark.node
KEY = Ed25519PrivateKey.generate()
SEARCH = "/registry/sync/search"


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with mock_registry_or_skip() as url:
        yield url


@pytest.fixture
def mock(mock_url: str) -> str:
    admin(mock_url, "reset", {})
    return mock_url


def _client(url: str, **options: Any) -> RegistryClient:
    return RegistryClient(url, "mock-token", Signatures(KEY, "padan-test"), **options)


def _niks(n: int) -> list[str]:
    return [f"3201{i:012d}" for i in range(1, n + 1)]


def test_mock_every_message_is_valid_signed_and_authorised(mock: str) -> None:
    result = _client(mock, batch_size=40).search("NIK", _niks(100))
    assert result.messages == 3  # 40 + 40 + 20
    recorded = admin(mock, "requests/registry/sync/search")["requests"]
    assert len(recorded) == 3
    assert [len(r["body"]["message"]["search_request"]) for r in recorded] == [40, 40, 20]
    for r in recorded:
        assert r["validation"] == {"valid": True, "errors": []}, r["validation"]
        assert r["headers"]["authorization"] == "Bearer mock-token"
        body = r["body"]
        assert body["header"]["total_count"] == len(body["message"]["search_request"])
        params = dict(re.findall(r'(\w+)="([^"]*)"', body["signature"]))
        assert params["kidId"] == f"{Signatures(KEY, 'padan-test').kid}|ed25519"
        signed = signing_string(
            body["header"], body["message"], int(params["created"]), int(params["expires"])
        )
        KEY.public_key().verify(base64.b64decode(params["signature"]), signed)
    asked = [
        item["search_criteria"]["query"]["value"]
        for r in recorded
        for item in r["body"]["message"]["search_request"]
    ]
    assert asked == _niks(100)  # every value once, in order


def test_mock_answers_naming_no_reference_leave_the_values_unanswered(mock: str) -> None:
    result = _client(mock).search("KK", _niks(5))
    assert [lk.status for lk in result.lookups] == ["unanswered"] * 5
    assert (result.messages, result.stray) == (1, 1)


def test_mock_strict_validation_takes_the_messages(mock: str) -> None:
    admin(mock, "config", {"endpoints": {SEARCH: {"strictValidation": True}}})
    assert _client(mock).search("NIK", _niks(3)).messages == 1


@pytest.mark.parametrize(
    ("config", "options", "error", "code", "says"),
    [
        (
            {"status": "error", "errorCode": "err.request.unauthorized"},
            {},
            RegistryRefused,
            "err.request.unauthorized",
            "PADAN_DCI_CLIENT_TOKEN",
        ),
        (
            {"status": "error", "errorCode": "err.service.unavailable"},
            {},
            RegistryRefused,
            "err.service.unavailable",
            "try again later",
        ),
        (
            {
                "status": "error",
                "errorCode": "err.request.bad",
                "errorMessage": "3201000000000001?",
            },
            {},
            RegistryRefused,
            "err.request.bad",
            "<digits>?",  # a registry repeating the value asked: masked
        ),
        ({"delay": 1500}, {"timeout": 0.3}, RegistryUnreachable, "timeout", "within 0.3 s"),
        (
            {},
            {"registry_keys": {"mock-registry|k1": KEY.public_key()}},
            RegistryAnswerInvalid,
            "answer_invalid",
            "signature",
        ),
    ],
    ids=["unauthorized", "unavailable", "echoes-value", "timeout", "unsigned-answer"],
)
def test_mock_failures_become_clear_errors(
    mock: str,
    config: dict[str, Any],
    options: dict[str, Any],
    error: type[Exception],
    code: str,
    says: str,
) -> None:
    admin(mock, "config", {"endpoints": {SEARCH: config}})
    with pytest.raises(error) as caught:
        _client(mock, **options).search("NIK", _niks(2))
    assert caught.value.code == code  # type: ignore[attr-defined]
    assert says in str(caught.value)
    assert not any(n in str(caught.value) for n in _niks(2))


def test_mock_a_wrong_path_is_refused_with_the_fix(mock: str) -> None:
    with pytest.raises(RegistryRefused, match="without /registry") as caught:
        _client(f"{mock}/registry").search("NIK", _niks(1))
    assert caught.value.code == "http"
