from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from padan.cli.main import app

runner = CliRunner()


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def test_synth_cli_profile_and_dense_write_status_column_and_counts(tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = runner.invoke(
        app,
        ["synth", "--out", str(out), "--households", "300", "--profile", "registry", "--dense"],
    )
    assert result.exit_code == 0, result.output
    assert "Situasi yang disisipkan (profil registry)" in result.output
    assert "twin_pairs" in result.output
    assert "status_padan_dukcapil" in _header(out / "dtsen_individu.csv")


def test_synth_cli_default_profile_keeps_the_v1_0_columns(tmp_path: Path) -> None:
    args = ["--lang", "en", "synth", "--out", str(tmp_path), "--households", "50"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Synthetic data in" in result.output and "Situations injected" not in result.output
    assert "status_padan_dukcapil" not in _header(tmp_path / "dtsen_individu.csv")


def test_synth_cli_unknown_profile_is_refused_with_the_choices(tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = runner.invoke(
        app, ["synth", "--out", str(out), "--households", "10", "--profile", "noisy"]
    )
    assert result.exit_code != 0
    assert "'noisy' is not a synthetic-data profile" in result.output
    assert "standard, registry, intake" in result.output
    assert not out.exists()
