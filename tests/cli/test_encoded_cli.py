"""``padan ingest --encoded``, ``padan link``, ``review list``, ``explain`` and ``report`` on a
store of PPRL encodings: what a user sees names the model and shows no plaintext."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from support.encoded import Population, encoded_population

runner = CliRunner()


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    return encoded_population(tmp_path_factory.mktemp("pprl-cli") / "data", households=200)


def _plaintext(population: Population) -> set[str]:
    """Every name and NIK of both extracts (the values a reviewer was not given)."""
    values: set[str] = set()
    for path, columns in (
        (population.kpai_csv, ("nama_anak", "nama_ibu", "nik_anak")),
        (population.dtsen_csv, ("nama", "nama_ibu_kandung", "nik", "no_kk")),
    ):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                values.update(row[c] for c in columns if row.get(c) and len(row[c]) >= 6)
    return values


def _run(tmp_path: Path, *args: str) -> str:
    env = {
        "PADAN_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "PADAN_MODEL_PATH": str(tmp_path / "model.json"),
    }
    result = runner.invoke(app, ["--lang", "en", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_encoded_store_end_to_end_names_the_model_and_shows_no_plaintext(
    population: Population, tmp_path: Path
) -> None:
    shown = [
        _run(tmp_path, "ingest", "dtsen", str(population.dtsen), "--encoded"),
        _run(tmp_path, "ingest", "kpai", str(population.kpai), "--encoded"),
    ]
    again = _run(tmp_path, "ingest", "kpai", str(population.kpai), "--encoded", "--json")
    assert json.loads(again)["already_ingested"] is True
    linked = _run(tmp_path, "link")
    assert "PPRL encodings" in linked
    assert json.loads(_run(tmp_path, "link", "--json"))["model_kind"] == "pprl"
    queue = json.loads(_run(tmp_path, "review", "list", "--json"))
    assert queue, "the synthetic population leaves doubtful pairs"
    first = queue[0]
    shown += [
        linked,
        _run(tmp_path, "review", "list"),
        _run(tmp_path, "explain", first["uid_a"], first["uid_b"]),
        _run(tmp_path, "report"),
        _run(tmp_path, "report", "--json"),
    ]
    assert "Dice" in shown[-3] and "Linked on PPRL encodings" in shown[-2]
    refused = runner.invoke(
        app,
        ["--lang", "en", "report", "--out", str(tmp_path / "r.xlsx"), "--worklists"],
        env={"PADAN_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"},
    )
    assert refused.exit_code != 0 and "holds no names" in refused.output
    text = "\n".join(shown)
    leaked = sorted(v for v in _plaintext(population) if v in text)
    assert leaked == []


def test_ingest_encoded_refuses_plaintext_only_options_and_a_plaintext_file(
    population: Population, tmp_path: Path
) -> None:
    env = {"PADAN_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    for args, message in (
        (["--snapshot"], "for plaintext extracts"),
        ([], "not a Parquet file"),
    ):
        path = population.kpai if args else population.kpai_csv
        result = runner.invoke(
            app, ["--lang", "en", "ingest", "kpai", str(path), "--encoded", *args], env=env
        )
        assert result.exit_code != 0 and message in result.output, result.output
