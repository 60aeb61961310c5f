"""The DCI registry's state in the database (migration 0016): subscriptions with their cursor,
transactions for txn/status, and which records a linkage run linked or unlinked; on each
backend, seen by a second handle on the same database (another worker, a restart)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from padan.errors import StoreError
from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot
from padan.store import ChildLink, LinkRun, Store, open_store
from padan.store.dci_events import (
    latest_children,
    link_changes,
    record_events_of_batches,
    runs_after,
)
from padan.store.dci_state import (
    StoredTransaction,
    add_subscription,
    advance_subscription,
    end_subscriptions,
    get_transaction,
    put_transaction,
    subscriptions,
    transaction_by_correlation,
)
from support.snapshots import write_dtsen

_REGION = {"query_type": "predicate", "query": [{"expression1": {"attribute_name": "region"}}]}


def _subscribe(store: Store, code: str, user: str = "kemensos1", event: str = "UPDATE") -> bool:
    added = add_subscription(
        store,
        code=code,
        username=user,
        sender_id="dinsos",
        event_type=event,
        criteria=_REGION,
        notify_url="http://127.0.0.1:9/registry/notify",
    )
    return added is not None


def _run(
    store: Store,
    links: list[ChildLink],
    batches: list[int],
    *,
    since: int | None = None,
    gone: Sequence[tuple[str, str]] = (),
) -> int:
    now = dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC)
    run = LinkRun(0, now, now, "m", 0.9, 0.5, len(links), 1, batches)
    return store.save_link_run(run, links, [], since=since, gone_links=list(gone))


def test_dci_state_subscriptions_are_kept_once_and_end_all_or_none(store: Store) -> None:
    first_run = _run(store, [ChildLink("dtsen", "D1", "A", None)], [1])
    assert _subscribe(store, "s1") and _subscribe(store, "s2", event="LINK")
    assert not _subscribe(store, "s3")  # the same as s1: refused
    assert _subscribe(store, "s4", user="daerah1")
    other = open_store(store.url, create=False)  # another worker, or after a restart
    try:
        mine = subscriptions(other, username="kemensos1")
        assert [(s.code, s.event_type, s.run_cursor) for s in mine] == [
            ("s1", "UPDATE", first_run),
            ("s2", "LINK", first_run),
        ]
        assert mine[0].criteria == _REGION and mine[0].sent_parts == mine[0].delivered == 0
        assert end_subscriptions(other, "kemensos1", ["s1", "s4"]) is None  # s4: not theirs
        assert {s.code for s in subscriptions(store)} == {"s1", "s2", "s4"}
        assert end_subscriptions(other, "kemensos1", ["s1"]) == ["s1"]
        assert end_subscriptions(other, "kemensos1", ["s1"]) == ["s1"]  # again: no harm
    finally:
        other.engine.dispose()
    assert {s.code for s in subscriptions(store)} == {"s2", "s4"}
    ended = [s for s in subscriptions(store, active=False) if s.code == "s1"]
    assert ended and ended[0].ended_at is not None
    assert _subscribe(store, "s5")  # s1 ended: the same subscription may be made again


def test_dci_state_cursor_moves_only_when_told(store: Store) -> None:
    assert _subscribe(store, "s1")
    advance_subscription(store, "s1", outcome="HTTP 503", sent_parts=2)
    advance_subscription(store, "s1", outcome="HTTP 200", sent_parts=3, delivered=1)
    (got,) = subscriptions(store)
    assert (got.run_cursor, got.sent_parts, got.delivered, got.last_outcome) == (
        0,
        3,
        1,
        "HTTP 200",
    )
    advance_subscription(store, "s1", outcome="HTTP 200", run_cursor=7, sent_parts=0)
    (got,) = subscriptions(store)
    assert (got.run_cursor, got.sent_parts, got.delivered) == (7, 0, 1)


def test_dci_state_transactions_are_per_caller_replaced_and_pruned(store: Store) -> None:
    def txn(tid: str, corr: str) -> StoredTransaction:
        return StoredTransaction(tid, "search", corr, {"r-1": ("succ", None), "r-2": ("rjct", "x")})

    put_transaction(store, "a", txn("t1", "c1"))
    put_transaction(store, "b", txn("t1", "c9"))
    assert get_transaction(store, "a", "t1") == txn("t1", "c1")
    assert get_transaction(store, "c", "t1") is None
    put_transaction(store, "a", txn("t1", "c2"))  # the same transaction id again: replaced
    assert get_transaction(store, "a", "t1") == txn("t1", "c2")
    found = transaction_by_correlation(store, "a", "c2")
    assert found is not None and found.transaction_id == "t1"
    assert transaction_by_correlation(store, "a", "c9") is None  # b's
    for i in range(2, 6):
        put_transaction(store, "a", txn(f"t{i}", f"c{i}"), keep=3)
    assert [get_transaction(store, "a", f"t{i}") is not None for i in range(1, 6)] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert get_transaction(store, "b", "t1") is not None  # another caller's are kept


def test_dci_state_link_changes_tell_linked_moved_and_unlinked_records(store: Store) -> None:
    first = _run(
        store,
        [
            ChildLink("dtsen", "D1", "A", None),
            ChildLink("dtsen", "D2", "B", None),
            ChildLink("kpai", "K1", "B", None),
        ],
        [1, 2],
    )
    assert sorted(link_changes(store, first)) == [
        ("dtsen:D1", None, "A"),
        ("dtsen:D2", None, "B"),
        ("kpai:K1", None, "B"),
    ]
    # Incremental: K1 moves to A, D3 is new, D2 is no longer current.
    second = _run(
        store,
        [ChildLink("kpai", "K1", "A", None), ChildLink("dtsen", "D3", "C", None)],
        [1, 2, 3],
        since=first,
        gone=[("dtsen", "D2")],
    )
    assert sorted(link_changes(store, second)) == [
        ("dtsen:D2", "B", None),
        ("dtsen:D3", None, "C"),
        ("kpai:K1", "B", "A"),
    ]
    # A full run gives every record its child again: only K1's move back is a change.
    third = _run(
        store,
        [
            ChildLink("dtsen", "D1", "A", None),
            ChildLink("kpai", "K1", "B", None),
            ChildLink("dtsen", "D3", "C", None),
        ],
        [1, 2, 3, 4],
    )
    assert link_changes(store, third) == [("kpai:K1", "A", "B")]
    assert runs_after(store, first) == [(second, [3]), (third, [4])]
    assert runs_after(store, third) == []


def test_migration_0016_adds_the_dci_tables_to_an_older_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url)
    command.upgrade(old._alembic_config(), "0015")
    with pytest.raises(StoreError, match="padan db upgrade"):
        open_store(url, create=False)
    old.upgrade()
    upgraded = open_store(url, create=False)
    assert _subscribe(upgraded, "s1") and subscriptions(upgraded)[0].code == "s1"
    upgraded.engine.dispose()
    command.downgrade(old._alembic_config(), "0015")
    tables = inspect(old.engine).get_table_names()
    assert "dci_subscriptions" not in tables and "dci_transactions" not in tables
    old.engine.dispose()


def test_dci_state_record_events_of_a_run_s_batches_and_their_children(
    store: Store, tmp_path: Path
) -> None:
    first = ingest_file(write_dtsen(tmp_path, "q1", ["H1", "H2"]), source="dtsen", store=store)
    q2 = write_dtsen(tmp_path, "q2", ["H1"], desil={"H1": "5"})
    second = ingest_file(
        q2, source="dtsen", store=store, snapshot=Snapshot(allow_large_removal=True)
    )
    got = record_events_of_batches(store, [second.batch_id], sources=["dtsen"])
    assert sorted((e.record_id, e.event) for _, e in got) == [
        ("D1", "changed"),
        ("D2", "changed"),
        ("D3", "removed"),
        ("D4", "removed"),
    ]
    ids = [i for i, _ in got]
    assert ids == sorted(ids)
    paged = record_events_of_batches(store, [second.batch_id], sources=["dtsen"], after=ids[1])
    assert [i for i, _ in paged] == ids[2:]
    assert record_events_of_batches(store, [first.batch_id], sources=["kpai"]) == []
    assert len(record_events_of_batches(store, [first.batch_id], sources=["dtsen"])) == 4
    run1 = _run(
        store, [ChildLink("dtsen", "D3", "A", None), ChildLink("dtsen", "D4", "B", None)], [1]
    )
    _run(store, [ChildLink("dtsen", "D4", "C", None)], [1, 2], since=run1, gone=[("dtsen", "D3")])
    # D3 retired keeps the child it last had; D4 moved to C.
    assert latest_children(store, ["dtsen:D3", "dtsen:D4", "dtsen:D9"]) == {
        "dtsen:D3": "A",
        "dtsen:D4": "C",
    }
