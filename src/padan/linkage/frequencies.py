"""The name frequencies a model was trained with, kept beside it and used until it is retrained.

Splink weighs a name written alike by how common it is (term-frequency adjustments). Counted
anew at every run, those frequencies drift with each record added or retired, and a pair of
two unchanged records can cross a threshold: a child splits and its id changes though nothing
about it did. So training also counts them, exactly as Splink does, over the training
population, and writes them beside the model (``padan-model.tf.parquet``); every later run
and explanation with that model scores with them. A name absent at training was rare then:
it takes its count today over today's records, the frequency Splink itself would give it.

The file holds names (personal data): it is created readable by its owner only. The model
file records its digest, so a file that is not the model's own is never used; without it (a
model trained before Padan kept frequencies, or a file deleted) runs count today's records
as Splink does and say so.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "FROZEN_TABLE",
    "Frozen",
    "freeze_frequencies",
    "frequencies_path",
    "frozen_lookup",
    "read_frozen",
    "tf_columns",
    "with_frozen",
]

#: The DuckDB table (``column, value``) :func:`frozen_lookup` leaves in a run's connection:
#: the values the frozen table holds, for :func:`padan.linkage.run_pairs.kept_model_pairs`.
FROZEN_TABLE = "_padan_frozen_values"

_SCHEMA = pa.schema([("column", pa.string()), ("value", pa.string()), ("tf", pa.float64())])


@dataclass(frozen=True)
class Frozen:
    """A model's frozen term frequencies (``column, value, tf``), or why there are none.

    ``lost``: the model was trained with a frozen table that cannot be read now (deleted, or
    another model's): the scores of its earlier runs used frequencies no run can give again.
    """

    table: pa.Table | None
    note: str | None = None
    lost: bool = False


def frequencies_path(model_path: Path) -> Path:
    """``padan-model.json`` → ``padan-model.tf.parquet``, beside it."""
    return model_path.with_name(f"{model_path.stem}.tf.parquet")


def tf_columns(model: dict[str, Any]) -> list[str]:
    """The columns the Splink settings ``model`` adjusts for term frequency, sorted."""
    return sorted(
        {
            str(level["tf_adjustment_column"])
            for comparison in model.get("comparisons", [])
            for level in comparison.get("comparison_levels", [])
            if level.get("tf_adjustment_column")
        }
    )


def freeze_frequencies(
    con: duckdb.DuckDBPyConnection, columns: Sequence[str], path: Path
) -> dict[str, Any]:
    """Write the term frequencies of ``columns`` over every record of ``features`` in ``con``
    (the training population) to ``path``, readable by its owner only, and return what the
    model file records of them (``sha256``, ``columns``, ``values``).

    Splink's own formula (``term_frequencies_for_single_column_sql``): a value's count over
    the column's non-null values, in float8, so a run with the training records scores as
    Splink counting them would, to the last bit.
    """
    parts = [
        con.sql(f"""
            SELECT '{column}' AS "column", CAST({column} AS VARCHAR) AS value,
                cast(count(*) AS float8) / (SELECT count({column}) FROM features) AS tf
            FROM features WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY value
        """).to_arrow_table()
        for column in columns
    ]
    table = pa.concat_tables([p.cast(_SCHEMA) for p in parts]) if parts else _SCHEMA.empty_table()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        pq.write_table(table, handle)
    return {"sha256": _digest(path), "columns": list(columns), "values": table.num_rows}


def read_frozen(model_path: Path, meta: dict[str, Any]) -> Frozen:
    """The frozen term frequencies of the model at ``model_path`` whose Padan metadata is
    ``meta``; without them, :attr:`Frozen.note` says why and what to do."""
    recorded = meta.get("term_frequencies")
    path = frequencies_path(model_path)
    if not isinstance(recorded, dict):
        return Frozen(
            None,
            f"the model {model_path} keeps no name frequencies (trained before Padan kept "
            "them): names are weighed by today's records, so pairs near a threshold may move "
            "from run to run; padan link --retrain keeps them with the model",
        )
    if not path.exists():
        why = "is missing"
    elif _digest(path) != recorded.get("sha256"):
        why = "is not the one the model was trained with"
    else:
        return Frozen(pq.read_table(path).cast(_SCHEMA))
    return Frozen(
        None,
        f"the name frequencies of the model {model_path} ({path}) {why}: names are weighed "
        "by today's records and every earlier pair is scored again; padan link --retrain "
        "writes them anew",
        lost=True,
    )


def frozen_lookup(
    con: duckdb.DuckDBPyConnection, frozen: pa.Table, column: str, *, prefix: str = "tf_"
) -> str:
    """Create the table Splink looks ``column``'s term frequencies up in (``column,
    <prefix>column``) in ``con`` and return its name: the ``frozen`` values, and for each
    value of ``features`` the frozen table lacks, its count over today's non-null values
    (Splink's formula). Leaves :data:`FROZEN_TABLE` in ``con`` too."""
    con.register("_padan_frozen_arrow", frozen.select(["column", "value"]))
    con.execute(f"""
        CREATE OR REPLACE TABLE {FROZEN_TABLE} AS SELECT * FROM _padan_frozen_arrow;
    """)
    con.unregister("_padan_frozen_arrow")
    con.register("_padan_frozen_all", frozen)
    name = f"_padan_tf_{column}"
    con.execute(f"""
        CREATE OR REPLACE TABLE {name} AS
        SELECT value AS {column}, tf AS {prefix}{column} FROM _padan_frozen_all
        WHERE "column" = '{column}'
        UNION ALL
        SELECT {column}, cast(count(*) AS float8) / (SELECT count({column}) FROM features)
        FROM features f
        WHERE {column} IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM {FROZEN_TABLE} z WHERE z."column" = '{column}' AND z.value = f.{column})
        GROUP BY {column}
    """)
    con.unregister("_padan_frozen_all")
    return name


def with_frozen(today: pa.Table, frozen: pa.Table, column: str) -> pa.Table:
    """``today``'s lookup (``column, tf_column``: today's frequencies of some values) with
    each value the ``frozen`` table holds taking its frozen frequency instead."""
    values = today.column(0).cast(pa.string())
    mine = frozen.filter(
        pc.and_(pc.equal(frozen.column("column"), column), pc.is_in(frozen.column("value"), values))
    )
    kept = dict(zip(mine.column("value").to_pylist(), mine.column("tf").to_pylist(), strict=True))
    merged = [
        kept.get(value, tf)
        for value, tf in zip(values.to_pylist(), today.column(1).to_pylist(), strict=True)
    ]
    return pa.table([today.column(0), pa.array(merged, pa.float64())], names=today.column_names)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
