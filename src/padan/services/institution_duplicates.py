"""Doubtful duplicate institutions side by side, and reviewers' decisions on them; audited."""

from __future__ import annotations

from typing import Any

from padan.access.authorise import audit, require
from padan.access.policy import Principal
from padan.institutions import decide_institutions, institution_review_queue
from padan.services.institutions import (
    institution_fields,
    sync_extract,
    visible_institution,
)
from padan.store import InstitutionStore, Store

__all__ = ["decide_duplicates", "duplicate_queue"]

_COMPARED = (
    "nama_lembaga",
    "jenis",
    "kode_wilayah",
    "alamat",
    "status_izin",
    "akreditasi",
    "kapasitas",
    "jumlah_anak",
    "origin",
)


def duplicate_queue(store: Store, p: Principal, *, purpose: str = "") -> list[dict[str, Any]]:
    """Doubtful institution pairs (both in scope), side by side with differences; audited."""
    require(p, "institutions_review")
    sync_extract(store)
    items = institution_review_queue(store)
    ids = sorted({x for i in items for x in (i.id_a, i.id_b)})
    records = {r.id_lembaga: r for r in InstitutionStore(store).institutions(ids)}
    shown: list[dict[str, Any]] = []
    for item in items:
        a, b = records.get(item.id_a), records.get(item.id_b)
        if (
            a is None
            or b is None
            or not (p.in_scope(a.kode_wilayah) and p.in_scope(b.kode_wilayah))
        ):
            continue
        left, right = institution_fields(p, a), institution_fields(p, b)
        shown.append(
            {
                "id_a": item.id_a,
                "id_b": item.id_b,
                "match_probability": item.match_probability,
                "reason": item.reason,
                "unsure_before": item.unsure_before,
                "fields": [
                    {
                        "field": k,
                        "a": left.get(k),
                        "b": right.get(k),
                        "differs": _norm(left.get(k)) != _norm(right.get(k)),
                    }
                    for k in _COMPARED
                ],
            }
        )
    audit(store, p, "institution_dedup_list", f"{len(shown)} pairs", purpose=purpose)
    return shown


def decide_duplicates(
    store: Store, p: Principal, id_a: str, id_b: str, decision: str, *, reason: str
) -> dict[str, Any]:
    """Decide whether two institution records are the same (with a reason); audited.

    The next deduplication run (``padan institutions dedup``) applies it."""
    require(p, "institutions_review")
    for uid in (id_a, id_b):
        visible_institution(store, p, uid)
    made = decide_institutions(store, id_a, id_b, decision, reviewer=p.username, reason=reason)
    audit(store, p, "institution_dedup_decision", f"{made.uid_a} {made.uid_b} {made.decision}")
    a, b = (uid.removeprefix("lembaga:") for uid in (made.uid_a, made.uid_b))
    return {"id_a": a, "id_b": b, "decision": made.decision, "reviewer": made.reviewer}


def _norm(value: Any) -> str:
    return str(value).strip().casefold() if value is not None else ""
