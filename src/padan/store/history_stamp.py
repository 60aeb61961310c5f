"""A stamp of the store's history (issue 18): a few numbers that change whenever something a
past or present figure is computed from changes, whichever process changed it.

Caches of figures computed from the history (the trends' points and series) key on it, so a
cache in one process (a web worker) does not outlive an ingest, a linkage run, a snapshot
applied again to a stored file (which retires records without adding a batch) or a retention
run (which rewrites history) made by another process. Cheap: each part is read from an
index or a primary key (``ix_audit_log_action`` for the audit log).
"""

from __future__ import annotations

from sqlalchemy import func, select

from padan.store.audit_chain import audit_log
from padan.store.database import Store
from padan.store.record_events import record_events
from padan.store.tables import batches, link_runs

__all__ = ["history_stamp"]

#: Audited actions that rewrite stored history (records deleted or pseudonymised).
_REWRITES = ("retention.apply",)


def history_stamp(store: Store) -> tuple[object, ...]:
    """The newest batch, snapshot application, linkage run and record event, and the newest
    audited rewrite of history: equal stamps mean the figures have not changed since."""
    query = select(
        select(func.max(batches.c.id)).scalar_subquery(),
        select(func.max(batches.c.snapshot_at)).scalar_subquery(),
        select(func.max(link_runs.c.id)).scalar_subquery(),
        select(func.max(record_events.c.id)).scalar_subquery(),
        select(func.max(audit_log.c.id)).where(audit_log.c.action.in_(_REWRITES)).scalar_subquery(),
    )
    with store._connect() as conn:
        row = conn.execute(query).one()
    return tuple(row)
