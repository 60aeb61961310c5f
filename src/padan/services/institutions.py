"""Institutions for the pages and the API: list, risk worklist, indicators, profile, create, edit.

Every function checks the role's permission (``policy.toml``), keeps regional roles to their
region (an institution outside it looks like one that does not exist), hides safe-house
addresses and KPAI complaint details from roles that may not see them, and appends what was
viewed or changed to the hash-chained audit log. Inspections
(:mod:`padan.services.inspections`) and duplicate review
(:mod:`padan.services.institution_duplicates`) use the public helpers here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from padan.access.authorise import Forbidden, NotFound, audit, require
from padan.access.policy import (
    SAFE_HOUSE_HIDDEN,
    Principal,
    sees_complaint_details,
    shape_institution,
)
from padan.domain.regions import check_region
from padan.errors import FieldProblem, InputError
from padan.i18n import N_
from padan.institutions import (
    RiskAssessment,
    accreditation_expiry,
    accreditation_valid,
    checklist_for,
    gather_facts,
    get_checklist,
    get_institution,
    institution_history,
    link_complaint,
    list_institutions,
    region_indicators,
    sync_from_extract,
    update_institution,
    validate_fields,
    worklist,
)
from padan.institutions import create_institution as _create
from padan.store import InspectionRecord, InstitutionRecord, Store
from padan.store.audit import query_digest

__all__ = [
    "FORM_FIELDS",
    "create",
    "edit",
    "indicators",
    "inspection_view",
    "institution_fields",
    "institutions",
    "link_kpai_complaint",
    "profile",
    "risk",
    "sync_extract",
    "visible_institution",
]

_NOT_FOUND = "no such institution, or not in your scope"
_OUTSIDE = N_("{code} is outside your region {region}; give a code under it.")
#: Registry fields a form edits, in form order.
FORM_FIELDS = (
    "nama_lembaga",
    "jenis",
    "kode_wilayah",
    "alamat",
    "status_izin",
    "akreditasi",
    "tanggal_akreditasi",
    "kapasitas",
    "jumlah_anak",
    "jumlah_pekerja_sosial",
    "jumlah_pekerja_sosial_bersertifikat",
)


def _scope(p: Principal, region: str | None) -> str | None:
    """The region to filter by: the one asked (inside the scope) or the user's own."""
    if not region:
        regions = p.regions
        if regions is None:
            return None
        if not regions:
            raise Forbidden("your account has no region; ask an administrator to set one")
        return regions[0]
    check = check_region(region)
    if check.code is None:
        raise InputError(f"region {region!r} is not a region code (e.g. 32, 32.01, 32.01.05)")
    if not p.in_scope(check.code):
        raise Forbidden(f"region {check.code} is outside your scope")
    return check.code


def visible_institution(store: Store, p: Principal, id_lembaga: str) -> InstitutionRecord:
    """The institution if it is in ``p``'s scope; raises :class:`NotFound` otherwise, alike."""
    try:
        record = get_institution(store, id_lembaga.strip())
    except InputError:
        raise NotFound(_NOT_FOUND) from None
    if not p.in_scope(record.kode_wilayah):
        raise NotFound(_NOT_FOUND)
    return record


def institution_fields(
    p: Principal, r: InstitutionRecord, *, safe_house: bool | None = None
) -> dict[str, Any]:
    """The registry fields of ``r`` as ``p`` may see them (a safe house's address hidden)."""
    plain = {
        k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v)
        for k, v in asdict(r).items()
    }
    hidden = r.jenis == "RUMAH_AMAN" if safe_house is None else safe_house
    return shape_institution(p, plain, safe_house=hidden)


def sync_extract(store: Store) -> None:
    """Take over a newer ``lembaga`` extract first (idempotent), as the CLI does."""
    try:
        sync_from_extract(store, by="padan-web")
    except InputError:
        # Another request took the same extract over at the same moment (its transaction won);
        # once more sees that work done and changes nothing.
        sync_from_extract(store, by="padan-web")


def institutions(
    store: Store,
    p: Principal,
    *,
    q: str = "",
    region: str | None = None,
    jenis: str | None = None,
    purpose: str = "",
) -> list[dict[str, Any]]:
    """Institutions in the user's scope whose name contains ``q`` (any case); audited."""
    require(p, "institutions")
    code = _scope(p, region)
    sync_extract(store)
    needle = q.strip().casefold()
    rows = [
        {
            **institution_fields(p, r),
            "berlaku_sampai": _iso(accreditation_expiry(r.akreditasi, r.tanggal_akreditasi)),
        }
        for r in list_institutions(store, region=code, jenis=[jenis] if jenis else None)
        if not needle or needle in r.nama_lembaga.casefold() or needle == r.id_lembaga.casefold()
    ]
    asked = query_digest(store, "lembaga", needle) if needle else "-"
    target = f"q={asked} region={code or '-'} jenis={jenis or '-'} rows={len(rows)}"
    audit(store, p, "institution_list", target, purpose=purpose)
    return rows


