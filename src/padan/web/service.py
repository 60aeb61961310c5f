"""What the pages, the API and the exports ask for, with the policy and the audit applied.

Every read of a child's data goes through here: :func:`padan.web.policy.shape_record` decides
the fields, :class:`~padan.web.policy.Principal` the scope, and each access is appended to the
hash-chained audit log. Out-of-scope children and children that do not exist look the same.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from padan.domain.names import normalise_name
from padan.domain.regions import check_region, region_table
from padan.errors import InputError, PadanError
from padan.ingest import ingest_file
from padan.registry import decide as registry_decide
from padan.registry import review_queue
from padan.store import Store
from padan.store.web_queries import (
    child_members,
    children_of,
    find_records,
    household_members,
    latest_run_id,
    list_runs,
    pairs_touching,
    records_by_uid,
    region_counts,
    review_pairs,
)
from padan.store.web_store import (
    add_pending_merge,
    append_audit,
    audit_entries,
    clear_pending_merges,
    pending_merges_for,
)
from padan.web.policy import COMPARISON_GROUPS, Principal, mask_nik, shape_record

__all__ = [
    "Forbidden",
    "NotFound",
    "audit_log",
    "batches",
    "child_profile",
    "dashboard",
    "decide_pair",
    "explain",
    "export_search",
    "model_and_runs",
    "quarantine_rows",
    "review_items",
    "search_children",
    "upload",
]

_NOT_FOUND = "no such child, or not in your scope"


class Forbidden(PadanError):
    """The role may not do this at all."""


class NotFound(PadanError):
    """Nothing to show: absent, or outside the user's scope (the two look the same)."""


def _require(p: Principal, permission: str) -> None:
    if not p.can(permission):
        raise Forbidden(f"role {p.role.name} may not use {permission}")


def _log(
    store: Store, p: Principal, action: str, target: str, children: list[str], purpose: str
) -> None:
    append_audit(
        store,
        username=p.username,
        role=p.role.name,
        action=action,
        target=target,
        child_ids=children,
        purpose=purpose.strip()[:500] or "-",
    )


# -- children ---------------------------------------------------------------------------------


