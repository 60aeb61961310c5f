"""Data-subject requests: everything Padan holds about one child, for a parent or guardian, as
one document; and correction requests routed to the agency that owns the record.

UU 27/2022 gives the data subject (for a child: the parent or guardian) access to a copy of
their data and to its processing record, and the right to have errors corrected
(docs/domain.md §7.1). Padan holds copies of the agencies' records, so a correction is sent to
the owning agency, which corrects it at the source; the next extract carries it here.

In a store of PPRL encodings (issue 21) Padan holds keyed Bloom filters, not the child's data:
a subject access lists each record by its id with what was received and when, and the owning
agency answers for the data itself. A request is found by the child id, or by a record id the
agency gives (:func:`child_of_record`): Padan cannot search encodings by a name or a NIK.
Correction requests are refused there (the requested value would be plaintext in a store kept
free of it): the requester goes to the owning agency.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from padan.errors import InputError
from padan.pdp.policy import PdpPolicy
from padan.store import Store
from padan.store.audit import CLI_ROLE, append_audit, audit_entries, hide_query
from padan.store.children import child_members, children_of, latest_run_id, records_by_uid
from padan.store.corrections import (
    CORRECTION_STEPS,
    CorrectionRequest,
    NewCorrection,
    add_correction_request,
    correction_requests,
    set_correction_status,
)
from padan.store.encoded_pdp import encoded_records_by_uid
from padan.store.followups import child_followups
from padan.store.retention import PSEUDONYMISED, record_columns
from padan.store.subject_reads import child_id_events, link_history, review_decisions_on

__all__ = [
    "ANSWER_WITHIN",
    "child_of_record",
    "correction_request",
    "list_corrections",
    "subject_access",
    "update_correction",
]

#: UU 27/2022: a request of the data subject is answered within 3×24 hours (domain.md §7.1).
ANSWER_WITHIN = dt.timedelta(hours=72)
#: Store columns that are Padan's bookkeeping, not the agency's data.
_INTERNAL = frozenset(
    {"id", "batch_id", "row_number", "is_current", "superseded_by", "raw", "flags"}
)
_PROFILE = {
    "name": ("nama_anak", "nama"),
    "birth_date": ("tanggal_lahir",),
    "sex": ("jenis_kelamin",),
    "region": ("kode_wilayah", "regency"),
}
#: What a subject access says of a record Padan holds only as PPRL encodings.
_ENCODED_NOTE = (
    "Padan holds this record only as PPRL encodings (keyed Bloom filters of the fields named), "
    "made by the owning agency with a secret Padan does not have: no name, NIK or date can be "
    "read from them. The owning agency holds the data itself; ask it, giving this record id."
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _members(store: Store, child_id: str) -> tuple[int, list[tuple[str, float | None]]]:
    run_id = latest_run_id(store)
    if run_id is None:
        raise InputError("no linkage run yet: there are no children to look up; run padan link")
    members = child_members(store, run_id, [child_id]).get(child_id)
    if not members:
        raise InputError(
            f"child {child_id!r} is not in the latest linkage run (run {run_id}); check the id "
            "on the child's profile page (ids look like PDN000000123)"
        )
    return run_id, members


def _record(policy: PdpPolicy, uid: str, row: dict[str, Any] | None) -> dict[str, Any]:
    source = uid.partition(":")[0]
    rule = policy.sources.get(source)
    entry: dict[str, Any] = {"record": uid, "source": source, "owner": rule.owner if rule else None}
    if row is None:
        entry["status"] = "no current version (deleted under retention or superseded)"
        return entry
    pseudonymised = row.get("raw") == PSEUDONYMISED
    entry["status"] = "pseudonymised under retention" if pseudonymised else "held"
    entry["fields"] = {
        k: _plain(v) for k, v in row.items() if k not in _INTERNAL and not k.endswith("_norm")
    }
    entry["quality_flags"] = [f for f in str(row.get("flags") or "").split(";") if f]
    entry["as_received"] = None if pseudonymised else json.loads(row["raw"])
    return entry


def _encoded_record(policy: PdpPolicy, uid: str, row: dict[str, Any] | None) -> dict[str, Any]:
    source = uid.partition(":")[0]
    rule = policy.sources.get(source)
    entry: dict[str, Any] = {
        "record": uid,
        "source": source,
        "owner": rule.owner if rule else None,
        "encoded": True,
        "note": _ENCODED_NOTE,
    }
    if row is None:
        entry["status"] = "no current version (deleted under retention or superseded)"
        return entry
    pseudonymised = row["pseudonymised"]
    entry["status"] = "encodings blanked under retention" if pseudonymised else "held as encodings"
    entry["fields"] = {"regency": row["regency"]} if row["regency"] else {}
    entry["encoded_fields"] = row["fields"]
    entry["record_filter"] = row["record_filter"]
    entry["block_keys"] = row["block_keys"]
    entry["received"] = {
        "file": row["file_name"],
        "ingested_at": _plain(row["ingested_at"]),
        "first_ingested_at": _plain(row["first_ingested_at"]),
    }
    return entry


def child_of_record(store: Store, record: str) -> str:
    """The child id of ``record`` (``source:id``) in the latest linkage run: how a request that
    names a record (an encoded store's only handle on a child) finds the child. Raises
    :class:`InputError` when there is no run or the record is not in it."""
    run_id = latest_run_id(store)
    if run_id is None:
        raise InputError("no linkage run yet: there are no children to look up; run padan link")
    source, sep, source_id = record.partition(":")
    if not sep or not source or not source_id:
        raise InputError(f"record {record!r}: give it as source:id, e.g. kpai:ADU-2024-0001")
    child = children_of(store, run_id, [record]).get(record)
    if child is None:
        raise InputError(
            f"record {record!r} is not in the latest linkage run (run {run_id}); check the "
            "source and the agency's record id (in a store of encodings Padan can find a child "
            "by its id or a record id only, not by a name or NIK)"
        )
    return child


def _profile(child_id: str, run_id: int, records: list[dict[str, Any]]) -> dict[str, Any]:
    profile: dict[str, Any] = {"child_id": child_id, "run_id": run_id}
    for key, columns in _PROFILE.items():
        seen = sorted(
            {
                str(r["fields"][c])
                for r in records
                for c in columns
                if r.get("fields", {}).get(c) not in (None, "")
            }
        )
        profile[key] = seen
    profile["sources"] = sorted({r["source"] for r in records})
    return profile


def subject_access(
    store: Store, policy: PdpPolicy, child_id: str, *, actor: str, reference: str = ""
) -> dict[str, Any]:
    """Everything held about ``child_id``: each source record (fields, quality flags, the row as
    received), the master profile, the record links over all runs, the child id's history, the
    review decisions on its records, the audit of every access, correction requests and the
    follow-ups recorded from worklists.

    The access itself is audited first (action ``pdp.subject_access``). Staff account names are
    left out of the audit and review parts (their roles are kept). Raises :class:`InputError`
    for an unknown child.
    """
    run_id, members = _members(store, child_id)
    requested = dt.datetime.now(dt.UTC)
    append_audit(
        store,
        username=actor[:64],
        role=CLI_ROLE,
        action="pdp.subject_access",
        target=f"child={child_id} ref={reference.strip()[:100] or '-'}",
        child_ids=[child_id],
        purpose="permintaan akses subjek data (orang tua/wali), UU 27/2022",
    )
    uids = [uid for uid, _ in members]
    if store.holds_encodings():
        encoded = encoded_records_by_uid(store, uids)
        records = [_encoded_record(policy, uid, encoded.get(uid)) for uid in uids]
    else:
        rows = records_by_uid(store, uids)
        records = [_record(policy, uid, rows.get(uid)) for uid in uids]
    accesses = audit_entries(store, child_id=child_id, limit=1_000_000)
    return {
        "document": "subject_access",
        "child_id": child_id,
        "requested_at": _plain(requested),
        "reference": reference.strip(),
        "answer_by": _plain(requested + ANSWER_WITHIN),
        "controller": {"name": policy.controller, "contact": policy.contact},
        "profile": _profile(child_id, run_id, records),
        "records": records,
        "links": [
            {**link, "holds_now": link["until_run"] is None} for link in link_history(store, uids)
        ],
        "child_id_history": child_id_events(store, child_id),
        "review_decisions": [
            {k: _plain(v) for k, v in d.items()} for d in review_decisions_on(store, uids)
        ],
        "accesses": [
            {
                "at": _plain(e.at),
                "role": e.role,
                "action": e.action,
                "target": hide_query(e.target),
                "purpose": e.purpose,
            }
            for e in reversed(accesses)
        ],
        "correction_requests": [
            _correction(c) for c in correction_requests(store, child_id=child_id)
        ],
        "followups": [  # recorded from worklist files; the officer's account name left out
            {
                "worklist": f.worklist,
                "status": f.status,
                "date": _plain(f.followup_date),
                "note": f.note,
                "recorded_at": _plain(f.at),
            }
            for f in child_followups(store, child_id)
        ],
        "purposes": [
            {"purpose": p.label, "legal_basis": p.legal_basis}
            for p in policy.purposes.values()
            if p.sources
        ],
    }


def _correction(c: CorrectionRequest) -> dict[str, Any]:
    return {
        "id": c.id,
        "at": _plain(c.at),
        "child_id": c.child_id,
        "record": c.record_uid,
        "agency": c.agency,
        "field": c.field,
        "requested_value": c.requested_value,
        "reason": c.reason,
        "reference": c.reference,
        "status": c.status,
    }


def correction_request(
    store: Store,
    policy: PdpPolicy,
    child_id: str,
    *,
    record: str,
    field: str,
    value: str,
    reason: str,
    actor: str,
    reference: str = "",
) -> dict[str, Any]:
    """Record a request to correct ``field`` of ``record`` (``source:id``, one of the child's
    records) to ``value``, addressed to the agency owning the record's source; audited as
    ``pdp.correction`` (without the value). Returns the stored request.

    Raises :class:`InputError` for an unknown child, a record that is not the child's, a source
    without an owner in the policy, a field the record does not have, or an empty reason.
    """
    _run_id, members = _members(store, child_id)
    uids = [uid for uid, _ in members]
    if record not in uids:
        raise InputError(
            f"record {record!r} is not one of child {child_id}'s records "
            f"({', '.join(uids)}); give one of them"
        )
    source = record.partition(":")[0]
    rule = policy.sources.get(source)
    if rule is None:
        raise InputError(
            f"{policy.path}: source {source!r} has no [sources.{source}] entry naming its owner"
        )
    if store.holds_encodings():
        raise InputError(
            f"this store holds PPRL encodings and no plaintext: Padan cannot check field "
            f"{field!r} of {record} nor keep the value asked for. Send the request to "
            f"{rule.owner}, which owns {record}: it corrects the record at the source, and its "
            "next encoded extract brings the correction here."
        )
    fields = sorted(
        c
        for c in record_columns(rule.extract, store)
        if c not in _INTERNAL and not c.endswith("_norm")
    )
    if field not in fields:
        raise InputError(
            f"field {field!r} is not a field of a {rule.label} record; use one of "
            f"{', '.join(fields)}"
        )
    if not reason.strip():
        raise InputError("a correction request needs a reason (what is wrong, per the requester)")
    stored = add_correction_request(
        store,
        NewCorrection(
            child_id=child_id,
            record_uid=record,
            agency=rule.owner,
            field=field,
            requested_value=value,
            reason=reason.strip(),
            requested_by=actor,
            reference=reference.strip(),
        ),
    )
    append_audit(
        store,
        username=actor[:64],
        role=CLI_ROLE,
        action="pdp.correction",
        target=f"request={stored.id} record={record} field={field} agency={rule.owner}"[:500],
        child_ids=[child_id],
        purpose="permintaan perbaikan data oleh subjek data, UU 27/2022",
    )
    return _correction(stored)


def list_corrections(
    store: Store, *, actor: str, child_id: str | None = None, agency: str | None = None
) -> list[dict[str, Any]]:
    """Correction requests, oldest first; one child's or one agency's when given. The listing
    shows what parents asked for, so it is audited (``pdp.corrections``, with the children)."""
    found = correction_requests(store, child_id=child_id, agency=agency)
    if found:
        append_audit(
            store,
            username=actor[:64],
            role=CLI_ROLE,
            action="pdp.corrections",
            target=f"agency={agency or '-'} child={child_id or '-'} requests={len(found)}",
            child_ids=sorted({c.child_id for c in found}),
            purpose="meneruskan permintaan perbaikan ke instansi pemilik data",
        )
    return [_correction(c) for c in found]


def update_correction(
    store: Store, request_id: int, status: str, *, actor: str, note: str = ""
) -> dict[str, Any]:
    """Record that correction request ``request_id`` was sent to its agency, or corrected
    (``done``) or refused there; audited as ``pdp.correction_status``. Returns the request.

    Raises :class:`InputError` for an unknown status or request, or a step the request's status
    does not allow (``done`` and ``refused`` are final).
    """
    if status not in CORRECTION_STEPS:
        raise InputError(f"status {status!r}: use one of {', '.join(CORRECTION_STEPS)}")
    before, changed = set_correction_status(store, request_id, status)
    if not before:
        raise InputError(f"no correction request {request_id}; padan pdp corrections lists them")
    if changed is None:
        steps = ", ".join(sorted(CORRECTION_STEPS[before])) or "none, it is final"
        raise InputError(
            f"correction request {request_id} is {before}; it cannot become {status} "
            f"(next: {steps})"
        )
    append_audit(
        store,
        username=actor[:64],
        role=CLI_ROLE,
        action="pdp.correction_status",
        target=f"request={request_id} {before}->{status} {note.strip()}"[:500],
        child_ids=[changed.child_id],
        purpose="tindak lanjut permintaan perbaikan data, UU 27/2022",
    )
    return _correction(changed)
