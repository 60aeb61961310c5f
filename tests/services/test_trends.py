"""Indicators over time as the policy allows: scope, suppression and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from padan.access.authorise import Forbidden
from padan.access.policy import Principal, get_role
from padan.errors import InputError
from padan.services.trends import clear_trends_cache, dashboard_trend, trends
from padan.store import Store, open_store
from support.trends import build_history


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Store]:
    clear_trends_cache()
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    build_history(store, tmp_path)
    yield store
    store.engine.dispose()


def _who(role: str, region: str | None = None) -> Principal:
    return Principal("uji", get_role(role), region)


# role, region, indicator, values per snapshot point
CASES = [
    ("analis_kpai", None, "kpai_children_in_dtsen", [3, 2]),
    ("analis_kpai", None, "left_dtsen", [None, 1]),
    ("analis_kpai", "32.02", "newly_eligible_not_receiving_pkh", [None, 1]),
    # A role meant for aggregates: counts 1-4 hidden, the same cells as today's indicators.
    ("auditor", None, "kpai_children_in_dtsen", ["<5", "<5"]),
    ("auditor", None, "left_dtsen", [None, "<5"]),
    ("auditor", None, "kpai_children", ["<5", 5]),
    # A regional officer (exact small cells) sees its own region by default.
    ("petugas_daerah", "32.02", "kpai_children", [1, 2]),
]


@pytest.mark.parametrize(("role", "region", "key", "values"), CASES)
def test_trends_values_by_role_and_region(
    history: Store, role: str, region: str | None, key: str, values: list[object]
) -> None:
    who = _who(role, region if role == "petugas_daerah" else None)
    asked = None if role == "petugas_daerah" else region
    got = trends(history, who, indicator=key, period="snapshot", region=asked)
    assert [p["value"] for p in got["points"]] == values
    assert got["indicator"] == key
    assert got["suppressed"] == get_role(role).suppress_small
    assert (got["region"] or {}).get("code") == region
    if got["suppressed"]:
        # No change next to a hidden count: it would give the count back.
        for point in got["points"]:
            if point["value"] == "<5":
                assert point["change"] is None


def test_trends_change_since_previous_point(history: Store) -> None:
    got = trends(history, _who("analis_kpai"), indicator="kpai_children_not_in_dtsen",
                 period="snapshot")  # fmt: skip
    assert [(p["value"], p["change"]) for p in got["points"]] == [(1, None), (3, 2)]
    rows = {r["key"]: r for r in got["rows"]}
    assert rows["abh_without_atensi_after_days"]["values"] == [1, 2]
    assert got["abh_wait_days"] == 30


def test_trends_out_of_scope_region_is_refused(history: Store) -> None:
    with pytest.raises(Forbidden, match="outside your scope"):
        trends(history, _who("petugas_daerah", "32.02"), region="32.01")


BAD = [
    ({"indicator": "kpai_anak"}, r"indicator 'kpai_anak' is not known; use one of kpai_children"),
    ({"period": "week"}, r"period 'week' is not known; use one of snapshot, month, quarter"),
    ({"region": "99.99"}, r"--region '99.99': not a known Kemendagri region code"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_trends_bad_input_names_value_and_fix(
    history: Store, args: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        trends(history, _who("analis_kpai"), **args)


def test_dashboard_trend_is_lenient_and_draws_the_chart(history: Store) -> None:
    got = dashboard_trend(history, _who("analis_kpai"), indicator="nope", period="week")
    assert got is not None
    assert got["indicator"] == "kpai_children_not_in_dtsen" and got["period"] == "quarter"
    assert got["svg"].startswith("<svg") and got["svg"].count("<circle") == len(got["points"])


def test_dashboard_trend_not_asked_gives_only_the_choices(history: Store) -> None:
    got = dashboard_trend(history, _who("analis_kpai"))
    assert got is not None and not got["shown"] and "points" not in got
    keys = [i["key"] for i in got["indicators"]]
    assert "left_dtsen" in keys and "kpai_children_not_in_dtsen" in keys


def test_dashboard_trend_before_any_run_is_none(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    assert dashboard_trend(store, _who("analis_kpai")) is None
    store.engine.dispose()
