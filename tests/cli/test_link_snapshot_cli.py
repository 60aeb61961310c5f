"""``padan link`` after ``padan ingest --snapshot``, as a user types it: the run says how many
records the snapshot took out of the index, in its table (both languages) and its JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from padan.cli.main import app
from padan.synth import generate

runner = CliRunner()


def test_cli_link_after_a_snapshot_counts_the_retired_records(tmp_path: Path) -> None:
    data = generate(tmp_path / "data", households=300, seed=3)
    with data.files["dtsen"].open() as handle:
        rows = list(csv.DictReader(handle))
    households = sorted({r["id_keluarga"] for r in rows})
    gone = set(households[:3])
    q2 = tmp_path / "dtsen_q2.csv"
    with q2.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["id_keluarga"] not in gone)
    retired = sum(r["id_keluarga"] in gone for r in rows)
    common = ["--db", f"sqlite:///{tmp_path / 'padan.db'}"]
    model = ["--model", str(tmp_path / "model.json")]
    for source, path in (("dtsen", data.files["dtsen"]), ("kpai", data.files["kpai"])):
        assert runner.invoke(app, ["ingest", source, str(path), *common]).exit_code == 0
    first = runner.invoke(app, ["link", "--json", *model, *common])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["retired_records"] == 0
    snapshot = runner.invoke(app, ["ingest", "dtsen", str(q2), "--snapshot", *common])
    assert snapshot.exit_code == 0, snapshot.output

    text = runner.invoke(app, ["link", *model, *common])
    assert text.exit_code == 0, text.output
    row = next(line for line in text.output.splitlines() if "dinonaktifkan oleh snapshot" in line)
    assert f" {retired:,} " in row
    # The next run has nothing left to retire and scores nothing.
    again = runner.invoke(app, ["--lang", "en", "link", "--json", *model, *common])
    assert again.exit_code == 0, again.output
    figures = json.loads(again.output)
    assert figures["incremental"] and figures["scored_records"] == 0
    assert figures["retired_records"] == 0
