"""u for levels random sampling never reached: from NIK frequencies, or the rule of three."""

from __future__ import annotations

import math

import duckdb
import pytest

from padan.linkage.model_nik import (
    NIK_SAME_PREFIX,
    NIK_SERIAL_NEXT,
    NIK_SERIAL_SLIP,
    NIK_UNSHOWN_SLIP,
)
from padan.linkage.training import (
    cap_name_likenesses,
    complete_u,
    floor_m,
    neutral_unseen,
    u_sample_pairs,
)

# District and birth-date digits (12), then the serial (4).
_A, _B = "320118161116", "320118161117"


def _model() -> dict[str, object]:
    return {
        "comparisons": [
            {
                "output_column_name": "nik",
                "comparison_levels": [
                    {"sql_condition": "nik_l IS NULL", "is_null_level": True},
                    {"sql_condition": "nik_l = nik_r", "label_for_charts": "exact"},
                    {"sql_condition": "x", "label_for_charts": "one keystroke apart elsewhere"},
                    {"sql_condition": "n", "label_for_charts": NIK_SERIAL_NEXT},
                    {
                        "sql_condition": "s",
                        "label_for_charts": NIK_SERIAL_SLIP,
                        "u_probability": 1e-7,
                    },
                    {"sql_condition": "p", "label_for_charts": NIK_SAME_PREFIX},
                    {
                        "sql_condition": "ELSE",
                        "label_for_charts": "All other",
                        "u_probability": 1.0,
                    },
                ],
            },
            {
                "output_column_name": "parents",
                "comparison_levels": [
                    {"sql_condition": "y", "label_for_charts": "both exact", "u_probability": 2e-5},
                    {"sql_condition": "z", "label_for_charts": "mother exact"},
                ],
            },
        ]
    }


def _levels(model: dict[str, object]) -> dict[str, dict[str, object]]:
    return {
        f"{c['output_column_name']}: {lv.get('label_for_charts', '')}": lv
        for c in model["comparisons"]  # type: ignore[attr-defined]
        for lv in c["comparison_levels"]
    }


def _features(niks: list[str | None], padan: tuple[int, ...] = ()) -> duckdb.DuckDBPyConnection:
    """Records with these NIKs; those whose index is in ``padan`` verified by Dukcapil."""
    con = duckdb.connect()
    con.execute("CREATE TABLE features (unique_id VARCHAR, nik VARCHAR, nik_padan BOOLEAN)")
    for i, nik in enumerate(niks):
        con.execute("INSERT INTO features VALUES (?, ?, ?)", [f"r{i}", nik, i in padan])
    return con


def test_complete_u_fills_only_missing_levels_from_frequencies_or_the_bound() -> None:
    # 11 records with a NIK (one NIK held twice) and one without; two of them verified.
    niks = [
        _A + "0001",
        _A + "0001",
        _A + "0002",
        _A + "0005",
        _B + "0001",
        "C" * 16,
        "D" * 16,
        "E" * 16,
        None,
        _B + "0002",
        _B + "0003",
        _B + "0035",
    ]
    con = _features(niks, padan=(9, 10))
    model = _model()
    filled = complete_u(model, con, sampled_pairs=10)  # bound 3 / 10 = 0.3
    levels = _levels(model)
    # Exact NIK: sum of squared frequencies over the 11 NIKs = (2^2 + 9) / 11^2.
    assert levels["nik: exact"]["u_probability"] == pytest.approx(13 / 121)
    # Pairs under prefix _A with different NIKs: 0001/0002 (x2), 0001/0005 (x2), 0002/0005;
    # serials next to each other: the two 0001/0002 pairs; one keystroke apart otherwise: the
    # other three. Under _B, five pairs (the two verified NIKs 0002/0003 reach a level of their
    # own): 0001/0002 and 0001/0003 next to each other, the three with 0035 neither.
    # Set even where sampling gave a u.
    assert levels[f"nik: {NIK_SERIAL_NEXT}"]["u_probability"] == pytest.approx(4 / 10)
    assert levels[f"nik: {NIK_SERIAL_SLIP}"]["u_probability"] == pytest.approx(3 / 10)
    assert levels[f"nik: {NIK_SAME_PREFIX}"]["u_probability"] == pytest.approx(3 / 10)
    assert levels["nik: one keystroke apart elsewhere"]["u_probability"] == pytest.approx(0.3)
    assert levels["parents: mother exact"]["u_probability"] == pytest.approx(0.3)
    assert levels["parents: both exact"]["u_probability"] == 2e-5  # sampled: kept
    assert levels["nik: All other"]["u_probability"] == 1.0
    assert "u_probability" not in levels["nik: "]  # the null level
    assert len(filled) == 6  # every level without u, and only those


