"""The model belongs to its store: another store's model is refused, drift retrains."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from padan.errors import InputError
from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.store import Store, open_store, store_id
from padan.synth import generate


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Synthetic extracts: all KPAI complaints, and DTSEN in two files, the first a third of
    the households and the second the rest (so the second triples DTSEN)."""
    work = tmp_path_factory.mktemp("model-store")
    made = generate(work / "data", households=600, seed=21)
    with made.files["dtsen"].open() as handle:
        rows = list(csv.DictReader(handle))
    households = sorted({r["id_keluarga"] for r in rows})
    first = set(households[: len(households) // 3])
    for name, wanted in (("first", True), ("rest", False)):
        with (work / f"dtsen_{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(r for r in rows if (r["id_keluarga"] in first) == wanted)
    return {
        "kpai": made.files["kpai"],
        "dtsen": made.files["dtsen"],
        "dtsen_first": work / "dtsen_first.csv",
        "dtsen_rest": work / "dtsen_rest.csv",
    }


def _store(path: Path, data: dict[str, Path], *dtsen: str) -> Store:
    store = open_store(f"sqlite:///{path}")
    for name in dtsen:
        ingest_file(data[name], source="dtsen", store=store)
    ingest_file(data["kpai"], source="kpai", store=store)
    return store


def _meta(model: Path) -> dict[str, object]:
    meta = json.loads(model.read_text())["padan"]
    assert isinstance(meta, dict)
    return meta


def test_model_store_of_another_store_is_refused_until_retrained(
    data: dict[str, Path], tmp_path: Path
) -> None:
    model = tmp_path / "model.json"
    ours = _store(tmp_path / "a.db", data, "dtsen")
    first = run_linkage(ours, model_path=model)
    assert first.trained and first.model is not None
    assert first.model.store_id == store_id(ours) == _meta(model)["store_id"]
    trained = model.read_text()

    other = _store(tmp_path / "b.db", data, "dtsen")  # the same data, another store
    with pytest.raises(InputError) as refused:
        run_linkage(other, model_path=model)
    message = str(refused.value)
    assert "belongs to another store" in message
    assert store_id(ours) in message and store_id(other) in message
    assert "--retrain" in message and "--model PATH" in message
    assert other.latest_link_run() is None and model.read_text() == trained  # nothing changed

    again = run_linkage(other, model_path=model, retrain=True)
    assert again.trained and again.retrained_because == "asked to (--retrain)"
    assert _meta(model)["store_id"] == store_id(other)
    # Now the first store's turn to be refused: the file was trained on the other one.
    with pytest.raises(InputError, match="belongs to another store"):
        run_linkage(ours, model_path=model, full=True)


def test_model_store_model_without_a_store_id_is_adopted_only_by_the_store_that_used_it(
    data: dict[str, Path], tmp_path: Path
) -> None:
    model = tmp_path / "model.json"
    ours = _store(tmp_path / "a.db", data, "dtsen")
    run_linkage(ours, model_path=model)
    saved = json.loads(model.read_text())
    for key in ("store_id", "training_data"):  # as Padan saved models before
        del saved["padan"][key]
    model.write_text(json.dumps(saved))
    version = saved["padan"]["version"]
    copy = tmp_path / "copy.json"
    shutil.copy(model, copy)

    other = _store(tmp_path / "b.db", data, "dtsen")
    with pytest.raises(InputError, match="no recorded store"):
        run_linkage(other, model_path=copy)

    reused = run_linkage(ours, model_path=model)
    assert not reused.trained and reused.incremental
    assert _meta(model)["store_id"] == store_id(ours) and _meta(model)["version"] == version
    assert reused.drift == ()  # no summary of the training data: nothing to compare


def test_model_store_drift_retrains_a_full_run_and_only_warns_an_incremental_one(
    data: dict[str, Path], tmp_path: Path
) -> None:
    model = tmp_path / "model.json"
    store = _store(tmp_path / "a.db", data, "dtsen_first")
    first = run_linkage(store, model_path=model)
    assert first.trained and first.model is not None
    trained_on = first.model.training_data
    assert trained_on is not None and set(trained_on) == {"dtsen", "kpai"}
    assert trained_on["dtsen"]["records"] == store.count_records("dtsen_individu")
    assert 0 < trained_on["dtsen"]["nik_share"] <= 1 and 0 < trained_on["dtsen"]["dob_share"] <= 1

    same = run_linkage(store, model_path=model, full=True)  # nothing drifted
    assert not same.trained and same.retrained_because is None and same.drift == ()

    ingest_file(data["dtsen_rest"], source="dtsen", store=store)  # DTSEN triples
    incremental = run_linkage(store, model_path=model)
    assert incremental.incremental and not incremental.trained
    assert incremental.retrained_because is None
    assert any(d.startswith("dtsen records") for d in incremental.drift)

    full = run_linkage(store, model_path=model, full=True)
    assert full.trained and full.retrained_because is not None
    assert full.retrained_because.startswith("the data drifted")
    assert "dtsen records" in full.retrained_because
    assert full.model is not None and full.model.version != first.model.version
    assert full.model.training_data is not None
    assert full.model.training_data["dtsen"]["records"] == store.count_records("dtsen_individu")

    settled = run_linkage(store, model_path=model, full=True)
    assert not settled.trained and settled.drift == ()
