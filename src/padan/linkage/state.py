"""Where an incremental run starts from: the last run's features, links and pairs.

The store holds every run, but reading a million links and records back out of it takes longer
than linking a month's batch. So each run also leaves its state in a DuckDB file beside the
model; the next run uses it when it still describes the store's latest run, and otherwise
reads the same facts from the store. The file holds personal data (names, NIKs) like the
store itself: it is created readable by its owner only, and can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from padan.domain import addresses as _addresses_module
from padan.domain import names as _names_module
from padan.linkage import features as _features_module
from padan.linkage import value_forms as _forms_module
from padan.linkage.features import FEATURE_COLUMNS
from padan.store import LinkRun, Store

__all__ = [
    "LINK_STATE_SCHEMA",
    "PAIR_STATE_SCHEMA",
    "Previous",
    "RunKey",
    "complete_draft",
    "draft_path",
    "read_state",
    "read_state_features",
    "run_key",
    "save_features",
    "state_path",
    "store_key",
    "update_state",
]

LINK_STATE_SCHEMA = pa.schema(
    [("uid", pa.string()), ("child_id", pa.string()), ("probability", pa.float64())]
)
PAIR_STATE_SCHEMA = pa.schema(
    [
        ("uid_l", pa.string()),
        ("uid_r", pa.string()),
        ("match_probability", pa.float64()),
        ("rule", pa.string()),
        ("decision", pa.string()),
    ]
)

_GONE = pa.schema([("uid_l", pa.string()), ("uid_r", pa.string())])


@dataclass(frozen=True)
class RunKey:
    """Which stored run a state file describes."""

    store: str  # the store's URL, password hidden
    run_id: int
    model_version: str
    batches: tuple[int, ...]


@dataclass(frozen=True)
class Previous:
    """The last stored run, as an incremental run starts from it.

    ``links`` is record → child (``uid, child_id, probability``), ``pairs`` the stored pairs
    (``uid_l, uid_r, match_probability, rule, decision``). ``features`` names a state file
    holding that run's features, or is None when they must be computed from the store.
    """

    batches: frozenset[int]
    links: pa.Table
    pairs: pa.Table
    features: Path | None = None


def state_path(model_path: Path) -> Path:
    """``padan-model.json`` → ``padan-model.state.duckdb``, beside it."""
    return model_path.with_name(f"{model_path.stem}.state.duckdb")


def _version() -> str:
    # Features computed by other code (a new release) must not be reused.
    modules = (_features_module, _forms_module, _names_module, _addresses_module)
    code = b"".join(Path(m.__file__ or "").read_bytes() for m in modules)
    return hashlib.sha256(code).hexdigest()[:16]


def read_state(path: Path, key: RunKey) -> Previous | None:
    """The state in ``path`` if it describes the run ``key``, else None (missing, stale,
    written by other code, or unreadable: the caller then reads the store)."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute("SELECT key, version FROM meta").fetchall()
            if rows != [(_key_text(key), _version())]:
                return None
            links = con.sql("SELECT * FROM links").to_arrow_table()
            pairs = con.sql("SELECT * FROM pairs").to_arrow_table()
    except duckdb.Error:
        return None
    return Previous(frozenset(key.batches), links, pairs, path)


def read_state_features(
    path: Path, key: RunKey, uids: Sequence[str], *, tf_columns: Sequence[str] = ()
) -> tuple[pa.Table, dict[str, pa.Table]] | None:
    """The features of the records ``uids`` kept in ``path``, and for each column of
    ``tf_columns`` its term frequencies over every record of the run (only the values those
    records hold: ``column, tf_column``, as Splink computes them), or None when the file does
    not describe the run ``key`` (as :func:`read_state`).

    Reads only: the file is opened read-only, so a run writing it at the same moment makes
    this return None rather than wait.
    """
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute("SELECT key, version FROM meta").fetchall()
            if rows != [(_key_text(key), _version())]:
                return None
            con.register("_padan_wanted", pa.table({"uid": pa.array(list(uids), pa.string())}))
            features = con.sql(
                f"SELECT {', '.join(FEATURE_COLUMNS)} FROM features"
                " SEMI JOIN _padan_wanted ON unique_id = uid ORDER BY unique_id"
            ).to_arrow_table()
            frequencies = {}
            for column in tf_columns:
                if column not in FEATURE_COLUMNS:
                    return None
                # Splink's own formula (term_frequencies_for_single_column_sql): the share of
                # the column's non-null values, over the whole population.
                frequencies[column] = con.sql(f"""
                    SELECT {column}, cast(count(*) AS float8) / (
                        SELECT count({column}) FROM features) AS tf_{column}
                    FROM features
                    WHERE {column} IN (SELECT f.{column} FROM features f
                                       SEMI JOIN _padan_wanted ON f.unique_id = uid)
                    GROUP BY {column}
                """).to_arrow_table()
    except duckdb.Error:
        return None
    return features, frequencies


