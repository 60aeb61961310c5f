"""The web app over a store of PPRL encodings: dashboard, review queue and a child's
explanation answer, with Dice levels and no plaintext (the store has none)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from padan.access.auth import create_token, create_user
from padan.pprl import ingest_encodings
from padan.registry import run_linkage
from padan.store import open_store
from padan.web import create_app
from support.encoded import Population, encoded_population
from web.conftest import PASSWORD


@pytest.fixture(scope="module")
def encoded_web(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, Population]]:
    work = tmp_path_factory.mktemp("encoded-web")
    population = encoded_population(work / "data", households=200)
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    for source, path in (("dtsen", population.dtsen), ("kpai", population.kpai)):
        ingest_encodings(path, source=source, store=store)
    model = work / "model.json"
    run_linkage(store, model_path=model)
    create_user(store, "tinjau1", role="peninjau", password=PASSWORD)
    token = create_token(store, "tinjau1")
    app = create_app(store, model_path=model, secure_cookies=False)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, population
    store.engine.dispose()


def _names(population: Population) -> set[str]:
    with population.dtsen_csv.open(encoding="utf-8", newline="") as handle:
        return {r["nama"] for r in csv.DictReader(handle) if len(r["nama"]) >= 6}


@pytest.mark.parametrize(
    "path",
    [
        "/review",
        "/dashboard",
        "/dashboard?trend=kpai_children&period=quarter",  # no history to follow: no trend
        "/api/v1/review",
        "/api/v1/dashboard",
    ],
)
def test_encoded_store_pages_answer_without_plaintext(
    encoded_web: tuple[TestClient, Population], path: str
) -> None:
    client, population = encoded_web
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert not [n for n in _names(population) if n in response.text]


def test_encoded_review_api_gives_dice_evidence(
    encoded_web: tuple[TestClient, Population],
) -> None:
    client, _ = encoded_web
    body = client.get("/api/v1/review", params={"evidence": "true"}).json()
    assert body["items"]
    parts = [p for item in body["items"] for p in (item["evidence"] or {}).get("parts", [])]
    assert parts and any("Dice" in str(p) for p in parts)
