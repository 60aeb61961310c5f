"""A small linked synthetic store with a token per role, for the DCI registry API tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.access.auth import create_token, create_user
from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.store import Store, open_store
from padan.synth import generate
from padan.web import create_app
from support.dci import envelope, search_message

USERS = {
    "kemensos1": ("analis_kemensos", False),  # national, NIK masked, welfare and aid
    "kpai1": ("analis_kpai", False),  # national, no welfare or aid fields
    "daerah1": ("petugas_daerah", True),  # one province, NIK in full
    "audit1": ("auditor", False),  # no search permission
}


@dataclass
class DciWorld:
    url: str
    model: Path
    tokens: dict[str, str]
    province: str


@pytest.fixture(scope="session")
def dci_world(tmp_path_factory: pytest.TempPathFactory) -> DciWorld:
    work = tmp_path_factory.mktemp("dci")
    data = generate(work / "data", households=200, seed=19)
    url = f"sqlite:///{work / 'padan.db'}"
    store = open_store(url)
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    model = work / "model.json"
    run_linkage(store, model_path=model)
    codes = [r["kode_wilayah"] for r in store.fetch_records("dtsen_individu")]
    province = max(set(c[:2] for c in codes), key=lambda p: sum(c.startswith(p) for c in codes))
    tokens = {}
    for name, (role, regional) in USERS.items():
        create_user(
            store,
            name,
            role=role,
            password="rahasia-sekali-123",
            region=province if regional else None,
        )
        tokens[name] = create_token(store, name)
    store.engine.dispose()
    return DciWorld(url, model, tokens, province)


@pytest.fixture
def dci_store(dci_world: DciWorld) -> Iterator[Store]:
    store = open_store(dci_world.url)
    yield store
    store.engine.dispose()


@pytest.fixture
def dci_client(dci_world: DciWorld, dci_store: Store) -> Iterator[TestClient]:
    app = create_app(
        dci_store, model_path=dci_world.model, secure_cookies=False, dci_callback_hosts="127.0.0.1"
    )
    with TestClient(app) as client:
        yield client


Search = Callable[..., dict[str, Any]]


@pytest.fixture
def sync_search(dci_client: TestClient, dci_world: DciWorld) -> Search:
    """POST a sync search as ``user``; the first search response item."""

    def run(user: str, query_type: str, query: Any, **criteria: Any) -> dict[str, Any]:
        body = envelope("search", search_message(query_type, query, **criteria))
        headers = {"Authorization": f"Bearer {dci_world.tokens[user]}"}
        response = dci_client.post("/registry/sync/search", json=body, headers=headers)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()["message"]["search_response"][0]
        return answer

    return run
