"""Padan as a DCI client, against Padan's own DCI registry served by uvicorn on a free port:
found, not found, paging, refusals, an unreachable registry, signatures both ways, and the
answer stored as a DTSEN batch through the ingest (accounted for, atomic, idempotent)."""

from __future__ import annotations

import base64
import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from padan.access.auth import principal_for_user
from padan.dci.client import (
    RegistryAnswerInvalid,
    RegistryClient,
    RegistryRefused,
    RegistryUnreachable,
)
from padan.dci.signatures import Signatures
from padan.dci.verify import kpai_niks, verify_children, verify_values
from padan.ingest import ingest_file
from padan.store import Store, open_store
from padan.store.audit import audit_entries
from padan.synth import generate
from padan.web import create_app
from support.live_server import serve_app

CLIENT_KEY = Ed25519PrivateKey.generate()
SENDER = "padan-kpai"


def _jwk(kid: str, key: Ed25519PrivateKey) -> dict[str, str]:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": x}


@pytest.fixture(scope="module")
def registry(dci_world: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Padan's DCI registry over the linked synthetic store; ``SENDER`` must sign with
    ``CLIENT_KEY``; the registry's answers are signed with the key in ``registry.key``."""
    work = tmp_path_factory.mktemp("registry")
    partners = work / "partners.json"
    partners.write_text(
        json.dumps({"keys": [_jwk(Signatures(CLIENT_KEY, SENDER).kid, CLIENT_KEY)]})
    )
    store = open_store(dci_world.url)
    app = create_app(
        store,
        model_path=dci_world.model,
        secure_cookies=False,
        dci_partner_keys=partners,
        dci_key_file=work / "registry.key",
    )
    (work / "registry.key").chmod(0o600)
    with serve_app(app) as url:
        yield url
    store.engine.dispose()


@pytest.fixture(scope="module")
def registry_keys(registry: str) -> dict[str, Ed25519PublicKey]:
    import urllib.request

    from padan.dci.signatures import load_partner_keys

    with urllib.request.urlopen(f"{registry}/.well-known/jwks.json") as response:
        body = response.read()
    path = Path(registry.replace(":", "_").replace("/", "_") + ".jwks")
    try:
        path.write_bytes(body)
        return load_partner_keys(path)
    finally:
        path.unlink()


Client = Callable[..., RegistryClient]


@pytest.fixture
def client(registry: str, dci_world: Any, registry_keys: dict[str, Ed25519PublicKey]) -> Client:
    def make(user: str = "daerah1", **options: Any) -> RegistryClient:
        key = options.pop("key", CLIENT_KEY)
        sender = options.pop("sender", SENDER)
        url = options.pop("url", registry)
        given: dict[str, Any] = {"registry_keys": registry_keys, "timeout": 10.0} | options
        return RegistryClient(url, dci_world.tokens[user], Signatures(key, sender), **given)

    return make


def _registry_people(dci_store: Store, province: str) -> tuple[list[str], list[str]]:
    """NIKs of DTSEN people in ``province`` (what daerah1 sees), and KKs with several."""
    rows = dci_store.fetch_records("dtsen_individu")
    niks = sorted(
        r["nik"]
        for r in rows
        if r["nik_status"] == "valid" and str(r["kode_wilayah"]).startswith(province)
    )
    by_kk: dict[str, int] = {}
    for r in rows:
        if r.get("no_kk") and str(r["kode_wilayah"]).startswith(province):
            by_kk[r["no_kk"]] = by_kk.get(r["no_kk"], 0) + 1
    return niks, sorted(k for k, n in by_kk.items() if n >= 3)


def test_client_found_and_not_found_are_told_apart(
    client: Client, dci_store: Store, dci_world: Any
) -> None:
    niks, _ = _registry_people(dci_store, dci_world.province)
    unknown = "3299999999999999"
    result = client().search("NIK", [*niks[:3], unknown])
    statuses = {lookup.value: lookup.status for lookup in result.lookups}
    found = [v for v, s in statuses.items() if s == "found"]
    assert statuses[unknown] == "not_found"
    assert len(found) >= 1  # a NIK the linkage did not tie to a child is not in the index
    for lookup in result.lookups:
        for record in lookup.records:
            ids = {
                i["identifier_type"]: i["identifier_value"]
                for i in record.get("additional_identifiers", [])
            }
            assert ids.get("NIK") == lookup.value
    assert result.messages == 1 and result.stray == 0


def test_client_batches_messages_and_follows_pages(
    client: Client, dci_store: Store, dci_world: Any
) -> None:
    _, kks = _registry_people(dci_store, dci_world.province)
    whole = client(page_size=100).search("KK", kks[:4])
    paged = client(page_size=1, batch_size=2).search("KK", kks[:4])
    children = {
        lk.value: sorted(r["identifier"]["identifier_value"] for r in lk.records)
        for lk in whole.lookups
    }
    assert any(len(c) >= 2 for c in children.values())  # some family has several children
    assert {
        lk.value: sorted(r["identifier"]["identifier_value"] for r in lk.records)
        for lk in paged.lookups
    } == children
    most = max(len(c) for c in children.values())
    assert paged.messages >= 2 + most - 1  # two messages for page 1, then the further pages
    assert whole.messages == 1


@pytest.mark.parametrize(
    ("user", "options", "error", "code"),
    [
        ("audit1", {}, RegistryRefused, "err.request.forbidden"),  # no search permission
        (
            "daerah1",
            {"key": Ed25519PrivateKey.generate()},
            RegistryRefused,
            "err.signature.invalid",
        ),
        (
            "daerah1",
            {"receiver_id": "not-this-registry"},
            RegistryRefused,
            "err.receiver_id.invalid",
        ),
        ("daerah1", {"url": "http://127.0.0.1:9"}, RegistryUnreachable, "unreachable"),
        ("daerah1", {"url": "ftp://registry.example"}, RegistryUnreachable, "bad_url"),
        (
            "daerah1",
            {"registry_keys": {"padan|other": Ed25519PrivateKey.generate().public_key()}},
            RegistryAnswerInvalid,
            "answer_invalid",
        ),
    ],
    ids=[
        "forbidden",
        "wrong-key",
        "wrong-receiver",
        "no-server",
        "bad-url",
        "answer-unsigned-by-its-key",
    ],
)
def test_client_failures_raise_a_clear_error_without_the_identifier(
    client: Client,
    dci_store: Store,
    dci_world: Any,
    user: str,
    options: dict[str, Any],
    error: type[Exception],
    code: str,
) -> None:
    niks, _ = _registry_people(dci_store, dci_world.province)
    with pytest.raises(error) as caught:
        client(user, **options).search("NIK", niks[:2])
    assert caught.value.code == code  # type: ignore[attr-defined]
    text = str(caught.value)
    assert niks[0] not in text and niks[1] not in text
    assert any(word in text for word in ("check", "give", "ask", "use", "set", "must", "PADAN_"))


def test_client_a_bad_token_is_unauthorized(client: Client, registry: str) -> None:
    c = client()
    c.token = "not-a-token"
    with pytest.raises(RegistryRefused, match="PADAN_DCI_CLIENT_TOKEN") as caught:
        c.search("NIK", ["3201010101100001"])
    assert caught.value.code == "err.request.unauthorized"


def test_client_a_slow_registry_times_out(client: Client) -> None:
    listener = socket.socket()  # accepts the connection, never answers
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(RegistryUnreachable, match="PADAN_DCI_CLIENT_TIMEOUT") as caught:
            client(url=url, timeout=0.5).search("NIK", ["3201010101100001"])
        assert caught.value.code == "timeout"
        assert time.monotonic() - started < 5
    finally:
        listener.close()


def test_client_a_rejected_request_is_kept_with_its_reason(client: Client) -> None:
    result = client(page_size=1).search("KK", ["12345"])  # not 16 digits: the registry refuses
    assert [(lk.status, lk.reason) for lk in result.lookups] == [
        ("rejected", "rjct.search_criteria.invalid")
    ]


@pytest.fixture
def kpai_store(tmp_path: Path) -> Iterator[Store]:
    """A second Padan holding the same synthetic KPAI extract as the registry's store."""
    data = generate(tmp_path / "data", households=200, seed=19)
    store = open_store(f"sqlite:///{tmp_path / 'kpai.db'}")
    ingest_file(data.files["kpai"], source="kpai", store=store)
    yield store
    store.engine.dispose()


def test_verify_stores_the_answer_as_one_dtsen_batch_and_once_only(
    client: Client, kpai_store: Store, tmp_path: Path
) -> None:
    from padan.access.auth import create_user

    create_user(kpai_store, "op", role="admin", password="rahasia-sekali-123")
    p = principal_for_user(kpai_store, "op")
    niks = kpai_niks(kpai_store)
    first = verify_children(kpai_store, p, client(), work_dir=tmp_path / "answers")
    figures = first.to_json()
    assert figures["asked"] == len(niks) > 0
    assert figures["found"] + figures["not_found"] + figures["rejected"] == len(niks)
    assert figures["found"] >= 1 and first.summary is not None
    s = first.summary
    assert s.source == "dtsen" and s.read == first.records == s.accepted + s.quarantined
    assert len(kpai_store.fetch_records("dtsen_individu")) == s.accepted
    # Padan's own registry is a master index, not DTSEN: it does not publish DTSEN's family id
    # and relationship, which the format requires, so its records are quarantined saying so.
    assert s.quarantine_reasons.get("id_keluarga:wajib_kosong") == s.quarantined == s.read
    again = verify_children(kpai_store, p, client(), work_dir=tmp_path / "answers")
    assert again.summary is not None and again.summary.already_ingested
    assert again.summary.batch_id == s.batch_id
    audit = [e for e in audit_entries(kpai_store, limit=10_000) if e.action == "registry_request"]
    assert len(audit) == first.search.messages + again.search.messages
    assert audit[0].username == "op" and "HTTP 200" in audit[0].target
    assert not any(n in f"{e.target} {e.purpose}" for e in audit for n in niks)


def test_verify_without_the_ingest_permission_sends_nothing(
    client: Client, kpai_store: Store, tmp_path: Path
) -> None:
    from padan.access.auth import create_user
    from padan.access.authorise import Forbidden

    create_user(kpai_store, "aud", role="auditor", password="rahasia-sekali-123")
    p = principal_for_user(kpai_store, "aud")
    with pytest.raises(Forbidden):
        verify_values(
            kpai_store, p, client(), id_type="NIK", values=["3201010101100001"], work_dir=tmp_path
        )
    assert not [e for e in audit_entries(kpai_store) if e.action == "registry_request"]
