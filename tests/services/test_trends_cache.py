"""The trends' caches across processes (issue 18): a series cached by one process (a web
worker) must not outlive a change another process makes to the store. The sharpest case: a
DTSEN file stored before is applied as a snapshot by another process; it retires records and
becomes a point without adding a batch or a linkage run, so a cache keyed on the newest batch
and run (as it was) kept the old series."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from padan.access.policy import Principal, get_role
from padan.services.trends import clear_trends_cache, trends
from padan.store import Store, history_stamp, open_store
from support.trends import T_RUN_2, build_history, dtsen_file, ingest_at

ANALYST = Principal("uji", get_role("analis_kpai"), None)
AUGUST = T_RUN_2.replace(month=8)

_APPLY = """
import sys
from pathlib import Path
from padan.ingest import Snapshot, ingest_file
from padan.store import open_store
store = open_store(sys.argv[1])
ingest_file(Path(sys.argv[2]), source="dtsen", store=store,
            snapshot=Snapshot(allow_large_removal=True))
"""


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    clear_trends_cache()
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    build_history(store, tmp_path)
    # An August file without H3 (C's household), stored as a plain delivery: nothing retired.
    august = dtsen_file(tmp_path / "dtsen_aug.csv", gone={"H3"})
    ingest_at(store, august, "dtsen", AUGUST, snapshot=False)
    yield store, august
    store.engine.dispose()
    clear_trends_cache()


def _series(store: Store) -> tuple[list[object], list[object]]:
    got = trends(store, ANALYST, indicator="kpai_children_in_dtsen", period="snapshot")
    rows = {r["key"]: r for r in got["rows"]}
    return [p["value"] for p in got["points"]], rows["left_dtsen"]["values"]


def test_trends_cache_follows_a_snapshot_applied_by_another_process(
    world: tuple[Store, Path],
) -> None:
    store, august = world
    assert _series(store) == ([3, 2], [None, 1])
    before = store.list_batches()[-1].id, store.latest_link_run()
    stamp = history_stamp(store)
    subprocess.run(
        [sys.executable, "-c", _APPLY, str(store.engine.url), str(august)],
        check=True,
        capture_output=True,
    )
    # Neither a batch nor a run was added: only the stamp tells the change.
    assert (store.list_batches()[-1].id, store.latest_link_run()) == before
    assert history_stamp(store) != stamp
    # The August file is now a snapshot point; C's record (H3) left DTSEN with it.
    assert _series(store) == ([3, 2, 1], [None, 1, 1])


def test_trends_cache_is_reused_while_nothing_changes(world: tuple[Store, Path]) -> None:
    store, _ = world
    first = trends(store, ANALYST, period="snapshot")
    again = trends(store, ANALYST, period="snapshot")
    assert again == first
    assert history_stamp(store) == history_stamp(store)
