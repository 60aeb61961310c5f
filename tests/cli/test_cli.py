from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
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


def test_cli_ingest_table_shows_reasons_in_both_languages(tmp_path: Path, kpai_file: Path) -> None:
    result = runner.invoke(
        app, ["ingest", "kpai", str(kpai_file), "--db", _db(tmp_path)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "tanggal tidak ada di kalender" in result.stdout
    assert "date does not exist in the calendar" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "kpai", "missing.csv"], "file not found"),
        (["ingest", "bpjs", "x.csv"], "Invalid value"),
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
    result = runner.invoke(app, [*args, "--db", _db(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code != 0
    assert message in result.output


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
    assert "'=NOW()" in [r["value"] for r in rows]


def test_cli_db_upgrade_creates_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", _db(tmp_path)])
    assert result.exit_code == 0, result.output
    assert Store(_db(tmp_path)).head_revision() in result.stdout
    listed = runner.invoke(app, ["batches", "list", "--json", "--db", _db(tmp_path)])
    assert json.loads(listed.stdout) == []
