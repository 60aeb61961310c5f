from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from padan.errors import StoreError
from padan.store import ChildEvent, ChildLink, LinkRun, Store, open_store
from padan.store.database import HEAD_REVISION


def test_link_runs_round_trip_on_each_backend(store: Store) -> None:
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    run = LinkRun(0, now, now, "abc123", 0.9, 0.5, 3, 2, [1, 2])
    links = [
        ChildLink("kpai", "K/1", "A1", 0.97),
        ChildLink("dtsen", "D1", "A1", 0.97),
        ChildLink("dtsen", "D2", "A2", None),
    ]
    pairs = [
        ("dtsen:D1", "kpai:K/1", 0.97, "model", "link"),
        ("dtsen:D1", "kpai:K/1", 1.0, "nik", "link"),
        ("dtsen:D2", "kpai:K/1", 0.6, "model", "review"),
    ]
    first = store.save_link_run(run, links, pairs)
    second = store.save_link_run(run, links[:1], [])
    latest = store.latest_link_run()
    assert latest is not None and latest.id == second == first + 1
    assert (latest.model_version, latest.batches, latest.children) == ("abc123", [1, 2], 2)
    assert sorted(store.child_links(first), key=lambda x: x.source_id) == sorted(
        links, key=lambda x: x.source_id
    )
    assert store.child_of(first) == {"kpai:K/1": "A1", "dtsen:D1": "A1", "dtsen:D2": "A2"}
    assert store.child_of(second) == {"kpai:K/1": "A1"}
    stored_pairs = store.link_pairs(first)
    assert len(stored_pairs) == 2  # the NIK rule and the model gave the same pair: stored once
    assert stored_pairs[0][2] >= stored_pairs[1][2]


def test_link_runs_store_child_id_events_in_order(store: Store) -> None:
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    run = LinkRun(0, now, now, "abc123", 0.9, 0.5, 2, 1, [1])
    events = [
        ChildEvent("new", "PDN000000003", None, 1),
        ChildEvent("merge", "PDN000000001", "PDN000000002", 2),
        ChildEvent("retired", "PDN000000002", None, 0),
    ]
    run_id = store.save_link_run(run, [ChildLink("dtsen", "D1", "PDN000000001", 0.99)], [], events)
    assert store.child_events(run_id) == events
    assert store.child_events(run_id + 1) == []


def test_link_runs_store_only_changes_and_each_run_reads_as_it_was(store: Store) -> None:
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    run = LinkRun(0, now, now, "abc123", 0.9, 0.5, 3, 2, [1])
    first = store.save_link_run(
        run,
        [
            ChildLink("dtsen", "D1", "A1", 0.97),
            ChildLink("kpai", "K1", "A1", 0.97),
            ChildLink("dtsen", "D2", "A2", None),
        ],
        [
            ("dtsen:D1", "kpai:K1", 0.97, "model", "link"),
            ("dtsen:D2", "kpai:K1", 0.6, "model", "review"),
        ],
    )
    # The next run moves K1 to D2's child, adds K2, drops one pair and rescores the other.
    second = store.save_link_run(
        run,
        [ChildLink("kpai", "K1", "A2", 0.95), ChildLink("kpai", "K2", "A3", None)],
        [("dtsen:D2", "kpai:K1", 0.95, "model", "link")],
        since=first,
        gone_pairs=[("dtsen:D1", "kpai:K1")],
    )
    assert store.child_of(first) == {"dtsen:D1": "A1", "kpai:K1": "A1", "dtsen:D2": "A2"}
    assert store.child_of(second) == {
        "dtsen:D1": "A1",
        "kpai:K1": "A2",
        "dtsen:D2": "A2",
        "kpai:K2": "A3",
    }
    assert store.link_pairs(first) == [
        ("dtsen:D1", "kpai:K1", 0.97, "model", "link"),
        ("dtsen:D2", "kpai:K1", 0.6, "model", "review"),
    ]
    assert store.link_pairs(second) == [("dtsen:D2", "kpai:K1", 0.95, "model", "link")]
    # A full run (no ``since``) replaces everything that held.
    third = store.save_link_run(run, [ChildLink("dtsen", "D1", "A9", None)], [])
    assert store.child_of(third) == {"dtsen:D1": "A9"}
    assert store.link_pairs(third) == []
    assert store.child_of(second)["kpai:K2"] == "A3"
    # The highest id ever given counts, even when no run holds it any more.
    store.save_link_run(run, [ChildLink("dtsen", "D1", "A1", None)], [])
    assert store.highest_child_id() == "A9"


