"""Children for the pages, the API and the exports: search, profile, match explanation, export.

Every read of a child's data goes through here: :func:`padan.access.policy.shape_record` decides
the fields, :class:`~padan.access.policy.Principal` the scope, and each access is appended to the
hash-chained audit log. Out-of-scope children and children that do not exist look the same.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from padan.access.authorise import NotFound, audit, region_filter, region_lineage, require
from padan.access.policy import Principal, shape_record
from padan.domain.names import normalise_name
from padan.errors import InputError
from padan.services.child_events import derive_child_events
from padan.services.event_view import shaped_events
from padan.services.explanations import guard_text, shaped_parts
from padan.services.followups import followups_of
from padan.store import Store
from padan.store.audit import query_digest
from padan.store.children import (
    child_members,
    children_of,
    find_records,
    household_members,
    latest_run_id,
    pairs_touching,
    records_by_uid,
)

__all__ = [
    "WELFARE_COLUMNS",
    "child_profile",
    "child_summaries",
    "child_timeline",
    "explain",
    "export_search",
    "search_children",
    "visible_child_ids",
]

_NOT_FOUND = "no such child, or not in your scope"


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


#: DTSEN columns of a child's welfare and aid a summary may add (shaped by role).
WELFARE_COLUMNS = (
    "desil",
    "status_sekolah",
    "ragam_disabilitas",
    "penerima_pkh",
    "penerima_sembako",
    "penerima_pbi_jk",
    "penerima_pip",
    "penerima_atensi",
)


def _visible_children(
    store: Store,
    p: Principal,
    run_id: int,
    child_ids: list[str],
    *,
    summary: bool = False,
    extra: tuple[str, ...] = (),
) -> dict[str, tuple[list[tuple[str, float | None]], dict[str, dict[str, Any]]]]:
    """Children the principal may see: their visible members and those members' records."""
    members = child_members(store, run_id, child_ids)
    wanted = [u for ms in members.values() for u, _ in ms if u.split(":")[0] in p.role.sources]
    records = records_by_uid(store, wanted, columns=_SUMMARY_COLUMNS + extra if summary else None)
    visible = {}
    for child_id in child_ids:
        shown = [(u, pr) for u, pr in members.get(child_id, []) if u in records]
        if not shown:
            continue
        own = {u: records[u] for u, _ in shown}
        if p.in_scope(_primary(own).get("kode_wilayah")):
            visible[child_id] = (shown, own)
    return visible


def visible_child_ids(
    store: Store, p: Principal, run_id: int, child_ids: list[str], *, chunk: int = 5000
) -> set[str]:
    """The children of ``child_ids`` the principal may see (a record of one of the role's
    sources; the child's region, that of its DTSEN record or newest complaint, in scope)."""
    shown: set[str] = set()
    for start in range(0, len(child_ids), chunk):
        part = child_ids[start : start + chunk]
        shown.update(_visible_children(store, p, run_id, part, summary=True))
    return shown


def child_summaries(
    store: Store, p: Principal, run_id: int, child_ids: list[str], *, welfare: bool = False
) -> list[dict[str, Any]]:
    """The children of ``child_ids`` the principal may see, in that order, each as a search hit
    (fields shaped by role); with ``welfare``, also the :data:`WELFARE_COLUMNS` of the child's
    DTSEN record the role may see. Not audited: the caller audits what it shows."""
    extra = WELFARE_COLUMNS if welfare else ()
    visible = _visible_children(store, p, run_id, child_ids, summary=True, extra=extra)
    hits = []
    for child in child_ids:
        if child not in visible:
            continue
        hit = _hit(p, child, visible[child][1])
        primary = _primary(visible[child][1])
        if extra and "dtsen" in hit["sources"]:
            hit.update(shape_record(p, {k: primary[k] for k in extra if k in primary}))
        hits.append(hit)
    return hits


def _parse_query(q: str) -> tuple[str | None, str | None]:
    text = q.strip()
    digits = re.sub(r"[\s.-]", "", text)
    if digits.isdigit() and len(digits) == 16:
        return None, digits
    name = normalise_name(text).text
    if len(name) < 2:
        raise InputError(f"search {q!r}: give a name (at least 2 letters) or a 16-digit NIK")
    return name, None


