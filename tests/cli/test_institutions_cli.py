from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from padan.cli.main import app
from padan.store import InstitutionStore, open_store
from support.institutions import write_lembaga

runner = CliRunner()

ROWS = [
    {
        "id_lembaga": "L1",
        "nama_lembaga": "TPA Pelita",
        "jenis": "TPA",
        "kode_wilayah": "3201011001",
        "alamat": "Jl. Merdeka 1",
        "status_izin": "BERIZIN",
        "akreditasi": "A",
        "tanggal_akreditasi": "2025-01-10",
        "kapasitas": "30",
        "jumlah_anak": "20",
        "jumlah_pekerja_sosial": "2",
        "jumlah_pekerja_sosial_bersertifikat": "2",
    },
    {
        "id_lembaga": "L2",
        "nama_lembaga": "Daycare Ceria",
        "jenis": "TPA",
        "kode_wilayah": "3204",
        "status_izin": "TIDAK_BERIZIN",
        "akreditasi": "BELUM",
        "kapasitas": "10",
        "jumlah_anak": "25",
        "jumlah_pekerja_sosial": "0",
        "jumlah_pekerja_sosial_bersertifikat": "0",
    },
]


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _ingested(tmp_path: Path) -> str:
    db = _db(tmp_path)
    path = write_lembaga(tmp_path / "lembaga.csv", ROWS)
    assert runner.invoke(app, ["ingest", "lembaga", str(path), "--db", db]).exit_code == 0
    return db


