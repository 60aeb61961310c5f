from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from padan.cli.main import app
from support.extracts import KPAI_HEADER, KPAI_ROWS, writer_for

runner = CliRunner()
SECRET = "correct horse battery staple 0123456789"


def test_encode_cli_writes_encodings_and_prints_counts_never_the_secret(tmp_path: Path) -> None:
    path = writer_for(tmp_path)(KPAI_HEADER, [row for row, _ in KPAI_ROWS])
    out = tmp_path / "kpai.parquet"
    args = [
        "--lang",
        "en",
        "encode",
        "kpai",
        str(path),
        "--out",
        str(out),
        "--secret-env",
        "PPRL_CLI_SECRET",
    ]
    result = runner.invoke(app, args, env={"PPRL_CLI_SECRET": SECRET})
    assert result.exit_code == 0, result.output
    assert "encoded" in result.output and "Schema SHA-256" in result.output
    assert SECRET not in result.output
    assert pq.read_table(out).num_rows == 3


def test_encode_cli_json_summary(tmp_path: Path) -> None:
    path = writer_for(tmp_path)(KPAI_HEADER, [row for row, _ in KPAI_ROWS])
    secret = tmp_path / "secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    out = tmp_path / "kpai.parquet"
    args = ["encode", "kpai", str(path), "--out", str(out), "--secret-file", str(secret), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert '"encoded": 3' in result.output and '"quarantined": 6' in result.output


def test_encode_cli_without_secret_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    path = writer_for(tmp_path)(KPAI_HEADER, [row for row, _ in KPAI_ROWS])
    out = tmp_path / "kpai.parquet"
    result = runner.invoke(app, ["--lang", "en", "encode", "kpai", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "--secret-file" in result.output
    assert not out.exists()


def test_encode_cli_bad_schema_exits_2_naming_the_key(tmp_path: Path) -> None:
    path = writer_for(tmp_path)(KPAI_HEADER, [row for row, _ in KPAI_ROWS])
    schema = tmp_path / "schema.toml"
    schema.write_text("version = 1\n[fields.name]\nhashes = 99\n", encoding="utf-8")
    out = tmp_path / "kpai.parquet"
    args = [
        "--lang",
        "en",
        "encode",
        "kpai",
        str(path),
        "--out",
        str(out),
        "--schema",
        str(schema),
        "--secret-env",
        "PPRL_CLI_SECRET",
    ]
    result = runner.invoke(app, args, env={"PPRL_CLI_SECRET": SECRET})
    assert result.exit_code == 2
    assert "hashes = 99" in result.output
    assert not out.exists()