def _query_digest(store: Store, name: str | None, nik: str | None) -> str:
    """The query as the audit log keeps it: ``nik:<keyed hash>`` or ``name:<keyed hash>``."""
    return query_digest(store, "nik", nik) if nik else query_digest(store, "name", name or "")


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
    require(p, "search")
    if not 1 <= limit <= 1000:
        raise InputError(f"limit {limit} must be between 1 and 1000")
    name, nik = _parse_query(q)
    regions = region_filter(p, region)
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
    audit(
        store,
        p,
        "search",
        f"q={_query_digest(store, name, nik)} region={region or '-'}",
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
    store: Store, p: Principal, child_id: str, *, purpose: str = "", lang: str = "id"
) -> dict[str, Any]:
    """The integrated record of one child as the role may see it, with its events newest
    first (``events``, labels in ``lang``; see :func:`padan.services.event_view.shaped_events`);
    audited.

    Raises :class:`NotFound` for a child that is absent or outside the scope, alike.
    """
    require(p, "profile")
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
        "wilayah": region_lineage(primary.get("kode_wilayah")),
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
        "followups": followups_of(store, p, child_id),
        "events": shaped_events(
            p, derive_child_events(store, [child_id]).get(child_id, []), lang=lang
        ),
    }
    audit(store, p, "profile", child_id, [child_id], purpose)
    return result


def child_timeline(
    store: Store, p: Principal, child_id: str, *, purpose: str = "", lang: str = "id"
) -> dict[str, Any]:
    """One child's events newest first (``events``, as in :func:`child_profile`), as the role
    may see them; audited (``child_events``).

    Raises :class:`NotFound` for a child that is absent or outside the scope, alike.
    """
    require(p, "profile")
    run_id = latest_run_id(store)
    if run_id is None or child_id not in visible_child_ids(store, p, run_id, [child_id]):
        raise NotFound(_NOT_FOUND)
    events = derive_child_events(store, [child_id]).get(child_id, [])
    audit(store, p, "child_events", child_id, [child_id], purpose)
    return {"child_id": child_id, "events": shaped_events(p, events, lang=lang)}


def explain(
    store: Store,
    p: Principal,
    child_id: str,
    record_a: str,
    record_b: str,
    *,
    model_path: Path,
    purpose: str = "",
    lang: str = "id",
) -> dict[str, Any]:
    """The match-weight breakdown of two records of a visible child (values shaped by role),
    each comparison also in words (``text``, in ``lang``), and why the safeguard keeps the
    two apart (``guard``, or None)."""
    from padan.linkage.explain import explain_pair  # Splink loads only when asked

    require(p, "profile")
    run_id = latest_run_id(store)
    visible = _visible_children(store, p, run_id, [child_id]) if run_id is not None else {}
    members = {u for u, _ in visible[child_id][0]} if child_id in visible else set()
    allowed = members if not p.can("review") else members | _review_partners(store, run_id, members)
    if record_a not in members or record_b not in allowed:
        raise NotFound(_NOT_FOUND)
    made = explain_pair(store, record_a, record_b, model_path=model_path)
    parts = shaped_parts(p, made, lang)
    audit(store, p, "explain", f"{record_a} {record_b}", [child_id], purpose)
    return {
        "record_a": record_a,
        "record_b": record_b,
        "prior_weight": made.prior_weight,
        "parts": parts,
        "match_weight": made.match_weight,
        "match_probability": made.match_probability,
        "guard": guard_text(made.guard, lang),
    }


def _review_partners(store: Store, run_id: int | None, members: set[str]) -> set[str]:
    if run_id is None:
        return set()
    return {u for a, b, *_ in pairs_touching(store, run_id, sorted(members)) for u in (a, b)}


def export_search(
    store: Store, p: Principal, q: str, *, region: str | None = None, purpose: str = ""
) -> tuple[list[str], list[list[Any]]]:
    """Search results as a table for a CSV export (same policy as the page); audited."""
    require(p, "export")
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
    audit(
        store,
        p,
        "export",
        f"q={_query_digest(store, *_parse_query(q))} region={region or '-'} rows={len(rows)}",
        [h["child_id"] for h in hits],
        purpose,
    )
    return header, rows
