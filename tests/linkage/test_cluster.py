from __future__ import annotations

import itertools
import random

import pytest

from padan.linkage.cluster import CHAIN_REASON, Node, Refusal, cluster_pairs, refusal_reason


def _groups(root: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for uid, r in root.items():
        groups.setdefault(r, set()).add(uid)
    return {frozenset(g) for g in groups.values()}


def test_cluster_guard_refuses_two_niks_both_verified_by_dukcapil() -> None:
    nodes = {
        "a": Node("3201011505140001", nik_padan=True),
        "b": Node(None),
        "c": Node("3201011708120001", nik_padan=True),
    }
    # b links to both a and c: plain connected components would chain a-b-c.
    clusters = cluster_pairs(nodes, [("a", "b", 0.99), ("b", "c", 0.95)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"a", "b"}), frozenset({"c"})}
    assert clusters.apart == [("b", "c", 0.95)] and clusters.refused == []
    assert refusal_reason([nodes["a"], nodes["b"]], [nodes["c"]]) == (
        Refusal("two different NIKs, both verified by Dukcapil")
    )


@pytest.mark.parametrize(
    ("nik_c", "padan_c"),
    [
        ("3201011708120001", False),  # a second NIK, not verified: the model weighs it
        ("3201011505140002", False),  # a serial slip
        ("3201011505140001", True),  # the same NIK
    ],
)
def test_cluster_guard_lets_unverified_second_niks_be_weighed(nik_c: str, padan_c: bool) -> None:
    nodes = {
        "a": Node("3201011505140001", nik_padan=True),
        "b": Node(None),
        "c": Node(nik_c, nik_padan=padan_c),
    }
    clusters = cluster_pairs(nodes, [("a", "b", 0.99), ("b", "c", 0.95)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset("abc")} and clusters.apart == []


def test_cluster_guard_refuses_heads_of_two_households() -> None:
    nodes = {
        "h1": Node(None, "KLG1", is_head=True),
        "x": Node(None, "KLG3"),
        "h2": Node(None, "KLG2", is_head=True),
    }
    clusters = cluster_pairs(nodes, [("h1", "x", 0.97), ("x", "h2", 0.98)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"x", "h2"}), frozenset({"h1"})}
    assert [r[:2] for r in clusters.apart] == [("h1", "x")]


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
    assert [r[:2] for r in clusters.apart] == [("t1", "t2")]


# Twins in one DTSEN household (names a letter apart, NIKs of their own that fit their
# records) and a complaint about one of them that scores higher with the other twin, whose
# record holds the mother's name the first twin's lacks.
_ANISA = Node("3202256903064035", "KLG1", dob="2006-03-29", name="anisa maharani", sex="P")
_ANISA_TWIN = Node("3202256903064036", "KLG1", dob="2006-03-29", name="anisa maharana", sex="P")


@pytest.mark.parametrize(
    ("complaint", "with_"),
    [
        # The complaint has the second twin's name: it goes with her, not with the stronger score.
        (Node(None, dob="2006-03-29", name="anisa maharana", sex="P"), "t2"),
        (Node(None, dob="2006-03-29", name="anisamaharana", sex="P"), "t2"),  # written joined
        # Its NIK field holds her twin's NIK (a sibling's NIK, a known situation): the name says.
        (Node("3202256903064035", dob="2006-03-29", name="anisa maharana", sex="P"), "t2"),
        # Its name is neither twin's as written: the score decides, as for any pair.
        (Node(None, dob="2006-03-29", name="anisa maharanaa", sex="P"), "t1"),
        (Node(None, dob="2006-03-29", name="anisa", sex="P"), "t1"),
        # The first twin's name: the stronger score and the name agree.
        (Node(None, dob="2006-03-29", name="anisa maharani", sex="P"), "t1"),
    ],
)
def test_cluster_a_record_alike_with_twins_goes_with_the_twin_whose_name_it_has(
    complaint: Node, with_: str
) -> None:
    nodes = {"t1": _ANISA, "t2": _ANISA_TWIN, "k": complaint}
    pairs = [("t1", "k", 0.999999), ("t2", "k", 0.99), ("t1", "t2", 0.9999)]
    clusters = cluster_pairs(nodes, pairs, threshold=0.9)
    other = "t1" if with_ == "t2" else "t2"
    assert _groups(clusters.root) == {frozenset({with_, "k"}), frozenset({other})}


