"""Ed25519 message signatures: Padan's answers verify against its published key; a partner
with a configured key must sign, and every way of getting it wrong is refused."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi.testclient import TestClient

from padan.dci.signatures import sign, signing_string
from padan.store import Store
from padan.web import create_app
from support.dci import envelope, search_message

PARTNER_KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()
KID = "test-partner|k1"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _request() -> dict[str, Any]:
    return envelope(
        "search", search_message("idtype-value", {"type": "PADAN_CHILD_ID", "value": "X"})
    )


@pytest.fixture
def signed_client(dci_world: Any, dci_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """The app with the partner's public key configured (a JWKS file)."""
    public = PARTNER_KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    jwks = {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": KID, "x": _b64url(public)}]}
    keys = tmp_path / "partners.jwks.json"
    keys.write_text(json.dumps(jwks), encoding="utf-8")
    app = create_app(
        dci_store,
        model_path=dci_world.model,
        secure_cookies=False,
        dci_key_file=tmp_path / "padan-dci.key",
        dci_partner_keys=keys,
    )
    with TestClient(app) as client:
        yield client


def test_answers_verify_against_the_published_key(dci_client: TestClient, dci_world: Any) -> None:
    jwk = dci_client.get("/.well-known/jwks.json").json()["keys"][0]
    assert (jwk["kty"], jwk["crv"]) == ("OKP", "Ed25519")
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="))
    headers = {"Authorization": f"Bearer {dci_world.tokens['kemensos1']}"}
    answer = dci_client.post("/registry/sync/search", json=_request(), headers=headers).json()
    params = dict(re.findall(r'(\w+)="([^"]*)"', answer["signature"]))
    assert params["kidId"] == f"{jwk['kid']}|ed25519"
    assert "digest" in params["headers"].split()
    text = signing_string(
        answer["header"], answer["message"], int(params["created"]), int(params["expires"])
    )
    public.verify(base64.b64decode(params["signature"]), text)  # raises if it does not verify
    answer["message"]["search_response"][0]["status"] = "succ?"
    tampered = signing_string(
        answer["header"], answer["message"], int(params["created"]), int(params["expires"])
    )
    with pytest.raises(InvalidSignature):
        public.verify(base64.b64decode(params["signature"]), tampered)


def _signed(
    key: Ed25519PrivateKey, kid: str, *, at: int | None = None
) -> Callable[[dict[str, Any]], None]:
    def apply(body: dict[str, Any]) -> None:
        now = int(time.time()) if at is None else at
        body["signature"] = sign(key, kid, body["header"], body["message"], now=now)

    return apply


def _window(since: int, until: int) -> Callable[[dict[str, Any]], None]:
    """Signed by the partner, valid from now + ``since`` to now + ``until`` seconds."""

    def apply(body: dict[str, Any]) -> None:
        now = int(time.time())
        created, expires = now + since, now + until
        raw = PARTNER_KEY.sign(signing_string(body["header"], body["message"], created, expires))
        body["signature"] = (
            f'Signature: namespace="spdci", kidId="{KID}|ed25519", algorithm="ed25519", '
            f'created="{created}", expires="{expires}", headers="(created) (expires) digest", '
            f'signature="{base64.b64encode(raw).decode()}"'
        )

    return apply


def _tampered(body: dict[str, Any]) -> None:
    _signed(PARTNER_KEY, KID)(body)
    body["message"]["transaction_id"] = "changed-after-signing"


def _set(value: str | None) -> Callable[[dict[str, Any]], None]:
    def apply(body: dict[str, Any]) -> None:
        body["signature"] = value

    return apply


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_set(None), "err.signature.missing"),
        (_set("invalid-signature"), "err.signature.invalid"),
        (_tampered, "err.signature.invalid"),
        (_signed(OTHER_KEY, KID), "err.signature.invalid"),
        (_signed(PARTNER_KEY, "test-partner|unknown"), "err.signature.invalid"),
        (_signed(PARTNER_KEY, KID, at=int(time.time()) - 3600), "err.signature.invalid"),
        (_signed(PARTNER_KEY, KID), None),
        # a signature valid for years could be replayed for years
        (_window(-86_400, 10 * 365 * 86_400), "err.signature.invalid"),
        (_window(0, 3 * 3600), "err.signature.invalid"),
        (_window(60, 30), "err.signature.invalid"),
        (_window(-30, 1800), None),
    ],
)
def test_a_partner_with_a_key_must_sign_each_message(
    signed_client: TestClient,
    dci_world: Any,
    change: Callable[[dict[str, Any]], None],
    code: str | None,
) -> None:
    body = _request()
    change(body)
    headers = {"Authorization": f"Bearer {dci_world.tokens['kemensos1']}"}
    response = signed_client.post("/registry/sync/search", json=body, headers=headers)
    if code is None:
        assert response.status_code == 200, response.text
        assert response.json()["message"]["search_response"][0]["status"] == "succ"
    else:
        assert response.status_code == 401
        assert response.json()["message"]["error"]["code"] == code
