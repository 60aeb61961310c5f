"""``padan ingest --snapshot`` and ``padan changes`` as a user types them: guard, dry run,
flag errors naming the flag and value, counts without a NIK or name, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.store import open_store
from support.snapshots import write_dtsen

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    first = write_dtsen(tmp_path, "q1", ["H1", "H2", "H3"])
    assert runner.invoke(app, ["ingest", "dtsen", str(first), "--db", url]).exit_code == 0
    return url


def _run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", db])
    return result.exit_code, result.output


def _current(db: str) -> int:
    store = open_store(db)
    try:
        return store.count_records("dtsen_individu")
    finally:
        store.engine.dispose()


def test_cli_snapshot_guard_refuses_then_passes_when_confirmed(db: str, tmp_path: Path) -> None:
    q2 = str(write_dtsen(tmp_path, "q2", ["H1", "H3"]))
    code, output = _run(db, "--lang", "en", "ingest", "dtsen", q2, "--snapshot")
    assert code == 2
    assert "retire 2 of the 6" in output and "--allow-large-removal" in output
    assert _current(db) == 6
    code, output = _run(
        db, "--lang", "en", "ingest", "dtsen", q2, "--snapshot", "--allow-large-removal"
    )
    assert code == 0, output
    assert "retired (absent from the snapshot)" in output and _current(db) == 4
    # The batch list says which batch is a snapshot (and of what), in JSON and as text.
    code, output = _run(db, "batches", "list", "--json")
    listed = [(b["snapshot"], b["snapshot_scope"], b["baseline"]) for b in json.loads(output)]
    assert listed == [(False, None, True), (True, None, False)]
    code, output = _run(db, "--lang", "en", "batches", "list")
    assert "Snapsh" in output and "whole" in output  # a narrow terminal wraps the cells


def test_cli_snapshot_dry_run_json_stores_nothing(db: str, tmp_path: Path) -> None:
    q2 = str(write_dtsen(tmp_path, "q2", ["H1", "H3"], desil={"H1": "9"}))
    code, output = _run(
        db, "ingest", "dtsen", q2, "--snapshot", "--snapshot-scope", "3201", "--dry-run", "--json"
    )
    assert code == 0, output
    data = json.loads(output)
    assert (data["dry_run"], data["snapshot_scope"], data["retired"], data["changed"]) == (
        True,
        "32.01",
        2,
        2,
    )
    assert _current(db) == 6
    code, output = _run(db, "batches", "list", "--json")
    assert len(json.loads(output)) == 1


def test_cli_dry_run_text_says_nothing_was_stored(db: str, tmp_path: Path) -> None:
    q2 = str(write_dtsen(tmp_path, "q2", ["H1", "H3"]))
    code, output = _run(
        db, "ingest", "dtsen", q2, "--snapshot", "--dry-run", "--allow-large-removal"
    )
    assert code == 0, output
    assert "tidak ada yang disimpan" in output.lower()
    assert _current(db) == 6


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--snapshot", "--snapshot-scope", "32.1"], ["--snapshot-scope", "'32.1'", "32.01"]),
        (["--snapshot", "--snapshot-scope", "99"], ["--snapshot-scope", "'99'", "no release"]),
        (["--snapshot-scope", "32.01"], ["--snapshot-scope", "without --snapshot"]),
    ],
)
def test_cli_snapshot_flag_errors_name_flag_value_and_fix(
    db: str, tmp_path: Path, args: list[str], expected: list[str]
) -> None:
    q2 = str(write_dtsen(tmp_path, "q2", ["H1"]))
    code, output = _run(db, "ingest", "dtsen", q2, *args)
    assert code == 2
    flat = " ".join(output.split())
    assert all(part in flat for part in expected), flat
    assert _current(db) == 6


def test_cli_changes_counts_without_identifiers(db: str, tmp_path: Path) -> None:
    q2 = str(write_dtsen(tmp_path, "q2", ["H1", "H3"], desil={"H3": "4"}))
    assert _run(db, "ingest", "dtsen", q2, "--snapshot", "--allow-large-removal")[0] == 0
    code, output = _run(db, "changes", "--json", "--region", "32.02", "--source", "dtsen")
    assert code == 0, output
    data = json.loads(output)
    assert data["events"] == {"added": 2, "changed": 2, "removed": 0}
    assert data["fields"] == {"dtsen": {"desil": 2}}
    code, text = _run(db, "--lang", "en", "changes", "--since", "2020-01-01")
    assert code == 0, text
    assert "removed" in text and "Decile" in text
    for secret in ("D3", "Ujang", "Dadang", "32.02.01.1001"):
        assert secret not in output + text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--since", "2026-13-01"], "--since '2026-13-01' is not a date"),
        (["--until", "yesterday"], "--until 'yesterday' is not a date"),
        (["--region", "32.1"], "'32.1' is not a region code"),
    ],
)
def test_cli_changes_errors(db: str, args: list[str], expected: str) -> None:
    code, output = _run(db, "changes", *args)
    assert code == 2
    assert expected in " ".join(output.split())


@pytest.mark.parametrize(
    ("role", "refused"), [("admin", True), ("auditor", True), ("analis_kemensos", False)]
)
def test_cli_changes_refused_to_roles_that_suppress_small_counts(
    db: str, role: str, refused: bool
) -> None:
    from padan.access.auth import create_user

    store = open_store(db)
    create_user(store, "boss", role="admin", password="rahasia-sekali-123")
    if role != "admin":
        create_user(store, "user1", role=role, password="rahasia-sekali-123")
    store.engine.dispose()
    name = "boss" if role == "admin" else "user1"
    code, output = _run(db, "--lang", "en", "--as", name, "changes", "--region", "32", "--json")
    if refused:
        assert code == 1
        flat = " ".join(output.split())
        assert "may not see counts for a freely chosen region and period" in flat
        assert "use the dashboard's indicators and trends" in flat
    else:
        assert code == 0, output
        assert json.loads(output)["events"]["added"] == 6
