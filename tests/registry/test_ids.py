from __future__ import annotations

from padan.registry.ids import assign_child_ids


def test_ids_first_run_numbers_children_in_order() -> None:
    child_of, events = assign_child_ids([["a", "b"], ["c"]], {})
    assert child_of == {"a": "PDN000000001", "b": "PDN000000001", "c": "PDN000000002"}
    assert [e.event for e in events] == ["new", "new"]


def test_ids_survive_a_rerun_and_a_record_joining() -> None:
    previous = {"a": "PDN000000007", "b": "PDN000000007", "c": "PDN000000009"}
    child_of, events = assign_child_ids([["a", "b", "d"], ["c"]], previous)
    assert child_of == {
        "a": "PDN000000007",
        "b": "PDN000000007",
        "d": "PDN000000007",
        "c": "PDN000000009",
    }
    assert events == []


def test_ids_merge_keeps_the_larger_child_and_retires_the_other() -> None:
    previous = {"a": "PDN000000001", "b": "PDN000000001", "c": "PDN000000002"}
    child_of, events = assign_child_ids([["a", "b", "c"]], previous)
    assert set(child_of.values()) == {"PDN000000001"}
    assert {(e.event, e.child_id, e.other_child_id) for e in events} == {
        ("merge", "PDN000000001", "PDN000000002"),
        ("retired", "PDN000000002", None),
    }


def test_ids_split_gives_the_smaller_part_a_new_id() -> None:
    previous = {"a": "PDN000000003", "b": "PDN000000003", "c": "PDN000000003"}
    child_of, events = assign_child_ids([["a", "b"], ["c"]], previous)
    assert child_of["a"] == child_of["b"] == "PDN000000003" and child_of["c"] == "PDN000000004"
    assert {(e.event, e.child_id, e.other_child_id) for e in events} == {
        ("new", "PDN000000004", None),
        ("split", "PDN000000004", "PDN000000003"),
    }


def test_ids_new_ids_follow_the_highest_ever_given_not_just_the_previous_run() -> None:
    # PDN000000005 was given once and retired since: it is never given again.
    child_of, events = assign_child_ids([["a"], ["b"]], {"a": "PDN000000001"}, highest=5)
    assert child_of == {"a": "PDN000000001", "b": "PDN000000006"}
    assert [e.child_id for e in events if e.event == "new"] == ["PDN000000006"]
