"""Supervision visits against a checklist: findings, corrective actions and their follow-up.

An inspection comes from a file (TOML or JSON, see :func:`read_inspection_file`), a form or CLI
flags as a plain mapping; :func:`record_inspection` checks all of it before anything is stored,
and the same input recorded twice is one inspection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from padan.domain.dates import parse_date
from padan.errors import FieldProblem, InputError
from padan.i18n import N_
from padan.institutions.checklists import SEVERITIES, get_checklist
from padan.institutions.registry import get_institution
from padan.store import FindingRecord, InspectionRecord, InstitutionStore, NewFinding, Store

__all__ = [
    "FOLLOW_UP_STATUSES",
    "RecordedInspection",
    "follow_up",
    "list_inspections",
    "read_inspection_file",
    "record_inspection",
]

#: Follow-up status of a corrective action: open, in progress, done.
FOLLOW_UP_STATUSES: Final = ("terbuka", "proses", "selesai")
_KEYS: Final = {"id_lembaga", "checklist", "tanggal", "petugas", "catatan", "temuan"}
_FINDING_KEYS: Final = {"butir", "keparahan", "catatan", "tindakan", "batas_waktu"}


@dataclass(frozen=True)
class RecordedInspection:
    """The stored inspection, and whether this call stored it (False: the same input was there)."""

    inspection: InspectionRecord
    created: bool


def read_inspection_file(path: Path) -> dict[str, Any]:
    """Read an inspection file: TOML (``.toml``) or JSON (anything else).

    Keys: ``id_lembaga``, ``checklist``, ``tanggal`` (visit date), ``petugas`` (inspector),
    ``catatan`` (optional) and ``temuan``, a list of findings with ``butir`` (item code),
    ``keparahan`` (optional, the item's default), ``catatan``, ``tindakan`` (corrective action)
    and ``batas_waktu`` (its due date). Raises :class:`InputError` for an unreadable file.
    """
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read as an inspection file ({exc})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: an inspection file holds one object (TOML table / JSON {{}})")
    return data


def record_inspection(
    store: Store, data: Mapping[str, Any], *, today: dt.date | None = None
) -> RecordedInspection:
    """Check an inspection and store it with its findings, in one transaction.

    Raises :class:`InputError` listing every problem (unknown institution, checklist or item,
    a checklist for another type of institution, bad or future visit date, due date before the
    visit, unknown severity, missing inspector); nothing is stored then.
    """
    day = today or dt.date.today()
    problems: list[str] = []
    fields: list[FieldProblem] = []
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; keys are {', '.join(sorted(_KEYS))}")
    uid = str(data.get("id_lembaga") or "").strip()
    institution = get_institution(store, uid) if uid else None
    if not uid:
        problems.append("id_lembaga is required")
    checklist = get_checklist(str(data.get("checklist") or ""))
    if institution is not None and institution.jenis not in checklist.applies_to:
        problems.append(
            f"checklist {checklist.id} is for {', '.join(checklist.applies_to)}, "
            f"{uid} is {institution.jenis}"
        )
        fields.append(
            FieldProblem(
                "",
                N_("Checklist {checklist} is for {types}; this institution is {jenis}."),
                {
                    "checklist": checklist.id,
                    "types": ", ".join(checklist.applies_to),
                    "jenis": institution.jenis,
                },
            )
        )
    visited = _date(data.get("tanggal"), "tanggal", day, problems, fields=fields)
    inspector = str(data.get("petugas") or "").strip()
    if not inspector:
        problems.append("petugas (the inspector) is required")
        fields.append(FieldProblem("petugas", N_("Enter the inspector's name.")))
    raw_findings = data.get("temuan") or []
    if not isinstance(raw_findings, list):
        problems.append("temuan must be a list of findings")
        raw_findings = []
    findings: list[NewFinding] = []
    for number, raw in enumerate(raw_findings, start=1):
        where = f"temuan {number}"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be an object with butir, keparahan, …")
            continue
        extra = sorted(set(raw) - _FINDING_KEYS)
        if extra:
            problems.append(f"{where}: unknown key(s) {', '.join(extra)}")
        try:
            item = checklist.item(str(raw.get("butir") or ""))
        except InputError as exc:
            problems.append(f"{where}: {exc}")
            continue
        severity = str(raw.get("keparahan") or item.severity).strip().upper()
        if severity not in SEVERITIES:
            problems.append(
                f"{where}: keparahan {severity!r} is not one of {', '.join(SEVERITIES)}"
            )
            fields.append(
                FieldProblem(
                    "keparahan",
                    N_("Choose one of: {choices}."),
                    {"choices": ", ".join(SEVERITIES)},
                    item.code,
                )
            )
        due = None
        if raw.get("batas_waktu") not in (None, ""):
            due = _date(
                raw["batas_waktu"],
                f"{where} batas_waktu",
                day,
                problems,
                future=True,
                fields=fields,
                item=item.code,
            )
            if due is not None and visited is not None and due < visited:
                problems.append(f"{where}: batas_waktu {due} is before the visit ({visited})")
                fields.append(
                    FieldProblem(
                        "batas_waktu",
                        N_("The due date is before the visit date ({visit})."),
                        {"visit": visited.isoformat()},
                        item.code,
                    )
                )
        action = str(raw.get("tindakan") or "").strip() or None
        note = str(raw.get("catatan") or "").strip() or None
        findings.append((item.code, severity, note, action, due))
    if problems:
        raise InputError("inspection not recorded: " + "; ".join(problems), problems=fields)
    assert visited is not None
    notes = str(data.get("catatan") or "").strip() or None
    key = json.dumps(
        [uid, checklist.id, visited.isoformat(), inspector, notes, findings], default=str
    )
    sha = hashlib.sha256(key.encode()).hexdigest()
    registry = InstitutionStore(store)
    inspection_id, created = registry.add_inspection(
        (uid, checklist.id, checklist.version, visited, inspector, notes, sha),
        findings,
        dt.datetime.now(dt.UTC),
    )
    stored = next(i for i in registry.inspections([uid]) if i.id == inspection_id)
    return RecordedInspection(stored, created)


def list_inspections(store: Store, id_lembaga: str | None = None) -> list[InspectionRecord]:
    """Inspections with their findings, newest visit first (all, or of one institution)."""
    if id_lembaga is not None:
        get_institution(store, id_lembaga)
    return InstitutionStore(store).inspections([id_lembaga] if id_lembaga else None)


def follow_up(
    store: Store,
    finding_id: int,
    status: str,
    *,
    by: str,
    on: dt.date | None = None,
    note: str | None = None,
) -> FindingRecord:
    """Record the follow-up of a finding's corrective action: ``terbuka``, ``proses``, ``selesai``.

    ``selesai`` closes it on ``on`` (default today). Raises :class:`InputError` for an unknown
    finding or status, a date in the future or a missing ``by``; nothing is stored then.
    """
    day = on or dt.date.today()
    status = status.strip().lower()
    if status not in FOLLOW_UP_STATUSES:
        raise InputError(f"status {status!r} is not one of {', '.join(FOLLOW_UP_STATUSES)}")
    if not by.strip():
        raise InputError("a follow-up needs the name of who records it (by)")
    if day > dt.date.today():
        raise InputError(f"follow-up date {day} is in the future")
    registry = InstitutionStore(store)
    if registry.finding(finding_id) is None:
        raise InputError(f"no finding {finding_id}; see padan institutions inspections")
    entry = {"on": day.isoformat(), "by": by.strip(), "status": status, "note": note}
    registry.update_finding(
        finding_id, status=status, closed_on=day if status == "selesai" else None, entry=entry
    )
    updated = registry.finding(finding_id)
    assert updated is not None
    return updated


def _date(
    raw: Any,
    name: str,
    today: dt.date,
    problems: list[str],
    *,
    future: bool = False,
    fields: list[FieldProblem],
    item: str = "",
) -> dt.date | None:
    key = "batas_waktu" if item else "tanggal"
    if raw is None or str(raw).strip() == "":
        problems.append(f"{name} is required (YYYY-MM-DD)")
        fields.append(FieldProblem(key, N_("The visit date is required."), {}, item))
        return None
    result = parse_date(raw, today=today, allow_future=future)
    if result.value is None:
        problems.append(
            f"{name} {str(raw)!r} is not a usable date ({result.reason}); use YYYY-MM-DD"
        )
        message = (
            N_("{value} is not a usable date; give a real date as YYYY-MM-DD.")
            if future
            else N_("{value} is not a usable date; give a real date, not in the future.")
        )
        fields.append(FieldProblem(key, message, {"value": str(raw)}, item))
    return result.value