def test_cli_institutions_risk_json_ranked_with_string_reasons(tmp_path: Path) -> None:
    db = _ingested(tmp_path)
    result = runner.invoke(app, ["institutions", "risk", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["id_lembaga"] for d in data] == ["L2", "L1"]
    assert data[0]["score"] > data[1]["score"]
    assert data[0]["score"] == sum(p["points"] for p in data[0]["points"])
    assert all(isinstance(r, str) for d in data for r in d["reasons"])
    assert any("tidak berizin" in r for r in data[0]["reasons"])
    only = json.loads(
        runner.invoke(
            app, ["institutions", "risk", "--region", "32.01", "--json", "--db", db]
        ).stdout
    )
    assert [d["id_lembaga"] for d in only] == ["L1"]
    table = runner.invoke(app, ["institutions", "risk", "--db", db], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "Daycare Ceria" in table.stdout


def test_cli_institutions_risk_bad_region_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["institutions", "risk", "--region", "99.99", "--db", _db(tmp_path)]
    )
    assert result.exit_code == 2
    assert "99.99 bukan kode wilayah Kemendagri" in result.stderr


def test_cli_inspection_with_flags_then_list_and_follow_up(tmp_path: Path) -> None:
    db = _ingested(tmp_path)
    args = [
        "institutions",
        "inspections",
        "add",
        "--lembaga",
        "L2",
        "--checklist",
        "tpa-tara",
        "--date",
        "2026-10-01",
        "--inspector",
        "Rina",
        "--finding",
        "TPA-08:BERAT:2026-12-31:Laporkan ke UPTD PPA",
        "--db",
        db,
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Pengawasan 1 atas L2 pada 2026-10-01 dicatat (1 temuan)." in first.stdout
    assert "Already recorded" in runner.invoke(app, ["--lang", "en", *args]).stdout
    listed = json.loads(
        runner.invoke(app, ["institutions", "inspections", "list", "--json", "--db", db]).stdout
    )
    assert len(listed) == 1
    finding = listed[0]["findings"][0]
    assert (finding["item_code"], finding["severity"], finding["due_on"], finding["action"]) == (
        "TPA-08",
        "BERAT",
        "2026-12-31",
        "Laporkan ke UPTD PPA",
    )
    risk = json.loads(runner.invoke(app, ["institutions", "risk", "--json", "--db", db]).stdout)
    assert "open_severe_finding" in {p["code"] for p in risk[0]["points"]}
    done = runner.invoke(
        app,
        [
            "institutions",
            "inspections",
            "follow-up",
            str(finding["id"]),
            "selesai",
            "--by",
            "Rina",
            "--on",
            "2026-11-01",
            "--db",
            db,
        ],
    )
    assert done.exit_code == 0, done.output
    risk = json.loads(runner.invoke(app, ["institutions", "risk", "--json", "--db", db]).stdout)
    assert "open_severe_finding" not in {p["code"] for p in risk[0]["points"]}


def test_cli_inspection_bad_item_exits_2_and_stores_nothing(tmp_path: Path) -> None:
    db = _ingested(tmp_path)
    result = runner.invoke(
        app,
        [
            "institutions",
            "inspections",
            "add",
            "--lembaga",
            "L2",
            "--checklist",
            "tpa-tara",
            "--date",
            "2026-10-01",
            "--inspector",
            "Rina",
            "--finding",
            "TPA-77",
            "--db",
            db,
        ],
    )
    assert result.exit_code == 2
    assert "no item 'TPA-77'" in result.stderr
    assert InstitutionStore(open_store(db)).inspections() == []
    both = runner.invoke(
        app,
        [
            "institutions",
            "inspections",
            "add",
            str(tmp_path / "x.toml"),
            "--lembaga",
            "L2",
            "--db",
            db,
        ],
    )
    assert both.exit_code == 2 and "not both" in both.stderr


def test_cli_institutions_list_dedup_indicators_checklists(tmp_path: Path) -> None:
    db = _ingested(tmp_path)
    listed = json.loads(runner.invoke(app, ["institutions", "list", "--json", "--db", db]).stdout)
    assert [(r["id_lembaga"], r["berlaku_sampai"]) for r in listed] == [
        ("L1", "2030-01-09"),
        ("L2", None),
    ]
    truth = tmp_path / "truth.csv"
    truth.write_text("id_lembaga,institution_id\nL1,L1\nL2,L2\n", encoding="utf-8")
    result = runner.invoke(
        app, ["institutions", "dedup", "--json", "--truth", str(truth), "--db", db]
    )
    dedup = json.loads(result.stdout)
    assert (dedup["records"], dedup["institutions"]) == (2, 2)
    assert dedup["evaluation"]["true_pairs"] == dedup["evaluation"]["merged_pairs"] == 0
    # No duplicates to find and none merged: nothing to measure (0/0), not a perfect 1.0.
    assert dedup["evaluation"]["precision"] is None and dedup["evaluation"]["recall"] is None
    dedup_args = ["institutions", "dedup", "--truth", str(truth), "--db", db]
    text = runner.invoke(app, ["--lang", "en", *dedup_args]).stdout
    assert "precision n/a, recall n/a (0 of 0 true pairs merged" in text
    assert "Dibandingkan kebenaran: presisi n/a" in runner.invoke(app, dedup_args).stdout
    indicators = json.loads(
        runner.invoke(app, ["institutions", "indicators", "--json", "--db", db]).stdout
    )
    assert [(r["kode_wilayah"], r["institutions"], r["share_licensed"]) for r in indicators] == [
        ("32.01", 1, 1.0),
        ("32.04", 1, 0.0),
    ]
    checklists = json.loads(runner.invoke(app, ["institutions", "checklists", "--json"]).stdout)
    assert {c["id"] for c in checklists} >= {"tpa-tara", "lksa-snp"}
    add = runner.invoke(
        app,
        [
            "institutions",
            "add",
            "--by",
            "rina",
            "--set",
            "nama_lembaga=Rumah Aman 1",
            "--set",
            "jenis=RUMAH_AMAN",
            "--set",
            "kode_wilayah=32.01",
            "--set",
            "alamat=Jl. Rahasia 1",
            "--db",
            db,
        ],
    )
    assert add.exit_code == 0 and "PDN-L000001" in add.stdout
    hidden = json.loads(
        runner.invoke(
            app, ["institutions", "list", "--jenis", "RUMAH_AMAN", "--json", "--db", db]
        ).stdout
    )
    assert [r["alamat"] for r in hidden] == ["(rahasia)"]
    edit = runner.invoke(
        app, ["institutions", "edit", "L1", "--set", "kapasitas=40", "--by", "rina", "--db", db]
    )
    assert edit.exit_code == 0, edit.output
    shown = json.loads(
        runner.invoke(app, ["institutions", "show", "L1", "--json", "--db", db]).stdout
    )
    assert shown["kapasitas"] == 40 and shown["history"][-1]["changes"] == {"kapasitas": [30, 40]}
    bad = runner.invoke(
        app, ["institutions", "edit", "L1", "--set", "kapasitas", "--by", "rina", "--db", db]
    )
    assert bad.exit_code == 2 and "FIELD=VALUE" in bad.stderr


def test_cli_institution_decisions_are_the_acting_users_and_audited(tmp_path: Path) -> None:
    from padan.access.auth import create_user
    from padan.store.audit import audit_entries

    db = _ingested(tmp_path)
    assert runner.invoke(app, ["institutions", "list", "--db", db]).exit_code == 0  # registry
    store = open_store(db)
    create_user(store, "rina", role="peninjau", password="rahasia-sekali-123")
    create_user(store, "kpai1", role="analis_kpai", password="rahasia-sekali-123")
    decide = ["institutions", "review", "decide", "L2", "L1", "different", "--reason", "dua"]
    nobody = runner.invoke(app, [*decide, "--reviewer", "rina", "--db", db])
    assert (
        nobody.exit_code == 2
        and "dijalankan sebagai pengguna bernama: jalankan padan --as NAME" in nobody.output
    )
    refused = runner.invoke(app, ["--as", "kpai1", *decide, "--db", db])
    assert refused.exit_code == 1 and "may not use institutions_review" in refused.output
    done = runner.invoke(app, ["--as", "rina", *decide, "--db", db])
    assert done.exit_code == 0, done.output
    assert done.output == "Diputuskan Berbeda untuk lembaga:L1 / lembaga:L2.\n"
    again = runner.invoke(app, ["--lang", "en", "--as", "rina", *decide, "--db", db])
    assert again.output == "Decided Different for lembaga:L1 / lembaga:L2.\n"
    decided = [(d.uid_a, d.uid_b, d.reviewer) for d in store.review_decisions()]
    assert decided == [("lembaga:L1", "lembaga:L2", "rina")]
    rows = [(e.username, e.action, e.target) for e in audit_entries(store, limit=20)]
    assert ("rina", "institution_dedup_decision", "lembaga:L1 lembaga:L2 different") in rows
    store.engine.dispose()