def store_key(store: Store) -> str:
    """The store as a state file names it: its URL (password hidden), a SQLite file by its
    absolute path."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return f"sqlite:{os.path.abspath(url.database)}"
    return url.render_as_string(hide_password=True)


def run_key(store: Store, run: LinkRun) -> RunKey:
    """The key of the stored ``run`` of ``store``."""
    return RunKey(store_key(store), run.id, run.model_version, tuple(run.batches))


def draft_path(path: Path) -> Path:
    """Where a full state is put together before it replaces ``path``."""
    return path.with_name(f"{path.name}.draft")


def save_features(con: duckdb.DuckDBPyConnection, draft: Path) -> None:
    """Write the table ``features`` of ``con`` (every current record) to a new ``draft``.

    DuckDB writes it natively, with both cores: a million records take about 4 s, against
    twice that through Python. :func:`complete_draft` finishes the state.
    """
    draft.unlink(missing_ok=True)
    draft.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"ATTACH '{draft}' AS padan_draft")
    try:
        os.chmod(draft, 0o600)
        con.execute(f"""
            CREATE TABLE padan_draft.features AS
            SELECT {", ".join(FEATURE_COLUMNS)} FROM features
        """)
    finally:
        con.execute("DETACH padan_draft")


def complete_draft(path: Path, key: RunKey, *, links: pa.Table, pairs: pa.Table) -> None:
    """Add ``links`` and ``pairs`` to the draft :func:`save_features` wrote and put it in place
    as the state of run ``key``. Raises :class:`duckdb.Error` or :class:`OSError` when it
    cannot; the draft is then removed."""
    draft = draft_path(path)
    try:
        with duckdb.connect(str(draft)) as con:
            con.register("new_links", links)
            con.register("new_pairs", pairs)
            con.execute("""
                CREATE TABLE links AS SELECT * FROM new_links;
                CREATE TABLE pairs AS SELECT * FROM new_pairs;
                CREATE TABLE meta (key VARCHAR, version VARCHAR);
            """)
            con.execute("INSERT INTO meta VALUES (?, ?)", [_key_text(key), _version()])
        os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def update_state(
    path: Path,
    key: RunKey,
    *,
    since: RunKey,
    features: pa.Table | None,
    links: pa.Table,
    pairs: pa.Table,
    gone_pairs: Sequence[tuple[str, str]] = (),
    gone_records: Collection[str] = (),
) -> None:
    """Turn the state of run ``since`` in ``path`` into run ``key``'s: rows with the same
    record or pair are replaced by those in ``features`` (if given), ``links`` and ``pairs``,
    the pairs ``gone_pairs`` removed, and the features and links of ``gone_records`` (records
    no longer current: a snapshot retired them) removed. When the file holds another run it
    is removed instead (the next run reads the store). Raises :class:`duckdb.Error` when the
    file cannot be written."""
    if _read_meta(path) != _key_text(since):
        path.unlink(missing_ok=True)
        return
    gone = pa.table([[a for a, _ in gone_pairs], [b for _, b in gone_pairs]], schema=_GONE)
    left = pa.table({"uid": pa.array(sorted(gone_records), pa.string())})
    with _connect_for_writing(path) as con:
        for name, table in (
            ("new_links", links),
            ("new_pairs", pairs),
            ("gone", gone),
            ("gone_records", left),
        ):
            con.register(name, table)
        con.execute("BEGIN")
        con.execute("""
            DELETE FROM features WHERE unique_id IN (SELECT uid FROM gone_records);
            DELETE FROM links WHERE uid IN (SELECT uid FROM gone_records);
        """)
        if features is not None:
            con.register("new_features", features)
            con.execute("""
                DELETE FROM features WHERE unique_id IN (SELECT unique_id FROM new_features);
                INSERT INTO features SELECT * FROM new_features;
            """)
        con.execute("""
            DELETE FROM links WHERE uid IN (SELECT uid FROM new_links);
            INSERT INTO links SELECT * FROM new_links;
            DELETE FROM pairs p WHERE EXISTS (
                SELECT 1 FROM (SELECT uid_l, uid_r FROM new_pairs
                               UNION ALL SELECT uid_l, uid_r FROM gone) x
                WHERE x.uid_l = p.uid_l AND x.uid_r = p.uid_r);
            INSERT INTO pairs SELECT * FROM new_pairs;
            DELETE FROM meta;
        """)
        con.execute("INSERT INTO meta VALUES (?, ?)", [_key_text(key), _version()])
        con.execute("COMMIT")


#: How long a run waits for readers of its state (a review page reads it for well under a
#: second) before it gives the state up.
_WRITE_WAIT_SECONDS = 10.0


def _connect_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    """``path`` opened for writing, waiting while another process reads it (DuckDB lets one
    process write a file, and none while another has it open, even read-only)."""
    deadline = time.monotonic() + _WRITE_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _read_meta(path: Path) -> str | None:
    """The run key text a state file holds, or None."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute("SELECT key FROM meta").fetchall()
    except duckdb.Error:
        return None
    return str(rows[0][0]) if rows else None


def _key_text(key: RunKey) -> str:
    return json.dumps(
        [key.store, key.run_id, key.model_version, list(key.batches)], separators=(",", ":")
    )
