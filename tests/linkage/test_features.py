"""Features learned from the data: placeholder birth dates per source."""

from __future__ import annotations

import pytest

from padan.linkage.derived import _over_represented


@pytest.mark.parametrize(
    ("count", "expected", "flagged"),
    [
        (8, 1.43, False),  # a small source: eight on one day is chance among 366 days
        (20, 1.43, True),  # ... twenty is not
        (2_990, 1_000, False),  # under three times the fair share, however many
        (3_000, 1_000, True),  # a large source: three times and far beyond chance
        (1_200, 1_000, False),  # seasonal swings stay well inside
        (160, 50.1, True),  # the normal approximation and the exact sum agree near 50
        (160, 49.9, True),
        (0, 0.0, False),  # an empty source flags nothing
    ],
)
def test_features_placeholder_days_are_those_far_beyond_chance(
    count: int, expected: float, flagged: bool
) -> None:
    assert _over_represented(count, expected) is flagged
