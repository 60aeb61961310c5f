"""Attribute filters and identifier look-ups over the current records (the DCI registry's
queries), on SQLite and PostgreSQL, over a small DTSEN extract with known attributes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from padan.ingest import ingest_file
from padan.store import Store
from padan.store.record_filter import (
    AllOf,
    AnyOf,
    Compare,
    Filter,
    Not,
    records_by_identifier,
    records_matching,
)
from support.snapshots import write_dtsen

# D1-D6: H1 (32.01.01, desil 2) D1 L 1980, D2 P 2012; H2 (32.01.01, desil 3) D3 L 1975,
# D4 P 2010; H3 (32.02.01, desil 1) D5 L 1970, D6 P 2011-07-07.
CASES: list[tuple[Filter, list[str] | None, set[str]]] = [
    (Compare("sex", "eq", "P"), None, {"D2", "D4", "D6"}),
    (Compare("desil", "le", 2), None, {"D1", "D2", "D5", "D6"}),
    (Compare("region", "eq", "32.01"), None, {"D1", "D2", "D3", "D4"}),
    (Compare("region", "ne", "32.01"), None, {"D5", "D6"}),
    (Compare("region", "in", ("32.02", "32.01.01")), None, {"D1", "D2", "D3", "D4", "D5", "D6"}),
    (Compare("birth_date", "gt", dt.date(2011, 1, 1)), None, {"D2", "D6"}),
    (Compare("desil", "in", (1, 3)), None, {"D3", "D4", "D5", "D6"}),
    (AllOf((Compare("sex", "eq", "P"), Not(Compare("desil", "eq", 3)))), None, {"D2", "D6"}),
    (
        AnyOf((Compare("desil", "eq", 3), Compare("region", "eq", "32.02"))),
        None,
        {"D3", "D4", "D5", "D6"},
    ),
    (Not(Compare("desil", "lt", 3)), None, {"D3", "D4"}),
    (Compare("sex", "eq", "P"), ["32.02"], {"D6"}),
    (Compare("sex", "eq", "P"), [], set()),
]


@pytest.fixture
def extract_store(store: Store, tmp_path: Path) -> Store:
    ingest_file(write_dtsen(tmp_path, "dtsen", ["H1", "H2", "H3"]), source="dtsen", store=store)
    return store


@pytest.mark.parametrize(("where", "regions", "expected"), CASES)
def test_records_matching_a_filter_are_those_it_holds_for(
    extract_store: Store, where: Filter, regions: list[str] | None, expected: set[str]
) -> None:
    found = records_matching(
        extract_store, where, sources=["kpai", "dtsen"], regions=regions, limit=100
    )
    assert found == sorted(found)
    assert {uid.removeprefix("dtsen:") for uid in found} == expected
    assert all(uid.startswith("dtsen:") for uid in found)


def test_records_matching_stop_at_the_limit_and_keep_to_the_sources(extract_store: Store) -> None:
    every = Compare("region", "eq", "32")
    assert records_matching(extract_store, every, sources=["dtsen"], regions=None, limit=2) == [
        "dtsen:D1",
        "dtsen:D2",
    ]
    assert records_matching(extract_store, every, sources=["kpai"], regions=None, limit=9) == []


def test_records_by_identifier_find_the_record_within_the_regions(extract_store: Store) -> None:
    def find(regions: list[str] | None) -> list[str]:
        return records_by_identifier(
            extract_store, "dtsen", "D5", sources=["dtsen"], regions=regions, limit=5
        )

    assert find(None) == ["dtsen:D5"]
    assert find(["32.02"]) == ["dtsen:D5"]
    assert find(["32.01"]) == []


def test_an_unknown_attribute_or_operator_is_not_a_filter() -> None:
    with pytest.raises(ValueError, match="poverty_score"):
        Compare("poverty_score", "lt", 2)
    with pytest.raises(ValueError, match="like"):
        Compare("sex", "like", "P")
