"""The audit log as the auditor reads it; reading it is itself audited."""

from __future__ import annotations

from typing import Any

from padan.access.authorise import audit, require
from padan.access.policy import Principal
from padan.store import Store
from padan.store.audit import audit_entries, hide_query

__all__ = ["audit_log"]


def audit_log(
    store: Store, p: Principal, *, child_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Audit rows, newest first, with the columns the policy gives the role (``audit_fields``);
    with ``child_id``: who accessed this child's data."""
    require(p, "audit")
    shown = p.role.audit_fields
    full = [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "username": e.username,
            "role": e.role,
            "action": e.action,
            "target": hide_query(e.target),
            "child_ids": e.child_ids,
            "purpose": e.purpose,
        }
        for e in audit_entries(store, child_id=child_id or None, limit=limit)
    ]
    rows = [{k: v for k, v in row.items() if k in shown} for row in full]
    audit(store, p, "audit_view", f"child={child_id or '-'}", [], "")
    return rows
