"""Per-child events (issue 18): derived from two DTSEN quarters and KPAI complaints of six
hand-written children (tests/support/child_events.py), shaped by role, audited, counted per
region and period, and the worklists' "new since" filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from padan.access.authorise import Forbidden, NotFound
from padan.access.policy import Principal, get_role
from padan.services.child_events import child_events_in, count_child_events, derive_child_events
from padan.services.children import child_profile, child_timeline
from padan.services.figures import clear_cache
from padan.services.timeline import child_event_counts, children_with_events
from padan.services.worklists import worklist
from padan.store import open_store
from padan.store.audit import audit_entries
from support.child_events import QUARTER_1, EventWorld, build_event_world

KEMENSOS = Principal("wati", get_role("analis_kemensos"), None)
KPAI = Principal("ani", get_role("analis_kpai"), None)
ADMIN = Principal("adi", get_role("admin"), None)
PENINJAU = Principal("rina", get_role("peninjau"), None)
DAERAH_3202 = Principal("ujang", get_role("petugas_daerah"), "32.02")

QUARTER_2 = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EventWorld]:
    work = tmp_path_factory.mktemp("child-events")
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    yield build_event_world(store, work)
    store.engine.dispose()


def _plain(events: list[Any], since: dt.datetime | None = None) -> list[tuple[Any, ...]]:
    return [
        (e.kind, e.field, e.old, e.new, e.programs)
        for e in events
        if since is None or e.at >= since
    ]


# Each child: its events of quarter 1, then those of quarter 2 (as derived, unshaped).
EXPECTED = {
    "A": (
        [("entered_dtsen",), ("new_case",)],
        [("left_dtsen", None, None, None, ())],
    ),
    "B": (
        [("entered_dtsen",)],
        [
            ("became_eligible", "desil", 7, 3, ("pkh", "sembako", "pbi_jk", "pip")),
            ("new_case", None, None, None, ()),
        ],
    ),
    "C": (
        [("entered_dtsen",), ("new_case",)],
        [
            ("stopped_receiving", "penerima_pkh", True, False, ()),
            ("case_status_changed", "status_penanganan", "baru", "proses", ()),
        ],
    ),
    "D": (
        [("entered_dtsen",)],
        [("moved_region", "kode_wilayah", "32.01.01.1001", "32.02.01.1001", ())],
    ),
    "E": ([("entered_dtsen",)], [("nik_changed", "nik", None, None, ())]),
    "F": ([], [("entered_dtsen", None, None, None, ())]),
}


@pytest.mark.parametrize("child", sorted(EXPECTED))
def test_child_events_each_child(world: EventWorld, child: str) -> None:
    events = derive_child_events(world.store, [world.child[child]])[world.child[child]]
    first, second = EXPECTED[child]
    assert sorted(e.kind for e in events if e.at == QUARTER_1) == sorted(k for (k,) in first)
    later = [e for e in events if e.at > QUARTER_1]
    assert sorted(_plain(later), key=str) == sorted(second, key=str)
    assert all(e.child_id == world.child[child] for e in events)
    assert events == sorted(events, key=lambda e: e.at)  # oldest first


def test_child_events_a_child_without_dtsen_left_keeps_its_complaint(world: EventWorld) -> None:
    # A's DTSEN record was retired by the snapshot: no longer linked, still in its history.
    profile = child_profile(world.store, KEMENSOS, world.child["A"])
    assert [r["source"] for r in profile["records"]] == ["kpai"]
    assert profile["events"][0]["kind"] == "left_dtsen"  # newest first
    assert profile["events"][0]["record"] == "dtsen:EVDA"


@pytest.mark.parametrize(
    ("who", "child", "kinds"),
    [
        # Kemensos sees welfare and aid, not the KPAI case status.
        (KEMENSOS, "C", ["stopped_receiving", "new_case", "entered_dtsen"]),
        # KPAI sees the case status, not aid or deciles.
        (KPAI, "C", ["case_status_changed", "new_case", "entered_dtsen"]),
        (KPAI, "B", ["new_case", "entered_dtsen"]),
        (KEMENSOS, "B", ["new_case", "became_eligible", "entered_dtsen"]),
        # The admin sees identity fields only: the move, not the NIK correction.
        (ADMIN, "D", ["moved_region", "entered_dtsen"]),
        (ADMIN, "E", ["entered_dtsen"]),
        (KPAI, "E", ["nik_changed", "entered_dtsen"]),
    ],
)
def test_child_timeline_follows_the_role(
    world: EventWorld, who: Principal, child: str, kinds: list[str]
) -> None:
    got = child_timeline(world.store, who, world.child[child])["events"]
    assert sorted(e["kind"] for e in got) == sorted(kinds)
    assert [e["at"] for e in got] == sorted((e["at"] for e in got), reverse=True)


def test_child_timeline_values_labels_and_no_nik(world: EventWorld) -> None:
    got = child_timeline(world.store, KEMENSOS, world.child["B"], lang="en")["events"]
    eligible = next(e for e in got if e["kind"] == "became_eligible")
    assert (eligible["old"], eligible["new"], eligible["field"]) == (7, 3, "desil")
    assert eligible["label"] == "Became eligible"
    assert eligible["programs"] == ["pkh", "sembako", "pbi_jk", "pip"]
    assert eligible["programs_text"].startswith("PKH")
    shown = child_timeline(world.store, KEMENSOS, world.child["C"], lang="id")["events"]
    stopped = next(e for e in shown if e["kind"] == "stopped_receiving")
    assert (stopped["label"], stopped["old_text"], stopped["new_text"]) == (
        "Berhenti menerima bantuan",
        "ya",
        "tidak",
    )
    # A masked role sees that the NIK was corrected, never a value of it.
    nik = next(
        e
        for e in child_timeline(world.store, KEMENSOS, world.child["E"])["events"]
        if e["kind"] == "nik_changed"
    )
    assert (nik["old"], nik["new"], nik["old_text"], nik["new_text"]) == (None,) * 4


def test_child_timeline_is_audited_and_scoped(world: EventWorld) -> None:
    child = world.child["C"]
    before = len(audit_entries(world.store, child_id=child, limit=1000))
    child_timeline(world.store, DAERAH_3202, child, purpose="penanganan kasus")
    entries = audit_entries(world.store, child_id=child, limit=1000)
    assert len(entries) == before + 1
    assert (entries[0].action, entries[0].username, entries[0].target) == (
        "child_events",
        "ujang",
        child,
    )
    with pytest.raises(NotFound):  # B lives in 32.01: outside the officer's regency
        child_timeline(world.store, DAERAH_3202, world.child["B"])
    with pytest.raises(NotFound):
        child_timeline(world.store, KEMENSOS, "PDN999999999")


@pytest.mark.parametrize(
    ("who", "since", "children"),
    [
        (KEMENSOS, QUARTER_2, "ABCDEF"),
        (KPAI, QUARTER_2, "ABCDEF"),
        (ADMIN, QUARTER_2, "ABDF"),  # C's and E's changes are of fields the admin may not see
        (KEMENSOS, dt.date(2026, 12, 31), ""),
    ],
)
def test_children_with_events_since(
    world: EventWorld, who: Principal, since: dt.date, children: str
) -> None:
    got = children_with_events(world.store, who, since=since)
    assert got == {world.child[c] for c in children}


def test_children_with_events_the_first_load_is_the_baseline(world: EventWorld) -> None:
    """The background (the first DTSEN and KPAI loads, 200 households, linked to hundreds of
    children) gives no event: its records were there before Padan looked. Only the six
    children of the later files have events in the period."""
    every = children_with_events(world.store, KEMENSOS, since=dt.date(2026, 8, 1))
    assert every == {world.child[c] for c in "ABCDEF"}
    baseline = [b for b in world.store.list_batches() if b.baseline]
    assert [(b.source, b.id) for b in baseline] == [("dtsen", 1), ("kpai", 2)]
    run = world.store.latest_link_run()
    assert run is not None
    background = {x.child_id for x in world.store.child_links(run.id)}
    assert len(background) > 100  # the flood the baseline avoids
    derived = derive_child_events(world.store, sorted(background))
    assert set(derived) == set(every)
    only_q1 = children_with_events(
        world.store, KEMENSOS, since=dt.date(2026, 8, 1), until=QUARTER_2
    )
    assert world.child["F"] not in only_q1 and world.child["A"] in only_q1


@pytest.mark.parametrize(
    ("who", "region", "expected", "children"),
    [
        (
            KEMENSOS,
            "32.01",
            {"left_dtsen": 1, "became_eligible": 1, "new_case": 1, "nik_changed": 1},
            3,
        ),
        (
            KEMENSOS,
            "32.02",
            {"stopped_receiving": 1, "moved_region": 1, "entered_dtsen": 1},
            3,
        ),
        (KPAI, "32.02", {"case_status_changed": 1, "moved_region": 1, "entered_dtsen": 1}, 3),
    ],
)
def test_child_event_counts_per_region(
    world: EventWorld,
    who: Principal,
    region: str,
    expected: dict[str, int],
    children: int,
) -> None:
    got = child_event_counts(world.store, who, region=region, since=QUARTER_2)
    assert {k: n for k, n in got["events"].items() if n} == expected
    assert got["children"] == children
    assert audit_entries(world.store, limit=1)[0].action == "child_events"


@pytest.mark.parametrize(
    ("who", "refused"), [(PENINJAU, True), (ADMIN, True), (KEMENSOS, False), (KPAI, False)]
)
def test_child_event_counts_refused_to_roles_that_suppress_small_counts(
    world: EventWorld, who: Principal, refused: bool
) -> None:
    """Counts of 32 and 32.02 shown would give a hidden count of 32.01 by subtraction."""
    if not refused:
        assert child_event_counts(world.store, who, region="32.01", since=QUARTER_2)["children"]
        return
    with pytest.raises(Forbidden, match="subtracting two such counts would reveal them"):
        child_event_counts(world.store, who, region="32.01", since=QUARTER_2)


def test_worklist_since_keeps_the_rows_of_children_with_events(world: EventWorld) -> None:
    clear_cache()
    purpose = "verifikasi bantuan sosial"
    every = worklist(world.store, KEMENSOS, "layak_belum_menerima", purpose=purpose, limit=1000)
    new = worklist(
        world.store,
        KEMENSOS,
        "layak_belum_menerima",
        purpose=purpose,
        limit=1000,
        since=QUARTER_2,
    )
    at = every["columns"].index("child_id")
    all_children = {r[at] for r in every["rows"]}
    new_children = {r[new["columns"].index("child_id")] for r in new["rows"]}
    assert world.child["B"] in new_children  # newly eligible, receiving nothing
    changed = children_with_events(world.store, KEMENSOS, since=QUARTER_2)
    assert new_children == all_children & changed
    assert new["total"] < every["total"] and new["since"] == "2026-10-01"
    entry = audit_entries(world.store, limit=1)[0]
    assert entry.action == "worklist.view" and "since=2026-10-01" in entry.target
    assert sorted(entry.child_ids) == sorted(new_children)


@pytest.mark.parametrize(
    ("regions", "expected"),
    [
        (
            None,
            {
                "left_dtsen": 1,
                "became_eligible": 1,
                "stopped_receiving": 1,
                "moved_region": 1,
                "case_status_changed": 1,
                "new_case": 1,
                "nik_changed": 1,
                "entered_dtsen": 1,
            },
        ),
        (["32.01.01.1002"], {"became_eligible": 1, "new_case": 1, "nik_changed": 1}),
        (["33"], {}),
    ],
)
def test_count_child_events_per_region_unshaped(
    world: EventWorld, regions: list[str] | None, expected: dict[str, int]
) -> None:
    since = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    found = child_events_in(world.store, regions=regions, since=since)
    assert {k: n for k, n in count_child_events(found).items() if n} == expected
    assert all(e.at >= since for events in found.values() for e in events)
