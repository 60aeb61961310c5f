"""u for levels random sampling never reached: from NIK frequencies, or the rule of three."""

from __future__ import annotations

import duckdb
import pytest

from padan.linkage.model import NIK_SAME_PREFIX, NIK_SERIAL_SLIP
from padan.linkage.training import complete_u, u_sample_pairs

# District and birth-date digits (12), then the serial (4).
_A, _B = "320118161116", "320118161117"


def _model() -> dict[str, object]:
    return {
        "comparisons": [
            {"output_column_name": "nik", "comparison_levels": [
                {"sql_condition": "nik_l IS NULL", "is_null_level": True},
                {"sql_condition": "nik_l = nik_r", "label_for_charts": "exact"},
                {"sql_condition": "x", "label_for_charts": "one keystroke apart elsewhere"},
                {"sql_condition": "s", "label_for_charts": NIK_SERIAL_SLIP, "u_probability": 1e-7},
                {"sql_condition": "p", "label_for_charts": NIK_SAME_PREFIX},
                {"sql_condition": "ELSE", "label_for_charts": "All other", "u_probability": 1.0},
            ]},
            {"output_column_name": "parents", "comparison_levels": [
                {"sql_condition": "y", "label_for_charts": "both exact", "u_probability": 2e-5},
                {"sql_condition": "z", "label_for_charts": "mother exact"},
            ]},
        ]
    }  # fmt: skip


def _levels(model: dict[str, object]) -> dict[str, dict[str, object]]:
    return {
        f"{c['output_column_name']}: {lv.get('label_for_charts', '')}": lv
        for c in model["comparisons"]  # type: ignore[attr-defined]
        for lv in c["comparison_levels"]
    }


def _features(niks: list[str | None], dtsen: tuple[int, ...] = ()) -> duckdb.DuckDBPyConnection:
    """Records with these NIKs, KPAI's unless their index is in ``dtsen``; all valid."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE features (unique_id VARCHAR, nik VARCHAR, source VARCHAR, nik_valid BOOLEAN)"
    )
    for i, nik in enumerate(niks):
        source = "dtsen" if i in dtsen else "kpai"
        con.execute("INSERT INTO features VALUES (?, ?, ?, true)", [f"r{i}", nik, source])
    return con


def test_complete_u_fills_only_missing_levels_from_frequencies_or_the_bound() -> None:
    # 11 records with a NIK (one NIK held twice) and one without; two of them DTSEN's.
    niks = [_A + "0001", _A + "0001", _A + "0002", _A + "0035", _B + "0001", "C" * 16,
            "D" * 16, "E" * 16, None, _B + "0002", _B + "0003", _B + "0035"]  # fmt: skip
    con = _features(niks, dtsen=(9, 10))
    model = _model()
    filled = complete_u(model, con, sampled_pairs=10)  # bound 3 / 10 = 0.3
    levels = _levels(model)
    # Exact NIK: sum of squared frequencies over the 11 NIKs = (2^2 + 9) / 11^2.
    assert levels["nik: exact"]["u_probability"] == pytest.approx(13 / 121)
    # Pairs under prefix _A with different NIKs: 0001/0002 (x2), 0001/0035 (x2), 0002/0035;
    # one keystroke apart: the two 0001/0002 pairs. Under _B, six pairs; one keystroke apart:
    # 0001/0002 and 0001/0003, not the two DTSEN NIKs 0002/0003. Set even where sampling gave
    # a u.
    assert levels[f"nik: {NIK_SERIAL_SLIP}"]["u_probability"] == pytest.approx(4 / 11)
    assert levels[f"nik: {NIK_SAME_PREFIX}"]["u_probability"] == pytest.approx(7 / 11)
    assert levels["nik: one keystroke apart elsewhere"]["u_probability"] == pytest.approx(0.3)
    assert levels["parents: mother exact"]["u_probability"] == pytest.approx(0.3)
    assert levels["parents: both exact"]["u_probability"] == 2e-5  # sampled: kept
    assert levels["nik: All other"]["u_probability"] == 1.0
    assert "u_probability" not in levels["nik: "]  # the null level
    assert len(filled) == 5  # every level without u, and only those


def test_complete_u_never_exceeds_the_sample_bound_nor_gives_zero() -> None:
    con = _features([])  # no NIK at all: no frequency to use
    model = _model()
    complete_u(model, con, sampled_pairs=1e6)
    levels = _levels(model)
    for label in ("exact", NIK_SERIAL_SLIP, NIK_SAME_PREFIX):
        assert levels[f"nik: {label}"]["u_probability"] == pytest.approx(3e-6)


@pytest.mark.parametrize(
    ("records", "pairs"),
    [(1_000, 500_000), (20_000, 500_000), (50_000, 1_000_000), (1_089_165, 2_000_000)],
)
def test_u_sample_pairs_grow_with_the_population_within_bounds(records: int, pairs: int) -> None:
    assert u_sample_pairs(records) == pairs
