"""The features of one linkage run: which records it scores (``fresh``) and which records
of the previous run are no longer current (a snapshot retired them)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from padan.linkage.features import FEATURE_COLUMNS, load_features, update_features
from padan.linkage.run_pairs import listed
from padan.linkage.state import Previous
from padan.store import Store

__all__ = ["features_of_run", "retired_records"]

#: New batches holding at least this share of the kept records (a snapshot) are read with
#: every other record at once, not household by household: on 100k DTSEN records a whole
#: snapshot took 6.3 s read by households and 4.1 s read whole (benchmarks/incremental.py
#: --snapshot); a month's complaints, a few per cent, are far below it.
_RELOAD_SHARE = 0.25
#: Feature columns a record's features are not compared on: its id (the join) and its batch.
_NOT_COMPARED = ("unique_id", "batch")


def retired_records(con: duckdb.DuckDBPyConnection, previous: Previous) -> frozenset[str]:
    """The records the previous run linked that are not current any more (not in
    ``features``): a snapshot retired them."""
    con.register("_padan_prev_links", previous.links.select(["uid"]))
    try:
        rows = con.execute(
            "SELECT uid FROM _padan_prev_links ANTI JOIN features ON unique_id = uid"
        ).fetchall()
    finally:
        con.unregister("_padan_prev_links")
    return frozenset(uid for (uid,) in rows)


def features_of_run(store: Store, con: duckdb.DuckDBPyConnection, previous: Previous | None) -> int:
    """Create ``features`` (with ``fresh``: the records to score) and return its size.

    Fresh are the records of batches the previous run did not link, and the DTSEN households
    they belong to (a new head gives the children a father); without a previous run, all.
    With a kept state, those whose features come out as the state has them are not fresh
    (:func:`_unchanged_not_fresh`), and records a snapshot retired are left out.
    """
    if previous is None:
        records = load_features(store, con)
        con.execute("ALTER TABLE features ADD COLUMN fresh BOOLEAN DEFAULT true")
        return records
    new = [
        b
        for b in store.list_batches()
        if b.source in ("kpai", "dtsen") and b.id not in previous.batches
    ]
    batches = sorted(b.id for b in new)
    if previous.features is not None:
        con.execute(f"ATTACH '{previous.features}' AS state (READ_ONLY)")
        try:
            rows = con.execute("SELECT count(*) FROM state.features").fetchall()
            kept = int(rows[0][0]) if rows else 0
            if sum(b.rows_accepted for b in new) >= _RELOAD_SHARE * kept:
                # A snapshot: reading every record at once is faster than reading most of
                # them household by household, and every record's features then come out
                # as a full run computes them.
                load_features(store, con)
                con.execute("ALTER TABLE features ADD COLUMN fresh BOOLEAN DEFAULT true")
            else:
                update_features(store, con, cached="state.features", batches=batches)
                _drop_retired(store, con, batches)
            _unchanged_not_fresh(con)
        finally:
            con.execute("DETACH state")
        rows = con.execute("SELECT count(*) FROM features").fetchall()
        return int(rows[0][0]) if rows else 0
    records = load_features(store, con)
    listed = ", ".join(map(str, batches)) or "NULL"
    con.execute(f"""
        ALTER TABLE features ADD COLUMN fresh BOOLEAN;
        UPDATE features SET fresh = coalesce(batch IN ({listed}) OR source = 'dtsen' AND household
            IN (SELECT household FROM features WHERE source = 'dtsen' AND batch IN ({listed})),
            false)
    """)
    return records


def _drop_retired(store: Store, con: duckdb.DuckDBPyConnection, batches: Sequence[int]) -> None:
    """Remove from ``features`` the kept records a snapshot among ``batches`` retired.

    The kept state holds every record the previous run linked; the store's ``removed``
    events name those that left. A record retired and brought back since is in a new batch:
    computed anew (``fresh``), it stays.
    """
    removed = [
        f"{source}:{record}"
        for source, record in store.removed_records(batches)
        if source in ("kpai", "dtsen")
    ]
    if removed:
        with listed(con, "_padan_removed", removed):
            con.execute(
                "DELETE FROM features WHERE NOT fresh AND unique_id IN ("
                "SELECT uid FROM _padan_removed)"
            )


def _unchanged_not_fresh(con: duckdb.DuckDBPyConnection) -> None:
    """Records computed anew whose matching features are those the kept state holds (every
    column but the batch) are not scored again: their pairs would score as before.

    A snapshot writes a new version of every record it holds, most of them the same as the
    last; a new version that changed only what matching does not read (decile, aid,
    address) keeps its earlier pairs too. Term frequencies are the exception: they move a
    little with every record added or retired, and only a full run scores every pair with
    them again.
    """
    # Joined by record and compared column by column: twice as fast as INTERSECT on a
    # million records (2.4 s against 4.6 s), as exact.
    same = " AND ".join(
        f"f.{c} IS NOT DISTINCT FROM s.{c}" for c in FEATURE_COLUMNS if c not in _NOT_COMPARED
    )
    con.execute(f"""
        CREATE TEMP TABLE _padan_same AS
        SELECT f.unique_id FROM features f JOIN state.features s ON f.unique_id = s.unique_id
        WHERE f.fresh AND {same};
        UPDATE features SET fresh = false FROM _padan_same p
        WHERE features.unique_id = p.unique_id;
        DROP TABLE _padan_same
    """)
