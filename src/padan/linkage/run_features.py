"""The features of one linkage run: which records it scores (``fresh``) and which records
of the previous run are no longer current (a snapshot retired them)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow.compute as pc

from padan.linkage.features import (
    FEATURE_COLUMNS,
    SOURCE_COLUMNS,
    load_features,
    refresh_features,
    update_features,
)
from padan.linkage.person_sources import linked_sources
from padan.linkage.run_pairs import listed
from padan.linkage.state import Previous
from padan.store import Store

__all__ = ["features_of_run", "retired_records"]

#: New batches holding at least this share of the kept records (a snapshot) are compared with
#: their previous versions in the store first, and only those that differ are read
#: (:func:`_snapshot_features`); a month's complaints, a few per cent, are far below it. When
#: that many records differ, every record is read at once: on 100k DTSEN records a whole
#: snapshot took 6.3 s read by households and 4.1 s read whole (households read 5,000 at a
#: time then, each list a scan of the table on SQLite).
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
    linked = linked_sources(store)
    new = [b for b in store.list_batches() if b.source in linked and b.id not in previous.batches]
    batches = sorted(b.id for b in new)
    # The kept state serves KPAI and DTSEN; with declared sources every record is read.
    if previous.features is not None and linked == ["kpai", "dtsen"]:
        con.execute(f"ATTACH '{previous.features}' AS state (READ_ONLY)")
        try:
            rows = con.execute("SELECT count(*) FROM state.features").fetchall()
            kept = int(rows[0][0]) if rows else 0
            if sum(b.rows_accepted for b in new) >= _RELOAD_SHARE * kept:
                # A snapshot: most of its records are as they were. The store says which
                # differ from their last version in what features are computed from; only
                # those (and their households) are read and computed anew.
                _snapshot_features(store, con, batches, kept=kept)
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


def _snapshot_features(
    store: Store, con: duckdb.DuckDBPyConnection, batches: Sequence[int], *, kept: int
) -> None:
    """Create ``features`` after new ``batches`` that hold a snapshot, from the kept state
    (attached as ``state``): the records of those batches that differ from their previous
    version in a column features are computed from (or are new) are computed anew with
    their DTSEN households, and so are the households a record left or that lost a record a
    snapshot retired; retired records are left out.

    Every record is computed anew, as a full run does, when a large share of the kept
    records changed (reading them whole is then faster), or when the result does not hold as
    many records as the store (a kept state that missed a record would otherwise lose it).
    """
    changed = {
        extract: store.changed_records(extract, batches, columns)
        for extract, columns in SOURCE_COLUMNS.items()
    }
    if sum(map(len, changed.values())) >= _RELOAD_SHARE * kept:
        _all_fresh(store, con)
        return
    removed = [
        f"{source}:{record}"
        for source, record in store.removed_records(batches)
        if source in ("kpai", "dtsen")
    ]
    people = sorted(changed["dtsen_individu"])
    now = store.records_arrow("dtsen_individu", ["id_keluarga"], only=("id_individu", people))
    households = set(pc.unique(now.column("id_keluarga")).drop_null().to_pylist())
    # The households they were in at the last run: a member left, or a snapshot retired one.
    with listed(con, "_padan_left", [f"dtsen:{p}" for p in people] + removed):
        rows = con.execute(
            "SELECT DISTINCT household FROM state.features JOIN _padan_left ON unique_id = uid"
            " WHERE household IS NOT NULL"
        ).fetchall()
    households.update(h for (h,) in rows)
    records = refresh_features(
        store,
        con,
        cached="state.features",
        kpai=changed["kpai_kasus"],
        households=households,
        gone=removed,
    )
    current = store.count_records("kpai_kasus") + store.count_records("dtsen_individu")
    if records != current:
        _all_fresh(store, con)


def _all_fresh(store: Store, con: duckdb.DuckDBPyConnection) -> None:
    """``features`` of every current record, all ``fresh`` (the kept state then says which
    came out the same)."""
    load_features(store, con)
    con.execute("ALTER TABLE features ADD COLUMN fresh BOOLEAN DEFAULT true")


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
    address) keeps its earlier pairs too. The model's name frequencies are frozen at
    training (:mod:`padan.linkage.frequencies`); a name new since then is weighed by today's
    records, and :func:`padan.linkage.run_pairs.kept_model_pairs` scores its pairs again.
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
