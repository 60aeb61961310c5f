"""A linkage run in the background: one at a time per store, with its progress kept.

The web app starts a run here and shows :class:`LinkJob` while it works; the run itself is
:meth:`Padan.link <padan.api.Padan.link>`, the same call as ``padan link``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from padan.api.facade import Padan
from padan.errors import BusyError, PadanError

__all__ = ["LinkJob", "link_job", "start_link"]

_log = logging.getLogger(__name__)
_lock = threading.Lock()
#: The latest job of each store, by store URL (running, or the last one that ended).
_jobs: dict[str, LinkJob] = {}


@dataclass(frozen=True)
class LinkJob:
    """One background linkage run: who started it, its steps so far and how it ended.

    ``status`` is ``running``, ``done`` (``run_id`` holds the stored run) or ``failed``
    (``error`` holds the message of the library's error).
    """

    store_url: str
    started_by: str
    started_at: dt.datetime
    status: str = "running"
    steps: tuple[str, ...] = ()
    finished_at: dt.datetime | None = None
    run_id: int | None = None
    error: str | None = None
    options: dict[str, bool] = field(default_factory=dict)
    #: How the done run weighed names (``RunSummary.name_frequencies``): ``frozen`` with the
    #: model, or ``not kept`` / ``lost`` (today's records counted: say so).
    name_frequencies: str | None = None

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def seconds(self) -> float:
        """How long it has run (until now, or until it ended)."""
        end = self.finished_at or dt.datetime.now(dt.UTC)
        return (end - self.started_at).total_seconds()


def link_job(padan: Padan) -> LinkJob | None:
    """The running job on ``padan``'s store, else the last one that ended (``None``: none
    since this process started)."""
    with _lock:
        return _jobs.get(padan.url)


def start_link(
    padan: Padan,
    *,
    started_by: str,
    full: bool = False,
    retrain: bool = False,
    on_end: Callable[[LinkJob], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> LinkJob:
    """Start :meth:`Padan.link <padan.api.Padan.link>` in a background thread; returns at once.

    Raises :class:`~padan.errors.BusyError` while another run started here works on the same
    store. ``on_end(job)`` is called in the thread when the run has ended (done or failed);
    ``progress(step)`` as each step starts, after the job has recorded it.
    """
    with _lock:
        current = _jobs.get(padan.url)
        if current is not None and current.running:
            raise BusyError(
                f"a linkage run started by {current.started_by} at "
                f"{current.started_at:%H:%M:%S} UTC is still working on this store"
            )
        job = LinkJob(
            padan.url,
            started_by,
            dt.datetime.now(dt.UTC),
            options={"full": full, "retrain": retrain},
        )
        _jobs[padan.url] = job
    thread = threading.Thread(
        target=_run, args=(padan, full, retrain, on_end, progress), name="padan-link", daemon=True
    )
    thread.start()
    return job


def _run(
    padan: Padan,
    full: bool,
    retrain: bool,
    on_end: Callable[[LinkJob], None] | None,
    progress: Callable[[str], None] | None,
) -> None:
    url = padan.url

    def step(message: str) -> None:
        with _lock:
            job = _jobs[url]
            _jobs[url] = replace(job, steps=(*job.steps, message))
        if progress is not None:
            progress(message)

    status, error, run_id, frequencies = "failed", None, None, None
    try:
        summary = padan.link(full=full, retrain=retrain, progress=step)
        run_id, frequencies, status = summary.run_id, summary.name_frequencies, "done"
    except PadanError as exc:
        error = str(exc)
    except Exception as exc:  # a bug: the job must still end, never hang as "running"
        # The type only: a message or traceback may name a record (no identifiers in logs).
        _log.error("background linkage run failed: %s", type(exc).__name__)
        error = f"unexpected error ({type(exc).__name__})"
    ended = dt.datetime.now(dt.UTC)
    with _lock:
        job = replace(
            _jobs[url],
            status=status,
            error=error,
            run_id=run_id,
            finished_at=ended,
            name_frequencies=frequencies,
        )
    if on_end is not None:  # before the end is published: who sees "done" sees its effects
        try:
            on_end(job)
        except Exception as exc:
            _log.error("after the background linkage run: %s", type(exc).__name__)
    with _lock:
        _jobs[url] = job