def _shape_assessment(p: Principal, a: RiskAssessment) -> dict[str, Any]:
    data = a.as_dict()
    if not sees_complaint_details(p):
        for i, point in enumerate(a.points):
            if point.code == "complaint":
                data["reasons"][i] = (
                    f"+{point.points} pengaduan KPAI terkait lembaga (rincian "
                    "hanya untuk peran KPAI)"
                )
                data["reasons_en"][i] = (
                    f"+{point.points} KPAI complaint linked to the "
                    "institution (details for KPAI roles only)"
                )
                data["points"][i]["fact"] = {}
    return data


def risk(
    store: Store,
    p: Principal,
    *,
    region: str | None = None,
    limit: int | None = 100,
    purpose: str = "",
) -> list[dict[str, Any]]:
    """The ranked inspection worklist of the user's region, every reason shown (``limit``
    ``None``: all of it, as ``padan institutions risk``); audited."""
    require(p, "institutions")
    if limit is not None and not 1 <= limit <= 1000:
        raise InputError(f"limit {limit} must be between 1 and 1000")
    code = _scope(p, region)
    sync_extract(store)
    ranked = [_shape_assessment(p, a) for a in worklist(store, region=code, limit=limit)]
    audit(store, p, "institution_risk", f"region={code or '-'} rows={len(ranked)}", purpose=purpose)
    return ranked


def indicators(
    store: Store, p: Principal, *, level: str = "regency", region: str | None = None
) -> list[dict[str, Any]]:
    """Supervision indicators per province or regency in the user's scope; audited."""
    require(p, "institutions")
    code = _scope(p, region)
    sync_extract(store)
    rows = [i.as_dict() for i in region_indicators(store, level=level, region=code)]
    audit(store, p, "institution_indicators", f"level={level} region={code or '-'}")
    return rows


def inspection_view(p: Principal, i: InspectionRecord) -> dict[str, Any]:
    """An inspection with its findings and the checklist's texts, as the pages show it."""
    try:
        checklist = get_checklist(i.checklist_id)
        texts = {item.code: (item.text_id, item.text_en) for item in checklist.items}
    except InputError:
        texts = {}
    return {
        "id": i.id,
        "id_lembaga": i.id_lembaga,
        "checklist": i.checklist_id,
        "checklist_version": i.checklist_version,
        "tanggal": i.visited_on.isoformat(),
        "petugas": i.inspector,
        "catatan": i.notes,
        "temuan": [
            {
                "id": f.id,
                "butir": f.item_code,
                "butir_teks": texts.get(f.item_code, ("", ""))[0],
                "butir_text_en": texts.get(f.item_code, ("", ""))[1],
                "keparahan": f.severity,
                "catatan": f.note,
                "tindakan": f.action,
                "batas_waktu": _iso(f.due_on),
                "status": f.status,
                "ditutup": _iso(f.closed_on),
                "tindak_lanjut": f.follow_up,
            }
            for f in i.findings
        ],
    }


