"""Drift between the training data and the data now: where the documented limits fall."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from padan.errors import InputError
from padan.linkage.model_file import (
    MIN_RECORDS_FOR_SHARES,
    RECORDS_FACTOR,
    SHARE_MARGIN,
    Profile,
    check_model_store,
    data_profile,
    drift,
    read_model_info,
)


def _profile(records: int, nik: float = 0.8, dob: float = 0.9) -> Profile:
    return {"dtsen": {"records": records, "nik_share": nik, "dob_share": dob}}


@pytest.mark.parametrize(
    ("now", "moved"),
    [
        (_profile(1_000), []),
        (_profile(int(1_000 * RECORDS_FACTOR) - 1), []),
        (_profile(int(1_000 * RECORDS_FACTOR)), ["dtsen records"]),
        (_profile(int(1_000 / RECORDS_FACTOR) + 1), []),
        (_profile(int(1_000 / RECORDS_FACTOR)), ["dtsen records"]),
        (_profile(1_000, nik=0.8 - SHARE_MARGIN + 0.01), []),
        (_profile(1_000, nik=0.8 - SHARE_MARGIN - 0.01), ["dtsen share with a valid NIK"]),
        (_profile(1_000, dob=0.9 - SHARE_MARGIN - 0.01), ["dtsen share with a birth date"]),
        ({"kpai": _profile(1_000)["dtsen"]}, []),  # a source not trained on: nothing to compare
    ],
)
def test_model_file_drift_limits(now: Profile, moved: list[str]) -> None:
    found = drift(_profile(1_000), now)
    assert [m for m in moved if not any(f.startswith(m) for f in found)] == []
    assert len(found) == len(moved)


def test_model_file_drift_of_shares_needs_enough_records() -> None:
    # Below MIN_RECORDS_FOR_SHARES sampling alone moves a share that far: not drift.
    small = MIN_RECORDS_FOR_SHARES - 1
    assert drift(_profile(small), _profile(small, nik=0.2, dob=0.1)) == []
    big = MIN_RECORDS_FOR_SHARES
    assert len(drift(_profile(big), _profile(big, nik=0.2, dob=0.1))) == 2


def test_model_file_drift_without_a_training_summary_is_none() -> None:
    assert drift(None, _profile(5)) == []


def test_model_file_profile_counts_each_source() -> None:
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE features AS SELECT * FROM (VALUES
            ('kpai', true, DATE '2015-01-02'), ('kpai', false, NULL),
            ('dtsen', true, DATE '2016-03-04'), ('dtsen', true, NULL), ('dtsen', NULL, NULL),
            ('dtsen', false, DATE '2017-05-06')) t(source, nik_valid, dob)
    """)
    assert data_profile(con) == {
        "dtsen": {"records": 4, "nik_share": 0.5, "dob_share": 0.5},
        "kpai": {"records": 2, "nik_share": 0.5, "dob_share": 0.5},
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "cannot be read"), ("[1, 2]", "is not a Splink model")],
)
def test_model_file_unreadable_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_model_info(path)
    with pytest.raises(InputError, match="--retrain"):
        check_model_store(path, "some-store", used_by_store=True)
