"""u for levels random sampling never reached: NIK from value frequencies, else the rule of three."""

from __future__ import annotations

import duckdb
import pytest

from padan.linkage.training import complete_u


def _model() -> dict[str, object]:
    return {
        "comparisons": [
            {"output_column_name": "nik", "comparison_levels": [
                {"sql_condition": "nik_l IS NULL", "is_null_level": True},
                {"sql_condition": "nik_l = nik_r", "label_for_charts": "exact"},
                {"sql_condition": "x", "label_for_charts": "one keystroke apart"},
                {"sql_condition": "ELSE", "label_for_charts": "All other", "u_probability": 1.0},
            ]},
            {"output_column_name": "parents", "comparison_levels": [
                {"sql_condition": "y", "label_for_charts": "both exact", "u_probability": 2e-5},
                {"sql_condition": "z", "label_for_charts": "mother exact"},
            ]},
        ]
    }  # fmt: skip


def test_complete_u_fills_only_missing_levels_with_frequency_or_bound() -> None:
    con = duckdb.connect()
    # 8 records with a NIK (one NIK held twice, six once) and one without:
    # sum of squared frequencies = (2^2 + 6 * 1^2) / 8^2 = 10 / 64.
    niks = ["A", "A", "B", "C", "D", "E", "F", "G", None]
    con.execute("CREATE TABLE features (nik VARCHAR)")
    con.executemany("INSERT INTO features VALUES (?)", [(n,) for n in niks])
    model = _model()
    filled = complete_u(model, con, sampled_pairs=10)  # bound 3 / 10 = 0.3
    levels = {
        f"{c['output_column_name']}: {lv.get('label_for_charts', '')}": lv  # type: ignore[index]
        for c in model["comparisons"]  # type: ignore[attr-defined]
        for lv in c["comparison_levels"]
    }
    assert levels["nik: exact"]["u_probability"] == pytest.approx(10 / 64)
    assert levels["nik: one keystroke apart"]["u_probability"] == pytest.approx(0.3)
    assert levels["parents: mother exact"]["u_probability"] == pytest.approx(0.3)
    assert levels["parents: both exact"]["u_probability"] == 2e-5  # sampled: kept
    assert levels["nik: All other"]["u_probability"] == 1.0
    assert "u_probability" not in levels["nik: "]  # the null level
    assert set(filled) == {"nik: exact", "nik: one keystroke apart", "parents: mother exact"}


def test_complete_u_never_exceeds_the_sample_bound_nor_gives_zero() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE features (nik VARCHAR)")  # no NIK at all: no frequency to use
    model = _model()
    complete_u(model, con, sampled_pairs=1e6)
    nik = model["comparisons"][0]["comparison_levels"]  # type: ignore[index]
    assert nik[1]["u_probability"] == pytest.approx(3e-6)
