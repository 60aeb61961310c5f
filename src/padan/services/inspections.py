"""Inspections of institutions from the pages and the API: the checklist form, recording an
inspection with its findings, and the follow-up of a finding. Scope, policy and audit as in
:mod:`padan.services.institutions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from padan.access.authorise import NotFound, audit, require
from padan.access.policy import Principal
from padan.errors import InputError
from padan.institutions import (
    FOLLOW_UP_STATUSES,
    RecordedInspection,
    checklist_for,
    follow_up,
    record_inspection,
)
from padan.services.institutions import (
    inspection_view,
    institution_fields,
    visible_institution,
)
from padan.store import InstitutionStore, Store

__all__ = ["checklist_view", "follow_up_finding", "inspect", "record"]


def checklist_view(store: Store, p: Principal, id_lembaga: str) -> dict[str, Any]:
    """The institution and the checklist that applies to it, for the inspection form."""
    require(p, "institutions_manage")
    record = visible_institution(store, p, id_lembaga)
    checklist = checklist_for(record.jenis)
    if checklist is None:
        raise InputError(f"no checklist applies to type {record.jenis}; nothing to inspect with")
    return {"institution": institution_fields(p, record), "checklist": checklist}


def inspect(store: Store, p: Principal, id_lembaga: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Record an inspection with its findings against a checklist; audited.

    Raises :class:`NotFound` or :class:`InputError` (every problem listed; nothing stored)."""
    made = record(store, p, id_lembaga, data)
    return {"created": made.created, "inspection": inspection_view(p, made.inspection)}


def record(
    store: Store, p: Principal, id_lembaga: str, data: Mapping[str, Any]
) -> RecordedInspection:
    """:func:`inspect` returning the library's result (``padan institutions inspections add``
    prints it as it always did)."""
    require(p, "institutions_manage")
    institution = visible_institution(store, p, id_lembaga)
    made = record_inspection(store, {**data, "id_lembaga": institution.id_lembaga})
    audit(
        store,
        p,
        "inspection_record",
        f"lembaga:{institution.id_lembaga} inspection {made.inspection.id}",
    )
    return made


def follow_up_finding(
    store: Store,
    p: Principal,
    finding_id: int,
    status: str,
    *,
    note: str = "",
    on: str = "",
) -> dict[str, Any]:
    """Update the follow-up status of a finding of an institution in scope; audited."""
    require(p, "institutions_manage")
    registry = InstitutionStore(store)
    finding = registry.finding(finding_id)
    owner = None
    if finding is not None:
        owner = next(
            (i.id_lembaga for i in registry.inspections() if i.id == finding.inspection_id), None
        )
    if owner is None:
        raise NotFound("no such finding, or not in your scope")
    try:
        record = visible_institution(store, p, owner)
    except NotFound:
        raise NotFound("no such finding, or not in your scope") from None
    day = None
    if on.strip():
        try:
            day = dt.date.fromisoformat(on.strip())
        except ValueError:
            raise InputError(f"date {on!r} is not a date; use YYYY-MM-DD") from None
    if status.strip().lower() not in FOLLOW_UP_STATUSES:
        raise InputError(f"status {status!r} is not one of {', '.join(FOLLOW_UP_STATUSES)}")
    follow_up(store, finding_id, status, by=p.username, on=day, note=note.strip() or None)
    audit(
        store,
        p,
        "finding_follow_up",
        f"lembaga:{record.id_lembaga} finding {finding_id} {status.strip().lower()}",
    )
    return {"finding": finding_id, "id_lembaga": record.id_lembaga, "status": status.lower()}
