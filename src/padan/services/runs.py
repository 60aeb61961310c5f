"""Linkage runs and the saved model's metadata, and linkage runs started from the web."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from padan.access.authorise import audit, require
from padan.access.policy import Principal
from padan.api import LinkJob, Padan, link_job, start_link
from padan.settings import get_settings
from padan.store import Store
from padan.store.children import list_runs

__all__ = ["job_status", "model_and_runs", "start_run"]


def model_and_runs(store: Store, p: Principal, *, model_path: Path) -> dict[str, Any]:
    """Linkage runs (newest first), the saved model's metadata, and the background run."""
    require(p, "runs")
    model: dict[str, Any] = {"path": str(model_path), "exists": model_path.exists()}
    if model_path.exists():
        try:
            meta = json.loads(model_path.read_text(encoding="utf-8")).get("padan", {})
        except (ValueError, AttributeError):  # not JSON, or not an object
            meta, model["unreadable"] = {}, True
        model["padan"] = meta
    runs = [
        {
            "id": r.id,
            "started_at": r.started_at.isoformat(),
            "model_version": r.model_version,
            "link_threshold": r.link_threshold,
            "review_threshold": r.review_threshold,
            "records": r.records,
            "children": r.children,
            "batches": r.batches,
            "seconds": (r.finished_at - r.started_at).total_seconds(),
        }
        for r in list_runs(store)
    ]
    return {
        "model": model,
        "runs": runs,
        "job": _job(link_job(_padan(store, model_path))),
        "can_start": p.can("run_linkage"),
    }


def job_status(store: Store, p: Principal, *, model_path: Path) -> dict[str, Any] | None:
    """The linkage run working in the background on this store, or the last one that ended
    (``None``: none since the app started)."""
    require(p, "runs")
    return _job(link_job(_padan(store, model_path)))


def start_run(
    store: Store, p: Principal, *, model_path: Path, full: bool = False, purpose: str = ""
) -> dict[str, Any]:
    """Start a linkage run in the background (``padan link``, or ``--full``); audited, as is
    its end. Raises :class:`~padan.errors.BusyError` while another run works on the store."""
    require(p, "run_linkage")
    mode = "full" if full else "incremental"

    def ended(job: LinkJob) -> None:
        outcome = f"run {job.run_id}" if job.status == "done" else "failed"
        audit(store, p, "link_end", f"{mode} {outcome}", [], purpose)

    job = start_link(_padan(store, model_path), started_by=p.username, full=full, on_end=ended)
    audit(store, p, "link_start", mode, [], purpose)
    found = _job(job)
    assert found is not None
    return found


def _padan(store: Store, model_path: Path) -> Padan:
    """The app's store with its model file (the engine from ``PADAN_LINKAGE_ENGINE``)."""
    return Padan(store, settings=get_settings(model_path=model_path))


def _job(job: LinkJob | None) -> dict[str, Any] | None:
    if job is None:
        return None
    return {
        "status": job.status,
        "running": job.running,
        "started_by": job.started_by,
        "started_at": job.started_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "seconds": round(job.seconds, 1),
        "steps": list(job.steps),
        "step": job.steps[-1] if job.steps else None,
        "run_id": job.run_id,
        "error": job.error,
        "full": job.options.get("full", False),
        "name_frequencies": job.name_frequencies,
    }
