from __future__ import annotations

from padan.linkage.cluster import Node, cluster_pairs


def _groups(root: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for uid, r in root.items():
        groups.setdefault(r, set()).add(uid)
    return {frozenset(g) for g in groups.values()}


def test_cluster_guard_refuses_two_valid_niks_in_one_child() -> None:
    nodes = {"a": Node("1111", False), "b": Node(None, False), "c": Node("2222", False)}
    # b links to both a and c: plain connected components would chain a-b-c.
    clusters = cluster_pairs(nodes, [("a", "b", 0.99), ("b", "c", 0.95)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"a", "b"}), frozenset({"c"})}
    assert clusters.refused == [("b", "c", 0.95)]


def test_cluster_guard_refuses_two_household_heads() -> None:
    nodes = {"h1": Node(None, True), "x": Node(None, False), "h2": Node(None, True)}
    clusters = cluster_pairs(nodes, [("h1", "x", 0.97), ("x", "h2", 0.98)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"x", "h2"}), frozenset({"h1"})}
    assert [r[:2] for r in clusters.refused] == [("h1", "x")]


def test_cluster_ignores_pairs_below_threshold_and_keeps_singletons() -> None:
    nodes = {u: Node(None, False) for u in "abcd"}
    clusters = cluster_pairs(nodes, [("a", "b", 0.95), ("c", "d", 0.5)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset("ab"), frozenset("c"), frozenset("d")}
    assert clusters.refused == []


def test_cluster_two_heads_with_one_valid_nik_are_one_person_registered_twice() -> None:
    nodes = {"h1": Node("3374121508740001", True), "h2": Node("3374121508740001", True)}
    clusters = cluster_pairs(nodes, [("h1", "h2", 1.0)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"h1", "h2"})} and clusters.refused == []


def test_cluster_twins_in_one_household_stay_two_children() -> None:
    nodes = {
        "t1": Node(None, False, "KLG1|2014-03-26", "amelia amalia"),
        "t2": Node("3201156603140002", False, "KLG1|2014-03-26", "bunga azahra"),
        "d1": Node(None, False, "KLG1|2014-03-26", "bunga azahra"),  # written twice: one child
    }
    clusters = cluster_pairs(nodes, [("t1", "t2", 1.0), ("t2", "d1", 0.99)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"t1"}), frozenset({"t2", "d1"})}
    assert [r[:2] for r in clusters.refused] == [("t1", "t2")]
