"""``padan trends`` and ``padan report --as-of`` through the CLI (issue 18)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from padan.access.auth import create_user
from padan.cli.main import app
from padan.store import open_store
from support.trends import build_history

runner = CliRunner()
ENV = {"COLUMNS": "200"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'padan.db'}"
    store = open_store(url)
    build_history(store, tmp_path)
    store.engine.dispose()
    yield url


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=ENV)
    return result.exit_code, result.output


def test_trends_json_has_every_indicator_per_point(db: str) -> None:
    code, output = _run("trends", "--period", "snapshot", "--json", "--no-suppress", "--db", db)
    assert code == 0, output
    data = json.loads(output)
    assert data["period"] == "snapshot" and data["abh_wait_days"] == 30
    assert [p["batch_id"] for p in data["points"]] == [1, 4]
    rows = {r["key"]: r for r in data["rows"]}
    assert rows["left_dtsen"]["values"] == [None, 1]
    assert rows["newly_eligible_not_receiving_pkh"]["values"] == [None, 2]
    assert rows["kpai_children_not_in_dtsen"]["changes"] == [None, 2]


def test_trends_suppressed_by_default_for_the_local_operator(db: str) -> None:
    code, output = _run("trends", "--period", "snapshot", "--json", "--db", db)
    assert code == 0, output
    rows = {r["key"]: r for r in json.loads(output)["rows"]}
    assert rows["left_dtsen"]["values"] == [None, "<5"]


def test_trends_table_in_english(db: str) -> None:
    code, output = _run("--lang", "en", "trends", "--period", "quarter", "--db", db)
    assert code == 0, output
    assert "Indicators over time — National" in output
    assert "Children who left DTSEN since the previous point" in output
    for label in ("2026-Q2", "2026-Q3"):
        assert label in output


def test_trends_as_an_aggregate_role(db: str) -> None:
    store = open_store(db)
    create_user(store, "boss", role="admin", password="rahasia-sekali-123")
    create_user(store, "audit1", role="auditor", password="rahasia-sekali-123")
    store.engine.dispose()
    code, output = _run("--as", "audit1", "trends", "--period", "snapshot", "--json", "--db", db)
    assert code == 0, output
    rows = {r["key"]: r for r in json.loads(output)["rows"]}
    assert rows["kpai_children_in_dtsen"]["values"] == ["<5", "<5"]


@pytest.mark.parametrize(
    ("role", "refused"), [("auditor", True), ("admin", True), ("analis_kemensos", False)]
)
def test_trends_no_suppress_refused_like_report_for_roles_that_suppress(
    db: str, role: str, refused: bool
) -> None:
    store = open_store(db)
    create_user(store, "boss", role="admin", password="rahasia-sekali-123")
    if role != "admin":
        create_user(store, "user1", role=role, password="rahasia-sekali-123")
    store.engine.dispose()
    name = "boss" if role == "admin" else "user1"
    for command in ("trends", "report"):
        args = ("--lang", "en", "--as", name, command, "--no-suppress", "--json", "--db", db)
        code, output = _run(*args)
        if refused:
            assert code != 0
            assert "--no-suppress is for roles with exact small cells" in " ".join(output.split())
        else:
            assert code == 0, output


# date, KPAI children not in DTSEN, run
AS_OF = [("2026-05-15", 1, 1), ("2026-07-11", 2, 1), ("2026-08-01", 3, 2)]


@pytest.mark.parametrize(("day", "missing", "run"), AS_OF)
def test_report_as_of_json(db: str, day: str, missing: int, run: int) -> None:
    code, output = _run("report", "--as-of", day, "--json", "--no-suppress", "--db", db)
    assert code == 0, output
    data = json.loads(output)
    assert data["snapshot"]["run_id"] == run
    assert data["indicators"]["kpai_children_not_in_dtsen"] == missing


def test_report_as_of_table_names_the_date_and_html_has_trends(db: str, tmp_path: Path) -> None:
    out = tmp_path / "laporan.xlsx"
    args = ("report", "--as-of", "2026-08-01", "--out", str(out), "--trends", "--db", db)
    code, output = _run(*args)
    assert code == 0, output
    assert "per 2026-08-01" in output
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert '<h2 id="tren">Tren</h2>' in html
    assert html.count('<svg class="trend"') >= 20
    # Up to the report's date: the quarters until 2026-08-01 only.
    assert "2026-Q3" in html and "2026-Q4" not in html
    # The workbook has the same trends as a sheet, after the charts.
    book = load_workbook(out)
    assert book.sheetnames[:3] == ["Ringkasan", "Grafik", "Tren"]
    rows = list(book["Tren"].iter_rows(values_only=True))
    assert rows[0][1:] == ("Periode", "Per tanggal", "Anak", "Perubahan sejak titik sebelumnya")
    assert {r[1] for r in rows[1:] if r[1]} >= {"2026-Q2", "2026-Q3"}
    assert len(book["Tren"]._charts) == len({r[0] for r in rows[1:] if r[1]})


def test_report_html_has_trends_only_when_asked(db: str, tmp_path: Path) -> None:
    """Each quarter is a full past report: the report's 60 s target holds without them."""
    out = tmp_path / "laporan.xlsx"
    code, output = _run("report", "--out", str(out), "--db", db)
    assert code == 0, output
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert '<h2 id="tren">Tren</h2>' not in html and '<svg class="trend"' not in html
    assert "<h2>Indikator kesenjangan</h2>" in html
    assert "Tren" not in load_workbook(out).sheetnames


BAD = [
    (["report", "--trends"], "--trends needs --out FILE.xlsx"),
    (["report", "--as-of", "2026-13-01"], "--as-of '2026-13-01': not a date"),
    (["report", "--as-of", "2999-01-01"], "--as-of 2999-01-01 is after today"),
    (["report", "--as-of", "2026-04-01"], "no linkage run had finished by 2026-04-01"),
    (["trends", "--period", "week"], "period 'week' is not known; use one of snapshot"),
    (["report", "--as-of", "2026-08-01", "--worklists", "--out", "x.xlsx"], "leave out --as-of"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_names_the_value_and_the_fix(db: str, args: list[str], message: str) -> None:
    code, output = _run(*args, "--db", db)
    assert code != 0
    assert message in " ".join(output.split()), output
