"""Small-cell suppression: counts 1-4 hidden, and never derivable from what is shown."""

from __future__ import annotations

import itertools

import pytest

from padan.analysis import suppress
from padan.analysis.suppress import Relation


def _single_unknown(
    hidden: set[str], relations: list[Relation[str]], cells: dict[str, int]
) -> bool:
    for parts, total in relations:
        members = [k for k in (*parts, total) if k in cells]
        if sum(k in hidden for k in members) == 1:
            return True
    return False


@pytest.mark.parametrize(
    ("cells", "relations", "must_hide", "must_show"),
    [
        # One small part: the next smallest part is hidden with it, the total stays.
        ({"a": 3, "b": 40, "c": 12, "t": 55}, [(["a", "b", "c"], "t")], {"a", "c"}, {"b", "t"}),
        # Two small parts already protect each other.
        ({"a": 3, "b": 2, "c": 50, "t": 55}, [(["a", "b", "c"], "t")], {"a", "b"}, {"c", "t"}),
        # Zeros are shown and never chosen while a non-zero part can be.
        ({"a": 4, "z": 0, "b": 9, "t": 13}, [(["a", "z", "b"], "t")], {"a", "b"}, {"z", "t"}),
        # Nothing small, nothing hidden.
        ({"a": 5, "b": 6, "t": 11}, [(["a", "b"], "t")], set(), {"a", "b", "t"}),
        # A small total with one part: the part goes too.
        ({"a": 4, "t": 4}, [(["a"], "t")], {"a", "t"}, set()),
    ],
)
def test_suppress_hides_small_cells_and_their_complements(
    cells: dict[str, int], relations: list[Relation[str]], must_hide: set[str], must_show: set[str]
) -> None:
    hidden = suppress(cells, relations)
    assert must_hide <= hidden
    assert not (must_show & hidden)
    assert not _single_unknown(hidden, relations, cells)


def test_suppress_two_way_table_leaves_no_relation_with_a_single_unknown() -> None:
    # Regions x (found, not found) with row totals and column totals, as in the report.
    grid = {
        ("r1", "in"): 20,
        ("r1", "out"): 3,
        ("r2", "in"): 15,
        ("r2", "out"): 9,
        ("r3", "in"): 1,
        ("r3", "out"): 30,
    }
    cells: dict[str, int] = {f"{r}.{c}": v for (r, c), v in grid.items()}
    for r in ("r1", "r2", "r3"):
        cells[f"{r}.all"] = grid[(r, "in")] + grid[(r, "out")]
    for c in ("in", "out", "all"):
        cells[f"T.{c}"] = sum(cells[f"{r}.{c}"] for r in ("r1", "r2", "r3"))
    relations: list[Relation[str]] = [
        ([f"{r}.in", f"{r}.out"], f"{r}.all") for r in ("r1", "r2", "r3", "T")
    ]
    relations += [
        ([f"{r}.{c}" for r in ("r1", "r2", "r3")], f"T.{c}") for c in ("in", "out", "all")
    ]
    hidden = suppress(cells, relations)
    assert {"r1.out", "r3.in"} <= hidden
    assert not _single_unknown(hidden, relations, cells)
    # Brute force: besides the true value, another value of each primary cell fits everything shown.
    assert len(hidden) <= 4
    shown = {k: v for k, v in cells.items() if k not in hidden}
    for key in ("r1.out", "r3.in"):
        others = sorted(hidden - {key})
        alternatives = [g for g in range(0, 5) if g != cells[key]]
        fits = any(
            all(sum(trial[p] for p in parts) == trial[total] for parts, total in relations)
            for guess in alternatives
            for combo in itertools.product(range(0, 41), repeat=len(others))
            for trial in [{**shown, key: guess, **dict(zip(others, combo, strict=True))}]
        )
        assert fits, key


def test_suppress_is_deterministic() -> None:
    cells = {"a": 1, "b": 7, "c": 7, "t": 15}
    relations: list[Relation[str]] = [(["a", "b", "c"], "t")]
    assert suppress(cells, relations) == suppress(dict(cells), list(relations)) == {"a", "b"}
