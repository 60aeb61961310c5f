"""Indicators and worklists from service and case data in the web app (issue 20, item 3)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.store import open_store
from padan.synth import generate
from padan.web import create_app
from web.conftest import WebWorld

NEW = ("tanpa_layanan_atensi", "simfoni_belum_di_kpai", "layanan_lembaga_tak_berizin")


@pytest.fixture(scope="module")
def served(world: WebWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The web world's store with the same people's services, cases and institutions added
    (the generator writes the other files byte-identical) and linked again."""
    work = tmp_path_factory.mktemp("web_services")
    shutil.copy(world.url.removeprefix("sqlite:///"), work / "padan.db")
    data = generate(work / "data", households=400, seed=11, sources=("all",))
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    for source in ("lembaga", "kemensos", "simfoni"):
        ingest_file(data.files[source], source=source, store=store)
    run_linkage(store, model_path=work / "model.json")
    app = create_app(store, model_path=work / "model.json", secure_cookies=False)
    with TestClient(app) as client:
        yield client
    store.engine.dispose()


def _get(client: TestClient, world: WebWorld, user: str, path: str, **params: Any) -> Any:
    return client.get(
        path, headers={"Authorization": f"Bearer {world.tokens[user]}"}, params=params
    )


def test_service_indicators_on_the_dashboard_with_their_basis(
    world: WebWorld, served: TestClient
) -> None:
    data = _get(served, world, "kpai1", "/api/v1/indicators").json()
    got = {i["key"]: i for i in data["indicators"]}
    assert data["basis"] == "kemensos_layanan"
    assert got["simfoni_not_in_kpai"]["value"] > 0
    assert got["simfoni_not_in_kpai"]["denominator"] == "simfoni_children"
    assert got["victims_without_atensi"]["denominator"] == "known_children"
    assert isinstance(data["median_days"], float)
    html = served.get(
        "/dashboard", headers={"Authorization": f"Bearer {world.tokens['kpai1']}"}
    ).text
    assert 'id="median-days"' in html and 'id="atensi-basis"' in html


def test_service_worklists_for_the_national_analysts_only(
    world: WebWorld, served: TestClient
) -> None:
    names = {
        w["name"]: w for w in _get(served, world, "kpai1", "/api/v1/worklists").json()["worklists"]
    }
    assert set(NEW) <= set(names)
    assert names["simfoni_belum_di_kpai"]["rows"] > 0
    body = _get(served, world, "kpai1", "/api/v1/worklists/simfoni_belum_di_kpai", purpose="uji")
    assert body.status_code == 200
    assert "no_kasus" in body.json()["columns"] and "nama_anak" in body.json()["columns"]
    regional = {
        w["name"] for w in _get(served, world, "daerah1", "/api/v1/worklists").json()["worklists"]
    }
    assert "tanpa_atensi" in regional and not set(NEW) & regional
    refused = _get(
        served, world, "daerah1", "/api/v1/worklists/simfoni_belum_di_kpai", purpose="uji"
    )
    assert refused.status_code == 403


def test_service_indicators_leave_the_web_world_unchanged(
    world: WebWorld, client: TestClient
) -> None:
    data = _get(client, world, "kpai1", "/api/v1/indicators").json()
    assert data["basis"] == "dtsen_penerima_atensi"
    got = {i["key"]: i["value"] for i in data["indicators"]}
    assert got["known_children"] == got["kpai_children"] and got["served_children"] == 0
