"""Linkage runs and the saved model's metadata, for the runs page and API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from padan.store import Store
from padan.store.children import list_runs
from padan.web.policy import Principal
from padan.web.services.access import require

__all__ = ["model_and_runs"]


def model_and_runs(store: Store, p: Principal, *, model_path: Path) -> dict[str, Any]:
    """Linkage runs (newest first) and the saved model's metadata."""
    require(p, "runs")
    model: dict[str, Any] = {"path": str(model_path), "exists": model_path.exists()}
    if model_path.exists():
        try:
            meta = json.loads(model_path.read_text(encoding="utf-8")).get("padan", {})
        except ValueError:
            meta = {}
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
    return {"model": model, "runs": runs}
