"""A small synthetic population, ingested and linked once for the analysis tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.synth import generate


@dataclass(frozen=True)
class Linked:
    work: Path
    db: str
    truth: Path


@pytest.fixture(scope="session")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    from padan.store import open_store

    work = tmp_path_factory.mktemp("analysis")
    data = generate(work / "data", households=1500, seed=7)
    db = f"sqlite:///{work / 'padan.db'}"
    store = open_store(db)
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    run_linkage(store, model_path=work / "model.json")
    store.engine.dispose()
    return Linked(work, db, data.files["truth"])


@pytest.fixture(scope="session")
def linked_services(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    """A small population with Kemensos services, SIMFONI-PPA cases and the institution
    registry, ingested and linked like the one above."""
    from padan.store import open_store

    work = tmp_path_factory.mktemp("analysis_services")
    data = generate(work / "data", households=1500, seed=7, sources=("all",))
    db = f"sqlite:///{work / 'padan.db'}"
    store = open_store(db)
    for source in ("dtsen", "kpai", "lembaga", "kemensos", "simfoni"):
        ingest_file(data.files[source], source=source, store=store)
    run_linkage(store, model_path=work / "model.json")
    store.engine.dispose()
    return Linked(work, db, data.files["truth"])
