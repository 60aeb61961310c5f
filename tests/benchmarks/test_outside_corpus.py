"""benchmarks/outside_corpus.py: seeded, the contract's columns, a truth Padan reads, rows
``padan ingest`` accepts, twins kept as two people."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.linkage import read_truth

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src/padan/domain/data"  # the Kemendagri codes the repository ships

# Exchange format v1.1, in the contract's order.
DTSEN = ["id_individu", "id_keluarga", "no_kk", "nik", "nama", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "hubungan_keluarga", "nama_ibu_kandung", "alamat", "kode_wilayah", "desil", "ragam_disabilitas", "status_sekolah", "penerima_pkh", "penerima_sembako", "penerima_pbi_jk", "penerima_pip", "penerima_atensi"]  # fmt: skip
KPAI = ["no_pengaduan", "tanggal_pengaduan", "nik_anak", "nama_anak", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "usia", "nama_ibu", "nama_ayah", "alamat", "kode_wilayah", "klaster", "kategori", "peran_abh", "ragam_disabilitas", "status_penanganan"]  # fmt: skip


def _generate(out: Path, seed: int, profile: str = "A") -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/outside_corpus.py"), "--people", "800",
         "--seed", str(seed), "--profile", profile, "--out", str(out), "--data", str(DATA)],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("a"), 3)


def test_outside_corpus_same_seed_same_files(corpus: Path, tmp_path: Path) -> None:
    again = _generate(tmp_path / "again", 3)
    other = _generate(tmp_path / "other", 4)
    for name in ("dtsen.csv", "kpai.csv", "truth.csv", "errors.csv"):
        assert (again / name).read_bytes() == (corpus / name).read_bytes(), name
    assert (other / "kpai.csv").read_bytes() != (corpus / "kpai.csv").read_bytes()


@pytest.mark.parametrize(("name", "columns"), [("dtsen.csv", DTSEN), ("kpai.csv", KPAI)])
def test_outside_corpus_columns_follow_the_contract(
    corpus: Path, name: str, columns: list[str]
) -> None:
    with (corpus / name).open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == columns


def test_outside_corpus_truth_covers_every_record(corpus: Path) -> None:
    truth = read_truth(corpus / "truth.csv")
    ids = {f"dtsen:{r['id_individu']}" for r in _rows(corpus / "dtsen.csv")}
    ids |= {f"kpai:{r['no_pengaduan']}" for r in _rows(corpus / "kpai.csv")}
    errors = {f"{r['source']}:{r['source_id']}" for r in _rows(corpus / "errors.csv")}
    assert set(truth) == ids == errors


def test_outside_corpus_twins_are_two_people(tmp_path: Path) -> None:
    out = _generate(tmp_path / "b", 5, "B")
    people = _rows(out / "people.csv")
    births: dict[tuple[str, str], set[str]] = {}
    for p in people:
        births.setdefault((p["mother_id"], p["born"]), set()).add(p["person_id"])
    by_id = {p["person_id"]: p for p in people}
    twins = {r["person_id"] for r in _rows(out / "errors.csv") if "twin" in r["kinds"].split(";")}
    assert twins
    for pid in twins:  # a twin's record names one person; the other twin is another person
        assert len(births[(by_id[pid]["mother_id"], by_id[pid]["born"])]) >= 2, pid


@pytest.mark.parametrize("source", ["dtsen", "kpai"])
def test_outside_corpus_ingest_accepts_all_but_rows_without_sex(
    corpus: Path, tmp_path: Path, source: str
) -> None:
    db = f"sqlite:///{tmp_path / 'padan.db'}"
    result = CliRunner().invoke(
        app, ["ingest", source, str(corpus / f"{source}.csv"), "--json", "--db", db]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    without_sex = sum(1 for r in _rows(corpus / f"{source}.csv") if not r["jenis_kelamin"])
    assert summary["read"] == len(_rows(corpus / f"{source}.csv"))
    assert summary["quarantined"] == without_sex
