"""The name frequencies frozen with a model: written as Splink counts them, read back only
when they are the model's own, and looked up with today's counts for names new since."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from padan.linkage.frequencies import (
    freeze_frequencies,
    frequencies_path,
    frozen_lookup,
    read_frozen,
    with_frozen,
)


def _features(names: list[str | None]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("_names", pa.table({"name": pa.array(names, pa.string())}))
    con.execute("CREATE TABLE features AS SELECT * FROM _names")
    return con


def test_frequencies_freeze_counts_each_name_over_the_named_records_owner_only(
    tmp_path: Path,
) -> None:
    con = _features(["siti", "siti", "rina", None, "siti"])
    path = frequencies_path(tmp_path / "model.json")
    assert path.name == "model.tf.parquet"
    meta = freeze_frequencies(con, ["name"], path)
    table = pq.read_table(path)
    got = dict(zip(table.column("value").to_pylist(), table.column("tf").to_pylist(), strict=True))
    # Splink's formula: the count over the non-null values (4), in double precision.
    assert got == {"siti": 3 / 4, "rina": 1 / 4}
    assert meta["columns"] == ["name"] and meta["values"] == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # names are personal data


def test_frequencies_read_back_only_the_models_own_file(tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    path = frequencies_path(model)
    meta = freeze_frequencies(_features(["siti", "rina"]), ["name"], path)
    own = read_frozen(model, {"term_frequencies": meta})
    assert own.table is not None and own.table.num_rows == 2 and not own.lost
    cases = [
        # (metadata, file content, lost): a model trained before Padan kept them
        ({}, True, False),
        ({"term_frequencies": meta}, False, True),  # the file deleted
        ({"term_frequencies": {**meta, "sha256": "0" * 64}}, True, True),  # another model's
    ]
    for recorded, present, lost in cases:
        if not present:
            path.unlink()
        found = read_frozen(model, recorded)
        assert found.table is None and found.lost is lost
        assert found.note is not None and "padan link --retrain" in found.note
        if not present:
            freeze_frequencies(_features(["siti", "rina"]), ["name"], path)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # Frozen names keep their frequency, however many records hold them today; a new
        # name takes its count over today's named records; a frozen name gone stays.
        (["siti", "rina", "rina", "nova", None], {"siti": 0.5, "rina": 0.125, "nova": 1 / 4}),
        (["nova", "nova", "nova"], {"siti": 0.5, "rina": 0.125, "nova": 1.0}),
        ([None], {"siti": 0.5, "rina": 0.125}),
    ],
)
def test_frequencies_lookup_is_frozen_with_todays_count_for_new_names(
    today: list[str | None], expected: dict[str, float]
) -> None:
    frozen = pa.table({"column": ["name", "name"], "value": ["siti", "rina"], "tf": [0.5, 0.125]})
    con = _features(today)
    table = frozen_lookup(con, frozen, "name")
    assert dict(con.execute(f"SELECT name, tf_name FROM {table}").fetchall()) == expected
    # A lookup of some values (today's, from a kept state) takes the frozen ones too.
    shown = pa.table({"name": ["rina", "nova"], "tf_name": [0.9, 0.3]})
    merged = with_frozen(shown, frozen, "name")
    assert merged.column("tf_name").to_pylist() == [0.125, 0.3]
