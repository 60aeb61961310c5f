"""The pairs of an incremental run: which kept pairs, scored again, change children."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from padan.domain.names import normalise_name
from padan.linkage.run_cluster import cluster_run
from padan.linkage.run_pairs import crossed_records, kept_model_pairs
from padan.linkage.state import LINK_STATE_SCHEMA, PAIR_STATE_SCHEMA, Previous


def _previous(
    earlier: list[tuple[str, str, float, str, str]], state: Path | None = None
) -> Previous:
    """An earlier run holding the pairs ``earlier`` (and its features in ``state``)."""
    pairs = [dict(zip(PAIR_STATE_SCHEMA.names, row, strict=True)) for row in earlier]
    return Previous(
        frozenset(),
        LINK_STATE_SCHEMA.empty_table(),
        pa.Table.from_pylist(pairs, schema=PAIR_STATE_SCHEMA),
        state,
    )


def _earlier_features(tmp_path: Path, rows: str) -> Path:
    """A state file of an earlier run whose features are ``rows`` (SQL values of
    ``unique_id, name``)."""
    state = tmp_path / "state.duckdb"
    was = duckdb.connect(str(state))
    was.execute(f"CREATE TABLE features AS SELECT * FROM (VALUES {rows}) t(unique_id, name)")
    was.close()
    return state


def test_run_pairs_crossed_records_are_those_of_kept_pairs_whose_decision_may_change() -> None:
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE features AS SELECT * FROM (VALUES
            ('a', false), ('b', false), ('c', false), ('d', false), ('e', false),
            ('f', false), ('g', false), ('h', false), ('n', true)) t(unique_id, fresh)
    """)
    earlier = [
        ("a", "b", 0.898, "model", "review"),  # rises over the threshold
        ("c", "d", 0.9004, "model", "link"),  # falls under it
        ("e", "f", 0.95, "model", "link"),  # moves a little, stays linked
        ("g", "h", 0.6, "model", "review"),  # falls under the review threshold: gone
        ("a", "n", 0.7, "model", "review"),  # a fresh record: scored anew, not kept
        ("b", "c", 1.0, "nik", "link"),  # the NIK rule's: never scored again
    ]
    previous = _previous(earlier)
    kept_model_pairs(con, previous)
    con.execute("""
        CREATE TABLE pairs AS SELECT * FROM (VALUES
            ('a', 'b', 0.9044, 'model'), ('c', 'd', 0.8976, 'model'),
            ('e', 'f', 0.96, 'model'), ('a', 'n', 0.2, 'model'), ('b', 'c', 1.0, 'nik'))
            t(uid_l, uid_r, p, rule)
    """)
    assert crossed_records(con, threshold=0.9) == {"a", "b", "c", "d", "g", "h"}
    assert crossed_records(con, threshold=0.95) == {"g", "h"}