_SISTER = Node("3202255503840001", "KLG1", dob="1984-03-15", name="anisa maharani", sex="P")


@pytest.mark.parametrize(
    ("rival", "named_pair"),
    [
        # An elder sister in the same household, born years before: no twin of the child.
        (_SISTER, 0.99),
        # The twin's pair with the complaint is below the threshold: nothing to lift (the
        # review queue may ask about it).
        (_ANISA, 0.8),
    ],
)
def test_cluster_a_name_alone_does_not_reorder_other_than_twins_at_the_threshold(
    rival: Node, named_pair: float
) -> None:
    nodes = {
        "t1": rival,
        "t2": _ANISA_TWIN,
        "k": Node(None, dob="2006-03-29", name="anisa maharana", sex="P"),
    }
    pairs = [("t1", "k", 0.999999), ("t2", "k", named_pair), ("t1", "t2", 0.9999)]
    clusters = cluster_pairs(nodes, pairs, threshold=0.9)
    assert _groups(clusters.root) == {frozenset({"t1", "k"}), frozenset({"t2"})}


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
    ("a", "b", "joined"),
    [
        # Twins: one birth date, names a letter or a token apart, one often without a NIK.
        (("rina", "2015-03-02", "P", None), ("rini", "2015-03-02", "P", None), False),
        (("hasan", "2015-03-02", "L", None), ("husein", "2015-03-02", "L", None), False),
        (
            ("muhammad hasan", "2015-03-02", "L", None),
            ("muhammad husein", "2015-03-02", "L", None),
            False,
        ),
        # Twins of other sexes, with the same name written (Putra/Putri aside).
        (("nur", "2015-03-02", "L", None), ("nur", "2015-03-02", "P", None), False),
        # Twins with consecutive NIKs.
        (
            ("rina", "2016-04-27", "P", "7371126704160001"),
            ("rini", "2016-04-27", "P", "7371126704160002"),
            False,
        ),
        # One name on one birth date under the next serial: one person registered twice
        # (twins are not given one name).
        (
            ("yosef amalo", "2016-04-27", "L", "7371122704160001"),
            ("yosef amalo", "2016-04-27", "L", "7371122704160002"),
            True,
        ),
        # Siblings: born further apart than a typing slip.
        (("yohanes", "2018-03-13", "L", None), ("yohanes", "2021-12-05", "L", None), False),
        (("veronika talo", "2007-06-11", "P", None), ("talo", "2008-12-07", "P", None), False),
        # One person entered twice: the same NIK, a name written short, letters swapped, or
        # the birth date mistyped by a slip with the name close.
        (
            ("tukiman", "1955-09-04", "L", "3374120409550001"),
            ("tekiman", "1955-09-04", "L", "3374120409550001"),
            True,
        ),
        (("sarah aisyah", "2014-11-30", "P", None), ("sarah", "2014-11-30", "P", None), True),
        (("euis sopiah", "1986-04-26", "P", None), ("euis soipah", "1986-04-26", "P", None), True),
        (
            ("zahra ramadani", "2024-08-17", "P", None),
            ("zahra ramadani", "2023-08-17", "P", None),
            True,
        ),
        (("herman", "2014-03-01", "L", None), ("hermam", "2014-03-11", "L", None), True),
        (("dewi", "2014-03-01", "P", None), ("dewi", "2014-01-03", "P", None), True),
    ],
)
def test_cluster_household_roster_keeps_twins_and_siblings_apart(
    a: tuple[str, str, str, str | None], b: tuple[str, str, str, str | None], joined: bool
) -> None:
    nodes = {
        "a": Node(a[3], "KLG1", name=a[0], dob=a[1], sex=a[2]),
        "b": Node(b[3], "KLG1", name=b[0], dob=b[1], sex=b[2]),
        "k": Node(None, name=a[0], dob=a[1], sex=a[2]),  # a KPAI record linked to both
    }
    clusters = cluster_pairs(nodes, [("k", "a", 0.99), ("k", "b", 0.98)], threshold=0.9)
    assert (len(_groups(clusters.root)) == 1) is joined
    assert (refusal_reason([nodes["a"]], [nodes["b"]]) is None) is joined


