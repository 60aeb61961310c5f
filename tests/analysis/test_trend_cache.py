"""Trend points kept in memory (issue 18): a fill for one key never blocks another, a key being
computed is computed once, and a series reuses the points of an earlier one."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pyarrow as pa
import pytest

from padan.analysis.model import Report
from padan.analysis.trend_cache import KeyedCache
from padan.analysis.trends import trend_series
from padan.store import open_store
from support.trends import build_history, extend_history


def test_keyed_cache_computes_a_key_once_and_keeps_the_newest() -> None:
    cache: KeyedCache[int] = KeyedCache(2)
    calls: list[str] = []

    def make(key: str, value: int) -> int:
        calls.append(key)
        return value

    assert cache.get_or_compute("a", lambda: make("a", 1)) == 1
    assert cache.get_or_compute("a", lambda: make("a", 9)) == 1
    cache.get_or_compute("b", lambda: make("b", 2))
    cache.get_or_compute("c", lambda: make("c", 3))  # "a" is the least recently used: it leaves
    assert cache.get_or_compute("a", lambda: make("a", 4)) == 4
    assert calls == ["a", "b", "c", "a"] and len(cache) == 2


def test_keyed_cache_error_is_not_cached() -> None:
    cache: KeyedCache[int] = KeyedCache(4)

    def broken() -> int:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        cache.get_or_compute("a", broken)
    assert cache.get_or_compute("a", lambda: 5) == 5


def test_keyed_cache_slow_key_blocks_neither_other_keys_nor_computes_twice() -> None:
    cache: KeyedCache[str] = KeyedCache(8)
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []
    got: list[str] = []

    def slow() -> str:
        calls.append("slow")
        started.set()
        assert release.wait(10)
        return "slow"

    first = threading.Thread(target=lambda: got.append(cache.get_or_compute("slow", slow)))
    second = threading.Thread(target=lambda: got.append(cache.get_or_compute("slow", slow)))
    first.start()
    assert started.wait(10)
    second.start()
    # While "slow" is being computed (and waited for), another key answers at once.
    assert cache.get_or_compute("fast", lambda: "fast") == "fast"
    assert second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
    assert got == ["slow", "slow"] and calls == ["slow"]


def test_trend_series_reuses_cached_points_and_recomputes_only_what_changed(
    tmp_path: Path,
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    ids = build_history(store, tmp_path, second=False)
    cache: KeyedCache[tuple[Report, pa.Table]] = KeyedCache(64)
    now = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)
    first = trend_series(store, period="quarter", now=now, cache=cache)
    assert len(cache) == len(first.points) == 3
    later = trend_series(store, period="quarter", now=now + dt.timedelta(hours=2), cache=cache)
    # The same day and no new data: every point (the current one too) comes from the cache.
    assert all(a.report is b.report for a, b in zip(first.points, later.points, strict=True))
    extend_history(store, tmp_path, ids)
    after = trend_series(store, period="quarter", now=now, cache=cache)
    # Quarter 2 ended before the second quarter's data: the same point. Quarter 3 now has the
    # second run in force: computed again, as is the current quarter.
    assert after.points[0].report is first.points[0].report
    assert after.points[1].report is not first.points[1].report
    assert after.points[1].report.snapshot.run_id == ids["run_2"]
    assert after.points[2].report is not first.points[2].report
    fresh = trend_series(store, period="quarter", now=now)
    for cached, computed in zip(after.points, fresh.points, strict=True):
        assert cached.report.indicators == computed.report.indicators
    store.engine.dispose()
