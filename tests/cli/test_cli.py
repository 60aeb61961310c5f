from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.linkage import frequencies_path
from padan.store import Store
from support.extracts import KPAI_HEADER, KPAI_ROWS, writer_for

runner = CliRunner()


@pytest.fixture
def kpai_file(tmp_path: Path) -> Path:
    return writer_for(tmp_path)(KPAI_HEADER, [row for row, _ in KPAI_ROWS])


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_cli_ingest_json_has_integer_counts(tmp_path: Path, kpai_file: Path) -> None:
    result = runner.invoke(app, ["ingest", "kpai", str(kpai_file), "--json", "--db", _db(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    accepted = sum(fate == "accepted" for _, fate in KPAI_ROWS)
    assert (data["read"], data["accepted"], data["quarantined"]) == (
        len(KPAI_ROWS),
        accepted,
        len(KPAI_ROWS) - accepted,
    )
    assert all(isinstance(data[k], int) for k in ("read", "accepted", "quarantined"))


@pytest.mark.parametrize(
    ("flags", "env", "spoken", "unspoken"),
    [
        (
            [],
            {},
            ["tanggal tidak ada di kalender", "dikarantina", "Tanggal pengaduan"],
            ["date does"],
        ),
        (
            ["--lang", "en"],
            {},
            ["date does not exist in the calendar", "quarantined", "Complaint date"],
            ["tanggal tidak ada", "dikarantina"],
        ),
        (
            [],
            {"PADAN_LANG": "en"},
            ["date does not exist in the calendar"],
            ["tanggal tidak ada"],
        ),
        (["--lang", "id"], {"PADAN_LANG": "en"}, ["tanggal tidak ada di kalender"], ["date does"]),
    ],
)
def test_cli_ingest_table_speaks_one_language_per_run(
    tmp_path: Path,
    kpai_file: Path,
    flags: list[str],
    env: dict[str, str],
    spoken: list[str],
    unspoken: list[str],
) -> None:
    result = runner.invoke(
        app,
        [*flags, "ingest", "kpai", str(kpai_file), "--db", _db(tmp_path)],
        env={"COLUMNS": "200", **env},
    )
    assert result.exit_code == 0, result.output
    for text in spoken:
        assert text in result.stdout
    for text in unspoken:
        assert text not in result.stdout


def test_cli_lang_refuses_a_language_padan_does_not_speak(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--lang", "fr", "batches", "list", "--db", _db(tmp_path)])
    assert result.exit_code == 2
    assert "--lang" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "kpai", "missing.csv"], "file not found"),
        (["ingest", "bpjs", "x.csv"], "unknown source 'bpjs'"),
        (["ingest", "kpai", "{empty}"], "empty"),
        (
            ["ingest", "kpai", "{kpai}", "--mapping", "nope.toml"],
            "mapping file nope.toml not found",
        ),
    ],
)
def test_cli_bad_input_exits_non_zero_with_message(
    tmp_path: Path, kpai_file: Path, args: list[str], message: str
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    args = [a.format(empty=empty, kpai=kpai_file) for a in args]
    result = runner.invoke(
        app, [*args, "--db", _db(tmp_path)], env={"COLUMNS": "200", "PADAN_LANG": "en"}
    )
    assert result.exit_code != 0
    assert message in result.output


def test_cli_bad_input_message_in_indonesian_by_default(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", "kpai", "missing.csv", "--db", _db(tmp_path)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 2
    assert "Galat: missing.csv: berkas tidak ditemukan. Periksa lokasi berkas" in result.output


def test_cli_db_flag_overrides_environment(tmp_path: Path, kpai_file: Path) -> None:
    env_db = tmp_path / "env.db"
    flag_db = tmp_path / "flag.db"
    result = runner.invoke(
        app,
        ["ingest", "kpai", str(kpai_file), "--json", "--db", f"sqlite:///{flag_db}"],
        env={"PADAN_DATABASE_URL": f"sqlite:///{env_db}"},
    )
    assert result.exit_code == 0, result.output
    assert flag_db.exists() and not env_db.exists()


def test_cli_quarantine_list_and_export(tmp_path: Path) -> None:
    db = _db(tmp_path)
    formula = ["K/99", "=NOW()", "", "Budi", "L", "", "", "", "3201", "I", ""]
    kpai_file = writer_for(tmp_path)(KPAI_HEADER, [*(row for row, _ in KPAI_ROWS), formula])
    runner.invoke(app, ["ingest", "kpai", str(kpai_file), "--db", db])
    listed = runner.invoke(app, ["quarantine", "list", "--json", "--db", db])
    assert listed.exit_code == 0, listed.output
    entries = json.loads(listed.stdout)
    assert {e["reason"] for e in entries} >= {
        "tanggal_tidak_ada",
        "wajib_kosong",
        "id_ganda_dalam_file",
    }
    out = tmp_path / "q.csv"
    exported = runner.invoke(app, ["quarantine", "export", "--out", str(out), "--db", db])
    assert exported.exit_code == 0, exported.output
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(entries)
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert "'=NOW()" in [r["Nilai"] for r in rows]
    assert "tanggal tidak ada di kalender" in [r["Alasan"] for r in rows]


def test_cli_db_upgrade_creates_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", _db(tmp_path)])
    assert result.exit_code == 0, result.output
    assert Store(_db(tmp_path)).head_revision() in result.stdout
    listed = runner.invoke(app, ["batches", "list", "--json", "--db", _db(tmp_path)])
    assert json.loads(listed.stdout) == []


def test_cli_link_names_its_model_refuses_another_stores_and_retrains_on_drift(
    tmp_path: Path,
) -> None:
    from padan.synth import generate

    made = generate(tmp_path / "data", households=450, seed=8)
    with made.files["dtsen"].open() as handle:
        rows = list(csv.DictReader(handle))
    households = sorted({r["id_keluarga"] for r in rows})
    first = set(households[: len(households) // 3])
    for name, wanted in (("first", True), ("rest", False)):
        with (tmp_path / f"dtsen_{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(r for r in rows if (r["id_keluarga"] in first) == wanted)
    model = str(tmp_path / "model.json")
    db, other = _db(tmp_path), f"sqlite:///{tmp_path / 'other.db'}"
    for store, dtsen in ((db, tmp_path / "dtsen_first.csv"), (other, made.files["dtsen"])):
        for source, path in (("dtsen", dtsen), ("kpai", made.files["kpai"])):
            ingested = runner.invoke(app, ["ingest", source, str(path), "--db", store])
            assert ingested.exit_code == 0, ingested.output

    linked = runner.invoke(app, ["link", "--model", model, "--json", "--db", db])
    assert linked.exit_code == 0, linked.output
    data = json.loads(linked.stdout)
    assert data["model"] == model and data["trained"] is True  # the keys of before stay
    info = data["model_info"]
    assert info["path"] == model and info["trained_this_run"] is True
    assert info["version"] == json.loads(Path(model).read_text())["padan"]["version"]
    assert info["trained_at"] and info["training_records"] == data["records"]
    assert (
        info["training_data"]["dtsen"]["records"] + info["training_data"]["kpai"]["records"]
        == (data["records"])
    )
    assert data["retrained_because"].startswith("no model file") and data["drift"] == []
    assert data["name_frequencies"] == "frozen" and frequencies_path(Path(model)).exists()
    assert 0 <= data["review_inside"] <= data["review"]

    refused = runner.invoke(app, ["link", "--model", model, "--db", other], env={"COLUMNS": "300"})
    assert refused.exit_code == 2
    assert "belongs to another store" in refused.output and info["store_id"] in refused.output
    explained = runner.invoke(
        app,
        ["explain", "kpai:K/1", "dtsen:D1", "--model", model, "--db", other],
        env={"COLUMNS": "300"},
    )
    assert explained.exit_code == 2 and "belongs to another store" in explained.output

    rest = runner.invoke(app, ["ingest", "dtsen", str(tmp_path / "dtsen_rest.csv"), "--db", db])
    assert rest.exit_code == 0, rest.output
    frequencies_path(Path(model)).unlink()  # the model's name frequencies lost
    warned = runner.invoke(
        app, ["--lang", "en", "link", "--model", model, "--db", db], env={"COLUMNS": "600"}
    )
    assert warned.exit_code == 0, warned.output
    assert "name frequencies" in warned.stdout and "are missing or not the model's own" in (
        warned.stdout
    )
    assert f"version {info['version']}" in warned.stdout and "reused" in warned.stdout
    assert "The data drifted since the model was trained" in warned.stdout
    assert "padan link --full" in warned.stdout

    full = runner.invoke(app, ["link", "--model", model, "--full", "--json", "--db", db])
    assert full.exit_code == 0, full.output
    retrained = json.loads(full.stdout)
    assert retrained["model_info"]["trained_this_run"] is True
    assert retrained["retrained_because"].startswith("the data drifted")
    assert retrained["drift"] and retrained["drift"][0].startswith("dtsen records")
    assert retrained["model_info"]["version"] != info["version"]
    assert retrained["name_frequencies"] == "frozen" and frequencies_path(Path(model)).exists()


def test_cli_synth_sources_writes_the_extra_files_and_refuses_an_unknown_one(
    tmp_path: Path,
) -> None:
    made = runner.invoke(
        app,
        [
            "--lang",
            "en",
            "synth",
            "--out",
            str(tmp_path),
            "--households",
            "200",
            "--sources",
            "all",
        ],
    )
    assert made.exit_code == 0, made.output
    for name in ("kemensos_layanan.csv", "simfoni_kasus.csv"):
        assert (tmp_path / name).stat().st_size > 0
    # One table row per file: DTSEN, KPAI, lembaga, the two extra sources, truth.
    assert sum(line.startswith("│") for line in made.output.splitlines()) == 6
    refused = runner.invoke(
        app, ["--lang", "en", "synth", "--out", str(tmp_path / "x"), "--sources", "simfony"]
    )
    assert refused.exit_code != 0 and "simfony" in refused.output
    assert not (tmp_path / "x").exists()
