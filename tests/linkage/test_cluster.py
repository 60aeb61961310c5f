from __future__ import annotations

import pytest

from padan.linkage.cluster import Node, cluster_pairs


def _groups(root: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for uid, r in root.items():
        groups.setdefault(r, set()).add(uid)
    return {frozenset(g) for g in groups.values()}


def test_cluster_guard_refuses_two_valid_niks_in_one_child() -> None:
    nodes = {
        "a": Node("3201011505140001"),
        "b": Node(None),
        "c": Node("3201011708120001"),
    }
    # b links to both a and c: plain connected components would chain a-b-c.
    clusters = cluster_pairs(nodes, [("a", "b", 0.99), ("b", "c", 0.95)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"a", "b"}), frozenset({"c"})}
    assert clusters.refused == [("b", "c", 0.95)]


def test_cluster_guard_refuses_heads_of_two_households() -> None:
    nodes = {
        "h1": Node(None, "KLG1", is_head=True),
        "x": Node(None, "KLG3"),
        "h2": Node(None, "KLG2", is_head=True),
    }
    clusters = cluster_pairs(nodes, [("h1", "x", 0.97), ("x", "h2", 0.98)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"x", "h2"}), frozenset({"h1"})}
    assert [r[:2] for r in clusters.refused] == [("h1", "x")]


def test_cluster_two_heads_of_one_household_are_one_person_registered_twice() -> None:
    nodes = {
        "h1": Node("3201281204830001", "KLG1", is_head=True, name="yana sobari"),
        "h2": Node(None, "KLG1", is_head=True, name="yana"),
    }
    clusters = cluster_pairs(nodes, [("h1", "h2", 0.99)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"h1", "h2"})} and clusters.refused == []


def test_cluster_ignores_pairs_below_threshold_and_keeps_singletons() -> None:
    nodes = {u: Node(None) for u in "abcd"}
    clusters = cluster_pairs(nodes, [("a", "b", 0.95), ("c", "d", 0.5)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset("ab"), frozenset("c"), frozenset("d")}
    assert clusters.refused == []


def test_cluster_two_heads_with_one_valid_nik_are_one_person_registered_twice() -> None:
    nodes = {
        "h1": Node("3374121508740001", "KLG1", is_head=True),
        "h2": Node("3374121508740001", "KLG2", is_head=True),
    }
    clusters = cluster_pairs(nodes, [("h1", "h2", 1.0)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"h1", "h2"})} and clusters.refused == []


def test_cluster_twins_in_one_household_stay_two_children() -> None:
    nodes = {
        "t1": Node(None, "KLG1", dob="2014-03-26", name="amelia amalia"),
        "t2": Node("3201156603140002", "KLG1", dob="2014-03-26", name="bunga azahra"),
        "d1": Node(None, "KLG1", dob="2014-03-26", name="bunga azahra"),  # written twice
    }
    clusters = cluster_pairs(nodes, [("t1", "t2", 1.0), ("t2", "d1", 0.99)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"t1"}), frozenset({"t2", "d1"})}
    assert [r[:2] for r in clusters.refused] == [("t1", "t2")]


def test_cluster_a_name_written_short_in_one_household_is_not_a_twin() -> None:
    nodes = {
        "a": Node("3374097011140001", "KLG1", dob="2014-11-30", name="sarah aisyah"),
        "b": Node(None, "KLG1", dob="2014-11-30", name="sarah"),
    }
    clusters = cluster_pairs(nodes, [("a", "b", 0.99)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"a", "b"})}


def test_cluster_siblings_with_one_name_in_one_household_stay_apart() -> None:
    nodes = {
        "a": Node(None, "KLG1", dob="2018-03-13", name="yohanes patinama"),
        "b": Node(None, "KLG1", dob="2021-12-05", name="yohanes patinama"),
    }
    clusters = cluster_pairs(nodes, [("a", "b", 0.99)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"a"}), frozenset({"b"})}


@pytest.mark.parametrize(
    ("nik_b", "b_proven", "name_b", "household_b", "joined"),
    [
        # A digit of the birth date mistyped: the NIK contradicts its own record (or the record
        # has no birth date to show it right).
        ("9501172870150001", False, "dimas", None, True),
        ("3501172807150001", False, "dimas", None, True),
        # Serial digits mistyped, the same name, or written short: one child.
        ("9501172807150010", True, "dimas", None, True),
        ("9501172807150010", True, "dimas saputra", None, True),
        # Two DTSEN NIKs are Dukcapil's: two people, even when one is at odds with its record.
        ("9501172870150001", False, "dimas", "KLG2", False),
        # Serial digits differ, other names: two children born the same day.
        ("9501172807150002", True, "budi", None, False),
        # Serial digits differ in one household with one name: twins, never one NIK mistyped.
        ("9501172807150002", True, "dimas", "KLG1", False),
        # Two keystrokes apart: two NIKs.
        ("9501172807150022", False, "dimas", None, False),
    ],
)
def test_cluster_forgives_a_nik_mistyped_by_one_keystroke(
    nik_b: str, b_proven: bool, name_b: str, household_b: str | None, joined: bool
) -> None:
    nodes = {
        "a": Node("9501172807150001", "KLG1", name="dimas"),
        "b": Node(nik_b, household_b, name=name_b, nik_proven=b_proven),
    }
    clusters = cluster_pairs(nodes, [("a", "b", 0.99)], threshold=0.9)
    assert (len(_groups(clusters.root)) == 1) is joined
