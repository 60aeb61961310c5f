"""A small linked synthetic store with one user per role, shared by the web tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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

PASSWORD = "rahasia-sekali-123"
#: One user per role; the regional officer sees one province.
USERS = {
    "admin1": ("admin", None),
    "kpai1": ("analis_kpai", None),
    "kemensos1": ("analis_kemensos", None),
    "daerah1": ("petugas_daerah", "PROVINCE"),
    "tinjau1": ("peninjau", None),
    "tinjau2": ("peninjau", None),
    "audit1": ("auditor", None),
}


@dataclass
class WebWorld:
    work: Path
    url: str
    model: Path
    data_files: dict[str, Path]
    tokens: dict[str, str]
    province: str  # the regional officer's province


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    work = tmp_path_factory.mktemp("web")
    data = generate(work / "data", households=400, seed=11)
    url = f"sqlite:///{work / 'padan.db'}"
    store = open_store(url)
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    model = work / "model.json"
    run_linkage(store, model_path=model)
    codes = [r["kode_wilayah"] for r in store.fetch_records("dtsen_individu")]
    province = max(set(c[:2] for c in codes), key=lambda p: sum(c.startswith(p) for c in codes))
    tokens = {}
    for name, (role, region) in USERS.items():
        create_user(store, name, role=role, password=PASSWORD, region=province if region else None)
        tokens[name] = create_token(store, name)
    store.engine.dispose()
    return WebWorld(work, url, model, dict(data.files), tokens, province)


@pytest.fixture
def web_store(world: WebWorld) -> Iterator[Store]:
    store = open_store(world.url)
    yield store
    store.engine.dispose()


@pytest.fixture
def client(world: WebWorld, web_store: Store) -> Iterator[TestClient]:
    app = create_app(web_store, model_path=world.model, secure_cookies=False)
    with TestClient(app) as test_client:
        yield test_client


#: Debian's Chromium (scripts/test installs it), driven by Playwright: no downloaded browser.
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for a test module's pages."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(
            "Debian chromium is missing: scripts/test installs it (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