def _primary(records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The record that speaks for the child: its DTSEN record, else the newest complaint."""
    dtsen = sorted(uid for uid in records if uid.startswith("dtsen:"))
    if dtsen:
        return records[dtsen[0]]
    newest = max(records, key=lambda uid: (str(records[uid].get("tanggal_pengaduan")), uid))
    return records[newest]


#: Columns a search result needs (the profile reads every column).
_SUMMARY_COLUMNS = (
    "kode_wilayah",
    "tanggal_pengaduan",
    "nama",
    "nama_anak",
    "jenis_kelamin",
    "tanggal_lahir",
    "nik",
    "nik_anak",
)


def _visible_children(
    store: Store, p: Principal, run_id: int, child_ids: list[str], *, summary: bool = False
) -> dict[str, tuple[list[tuple[str, float | None]], dict[str, dict[str, Any]]]]:
    """Children the principal may see: their visible members and those members' records."""
    members = child_members(store, run_id, child_ids)
    wanted = [u for ms in members.values() for u, _ in ms if u.split(":")[0] in p.role.sources]
    records = records_by_uid(store, wanted, columns=_SUMMARY_COLUMNS if summary else None)
    visible = {}
    for child_id in child_ids:
        shown = [(u, pr) for u, pr in members.get(child_id, []) if u in records]
        if not shown:
            continue
        own = {u: records[u] for u, _ in shown}
        if p.in_scope(_primary(own).get("kode_wilayah")):
            visible[child_id] = (shown, own)
    return visible


def _parse_query(q: str) -> tuple[str | None, str | None]:
    text = q.strip()
    digits = re.sub(r"[\s.-]", "", text)
    if digits.isdigit() and len(digits) == 16:
        return None, digits
    name = normalise_name(text).text
    if len(name) < 2:
        raise InputError(f"search {q!r}: give a name (at least 2 letters) or a 16-digit NIK")
    return name, None


def _region_filter(p: Principal, region: str | None) -> list[str] | None:
    if not region:
        return p.regions
    check = check_region(region)
    if check.code is None:
        raise InputError(f"region {region!r} is not a region code (e.g. 32, 32.01, 32.01.05)")
    if not p.in_scope(check.code):
        raise Forbidden(f"region {check.code} is outside your scope")
    return [check.code]


def search_children(
    store: Store,
    p: Principal,
    q: str,
    *,
    region: str | None = None,
    purpose: str = "",
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Children whose name starts with ``q`` or whose NIK is ``q``, masked by role; audited.

    At most ``limit`` children (1-1000). Raises :class:`InputError` for an unusable query or
    region, :class:`Forbidden` for a region outside the user's scope.
    """
    _require(p, "search")
    if not 1 <= limit <= 1000:
        raise InputError(f"limit {limit} must be between 1 and 1000")
    name, nik = _parse_query(q)
    regions = _region_filter(p, region)
    run_id = latest_run_id(store)
    hits: list[dict[str, Any]] = []
    if run_id is not None:
        uids = [
            u
            for u in find_records(
                store, name_prefix=name, nik=nik, regions=regions, limit=limit * 2
            )
            if u.split(":")[0] in p.role.sources
        ]
        order = list(dict.fromkeys(children_of(store, run_id, uids).values()))
        # Children in chunks: most are visible, so the first chunk usually fills the page.
        for start in range(0, len(order), limit):
            chunk = order[start : start + limit]
            visible = _visible_children(store, p, run_id, chunk, summary=True)
            hits += [_hit(p, c, visible[c][1]) for c in chunk if c in visible]
            if len(hits) >= limit:
                break
        hits = hits[:limit]
    _log(
        store,
        p,
        "search",
        f"q={q!r} region={region or '-'}",
        [h["child_id"] for h in hits],
        purpose,
    )
    return hits


def _hit(p: Principal, child_id: str, records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    primary = _primary(records)
    summary = {
        "nama": primary.get("nama") or primary.get("nama_anak"),
        "jenis_kelamin": primary.get("jenis_kelamin"),
        "tanggal_lahir": primary.get("tanggal_lahir"),
        "nik": primary.get("nik") or primary.get("nik_anak"),
    }
    return {
        "child_id": child_id,
        "kode_wilayah": primary.get("kode_wilayah"),
        **shape_record(p, summary),
        "sources": sorted({uid.split(":")[0] for uid in records}),
    }


def child_profile(
    store: Store, p: Principal, child_id: str, *, purpose: str = ""
) -> dict[str, Any]:
    """The integrated record of one child as the role may see it; audited.

    Raises :class:`NotFound` for a child that is absent or outside the scope, alike.
    """
    _require(p, "profile")
    run_id = latest_run_id(store)
    visible = _visible_children(store, p, run_id, [child_id]) if run_id is not None else {}
    if child_id not in visible:
        raise NotFound(_NOT_FOUND)
    assert run_id is not None
    shown, records = visible[child_id]
    members = {u for u, _ in shown}
    primary = _primary(records)
    pairs = [
        {
            "record_a": a,
            "record_b": b,
            "match_probability": prob,
            "rule": rule,
            "decision": decision,
            "within_child": a in members and b in members,
        }
        for a, b, prob, rule, decision in pairs_touching(store, run_id, sorted(members))
        if (a in members and b in members) or p.can("review")
    ]
    household: list[dict[str, Any]] = []
    if "id_keluarga" in p.role.fields and primary.get("id_keluarga"):
        household = [
            shape_record(
                p,
                {
                    k: r[k]
                    for k in (
                        "id_individu",
                        "nama",
                        "hubungan_keluarga",
                        "jenis_kelamin",
                        "tanggal_lahir",
                    )
                },
            )
            for r in household_members(store, primary["id_keluarga"])
        ]
    result = {
        "child_id": child_id,
        "kode_wilayah": primary.get("kode_wilayah"),
        "wilayah": _lineage(primary.get("kode_wilayah")),
        "records": [
            {
                "record": uid,
                "source": uid.split(":")[0],
                "match_probability": prob,
                "fields": shape_record(p, records[uid]),
            }
            for uid, prob in shown
        ],
        "pairs": pairs,
        "household": household,
    }
    _log(store, p, "profile", child_id, [child_id], purpose)
    return result


def _lineage(code: str | None) -> list[dict[str, str]]:
    if not code:
        return []
    check = check_region(code)
    return [{"code": r.code, "level": r.level, "name": r.name} for r in reversed(check.lineage())]


def explain(
    store: Store,
    p: Principal,
    child_id: str,
    record_a: str,
    record_b: str,
    *,
    model_path: Path,
    purpose: str = "",
) -> dict[str, Any]:
    """The match-weight breakdown of two records of a visible child (values shaped by role)."""
    from padan.linkage.explain import explain_pair  # Splink loads only when asked

    _require(p, "profile")
    run_id = latest_run_id(store)
    visible = _visible_children(store, p, run_id, [child_id]) if run_id is not None else {}
    members = {u for u, _ in visible[child_id][0]} if child_id in visible else set()
    allowed = members if not p.can("review") else members | _review_partners(store, run_id, members)
    if record_a not in members or record_b not in allowed:
        raise NotFound(_NOT_FOUND)
    made = explain_pair(store, record_a, record_b, model_path=model_path)
    parts = []
    for part in made.parts:
        group = COMPARISON_GROUPS.get(part.comparison, "identity")
        values: tuple[str | None, str | None] = (part.value_a, part.value_b)
        if group not in p.role.groups:
            values = (None, None)
        elif group == "nik" and not p.role.nik_full:
            values = (mask_nik(part.value_a), mask_nik(part.value_b))
        parts.append(
            {
                "comparison": part.comparison,
                "level": part.level,
                "match_weight": part.match_weight,
                "value_a": values[0],
                "value_b": values[1],
            }
        )
    _log(store, p, "explain", f"{record_a} {record_b}", [child_id], purpose)
    return {
        "record_a": record_a,
        "record_b": record_b,
        "prior_weight": made.prior_weight,
        "parts": parts,
        "match_weight": made.match_weight,
        "match_probability": made.match_probability,
    }


def _review_partners(store: Store, run_id: int | None, members: set[str]) -> set[str]:
    if run_id is None:
        return set()
    return {u for a, b, *_ in pairs_touching(store, run_id, sorted(members)) for u in (a, b)}


def export_search(
    store: Store, p: Principal, q: str, *, region: str | None = None, purpose: str = ""
) -> tuple[list[str], list[list[Any]]]:
    """Search results as a table for a CSV export (same policy as the page); audited."""
    _require(p, "export")
    hits = search_children(store, p, q, region=region, purpose=purpose, limit=1000)
    header = [
        "child_id",
        "kode_wilayah",
        "nama",
        "jenis_kelamin",
        "tanggal_lahir",
        "nik",
        "sources",
    ]
    header = [
        h for h in header if any(h in hit for hit in hits) or h in ("child_id", "kode_wilayah")
    ]
    rows = [
        [";".join(v) if isinstance(v := hit.get(h), list) else v for h in header] for hit in hits
    ]
    _log(
        store,
        p,
        "export",
        f"q={q!r} region={region or '-'} rows={len(rows)}",
        [h["child_id"] for h in hits],
        purpose,
    )
    return header, rows


# -- review -----------------------------------------------------------------------------------

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
    _require(p, "review")
    run_id = latest_run_id(store)
    if run_id is None:
        return []
    # Ordered by what a decision changes (the gap indicators first), then by probability.
    waiting = review_queue(store, limit=limit)
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
    _log(store, p, "review_list", f"{len(items)} pairs", sorted(involved), purpose)
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
    reviewer also says "same"; only then is it stored for the next linkage run. Returns
    ``{"status": "decided" | "pending_second_review", ...}``. Raises :class:`InputError`.
    """
    _require(p, "review")
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
        first = [m for m in pending_merges_for(store, uid_a, uid_b) if m.reviewer != p.username]
        if not first:
            if pending_merges_for(store, uid_a, uid_b):
                raise InputError(
                    "these records carry different valid NIKs: a second, different reviewer "
                    "must confirm the merge"
                )
            add_pending_merge(store, uid_a, uid_b, reviewer=p.username, reason=reason.strip())
            _log(
                store,
                p,
                "decision",
                f"{uid_a} {uid_b} same (waiting for a second reviewer)",
                children,
                purpose,
            )
            return {"status": "pending_second_review", "record_a": uid_a, "record_b": uid_b}
        made = registry_decide(
            store,
            uid_a,
            uid_b,
            "same",
            reviewer=f"{first[0].reviewer}+{p.username}",
            reason=f"{first[0].reason} / {reason.strip()}",
        )
        clear_pending_merges(store, uid_a, uid_b)
    else:
        made = registry_decide(
            store, uid_a, uid_b, decision, reviewer=p.username, reason=reason.strip()
        )
    _log(store, p, "decision", f"{uid_a} {uid_b} {made.decision}", children, purpose)
    return {
        "status": "decided",
        "record_a": made.uid_a,
        "record_b": made.uid_b,
        "decision": made.decision,
        "reviewer": made.reviewer,
    }


# -- dashboard, ingestion, runs, audit --------------------------------------------------------

_NEXT_LEVEL = {None: 2, 2: 5, 5: 8, 8: 13}


def dashboard(store: Store, p: Principal, *, region: str | None = None) -> dict[str, Any]:
    """Counts by region one level below ``region`` (provinces at the top), in the user's scope.

    Aggregates only; no child's data. Raises :class:`Forbidden` for a region out of scope.
    """
    _require(p, "dashboard")
    if region is None and p.regions:
        region = p.regions[0]
    scope = _region_filter(p, region)
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
    result: dict[str, Any] = {
        "region": _lineage(code),
        "level_chars": level_chars,
        "rows": rows,
        "records": totals,
        "latest_run": run_id,
    }
    if p.regions is None:  # national figures only for national roles
        runs = list_runs(store)
        result["children"] = runs[0].children if runs else 0
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


def batches(store: Store, p: Principal) -> list[dict[str, Any]]:
    """Ingestion history of the extracts the role handles."""
    if not (p.can("ingest") or p.can("quarantine")):
        raise Forbidden(f"role {p.role.name} may not see the ingestion history")
    return [
        {
            "id": b.id,
            "source": b.source,
            "file_name": b.file_name,
            "format": b.file_format,
            "read": b.rows_read,
            "accepted": b.rows_accepted,
            "quarantined": b.rows_quarantined,
            "superseded": b.rows_superseding,
            "finished_at": b.finished_at.isoformat(),
        }
        for b in reversed(store.list_batches())
        if b.source in p.role.ingest
    ]


def quarantine_rows(
    store: Store, p: Principal, batch_id: int, *, limit: int = 500, purpose: str = ""
) -> list[dict[str, Any]]:
    """Quarantined rows of one batch the role handles; audited (they hold raw personal data)."""
    _require(p, "quarantine")
    known = {b["id"] for b in batches(store, p)}
    if batch_id not in known:
        raise NotFound(f"no batch {batch_id} among those you handle")
    rows = [
        {
            "row": e.row_number,
            "column": e.column,
            "value": e.value,
            "reason": e.reason,
            "reason_id": e.reason_id,
            "reason_en": e.reason_en,
            "raw": json.loads(e.raw),
        }
        for e in store.quarantine_entries(batch_id=batch_id, limit=limit)
    ]
    _log(store, p, "quarantine", f"batch {batch_id}", [], purpose)
    return rows


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def upload(
    store: Store,
    p: Principal,
    source: str,
    file_name: str,
    content: bytes,
    *,
    purpose: str = "",
) -> dict[str, Any]:
    """Ingest an uploaded file exactly as ``padan ingest`` does; returns the summary; audited."""
    _require(p, "ingest")
    if source not in p.role.ingest:
        raise Forbidden(f"role {p.role.name} may not ingest {source} files")
    if not content:
        raise InputError(f"{file_name or 'the upload'}: the file is empty; choose a file")
    name = _SAFE_NAME.sub("_", Path(file_name or "upload").name)[:120] or "upload"
    with tempfile.TemporaryDirectory(prefix="padan-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        summary = ingest_file(path, source=source, store=store).to_json()
    _log(store, p, "ingest", f"{source} {name} batch {summary['batch_id']}", [], purpose)
    return summary


def model_and_runs(store: Store, p: Principal, *, model_path: Path) -> dict[str, Any]:
    """Linkage runs (newest first) and the saved model's metadata."""
    _require(p, "runs")
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


def audit_log(
    store: Store, p: Principal, *, child_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Audit rows, newest first; with ``child_id``: who accessed this child's data."""
    _require(p, "audit")
    rows = [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "username": e.username,
            "role": e.role,
            "action": e.action,
            "target": e.target,
            "child_ids": e.child_ids,
            "purpose": e.purpose,
        }
        for e in audit_entries(store, child_id=child_id or None, limit=limit)
    ]
    _log(store, p, "audit_view", f"child={child_id or '-'}", [], "")
    return rows


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
