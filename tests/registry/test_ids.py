from __future__ import annotations

import random
from collections import Counter

import pyarrow as pa
import pytest

from padan.registry.ids import ID_SCHEMA, assign_child_ids, format_child_id, parse_child_id

Event = tuple[str, str, str | None, int]


def _assign(
    clusters: list[list[str]], previous: dict[str, str], *, highest: int = 0, apart: bool
) -> tuple[dict[str, str], list[Event]]:
    """Run assign_child_ids; with ``apart``, one-record clusters go in as records alone."""
    alone = [c[0] for c in clusters if apart and len(c) == 1]
    grouped = [c for c in clusters if not (apart and len(c) == 1)]
    table = pa.table([list(previous), list(previous.values())], schema=ID_SCHEMA)
    ids = assign_child_ids(grouped, table, alone=pa.array(alone, pa.string()), highest=highest)
    alone_ids = zip(*(ids.alone[c].to_pylist() for c in ID_SCHEMA.names), strict=True)
    child_of = {**ids.of, **dict(alone_ids)}
    events = [tuple(row.values()) for row in ids.events.to_pylist()]
    return child_of, events  # type: ignore[return-value]


def _reference(
    clusters: list[list[str]], previous: dict[str, str], highest: int
) -> tuple[dict[str, str], list[Event]]:
    """The rule, written plainly: a greedy contest over every overlap, strongest first."""
    shares = [Counter(previous[m] for m in members if m in previous) for members in clusters]
    overlaps = sorted(
        (-n, min(members), index, old)
        for index, (members, shared) in enumerate(zip(clusters, shares, strict=True))
        for old, n in shared.items()
    )
    given: dict[int, str] = {}
    for _, _, index, old in overlaps:
        if index not in given and old not in given.values():
            given[index] = old
    number = max([highest, *map(parse_child_id, previous.values())])
    events: list[Event] = []
    for index in sorted(range(len(clusters)), key=lambda i: min(clusters[i])):
        if index not in given:
            number += 1
            given[index] = format_child_id(number)
            events.append(("new", given[index], None, len(clusters[index])))
    taken = set(given.values())
    for index, shared in enumerate(shares):
        for old, n in shared.items():
            if old != given[index]:
                events.append(("merge" if old not in taken else "split", given[index], old, n))
    events += [("retired", old, None, 0) for old in sorted(set(previous.values()) - taken)]
    return {uid: given[i] for i, members in enumerate(clusters) for uid in members}, events


@pytest.fixture(params=[False, True], ids=["clusters", "alone"])
def apart(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_ids_first_run_numbers_children_in_order(apart: bool) -> None:
    child_of, events = _assign([["a", "b"], ["c"]], {}, apart=apart)
    assert child_of == {"a": "PDN000000001", "b": "PDN000000001", "c": "PDN000000002"}
    assert [e[:2] for e in events] == [("new", "PDN000000001"), ("new", "PDN000000002")]


def test_ids_survive_a_rerun_and_a_record_joining(apart: bool) -> None:
    previous = {"a": "PDN000000007", "b": "PDN000000007", "c": "PDN000000009"}
    child_of, events = _assign([["a", "b", "d"], ["c"]], previous, apart=apart)
    assert child_of == {
        "a": "PDN000000007",
        "b": "PDN000000007",
        "d": "PDN000000007",
        "c": "PDN000000009",
    }
    assert events == []


def test_ids_merge_keeps_the_larger_child_and_retires_the_other(apart: bool) -> None:
    previous = {"a": "PDN000000001", "b": "PDN000000001", "c": "PDN000000002"}
    child_of, events = _assign([["a", "b", "c"]], previous, apart=apart)
    assert set(child_of.values()) == {"PDN000000001"}
    assert {e[:3] for e in events} == {
        ("merge", "PDN000000001", "PDN000000002"),
        ("retired", "PDN000000002", None),
    }


def test_ids_split_gives_the_smaller_part_a_new_id(apart: bool) -> None:
    previous = {"a": "PDN000000003", "b": "PDN000000003", "c": "PDN000000003"}
    child_of, events = _assign([["a", "b"], ["c"]], previous, apart=apart)
    assert child_of["a"] == child_of["b"] == "PDN000000003" and child_of["c"] == "PDN000000004"
    assert {e[:3] for e in events} == {
        ("new", "PDN000000004", None),
        ("split", "PDN000000004", "PDN000000003"),
    }


def test_ids_a_child_falling_apart_keeps_its_id_on_its_first_record(apart: bool) -> None:
    previous = {"b": "PDN000000003", "a": "PDN000000003"}
    child_of, events = _assign([["b"], ["a"]], previous, apart=apart)
    assert child_of == {"a": "PDN000000003", "b": "PDN000000004"}
    assert {e[:3] for e in events} == {
        ("new", "PDN000000004", None),
        ("split", "PDN000000004", "PDN000000003"),
    }


def test_ids_new_ids_follow_the_highest_ever_given_not_just_the_previous_run(
    apart: bool,
) -> None:
    # PDN000000005 was given once and retired since: it is never given again.
    child_of, events = _assign([["a"], ["b"]], {"a": "PDN000000001"}, highest=5, apart=apart)
    assert child_of == {"a": "PDN000000001", "b": "PDN000000006"}
    assert [e[1] for e in events if e[0] == "new"] == ["PDN000000006"]


@pytest.mark.parametrize("seed", range(30))
def test_ids_agree_with_the_plain_rule_on_random_reruns(seed: int, apart: bool) -> None:
    rng = random.Random(seed)
    records = [f"r{i:03d}" for i in range(rng.randint(1, 60))]

    def clustering() -> list[list[str]]:
        shuffled = rng.sample(records, len(records))
        cuts = sorted(rng.sample(range(1, len(records) + 1), rng.randint(1, len(records))))
        return [shuffled[a:b] for a, b in zip([0, *cuts], cuts, strict=False) if shuffled[a:b]]

    # The previous run knew most records; some are new now.
    previous = {
        uid: format_child_id(10 + n)
        for n, members in enumerate(clustering())
        for uid in members
        if rng.random() < 0.8
    }
    clusters = clustering()
    highest = rng.choice([0, 99])
    child_of, events = _assign(clusters, previous, highest=highest, apart=apart)
    expected, expected_events = _reference(clusters, previous, highest)
    assert child_of == expected
    assert Counter(events) == Counter(expected_events)
