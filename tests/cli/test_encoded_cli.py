"""``padan ingest --encoded``, ``padan link``, ``review list``, ``explain`` and ``report`` on a
store of PPRL encodings: what a user sees names the model and shows no plaintext."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.pprl import load_schema
from support.encoded import Population, encode_with, encoded_population

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


_SECRET = "039f0e43d1c2b7a65e8f9012345678abcdef0123456789"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--secret-env", _SECRET, "--secret-env takes the NAME of an environment variable"),
        ("--secret-env", "f" + _SECRET, "--secret-env takes the NAME of an environment variable"),
        ("--secret-file", _SECRET, "--secret-file takes the PATH of a file"),
    ],
)
def test_encode_secret_given_as_the_option_value_never_appears_in_the_output(
    population: Population, tmp_path: Path, option: str, value: str, message: str
) -> None:
    out = tmp_path / "e.parquet"
    args = ["--lang", "en", "encode", "kpai", str(population.kpai_csv), "--out", str(out)]
    result = runner.invoke(app, [*args, option, value])
    assert result.exit_code != 0 and message in result.output, result.output
    assert _SECRET not in result.stdout and _SECRET not in result.stderr
    assert _SECRET[:8] not in result.output and not out.exists()


def test_encode_warns_on_stderr_when_the_secret_file_is_readable_by_others(
    population: Population, tmp_path: Path
) -> None:
    secret = tmp_path / "pprl.secret"
    secret.write_text(_SECRET + "\n")
    secret.chmod(0o644)
    out = tmp_path / "e.parquet"
    args = ["--lang", "en", "encode", "kpai", str(population.kpai_csv), "--out", str(out)]
    result = runner.invoke(app, [*args, "--secret-file", str(secret), "--json"])
    assert result.exit_code == 0, result.output
    assert "readable by other users" in result.stderr and "chmod 600" in result.stderr
    assert json.loads(result.stdout)["encoded"] > 0
    assert _SECRET not in result.stdout + result.stderr


def test_ingest_without_encoded_refuses_an_encodings_file_before_and_after_it_is_stored(
    population: Population, tmp_path: Path
) -> None:
    env = {"PADAN_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    plain = ["--lang", "en", "ingest", "kpai", str(population.kpai)]
    for step in ("empty store", "after --encoded"):
        if step == "after --encoded":
            _run(tmp_path, "ingest", "kpai", str(population.kpai), "--encoded")
        result = runner.invoke(app, plain, env=env)
        assert result.exit_code != 0, (step, result.output)
        assert "is a PPRL encodings file" in result.output and "add --encoded" in result.output
        assert "already" not in result.output and "--mapping" not in result.output


def _accounts(env: dict[str, str], region: str) -> None:
    """admin1 (admin) and budi (petugas_daerah of ``region``), as the manual makes them."""
    for acting, args in (
        ((), ["admin1", "--role", "admin"]),
        (("--as", "admin1"), ["budi", "--role", "petugas_daerah", "--region", region]),
    ):
        added = runner.invoke(
            app, [*acting, "user", "add", *args, "--password-stdin"], input="rahasia-123\n", env=env
        )
        assert added.exit_code == 0, added.output


def test_regional_report_without_regency_in_the_clear_is_refused_not_national(
    population: Population, tmp_path: Path
) -> None:
    kpai, dtsen = encode_with(population, load_schema(None), "noregion")
    env = {"PADAN_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    for source, path in (("dtsen", dtsen), ("kpai", kpai)):
        _run(tmp_path, "ingest", source, str(path), "--encoded")
    _run(tmp_path, "link")
    national = json.loads(_run(tmp_path, "report", "--json"))["indicators"]
    assert national["kpai_children"] > 0
    _accounts(env, "32.01")
    out = tmp_path / "r.xlsx"
    for acting, extra in (
        (("--as", "admin1"), ["--region", "32.01"]),
        (("--as", "admin1"), ["--region", "32.01", "--json"]),
        (("--as", "admin1"), ["--region", "32.01", "--out", str(out)]),
        (("--as", "budi"), []),
        (("--as", "budi"), ["--json"]),
        (("--as", "budi"), ["--out", str(out)]),
    ):
        result = runner.invoke(app, ["--lang", "en", *acting, "report", *extra], env=env)
        assert result.exit_code != 0, (acting, extra, result.output)
        assert "carry no region in the clear" in result.output, result.output
        assert '[clear] attributes = ["regency"]' in result.output.replace("\n", " ")
        assert "Gap indicators" not in result.output and not out.exists()
        assert str(national["kpai_children"]) not in result.output
    admin = runner.invoke(app, ["--as", "admin1", "report", "--json"], env=env)
    assert json.loads(admin.stdout)["indicators"] == national


def test_regional_report_with_regency_in_the_clear_gives_the_regions_figures(
    population: Population, tmp_path: Path
) -> None:
    env = {"PADAN_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    for source, path in (("dtsen", population.dtsen), ("kpai", population.kpai)):
        _run(tmp_path, "ingest", source, str(path), "--encoded")
    _run(tmp_path, "link")
    whole = json.loads(_run(tmp_path, "report", "--json", "--no-suppress"))
    regency = max(
        (r for r in whole["regions"] if r["level"] == "regency" and r["code"]),
        key=lambda r: r["figures"]["kpai_children"],
    )
    _accounts(env, regency["code"])
    for acting, extra in (
        ("admin1", ["--region", regency["code"]]),
        ("budi", ["--no-suppress"]),  # a regional role: its own region by default
    ):
        result = runner.invoke(app, ["--as", acting, "report", "--json", *extra], env=env)
        assert result.exit_code == 0, result.output
        shown = json.loads(result.stdout)
        assert shown["region"]["code"] == regency["code"]
        assert shown["indicators"]["kpai_children"] in (regency["figures"]["kpai_children"], "<5")
        assert shown["indicators"]["kpai_children"] != whole["indicators"]["kpai_children"]


def test_report_as_of_and_trends_on_an_encoded_store_are_refused_not_zero(
    population: Population, tmp_path: Path
) -> None:
    env = {"PADAN_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    for source, path in (("dtsen", population.dtsen), ("kpai", population.kpai)):
        _run(tmp_path, "ingest", source, str(path), "--encoded")
    _run(tmp_path, "link")
    for args in (["report", "--as-of", dt.date.today().isoformat(), "--json"], ["trends"]):
        result = runner.invoke(app, ["--lang", "en", *args], env=env)
        assert result.exit_code != 0, (args, result.output)
        assert "cannot be computed from PPRL encodings" in result.output, result.output
