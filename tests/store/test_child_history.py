"""A child's records over time (by their most recent link), their record events, their newest
versions, and the children with record events in a period and region."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from padan.store import open_store
from padan.store.child_history import (
    child_records,
    children_with_record_events,
    events_of_records,
    last_versions,
    records_with_events_among,
)
from support.child_events import QUARTER_1, EventWorld, build_event_world
from support.postgres import create_database

QUARTER_2 = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EventWorld]:
    work = tmp_path_factory.mktemp("child-history")
    if request.param == "sqlite":
        url = f"sqlite:///{work / 'padan.db'}"
    else:
        url = create_database(request.getfixturevalue("postgres_server"), "padan_child_history")
    store = open_store(url)
    yield build_event_world(store, work)
    store.engine.dispose()


@pytest.mark.parametrize(
    ("child", "records"),
    [
        ("A", ["dtsen:EVDA", "kpai:EV/KA/2026"]),  # the retired DTSEN record stays its history
        ("B", ["dtsen:EVDB", "kpai:EV/KB2/2026"]),
        ("C", ["dtsen:EVDC", "kpai:EV/KC/2026"]),
        ("F", ["dtsen:EVDF"]),
    ],
)
def test_child_records_by_most_recent_link(
    world: EventWorld, child: str, records: list[str]
) -> None:
    assert child_records(world.store, [world.child[child]]) == {world.child[child]: records}


def test_child_records_unknown_child_is_left_out(world: EventWorld) -> None:
    assert child_records(world.store, ["PDN999999999"]) == {}


@pytest.mark.parametrize(
    ("uid", "kinds"),
    [
        ("dtsen:EVDA", ["added", "removed"]),
        ("dtsen:EVDB", ["added", "changed"]),
        ("kpai:EV/KC/2026", ["added", "changed"]),
        ("dtsen:EVDF", ["added"]),
    ],
)
def test_events_of_records_oldest_first(world: EventWorld, uid: str, kinds: list[str]) -> None:
    got = events_of_records(world.store, [uid])[uid]
    assert [e.event for e in got] == kinds
    assert got[0].at == QUARTER_1 or uid == "dtsen:EVDF"


def test_last_versions_of_current_and_retired_records(world: EventWorld) -> None:
    got = last_versions(world.store, ["dtsen:EVDA", "dtsen:EVDB"], columns=["desil", "nope"])
    assert got["dtsen:EVDA"] == {"id_individu": "EVDA", "is_current": False, "desil": 3}
    assert got["dtsen:EVDB"] == {"id_individu": "EVDB", "is_current": True, "desil": 3}


@pytest.mark.parametrize(
    ("regions", "sources", "children"),
    [
        (None, ("dtsen", "kpai"), "ABCDEF"),
        (["32.01"], ("dtsen", "kpai"), "ABE"),
        (["32.02"], ("dtsen", "kpai"), "CDF"),  # D's change names its new region
        (None, ("kpai",), "BC"),
        ([], ("dtsen", "kpai"), ""),
    ],
)
def test_children_with_record_events_in_period_and_region(
    world: EventWorld, regions: list[str] | None, sources: tuple[str, ...], children: str
) -> None:
    got = children_with_record_events(
        world.store, regions=regions, since=QUARTER_2, sources=sources
    )
    assert got == {world.child[c] for c in children}


@pytest.mark.parametrize(
    ("among", "since", "until", "sources", "children"),
    [
        ("ABCDEF", QUARTER_2, None, ("dtsen", "kpai"), "ABCDEF"),
        ("AD", QUARTER_2, None, ("dtsen", "kpai"), "AD"),
        ("ABCD", QUARTER_2, None, ("kpai",), "BC"),
        ("ABCDEF", None, QUARTER_2, ("dtsen", "kpai"), "ABCDE"),  # quarter 1: F came later
        ("ABCDEF", QUARTER_2 + dt.timedelta(days=3650), None, ("dtsen", "kpai"), ""),
        ("", QUARTER_2, None, ("dtsen", "kpai"), ""),
    ],
)
def test_records_with_events_among_starts_from_the_children(
    world: EventWorld,
    among: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
    sources: tuple[str, ...],
    children: str,
) -> None:
    ids = [world.child[c] for c in among]
    got = records_with_events_among(world.store, ids, since=since, until=until, sources=sources)
    assert set(got) == {world.child[c] for c in children}
    # The same children as the period-first query, limited to those asked about.
    every = children_with_record_events(world.store, since=since, until=until, sources=sources)
    assert set(got) == every & set(ids)
    records = child_records(world.store, ids)
    for child, uids in got.items():
        assert set(uids) <= set(records[child])
        assert all(uid.split(":")[0] in sources for uid in uids)
