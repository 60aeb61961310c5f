"""One linkage run at a time per store, across processes: a real second process holds the lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from padan.errors import BusyError
from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.registry.run_lock import lock_path, run_lock
from padan.store import open_store
from padan.synth import generate

# Another process (a web worker, a shell) holding the lock of the store until told to stop.
_HOLDER = """
import fcntl, sys
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


def _hold(path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_run_lock_refuses_while_another_process_links_and_frees_when_it_ends(
    tmp_path: Path,
) -> None:
    data = generate(tmp_path / "data", households=150, seed=5)
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    ingest_file(data.files["dtsen"], source="dtsen", store=store)
    ingest_file(data.files["kpai"], source="kpai", store=store)
    model = tmp_path / "model.json"
    holder = _hold(lock_path(model))
    try:
        with pytest.raises(BusyError, match="another linkage run is working"):
            run_linkage(store, model_path=model)
        assert store.latest_link_run() is None  # nothing was stored
    finally:
        holder.communicate("\n", timeout=30)
    assert run_linkage(store, model_path=model).records > 0
    assert store.latest_link_run() is not None


def test_run_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    holder = _hold(lock_path(model))
    with pytest.raises(BusyError), run_lock(model):
        pass
    holder.kill()
    holder.wait(timeout=30)
    with run_lock(model):  # the operating system dropped the dead holder's lock
        pass


def test_run_lock_is_one_per_store_not_one_per_machine(tmp_path: Path) -> None:
    with run_lock(tmp_path / "a" / "model.json"), run_lock(tmp_path / "b" / "model.json"):
        pass