def test_run_pairs_kept_pairs_scored_again_are_those_term_frequencies_can_move(
    tmp_path: Path,
) -> None:
    # The earlier run's features: x (putri) is retired since, m renamed (nur to nurul).
    state = _earlier_features(
        tmp_path,
        """
            ('a', 'siti'), ('b', 'siti'), ('c', 'rina'), ('d', 'rina'), ('e', 'dewi'),
            ('f', 'dewi'), ('g', 'ayu'), ('h', 'ayu'), ('p', 'putri'), ('q', 'nur'),
            ('x', 'putri'), ('m', 'nur')""",
    )
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE features AS SELECT * FROM (VALUES
            ('a', 'siti', false), ('b', 'siti', false), ('c', 'rina', false),
            ('d', 'rina', false), ('e', 'dewi', false), ('f', 'dewi', false),
            ('g', 'ayu', false), ('h', 'ayu', false), ('p', 'putri', false),
            ('q', 'nur', false), ('m', 'nurul', true), ('n', 'ayu', true))
            t(unique_id, name, fresh)
    """)
    earlier = [
        ("a", "b", 0.99999, "model", "link"),  # far from both thresholds: kept as it was
        ("c", "d", 0.9001, "model", "link"),  # at the link threshold: scored again
        ("e", "f", 0.5001, "model", "review"),  # at the review threshold: scored again
        ("g", "h", 0.99999, "model", "link"),  # "ayu" has a new record: scored again
        ("p", "q", 0.99999, "model", "link"),  # "putri" lost one, "nur" too: scored again
        ("b", "c", 1.0, "nik", "link"),  # the NIK rule's: never scored again
    ]
    previous = _previous(earlier, state)
    table = kept_model_pairs(con, previous, thresholds=(0.9, 0.5))
    again = set(con.execute(f"SELECT uid_l, uid_r FROM {table}").fetchall())
    assert again == {("c", "d"), ("e", "f"), ("g", "h"), ("p", "q")}
    # Without the earlier features (or thresholds) every kept model pair is scored again.
    kept_model_pairs(con, previous, thresholds=())
    every = set(con.execute(f"SELECT uid_l, uid_r FROM {table}").fetchall())
    assert every == again | {("a", "b")}


def test_run_pairs_with_frozen_frequencies_only_pairs_with_a_new_name_are_scored_again(
    tmp_path: Path,
) -> None:
    # The earlier run's features: "putri" retired since, "ayu" gained a record.
    state = _earlier_features(
        tmp_path,
        """
            ('a', 'siti'), ('b', 'siti'), ('c', 'rina'), ('d', 'rina'), ('g', 'ayu'),
            ('h', 'ayu'), ('p', 'putri'), ('r', 'zaskia'), ('s', 'zaskia'), ('u', NULL),
            ('v', 'rini')""",
    )
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE features AS SELECT * FROM (VALUES
            ('a', 'siti', false), ('b', 'siti', false), ('c', 'rina', false),
            ('d', 'rina', false), ('g', 'ayu', false), ('h', 'ayu', false),
            ('n', 'ayu', true), ('r', 'zaskia', false), ('s', 'zaskia', false),
            ('u', NULL, false), ('v', 'rini', false)) t(unique_id, name, fresh)
    """)
    # Names at training: "zaskia" came after it.
    con.execute("""
        CREATE TABLE frozen AS SELECT * FROM (VALUES
            ('name', 'siti'), ('name', 'rina'), ('name', 'ayu'), ('name', 'putri'),
            ('name', 'rini')) t("column", value)
    """)
    earlier = [
        ("a", "b", 0.9001, "model", "link"),  # at the threshold, frozen names: kept
        ("c", "d", 0.5001, "model", "review"),  # likewise
        ("g", "h", 0.99, "model", "link"),  # "ayu" has a new record: frozen, kept
        ("r", "s", 0.99999, "model", "link"),  # a name new since training: again
        ("c", "r", 0.6, "model", "review"),  # one of them new: again
        ("u", "v", 0.7, "model", "review"),  # no name, a frozen one: kept
        ("a", "n", 0.7, "model", "review"),  # a fresh record: scored anew, not kept
    ]
    previous = _previous(earlier, state)
    cases = [
        ({"frozen": "frozen"}, {("r", "s"), ("c", "r")}),
        # The model's frozen table lost: its earlier scores cannot be told apart, all again.
        ({"lost": True}, {("a", "b"), ("c", "d"), ("g", "h"), ("r", "s"), ("c", "r"), ("u", "v")}),
    ]
    for options, expected in cases:
        table = kept_model_pairs(con, previous, thresholds=(0.9, 0.5), **options)
        assert set(con.execute(f"SELECT uid_l, uid_r FROM {table}").fetchall()) == expected


# Two records with one NIK, one birth date and a certain score: their names decide whether the
# pair links or waits for a person (a NIK mistyped into a stranger's shows in names with
# nothing in common).
_NAMES = [
    pytest.param("putri aulia", "aulia", "link", id="a call name"),
    pytest.param("nur dinda", "dlnda", "link", id="a call name read with one letter wrong"),
    pytest.param("davina utami", "utomi", "link", id="a call name with one letter typed wrong"),
    pytest.param("khairunisa nurfadila", "nlsa", "link", id="a syllable called, a letter wrong"),
    pytest.param("omar saputra", "utro", "link", id="the end of a word called, a letter wrong"),
    pytest.param("dwi dinda", "dwl", "link", id="a three-letter call name, a letter wrong"),
    pytest.param("arif wijaya", "wjiaya", "link", id="a word with two letters swapped"),
    pytest.param("muhammad rayan", "muhamadrayan", "link", id="written joined, a letter dropped"),
    pytest.param("siti aminah", "rudi hartono", "review", id="nothing in common"),
    pytest.param("nur dinda", "budi", "review", id="a word two letters from any stretch"),
    pytest.param("ahmad fauzi", "ri", "review", id="too short a word to be a call name"),
]


@pytest.mark.parametrize(("a", "b", "decision"), _NAMES)
def test_run_pairs_cluster_run_links_certain_pairs_unless_names_share_nothing(
    a: str, b: str, decision: str
) -> None:
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE features (unique_id VARCHAR, source VARCHAR, name VARCHAR,
            name_core VARCHAR, name_compact VARCHAR, nik VARCHAR, nik_valid BOOLEAN, nik_proven BOOLEAN,
            nik_padan BOOLEAN, household VARCHAR, is_head BOOLEAN, dob VARCHAR,
            dob_placeholder BOOLEAN, sex VARCHAR, other_id VARCHAR)
    """)
    for uid, source, name in (("kpai:1", "kpai", b), ("dtsen:1", "dtsen", a)):
        con.execute(
            "INSERT INTO features VALUES (?, ?, ?, ?, ?, '3201015505150001', true, true,"
            " false, NULL, false, '2015-05-15', false, 'P', NULL)",
            [uid, source, name, name, normalise_name(name).compact],
        )
    _, decisions = cluster_run(
        con, [("dtsen:1", "kpai:1", 1.0, "model")], None, threshold=0.9, cannot_link=[]
    )
    assert decisions == {("dtsen:1", "kpai:1"): decision}
