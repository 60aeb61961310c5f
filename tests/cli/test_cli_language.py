"""Every command's human output speaks one language per run: Bahasa Indonesia by default,
English with ``padan --lang en``, never a mix of the two (``--json`` is product and not checked
here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from support.institutions import GOOD_TPA, write_lembaga

runner = CliRunner()

#: Words that only an English run may print, and words that only an Indonesian run may print.
ENGLISH = (
    "Institutions",
    "Inspections",
    "Inspection worklist",
    "written to",
    "Decided",
    "Correction request",
    "Registry",
    "review queue",
    "Review queue",
    "Users",
    "API tokens",
    "Audit log",
    "DRY RUN",
    "Synthetic data",
    "Regions touched",
    "Web app",
    "one-time password",
    "severity",
    "unchanged",
    "records →",
)
INDONESIAN = (
    "Lembaga (",
    "Pengawasan",
    "ditulis ke",
    "Diputuskan",
    "Permintaan perbaikan",
    "Registri",
    "Antrian tinjauan",
    "Pengguna",
    "Log audit",
    "UJI COBA",
    "Data sintetis",
    "Wilayah yang",
    "Aplikasi web",
    "kata sandi",
    "keparahan",
    "tetap",
    "catatan →",
)

ROWS = [
    {**GOOD_TPA, "id_lembaga": "L1", "kode_wilayah": "3201011001"},
    {
        **GOOD_TPA,
        "id_lembaga": "L2",
        "nama_lembaga": "Daycare Ceria",
        "kode_wilayah": "3204",
        "status_izin": "TIDAK_BERIZIN",
        "akreditasi": "BELUM",
        "tanggal_akreditasi": "",
        "jumlah_anak": "45",
    },
]

#: (command, a phrase of its English run, a phrase of its Indonesian run).
CASES = [
    (("institutions", "sync"), "Registry:", "Registri:"),
    (("institutions", "list"), "Institutions (2)", "Lembaga (2)"),
    (("institutions", "show", "L2"), "Unlicensed", "Tidak berizin"),
    (("institutions", "risk"), "Inspection worklist", "Daftar prioritas pengawasan"),
    (("institutions", "indicators"), "Institution indicators", "Indikator lembaga"),
    (("institutions", "dedup"), "records →", "catatan →"),
    (("institutions", "inspections", "list"), "Inspections", "Pengawasan"),
    (("institutions", "review", "list"), "Institution review queue", "Antrian tinjauan lembaga"),
    (("review", "list"), "Review queue", "Antrian tinjauan"),
    (("pdp", "corrections"), "Correction requests", "Permintaan perbaikan"),
    (
        (
            "pdp",
            "breach-report",
            "--user",
            "nobody",
            "--since",
            "2026-12-01",
            "--until",
            "2026-12-02",
        ),
        "Regions touched",
        "Wilayah yang tersentuh",
    ),
    (("retention", "apply"), "DRY RUN", "UJI COBA"),
    (("audit", "list"), "Audit log", "Log audit"),
    (("user", "list"), "Users", "Pengguna"),
    (("token", "list"), "API tokens", "Token API"),
    (("user", "demo"), "Web app", "Aplikasi web"),
]


def _store(where: Path) -> str:
    where.mkdir()
    db = f"sqlite:///{where / 'lang.db'}"
    path = write_lembaga(where / "lembaga.csv", ROWS)
    ingested = runner.invoke(app, ["ingest", "lembaga", str(path), "--db", db])
    assert ingested.exit_code == 0, ingested.output
    return db


def _said(args: list[str]) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


@pytest.mark.parametrize(("command", "english", "indonesian"), CASES, ids=lambda c: str(c))
def test_cli_command_speaks_one_language_per_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    english: str,
    indonesian: str,
) -> None:
    monkeypatch.delenv("PADAN_LANG", raising=False)
    monkeypatch.setenv("PADAN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    id_run = _said([*command, "--db", _store(tmp_path / "id")])
    en_run = _said(["--lang", "en", *command, "--db", _store(tmp_path / "en")])
    assert indonesian in id_run and english not in id_run, id_run
    assert english in en_run and indonesian not in en_run, en_run
    assert not [w for w in ENGLISH if w in id_run], id_run
    assert not [w for w in INDONESIAN if w in en_run], en_run


def test_cli_synth_and_checklists_speak_one_language_per_run(tmp_path: Path) -> None:
    synth = ["synth", "--out", str(tmp_path), "--households", "10"]
    assert "Data sintetis di" in _said(synth)
    assert "Synthetic data in" in _said(["--lang", "en", *synth])
    id_run, en_run = (
        _said(["institutions", "checklists"]),
        _said(["--lang", "en", "institutions", "checklists"]),
    )
    assert "keparahan" in id_run and "severity" not in id_run and "Berat" in id_run
    assert "severity" in en_run and "keparahan" not in en_run and "Severe" in en_run
