"""``padan report`` and the demo's report, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from padan.cli.main import app

runner = CliRunner()

_CONTRACT = (
    "kpai_children",
    "kpai_children_in_dtsen",
    "kpai_children_not_in_dtsen",
    "eligible_not_receiving_pkh",
    "abh_without_atensi",
    "disability_mismatch",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    work = tmp_path_factory.mktemp("demo")
    db = f"sqlite:///{work / 'demo.db'}"
    result = runner.invoke(
        app,
        ["demo", "--households", "400", "--seed", "3", "--out", str(work / "out"), "--db", db],
        env={"COLUMNS": "200", "PADAN_MODEL_PATH": str(work / "model.json")},
    )
    assert result.exit_code == 0, result.output
    assert f"{work / 'out' / 'laporan.xlsx'}" in result.stdout
    (work / "demo.out").write_text(result.stdout, encoding="utf-8")
    return work, db


def test_demo_speaks_one_language(demo: tuple[Path, str]) -> None:
    work, _ = demo
    said = (work / "demo.out").read_text(encoding="utf-8")
    for text in ("Alasan karantina", "diterima", "Pemadanan 1", "Lembaga:", "Laporan:"):
        assert text in said, text
    for text in ("Quarantine", "accepted", "Linkage run", "Institutions:", "Report:", "alasan / "):
        assert text not in said, text


def test_report_terminal_in_english_with_lang(demo: tuple[Path, str]) -> None:
    _, db = demo
    result = runner.invoke(app, ["--lang", "en", "report", "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Gap indicators" in result.stdout and "KPAI children found in DTSEN" in result.stdout
    assert "Indikator" not in result.stdout and "Anak KPAI" not in result.stdout


def test_demo_writes_the_report_and_says_where(demo: tuple[Path, str]) -> None:
    work, _ = demo
    assert (work / "out" / "laporan.xlsx").stat().st_size > 0
    html = (work / "out" / "laporan.html").read_text()
    assert 'data-spec="spec-wilayah"' in html and 'id="spec-indikator"' in html


def test_report_json_has_the_contract_keys_as_integers(demo: tuple[Path, str]) -> None:
    _, db = demo
    result = runner.invoke(app, ["report", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    indicators = data["indicators"]
    assert all(isinstance(indicators[k], int) for k in _CONTRACT)
    assert indicators["kpai_children"] == (
        indicators["kpai_children_in_dtsen"] + indicators["kpai_children_not_in_dtsen"]
    )
    assert data["snapshot"]["batches"] and data["snapshot"]["model_version"]
    assert set(data["uncertain"]) == set(indicators)


def test_report_out_writes_xlsx_and_html_with_worklists_only_when_asked(
    demo: tuple[Path, str], tmp_path: Path
) -> None:
    _, db = demo
    plain, named = tmp_path / "umum.xlsx", tmp_path / "internal.xlsx"
    result = runner.invoke(app, ["report", "--out", str(plain), "--db", db])
    assert result.exit_code == 0, result.output
    assert plain.with_suffix(".html").exists()
    assert not [s for s in load_workbook(plain).sheetnames if s.startswith("Daftar")]
    result = runner.invoke(app, ["report", "--out", str(named), "--worklists", "--db", db])
    assert result.exit_code == 0, result.output
    assert "Daftar usulan_dtsen" in load_workbook(named).sheetnames


def test_report_terminal_shows_the_headline_table(demo: tuple[Path, str]) -> None:
    _, db = demo
    result = runner.invoke(app, ["report", "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert (
        "Indikator kesenjangan" in result.stdout and "Anak KPAI ditemukan di DTSEN" in result.stdout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "99.99"], "not a known Kemendagri region code"),
        (["--region", "abc"], "not a known Kemendagri region code"),
        (["--out", "{tmp}/laporan.csv"], "must end in .xlsx"),
        (["--worklists"], "--worklists needs --out"),
        (["--rules", "{tmp}/nope.toml"], "cannot read the rules file"),
    ],
)
def test_report_bad_input_is_refused_and_nothing_is_written(
    demo: tuple[Path, str], tmp_path: Path, args: list[str], message: str
) -> None:
    _, db = demo
    out = tmp_path / "laporan.xlsx"
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(out)] if "--worklists" not in args else []
    result = runner.invoke(app, ["report", *args, "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not list(tmp_path.iterdir())


def test_demo_syncs_and_dedups_institutions_into_the_report(demo: tuple[Path, str]) -> None:
    from padan.store import InstitutionStore, open_store

    work, db = demo
    registry = InstitutionStore(open_store(db))
    run = registry.latest_dedup_run()
    assert run is not None and run.records == len(registry.institutions()) > 0
    wb = load_workbook(work / "out" / "laporan.xlsx")
    top = wb["Prioritas lembaga (top 20)"]
    scores = [row[5] for row in top.iter_rows(min_row=2, values_only=True)]
    assert scores and scores == sorted(scores, reverse=True)
    assert "Lembaga per wilayah" in wb.sheetnames


def test_report_worklists_export_is_in_the_hash_chained_audit_log(
    demo: tuple[Path, str], tmp_path: Path
) -> None:
    from padan.store import export_audit_entries, open_store
    from padan.store.audit import audit_entries, verify_audit

    _, db = demo
    store = open_store(db)
    before = len(audit_entries(store, limit=10_000))
    out = tmp_path / "daftar.xlsx"
    result = runner.invoke(
        app, ["report", "--out", str(out), "--worklists", "--purpose", "usulan DTSEN", "--db", db]
    )
    assert result.exit_code == 0, result.output
    entries = audit_entries(store, limit=10_000)
    assert len(entries) == before + 1
    entry = entries[0]
    assert (entry.role, entry.action, entry.purpose) == ("cli", "report.worklists", "usulan DTSEN")
    named = {
        str(row[0])
        for ws in load_workbook(out).worksheets
        if ws.title.startswith("Daftar")
        for row in ws.iter_rows(min_row=2, values_only=True)
        if row and isinstance(row[0], str) and row[0].startswith("PDN")
    }
    assert named and named <= set(entry.child_ids)
    checked, broken = verify_audit(store)
    assert broken is None and checked == len(entries)
    assert export_audit_entries(store)[-1].action == "report.worklists"
    result = runner.invoke(
        app, ["audit", "list", "--child", sorted(named)[0], "--db", db], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 0 and "report.worklists" in result.stdout, result.output
    store.engine.dispose()