def profile(store: Store, p: Principal, id_lembaga: str, *, purpose: str = "") -> dict[str, Any]:
    """One institution: facts, accreditation expiry, history, inspections with findings and
    follow-ups, risk points, duplicates and linked KPAI complaints as the role may see them;
    audited. Raises :class:`NotFound` for an absent or out-of-scope institution, alike."""
    require(p, "institutions")
    record = visible_institution(store, p, id_lembaga)
    history = institution_history(store, record.id_lembaga)
    safe_house = record.jenis == "RUMAH_AMAN" or any(
        "RUMAH_AMAN" in (h.changes.get("jenis") or []) for h in history
    )
    hide = safe_house and not p.can("safe_house_address")
    facts = next(f for f in gather_facts(store) if record.id_lembaga in f.ids)
    from padan.institutions import assess

    assessment = assess(facts, today=dt.date.today())
    expiry = accreditation_expiry(record.akreditasi, record.tanggal_akreditasi)
    complaints: list[dict[str, Any]] = []
    if sees_complaint_details(p):
        complaints = [
            {"no_pengaduan": n, "klaster": k, "kategori": c} for n, k, c in facts.complaints
        ]
    checklist = checklist_for(record.jenis)
    result = {
        "id_lembaga": record.id_lembaga,
        "fields": institution_fields(p, record, safe_house=safe_house),
        "wilayah": [
            {"code": r.code, "level": r.level, "name": r.name}
            for r in reversed(check_region(record.kode_wilayah).lineage())
        ],
        "akreditasi_berlaku_sampai": _iso(expiry),
        "akreditasi_berlaku": accreditation_valid(
            record.akreditasi, record.tanggal_akreditasi, dt.date.today()
        ),
        "history": [
            {
                "version": h.version,
                "at": h.changed_at.isoformat(timespec="seconds"),
                "by": h.changed_by,
                "source": h.source,
                "reason": h.reason,
                "changes": {
                    k: (
                        [SAFE_HOUSE_HIDDEN if v else v for v in vals]
                        if k == "alamat" and hide
                        else vals
                    )
                    for k, vals in h.changes.items()
                },
            }
            for h in history
        ],
        "duplicates": [x for x in facts.ids if x != record.id_lembaga],
        "inspections": [inspection_view(p, i) for i in facts.inspections],
        "risk": _shape_assessment(p, assessment),
        "complaints": complaints,
        "complaints_linked": len(facts.complaints),
        "checklist": checklist.id if checklist else None,
    }
    audit(store, p, "institution_view", f"lembaga:{record.id_lembaga}", purpose=purpose)
    return result


def _checked_region(p: Principal, fields: Mapping[str, Any]) -> None:
    if "kode_wilayah" not in fields:
        return
    values = validate_fields(
        {"kode_wilayah": fields["kode_wilayah"]}, today=dt.date.today(), partial=True
    )
    code = values.get("kode_wilayah")
    if code is not None and not p.in_scope(code):
        raise InputError(
            f"kode_wilayah {code} is outside your region {p.region}; give a code under it",
            problems=[
                FieldProblem("kode_wilayah", _OUTSIDE, {"code": code, "region": str(p.region)})
            ],
        )


def create(
    store: Store,
    p: Principal,
    fields: Mapping[str, Any],
    *,
    reason: str = "",
    id_lembaga: str | None = None,
) -> dict[str, Any]:
    """Register an institution (same validation as the library; ``id_lembaga`` default
    ``PDN-L…``); audited.

    Raises :class:`InputError` for bad fields or a region outside the user's scope."""
    require(p, "institutions_manage")
    given = {k: v for k, v in fields.items() if v not in (None, "")}
    validate_fields(given, today=dt.date.today())
    _checked_region(p, given)
    made = _create(
        store, given, by=p.username, id_lembaga=id_lembaga, reason=reason.strip() or None
    )
    audit(store, p, "institution_create", f"lembaga:{made.id_lembaga}")
    return institution_fields(p, made)


def edit(
    store: Store,
    p: Principal,
    id_lembaga: str,
    fields: Mapping[str, Any],
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Edit an institution in the user's scope; the history keeps old and new values; audited.

    Raises :class:`NotFound` (absent/out of scope), :class:`InputError` (bad fields, outdated
    form, region outside the scope)."""
    require(p, "institutions_manage")
    record = visible_institution(store, p, id_lembaga)
    changes = dict(fields)
    if changes.get("alamat") == SAFE_HOUSE_HIDDEN:
        changes.pop("alamat")  # the form showed the hidden placeholder, not an address
    if record.jenis == "RUMAH_AMAN" and "alamat" in changes and not p.can("safe_house_address"):
        raise Forbidden(f"role {p.role.name} may not see or change a safe house's address")
    _checked_region(p, changes)
    made = update_institution(
        store,
        record.id_lembaga,
        changes,
        by=p.username,
        reason=reason.strip() or None,
        expected_version=expected_version,
    )
    audit(store, p, "institution_edit", f"lembaga:{record.id_lembaga} v{made.version}")
    return institution_fields(p, made)


def link_kpai_complaint(
    store: Store, p: Principal, id_lembaga: str, no_pengaduan: str, *, note: str = ""
) -> bool:
    """Record that a KPAI complaint concerns an institution in the user's scope (it counts in
    the risk score); audited. Returns False when the link was already there.

    Raises :class:`NotFound` (absent/out of scope) or :class:`InputError` (unknown complaint).
    """
    require(p, "institutions_manage")
    record = visible_institution(store, p, id_lembaga)
    made = link_complaint(
        store, record.id_lembaga, no_pengaduan.strip(), by=p.username, note=note.strip() or None
    )
    state = "linked" if made else "already linked"
    target = f"lembaga:{record.id_lembaga} kpai:{no_pengaduan.strip()} {state}"
    audit(store, p, "institution_link_complaint", target)
    return made


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
