"""``padan source add|list|show|remove`` as a user types them, and a shipped source declared by
its first ``padan ingest``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from padan import Padan
from padan.cli.main import app

runner = CliRunner()


def _run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--lang", "en", *args, "--db", db], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_cli_source_add_list_show_remove(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    code, out = _run(db, "source", "add", "orang", "--name", "posyandu")
    assert code == 0 and "padan ingest posyandu FILE" in out
    code, out = _run(db, "source", "add", "orang", "--name", "posyandu")
    assert code == 0 and "added before with this definition" in out
    code, out = _run(db, "source", "list", "--json")
    listed = {s["source"]: s for s in json.loads(out)}
    assert listed["posyandu"]["builtin"] is False and listed["kpai"]["builtin"] is True
    assert listed["posyandu"]["columns"][0] == "id_orang"
    code, out = _run(db, "source", "show", "kpai")
    assert code == 0 and 'extract = "kpai_kasus"' in out
    code, out = _run(db, "source", "show", "nope")
    assert code != 0 and "unknown source 'nope'" in out
    code, out = _run(db, "source", "remove", "posyandu")
    assert code == 0 and "posyandu" not in _run(db, "source", "list")[1]


def test_cli_source_add_bad_definition_names_the_entry(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x1"\nid_column = "a"\ncolumns = [{ name = "a", kind = "id" }]\n')
    code, out = _run(db, "source", "add", str(bad))
    assert code != 0 and "id_column 'a' must be one of the columns" in " ".join(out.split())
    assert "x1" not in _run(db, "source", "list")[1]


def test_cli_ingest_of_a_shipped_source_declares_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    rows = tmp_path / "simfoni.csv"
    rows.write_text(
        "id_korban,no_kasus,tanggal_lapor,jenis_kekerasan,nama_korban,jenis_kelamin,"
        "kode_wilayah,id_unit_layanan,status_penanganan\n"
        "K1,C1,2026-01-05,fisik; psikis,Rina,P,32.01,U1,asesmen\n"
        "K2,C1,2026-01-05,fisik;perundungan,Rini,P,32.01,U1,asesmen\n"
    )
    code, out = _run(db, "ingest", "simfoni", str(rows), "--json")
    assert code == 0, out
    summary = json.loads(out)
    assert (summary["accepted"], summary["quarantined"]) == (1, 1)
    assert summary["quarantine_reasons"]
    code, out = _run(db, "source", "list", "--json")
    assert {"source": "simfoni", "builtin": True}.items() <= next(
        s for s in json.loads(out) if s["source"] == "simfoni"
    ).items()


def test_cli_source_show_roles_says_who_sees_each_column(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    code, out = _run(db, "source", "show", "simfoni", "--roles")
    assert code == 0 and "Who sees simfoni" in out and "jenis_kekerasan" in out
    with Padan.open(db) as padan:
        seen = padan.source_exposure("simfoni")
        assert "analis_kpai" in seen["jenis_kekerasan"]
        assert "analis_kemensos" not in seen["jenis_kekerasan"]  # no violence_case group
        assert "admin" not in seen["nama_korban"]
        padan.add_source("orang", name="posyandu")
        assert not any(padan.source_exposure("posyandu").values())  # declared: seen by none
