"""The dashboard: record and children counts for the selected region and one level below it,
in the user's scope, and the national work figures (review queue, quarantine).

What each figure counts: a *record* is one row of a source file (a KPAI complaint, a DTSEN
person: every member of a household, any age); a *child* is one person after linkage, who may
have several records. Records and children follow the selected region; the review queue and
quarantine are not regional (a pair or a batch has no single region) and say so.
"""

from __future__ import annotations

from typing import Any

from padan.access.authorise import region_filter, region_lineage, require
from padan.access.policy import Principal
from padan.api import Padan, link_job
from padan.domain.regions import region_table
from padan.store import Store
from padan.store.children import latest_run_id, region_counts, review_pairs

__all__ = ["dashboard"]

_NEXT_LEVEL = {None: 2, 2: 5, 5: 8, 8: 13}


def dashboard(store: Store, p: Principal, *, region: str | None = None) -> dict[str, Any]:
    """Counts by region one level below ``region`` (provinces at the top), in the user's scope.

    Aggregates only; no child's data. Raises :class:`Forbidden` for a region out of scope.
    """
    require(p, "dashboard")
    if region is None and p.regions:
        region = p.regions[0]
    scope = region_filter(p, region)
    code = scope[0] if scope else None
    level_chars = _NEXT_LEVEL.get(len(code) if code else None, 13)
    run_id = latest_run_id(store)
    counts = region_counts(store, run_id, level_chars=level_chars, regions=scope)
    names = region_table()
    rows: list[dict[str, Any]] = [
        {"code": c, "name": names[c].name if c in names else c, **v, "drill": len(c) < 13}
        for c, v in sorted(counts.items())
    ]
    totals = {k: sum(r[k] for r in rows) for k in ("kpai", "dtsen")}
    # Children are counted once for the whole region: a child with records in two regencies
    # is one child of the province, so the rows below cannot simply be added up.
    here = region_counts(store, run_id, level_chars=len(code) if code else 0, regions=scope)
    result: dict[str, Any] = {
        "region": region_lineage(code),
        "level_chars": level_chars,
        "rows": rows,
        "records": totals,
        "children": here.get(code or "", {}).get("children", 0),
        "latest_run": run_id,
        **_freshness(store),
    }
    if p.regions is None:  # national work figures only for national roles
        if run_id is not None:
            decided = {
                (d.uid_a, d.uid_b) for d in store.review_decisions() if d.decision != "unsure"
            }
            result["review_queue"] = sum(
                1 for a, b, _, _ in review_pairs(store, run_id) if (a, b) not in decided
            )
        quarantined: dict[str, int] = {}
        for batch in store.list_batches():
            quarantined[batch.source] = quarantined.get(batch.source, 0) + batch.rows_quarantined
        result["quarantine"] = quarantined
    return result


def _freshness(store: Store) -> dict[str, Any]:
    """Whether the figures are behind the data: batches ingested or review decisions made
    since the latest run (``data_changed``, counts only), and whether a run is working."""
    padan = Padan(store)
    changes = padan.changes()
    job = link_job(padan)
    changed = (
        {"run_id": changes.run_id, "batches": len(changes.batches), "decisions": changes.decisions}
        if changes.changed and changes.run_id is not None
        else None
    )
    return {"data_changed": changed, "link_running": job is not None and job.running}
