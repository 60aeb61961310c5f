"""A copy of the web tests' store with a long review queue, for tests that decide pairs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from padan.store import open_store


def doubtful_copy(source: Path, target: Path) -> str:
    """Copy the SQLite store at ``source`` to ``target`` and put its linked pairs back in the
    review queue; returns the copy's URL.

    The small synthetic world leaves only a pair or two doubtful. A run whose linked pairs
    all wait for review, as a run with a much higher link threshold would leave them, gives
    the queue pages to turn while the records and the model stay the real ones.
    """
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    store = open_store(url)
    try:
        run = store.latest_link_run()
        assert run is not None
        pairs = [
            (a, b, p, rule, "review" if decision == "link" else decision)
            for a, b, p, rule, decision in store.link_pairs(run.id)
        ]
        store.save_link_run(run, store.child_links(run.id), pairs)
    finally:
        store.engine.dispose()
    return url