def test_complete_u_never_exceeds_the_sample_bound_nor_gives_zero() -> None:
    con = _features([])  # no NIK at all: no frequency to use
    model = _model()
    complete_u(model, con, sampled_pairs=1e6)
    levels = _levels(model)
    for label in ("exact", NIK_SERIAL_NEXT, NIK_SERIAL_SLIP, NIK_SAME_PREFIX):
        assert levels[f"nik: {label}"]["u_probability"] == pytest.approx(3e-6)


@pytest.mark.parametrize(
    ("records", "pairs"),
    [(1_000, 500_000), (20_000, 500_000), (50_000, 1_000_000), (1_089_165, 2_000_000)],
)
def test_u_sample_pairs_grow_with_the_population_within_bounds(records: int, pairs: int) -> None:
    assert u_sample_pairs(records) == pairs


def test_complete_u_of_an_unshown_slip_is_measured_among_neighbours() -> None:
    # District 320118, born 16-11-16: two children (serials 1, 2); one born a day later in the
    # same district; one born the same day in the next district; one in another regency.
    niks = [
        "3201181611160001",
        "3201181611160002",
        "3201181711160001",
        "3201191611160001",
        "3301181611160001",
    ]
    model = {
        "comparisons": [
            {
                "output_column_name": "nik",
                "comparison_levels": [
                    {"sql_condition": "s", "label_for_charts": NIK_UNSHOWN_SLIP},
                ],
            }
        ]
    }
    complete_u(model, _features(niks), sampled_pairs=1e6)
    # Neighbours: pairs sharing the district and birth year (the first three: 3 pairs) or the
    # regency and birth date (the first two and the next district's: 3 pairs). One digit apart
    # in the district or day and month: the day after, and the next district: 2 of 6.
    (level,) = model["comparisons"][0]["comparison_levels"]
    assert level["u_probability"] == pytest.approx(2 / 6)


def test_neutral_unseen_gives_nik_levels_without_m_a_weight_of_zero() -> None:
    model = {
        "comparisons": [
            {
                "output_column_name": "nik",
                "comparison_levels": [
                    {"sql_condition": "n", "is_null_level": True},
                    {
                        "sql_condition": "a",
                        "label_for_charts": "seen",
                        "m_probability": 0.9,
                        "u_probability": 1e-6,
                    },
                    {"sql_condition": "b", "label_for_charts": "kk", "u_probability": 1e-5},
                ],
            },
            {
                "output_column_name": "name",
                "comparison_levels": [
                    {"sql_condition": "c", "label_for_charts": "other", "u_probability": 0.1},
                ],
            },
        ]
    }
    assert neutral_unseen(model) == ["kk"]
    levels = model["comparisons"][0]["comparison_levels"]
    assert levels[2]["m_probability"] == levels[2]["u_probability"] == 1e-5
    assert levels[1]["m_probability"] == 0.9
    assert "m_probability" not in model["comparisons"][1]["comparison_levels"][0]


def _name_level(label: str, bits: float) -> dict[str, object]:
    return {
        "sql_condition": label,
        "label_for_charts": label,
        "m_probability": 1e-3 * 2**bits,
        "u_probability": 1e-3,
    }


def _bits(level: dict[str, object]) -> float:
    m, u = level["m_probability"], level["u_probability"]
    assert isinstance(m, float) and isinstance(u, float)
    return math.log2(m / u)


def test_cap_name_likenesses_holds_each_one_bit_below_the_exact_name_only() -> None:
    levels = [
        {"sql_condition": "n", "is_null_level": True},
        _name_level("exact", 8.0),
        _name_level("one typing slip", 9.5),  # above the exact name: capped
        _name_level("joined", 7.5),  # within a bit of it: capped
        _name_level("tokens within", 6.5),  # below a capped level, not capped against it
        _name_level("another birth-order name or title", 9.0),  # off the ladder: left alone
    ]
    model = {"comparisons": [{"output_column_name": "name", "comparison_levels": levels}]}
    assert cap_name_likenesses(model) == ["one typing slip", "joined"]
    assert [round(_bits(level), 6) for level in levels[1:]] == [8.0, 7.0, 7.0, 6.5, 9.0]


@pytest.mark.parametrize(
    ("m", "raised"),
    [
        (1e-10, True),  # EM's "never": a veto in disguise
        (0.05, False),
        (None, False),  # no m: left to neutral_unseen
    ],
)
def test_floor_m_raises_only_an_m_the_data_cannot_tell_from_zero(
    m: float | None, raised: bool
) -> None:
    level: dict[str, object] = {"sql_condition": "ELSE", "label_for_charts": "other"}
    if m is not None:
        level["m_probability"] = m
    model: dict[str, object] = {
        # 1,001 records: 500,500 pairs; 1e-3 of them matches, 500.5 matches; floor 3 / 500.5
        "probability_two_random_records_match": 1e-3,
        "comparisons": [{"output_column_name": "parents", "comparison_levels": [level]}],
    }
    assert floor_m(model, records=1001) == (["parents: other"] if raised else [])
    if raised:
        assert level["m_probability"] == pytest.approx(3 / 500.5)
    else:
        assert level.get("m_probability") == m