def test_link_runs_gone_links_end_and_the_earlier_run_keeps_them(store: Store) -> None:
    # A snapshot retired D2: the next run ends its link, whatever else it changes.
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    run = LinkRun(0, now, now, "abc123", 0.9, 0.5, 3, 2, [1])
    first = store.save_link_run(
        run,
        [
            ChildLink("kpai", "K/1", "A1", 0.97),
            ChildLink("dtsen", "D1", "A1", 0.97),
            ChildLink("dtsen", "D2", "A2", None),
        ],
        [("dtsen:D1", "kpai:K/1", 0.97, "model", "link")],
    )
    second = store.save_link_run(run, [], [], since=first, gone_links=[("dtsen", "D2")])
    assert store.child_of(second) == {"kpai:K/1": "A1", "dtsen:D1": "A1"}
    assert store.child_of(first)["dtsen:D2"] == "A2"
    assert store.highest_child_id() == "A2"  # an id once given is never given again


def test_link_runs_refuse_changes_relative_to_an_older_run(store: Store) -> None:
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    run = LinkRun(0, now, now, "abc123", 0.9, 0.5, 1, 1, [1])
    first = store.save_link_run(run, [ChildLink("dtsen", "D1", "A1", None)], [])
    store.save_link_run(run, [ChildLink("dtsen", "D1", "A1", None)], [], since=first)
    with pytest.raises(StoreError, match=f"relative to run {first}"):
        store.save_link_run(run, [ChildLink("dtsen", "D1", "A2", None)], [], since=first)
    assert store.child_of(first + 1) == {"dtsen:D1": "A1"}


def test_link_runs_migration_keeps_what_each_earlier_run_held(store_url: str) -> None:
    from alembic import command

    old = Store(store_url)
    command.upgrade(old._alembic_config(), "0005")  # before links held from run to run
    assert old.current_revision() == "0005"
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    with old.engine.begin() as conn:
        for _ in (1, 2):  # runs 1 and 2 of a fresh database
            conn.execute(
                text(
                    "INSERT INTO link_runs (started_at, finished_at, model_version,"
                    " link_threshold, review_threshold, records, children, batches)"
                    " VALUES (:t, :t, 'v1', 0.9, 0.5, 2, 2, '[1]')"
                ),
                {"t": now},
            )
        # Each run held a full copy: D1 moved from child A to child B in run 2.
        for run_id, child in ((1, "A"), (2, "B")):
            conn.execute(
                text(
                    "INSERT INTO child_links (run_id, source, source_id, child_id)"
                    " VALUES (:r, 'dtsen', 'D1', :c), (:r, 'kpai', 'K1', 'A')"
                ),
                {"r": run_id, "c": child},
            )
        conn.execute(
            text(
                "INSERT INTO link_pairs (run_id, uid_l, uid_r, match_probability, rule, decision)"
                " VALUES (1, 'dtsen:D1', 'kpai:K1', 0.95, 'model', 'link')"
            )
        )
    old.engine.dispose()
    store = Store(store_url)
    store.upgrade()  # what padan db upgrade does
    assert open_store(store_url, create=False).current_revision() == store.head_revision()
    assert store.child_of(1) == {"dtsen:D1": "A", "kpai:K1": "A"}
    assert store.child_of(2) == {"dtsen:D1": "B", "kpai:K1": "A"}
    assert len(store.link_pairs(1)) == 1 and store.link_pairs(2) == []
    run = LinkRun(0, now, now, "v1", 0.9, 0.5, 2, 2, [1])
    third = store.save_link_run(run, [ChildLink("kpai", "K1", "B", 0.9)], [], since=2)
    assert store.child_of(third) == {"dtsen:D1": "B", "kpai:K1": "B"}
    assert store.child_of(2) == {"dtsen:D1": "B", "kpai:K1": "A"}
    # And back: each run holds its full copy again.
    command.downgrade(store._alembic_config(), "0005")
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT run_id, source_id, child_id FROM child_links ORDER BY 1, 2")
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, "D1", "A"),
        (1, "K1", "A"),
        (2, "D1", "B"),
        (2, "K1", "A"),
        (third, "D1", "B"),
        (third, "K1", "B"),
    ]


def test_link_runs_head_revision_is_alembics_newest(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    store = Store(f"sqlite:///{tmp_path / 'padan.db'}")
    assert ScriptDirectory.from_config(store._alembic_config()).get_current_head() == HEAD_REVISION
    assert store.head_revision() == HEAD_REVISION
