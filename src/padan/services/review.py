"""The review queue of doubtful child pairs, and reviewers' decisions with the two-reviewer rule.

"same" on records carrying different valid NIKs needs a second, different reviewer before the
next linkage run applies it. Each list and decision is appended to the audit log.
"""

from __future__ import annotations

from typing import Any

from padan.access.authorise import audit, require
from padan.access.policy import Principal, shape_record
from padan.api import Padan
from padan.errors import InputError
from padan.store import ReviewDecision, Store
from padan.store.children import children_of, latest_run_id, records_by_uid
from padan.store.pending_merges import (
    PendingMerge,
    add_pending_merge,
    clear_pending_merges,
    pending_merges_for,
)

__all__ = ["decide_pair", "review_items"]

#: Fields compared side by side: (label, KPAI column, DTSEN column).
_COMPARED = (
    ("nama", "nama_anak", "nama"),
    ("nik", "nik_anak", "nik"),
    ("jenis_kelamin", "jenis_kelamin", "jenis_kelamin"),
    ("tanggal_lahir", "tanggal_lahir", "tanggal_lahir"),
    ("tempat_lahir", "tempat_lahir", "tempat_lahir"),
    ("nama_ibu", "nama_ibu", "nama_ibu_kandung"),
    ("kode_wilayah", "kode_wilayah", "kode_wilayah"),
    ("alamat", "alamat", "alamat"),
)


def _side(p: Principal, uid: str, record: dict[str, Any] | None) -> dict[str, Any]:
    shaped = shape_record(p, record or {})
    kpai = uid.startswith("kpai:")
    return {label: shaped.get(k if kpai else d) for label, k, d in _COMPARED}


def review_items(
    store: Store, p: Principal, *, limit: int = 20, purpose: str = ""
) -> list[dict[str, Any]]:
    """Pairs waiting for a reviewer, both records side by side with the differences; audited."""
    require(p, "review")
    run_id = latest_run_id(store)
    if run_id is None:
        return []
    # Ordered by what a decision changes (the gap indicators first), then by probability.
    waiting = Padan(store).review.queue(limit=limit)
    uids = sorted({u for item in waiting for u in (item.uid_a, item.uid_b)})
    records = records_by_uid(store, uids)
    child_of = children_of(store, run_id, uids)
    items: list[dict[str, Any]] = []
    involved: set[str] = set()
    for item in waiting:
        a, b, prob, why = item.uid_a, item.uid_b, item.match_probability, item.reason
        involved.update(c for c in (child_of.get(a), child_of.get(b)) if c)
        left, right = _side(p, a, records.get(a)), _side(p, b, records.get(b))
        pending = pending_merges_for(store, a, b)
        items.append(
            {
                "record_a": a,
                "record_b": b,
                "match_probability": prob,
                "reason": why,
                "child_a": child_of.get(a),
                "child_b": child_of.get(b),
                "unsure_before": item.unsure_before,
                "impact": item.impact,
                "pending_reviewer": pending[0].reviewer if pending else None,
                "fields": [
                    {
                        "field": label,
                        "a": left[label],
                        "b": right[label],
                        "differs": _norm(left[label]) != _norm(right[label]),
                    }
                    for label, kpai_column, dtsen_column in _COMPARED
                    if {kpai_column, dtsen_column} & p.role.fields
                ],
                "needs_second_reviewer": _conflicting_niks(records.get(a), records.get(b)),
            }
        )
    audit(store, p, "review_list", f"{len(items)} pairs", sorted(involved), purpose)
    return items


def _norm(value: Any) -> str:
    return str(value).strip().casefold() if value is not None else ""


def _valid_nik(record: dict[str, Any] | None) -> str | None:
    if not record:
        return None
    for column, status in (("nik", "nik_status"), ("nik_anak", "nik_anak_status")):
        if record.get(column) and record.get(status) == "valid":
            return str(record[column])
    return None


def _conflicting_niks(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    nik_a, nik_b = _valid_nik(a), _valid_nik(b)
    return nik_a is not None and nik_b is not None and nik_a != nik_b


def decide_pair(
    store: Store,
    p: Principal,
    record_a: str,
    record_b: str,
    decision: str,
    *,
    reason: str,
    purpose: str = "",
) -> dict[str, Any]:
    """Record a reviewer's decision; audited.

    "same" on records carrying different valid NIKs is held until a second, different
    reviewer also says "same"; only then is it stored for the next linkage run; "different"
    closes such a held merge. The CLI, the pages and the JSON API all call this. Returns
    ``{"status": "decided" | "pending_second_review", ...}``. Raises :class:`InputError`.
    """
    require(p, "review")
    if not reason.strip():
        raise InputError("a decision needs a reason")
    uid_a, uid_b = sorted((record_a.strip(), record_b.strip()))
    run_id = latest_run_id(store)
    child_of = children_of(store, run_id, [uid_a, uid_b]) if run_id is not None else {}
    children = sorted(set(child_of.values()))
    records = records_by_uid(store, [uid_a, uid_b])
    if decision == "same" and _conflicting_niks(records.get(uid_a), records.get(uid_b)):
        if len(child_of) < 2:
            raise InputError(f"record {uid_a!r} or {uid_b!r} is not in the latest linkage run")
        first = _held_by_others(store, p, uid_a, uid_b)
        if not first:
            if pending_merges_for(store, uid_a, uid_b):
                raise InputError(_SECOND_REVIEWER)
            if add_pending_merge(store, uid_a, uid_b, reviewer=p.username, reason=reason.strip()):
                audit(
                    store,
                    p,
                    "decision",
                    f"{uid_a} {uid_b} same (waiting for a second reviewer)",
                    children,
                    purpose,
                )
                return {"status": "pending_second_review", "record_a": uid_a, "record_b": uid_b}
            # Another reviewer's approval was stored at the same moment: this one confirms it.
            first = _held_by_others(store, p, uid_a, uid_b)
            if not first:
                raise InputError(_SECOND_REVIEWER)
        made = Padan(store).review.decide(
            uid_a,
            uid_b,
            "same",
            reviewer=f"{first[0].reviewer}+{p.username}",
            reason=f"{first[0].reason} / {reason.strip()}",
        )
        clear_pending_merges(store, uid_a, uid_b)
    else:
        made = Padan(store).review.decide(
            uid_a, uid_b, decision, reviewer=p.username, reason=reason.strip()
        )
        waiting = pending_merges_for(store, uid_a, uid_b) if made.decision == "different" else []
        if waiting:
            # "different" answers a merge held for a second reviewer: it is closed, not left
            # for someone to confirm later against this decision.
            clear_pending_merges(store, uid_a, uid_b)
            firsts = ",".join(sorted({m.reviewer for m in waiting}))
            target = f"{uid_a} {uid_b} different (closes the merge held by {firsts})"
            audit(store, p, "decision", target, children, purpose)
            return _decided(made)
    audit(store, p, "decision", f"{uid_a} {uid_b} {made.decision}", children, purpose)
    return _decided(made)


_SECOND_REVIEWER = (
    "these records carry different valid NIKs: a second, different reviewer must confirm the merge"
)


def _held_by_others(store: Store, p: Principal, uid_a: str, uid_b: str) -> list[PendingMerge]:
    return [m for m in pending_merges_for(store, uid_a, uid_b) if m.reviewer != p.username]


def _decided(made: ReviewDecision) -> dict[str, Any]:
    return {
        "status": "decided",
        "record_a": made.uid_a,
        "record_b": made.uid_b,
        "decision": made.decision,
        "reviewer": made.reviewer,
    }
