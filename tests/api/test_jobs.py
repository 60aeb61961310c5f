"""A linkage run in the background: one at a time per store, progress kept, errors kept."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from padan import BusyError, Padan, Settings
from padan.api import LinkJob, link_job, start_link
from padan.synth import generate


def _wait(padan: Padan, seconds: float = 120) -> LinkJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = link_job(padan)
        assert job is not None
        if not job.running:
            return job
        time.sleep(0.05)
    raise AssertionError("the background run did not end")


def _opened(tmp_path: Path, name: str) -> Padan:
    settings = Settings(model_path=tmp_path / f"{name}.json")
    return Padan.open(f"sqlite:///{tmp_path / name}.db", settings=settings)


def test_one_run_at_a_time_with_its_steps_and_end(tmp_path: Path) -> None:
    data = generate(tmp_path / "data", households=150, seed=8)
    padan = _opened(tmp_path, "busy")
    for source in ("dtsen", "kpai"):
        padan.ingest(source, data.files[source])
    first_step, release = threading.Event(), threading.Event()
    ended: list[LinkJob] = []

    def hold(step: str) -> None:  # the run waits in its first step until released
        first_step.set()
        release.wait(60)

    job = start_link(padan, started_by="admin1", on_end=ended.append, progress=hold)
    try:
        assert job.running and job.started_by == "admin1" and link_job(padan) == job
        assert first_step.wait(60)
        running = link_job(padan)
        assert running is not None and running.running and len(running.steps) == 1
        with pytest.raises(BusyError, match="admin1"):
            start_link(padan, started_by="admin2")
    finally:
        release.set()
    done = _wait(padan)
    assert done.status == "done" and done.error is None and done.finished_at is not None
    assert done.run_id == padan.latest_run().id  # type: ignore[union-attr]
    assert ended == [done] and done.seconds >= 0 and len(done.steps) > 1
    # The store is free again: a second run starts (incremental, nothing changed).
    start_link(padan, started_by="admin2")
    again = _wait(padan)
    assert again.status == "done" and again.run_id == done.run_id + 1  # type: ignore[operator]


def test_a_failed_run_keeps_the_library_message(tmp_path: Path) -> None:
    padan = _opened(tmp_path, "empty")  # nothing ingested: nothing to link
    start_link(padan, started_by="admin1")
    job = _wait(padan)
    assert job.status == "failed" and job.run_id is None and job.error
    assert "unexpected" not in job.error, job.error  # an InputError from the library
    assert padan.latest_run() is None