def test_cluster_one_name_and_one_nik_in_one_household_are_one_person_whatever_the_dates() -> None:
    # Birth dates two slips apart; the second contradicts the NIK it carries.
    nodes = {
        "a": Node("1202126306630001", "KLG1", dob="1963-06-23", name="aisyah maisaroh", sex="P"),
        "b": Node(
            "1202126306630001",
            "KLG1",
            dob="1964-06-22",
            name="aisyah maisaroh",
            sex="P",
            nik_proven=False,
        ),
    }
    clusters = cluster_pairs(nodes, [("a", "b", 0.99)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset("ab")}
    sibling = Node(None, "KLG1", dob="1964-06-22", name="aisyah maisaroh", sex="P")
    assert refusal_reason([nodes["a"]], [sibling]) is not None  # no NIK: the dates decide


def test_cluster_guard_lets_one_person_in_two_households_be_weighed() -> None:
    # A double registration under the grandparents' KK, with a second NIK.
    nodes = {
        "a": Node("3201011505140001", "KLG1", dob="2014-05-15", name="dimas", sex="L"),
        "b": Node("3201011505140007", "KLG9", dob="2014-05-15", name="dimas", sex="L"),
    }
    clusters = cluster_pairs(nodes, [("a", "b", 0.99)], threshold=0.9)
    assert _groups(clusters.root) == {frozenset("ab")}


@pytest.mark.parametrize(
    ("name_a", "name_b", "niks", "proven", "queued"),
    [
        # Twins, or Rina written with a slip: a person decides.
        ("rina", "rini", (None, None), True, True),
        ("rina", "rini", ("7371124703150001", None), True, True),
        # A second NIK at odds with its record (district digits) tells nothing.
        ("rina", "rini", ("7371124703150001", "7371134703150002"), False, True),
        # Each under a NIK of its own that fits its record: the twin signature, settled.
        ("rina", "rini", ("7371124703150001", "7371124703150002"), True, False),
        # Twins' names: settled, kept apart without asking anyone.
        ("hasan", "husein", (None, None), True, False),
    ],
)
def test_cluster_asks_a_person_only_when_twins_may_be_one_child_mistyped(
    name_a: str, name_b: str, niks: tuple[str | None, str | None], proven: bool, queued: bool
) -> None:
    nodes = {
        "a": Node(niks[0], "KLG1", dob="2015-03-07", name=name_a, sex="P"),
        "b": Node(niks[1], "KLG1", dob="2015-03-07", name=name_b, sex="P", nik_proven=proven),
    }
    clusters = cluster_pairs(nodes, [("a", "b", 0.99)], threshold=0.9)
    assert (clusters.refused, clusters.apart) == (
        ([("a", "b", 0.99)], []) if queued else ([], [("a", "b", 0.99)])
    )
    refusal = refusal_reason([nodes["a"]], [nodes["b"]])
    assert refusal is not None and refusal.doubtful is queued
    # The pair, left unlinked, is judged the same way afterwards.
    assert clusters.conflict("a", "b") == refusal


def test_cluster_dtsen_birth_dates_apart_refuse_a_chain_not_the_pair_itself() -> None:
    # One person in two DTSEN households, registered a year apart: the model weighed the two
    # dates when it scored the pair. A dateless complaint linked to each is a chain instead.
    nodes = {
        "a": Node(None, "KLG1", name="abdul latif", sex="L", registered_dob="1975-05-30"),
        "b": Node(None, "KLG2", name="abdul latif", sex="L", registered_dob="1976-05-29"),
        "k": Node(None, name="abdul latif", sex="L"),
    }
    direct = cluster_pairs(nodes, [("a", "b", 0.99)], threshold=0.9)
    assert frozenset("ab") in _groups(direct.root)
    assert refusal_reason([nodes["a"]], [nodes["b"]]) is None
    chain = cluster_pairs(nodes, [("a", "k", 0.99), ("k", "b", 0.98)], threshold=0.9)
    assert frozenset("ak") in _groups(chain.root)
    assert chain.apart == [("k", "b", 0.98)]
    refusal = refusal_reason([nodes["k"], nodes["a"]], [nodes["b"]])
    assert refusal == Refusal("two DTSEN birth dates further apart than a typing slip")


def _chain_case(
    length: int, *, seed: int, skips: float | None
) -> tuple[dict[str, Node], list[tuple[str, str, float]], set[frozenset[str]]]:
    """Encoded DTSEN records d0..d(n-1) with alike names (Ni Wayan Ayu, Ni Putu Ayu …): each
    scored alike with its neighbours only, the records two apart scored ``skips`` (below the
    review threshold: not kept) or not at all; one complaint linked to d0."""

    rng = random.Random(seed)
    uids = [f"dtsen:D{rng.randrange(10**6):06d}-{i}" for i in range(length)]
    nodes = {uid: Node(None, direct=True) for uid in uids} | {"kpai:K1": Node(None)}
    pairs = [(a, b, rng.uniform(0.91, 0.999)) for a, b in itertools.pairwise(uids)]
    pairs.append(("kpai:K1", uids[0], 0.99))
    alike = {frozenset((a, b)) for a, b, _ in pairs}
    if skips is not None:  # scored, but below the review threshold: not alike
        pairs += [(a, b, skips) for a, b in zip(uids, uids[2:], strict=False)]
    return nodes, pairs, alike


@pytest.mark.parametrize(
    ("length", "seed", "skips"),
    [(5, 1, None), (40, 2, None), (200, 3, 0.3), (12, 4, 0.1)],
)
def test_cluster_encoded_chain_of_alike_named_dtsen_records_is_not_one_child(
    length: int, seed: int, skips: float | None
) -> None:
    nodes, pairs, alike = _chain_case(length, seed=seed, skips=skips)
    clusters = cluster_pairs(nodes, pairs, threshold=0.9, alike=alike)
    largest = max(len(group) for group in _groups(clusters.root))
    # Neighbours in the chain are one person at most twice; the complaint joins one of them.
    assert largest <= 3
    assert clusters.refused and clusters.apart == []
    assert all(
        clusters.conflict(a, b) == Refusal(CHAIN_REASON, doubtful=True)
        for a, b, _ in clusters.refused
    )


@pytest.mark.parametrize("times", [2, 3, 4])
def test_cluster_encoded_person_registered_a_few_times_alike_each_is_one_child(
    times: int,
) -> None:
    uids = [f"dtsen:D{i}" for i in range(times)]
    nodes = {uid: Node(None, direct=True) for uid in uids} | {"kpai:K1": Node(None)}
    pairs = [(a, b, 0.95) for i, a in enumerate(uids) for b in uids[i + 1 :]]
    pairs.append(("kpai:K1", uids[-1], 0.97))
    alike = {frozenset((a, b)) for a, b, _ in pairs}
    clusters = cluster_pairs(nodes, pairs, threshold=0.9, alike=alike)
    assert _groups(clusters.root) == {frozenset(nodes)}
    assert clusters.refused == []


@pytest.mark.parametrize(
    ("other", "settled"),
    [
        # The complaint's child's sibling in its household: apart, no one asked.
        (Node(None, "KLG1", dob="2012-06-01", name="fauzan hakim", sex="L"), True),
        # Its twin, named a letter apart: asked (one child may have been entered twice).
        (Node(None, "KLG1", dob="2015-03-02", name="rizki", sex="L"), False),
        # A child of another household: nothing to refuse.
        (Node(None, "KLG2", dob="2015-03-02", name="rizky", sex="L"), None),
    ],
)
def test_cluster_conflict_beside_judges_a_child_not_clustered_as_clustering_all_would(
    other: Node, settled: bool | None
) -> None:
    # An incremental run clusters the new complaint with its child (k, d1) and leaves the
    # child of d2 as it was: the pair k-d2, under the link threshold, is judged as a run that
    # clusters every record judges it.
    nodes = {
        "k": Node(None, dob="2015-03-02", name="rizky", sex="L"),
        "d1": Node("3201010203150001", "KLG1", dob="2015-03-02", name="rizky", sex="L"),
        "d2": other,
    }
    pairs = [("k", "d1", 0.99), ("k", "d2", 0.7)]
    everything = cluster_pairs(nodes, pairs, threshold=0.9).conflict("k", "d2")
    part = cluster_pairs({u: nodes[u] for u in ("k", "d1")}, pairs[:1], threshold=0.9)
    beside = part.conflict_beside("k", "d2", ["d2"], nodes)
    assert beside == everything
    assert (None if beside is None else not beside.doubtful) == settled
    assert part.conflict("k", "d2") is None  # without the child beside, nothing to judge by
