"""Judge rows a chunk at a time: in this process, or in worker processes on large files.

Validation is pure and CPU-bound; on a million-row extract the reading and writing in the main
process and the judging in the workers overlap, one process per core.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import NamedTuple

from padan.ingest.readers import Cell, FileInfo
from padan.ingest.schema import Extract
from padan.ingest.validate import Issue, Validator

__all__ = ["Judged", "Rows", "judges", "no_cyclic_gc", "result", "worker_count"]

_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_PARALLEL_BYTES = 16 * 2**20
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

Rows = tuple[list[int], list[dict[str, Cell]]]


class Judged(NamedTuple):
    records: list[tuple[object, ...]]  # stored columns + row_number, is_current, flags, raw
    rejected: list[tuple[int, list[Issue], str]]  # row number, issues, raw JSON


class _Judge:
    """Validates chunks of rows; picklable inputs, so it can run in a worker process."""

    def __init__(
        self, extract: Extract, sources: dict[str, str], today: dt.date, batch_id: int
    ) -> None:
        self.validator = Validator(extract, today=today)
        self.sources, self.batch_id = sources, batch_id

    def __call__(self, rows: Rows) -> Judged:
        numbers, cells = rows
        chunk = self.validator.check(cells, self.sources)
        encode = _ENCODER.encode
        records = [
            (self.batch_id, *values, numbers[i], True, ";".join(flags), encode(cells[i]))
            for i, values, flags in chunk.accepted
        ]
        rejected = [(numbers[i], issues, encode(cells[i])) for i, issues in chunk.rejected]
        return Judged(records, rejected)


_WORKER_JUDGE: _Judge | None = None


def _die_with(parent: int) -> None:
    """End this worker as soon as ``parent`` is gone, even when it was killed (SIGKILL): a
    worker blocked on the pool's queue would otherwise wait forever, holding its memory."""
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the watcher still runs
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:
        # Everywhere, also where there is no parent-death signal (macOS): look twice a second.
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="padan-parent-watch", daemon=True).start()


def _start_worker(
    extract: Extract, sources: dict[str, str], today: dt.date, batch_id: int, parent: int
) -> None:
    global _WORKER_JUDGE
    _die_with(parent)
    # Rows and caches are acyclic; the cyclic collector would rescan the growing caches
    # again and again. The worker ends with the batch, and its memory with it.
    gc.disable()
    # The main process reads and writes in order and sets the pace: let it have the CPU first.
    os.nice(5)
    _WORKER_JUDGE = _Judge(extract, sources, today, batch_id)


def _judge_in_worker(rows: Rows) -> Judged:
    assert _WORKER_JUDGE is not None
    return _WORKER_JUDGE(rows)


def worker_count(info: FileInfo) -> int:
    # Processes pay off only when there is enough to judge; small files stay in this process.
    return min(os.cpu_count() or 1, 4) if info.size > _PARALLEL_BYTES else 0


@contextmanager
def judges(
    extract: Extract, sources: dict[str, str], today: dt.date, workers: int, batch_id: int
) -> Iterator[Callable[[Rows], Future[Judged] | Judged]]:
    args = (extract, sources, today, batch_id)
    if workers <= 0:
        yield _Judge(*args)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(*args, os.getpid()),
    )
    try:
        yield lambda rows: pool.submit(_judge_in_worker, rows)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    # Millions of short-lived rows would trigger full collections that rescan the validation
    # caches each time; nothing built during an ingest is cyclic.
    enabled = gc.isenabled()
    gc.disable()
    # The main process reads and writes in order and sets the pace: let it have the CPU first.
    os.nice(5)
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def result(item: Future[Judged] | Judged) -> Judged:
    return item.result() if isinstance(item, Future) else item
