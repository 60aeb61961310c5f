"""The institution registry: taken over from the ``lembaga`` extract, created and edited by forms.

Every change is a new version with a history entry (who, when, from where, old and new value of
each field). A newer extract changes only the fields the agency's report changed, so a
correction made in a form survives until the agency reports another value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from padan.errors import FieldProblem, InputError
from padan.i18n import N_
from padan.institutions.fields import FIELDS, region_prefix, validate_fields
from padan.store import (
    ComplaintLink,
    HistoryEntry,
    InstitutionChange,
    InstitutionRecord,
    InstitutionStore,
    Store,
)

__all__ = [
    "SyncSummary",
    "create_institution",
    "get_institution",
    "institution_history",
    "link_complaint",
    "list_institutions",
    "sync_from_extract",
    "update_institution",
]

#: A form edit over a version that is no longer current (someone saved in between).
_STALE = N_(
    "Someone saved this institution in the meantime (version {now}; this form showed {shown}). "
    "Reload the page and make the change again."
)


@dataclass(frozen=True)
class SyncSummary:
    """What :func:`sync_from_extract` did."""

    new: int
    changed: int
    unchanged: int


def sync_from_extract(store: Store, *, by: str = "padan") -> SyncSummary:
    """Take the current ``lembaga`` extract records into the registry (idempotent).

    A record not yet in the registry becomes an institution (version 1). For one already there,
    only fields whose extract value changed since the last take-over are updated, each change
    kept in the history with the batch it came from.
    """
    registry = InstitutionStore(store)
    state = registry.extract_state()
    current = {r.id_lembaga: r for r in registry.institutions()}
    now = dt.datetime.now(dt.UTC)
    changes: list[InstitutionChange] = []
    unchanged = 0
    for row in store.fetch_records("lembaga"):
        extract = {f: row[f] for f in FIELDS}
        uid, batch = row["id_lembaga"], int(row["batch_id"])
        if uid not in state:
            record = InstitutionRecord(uid, **extract, origin="extract", version=1)
            diff = {f: [None, _plain(extract[f])] for f in FIELDS if extract[f] is not None}
            entry = HistoryEntry(uid, 1, now, by, f"extract:{batch}", diff)
            changes.append((record, entry, _jsonable(extract), batch))
            continue
        seen_batch, seen = state[uid]
        seen = seen or {}
        updates = {f: extract[f] for f in FIELDS if _plain(extract[f]) != seen.get(f)}
        if seen_batch == batch or not updates:
            unchanged += 1
            continue
        old = current[uid]
        record = replace(old, **updates, version=old.version + 1)
        diff = {
            f: [_plain(getattr(old, f)), _plain(value)]
            for f, value in updates.items()
            if getattr(old, f) != value
        }
        entry = HistoryEntry(uid, record.version, now, by, f"extract:{batch}", diff)
        changes.append((record, entry, _jsonable(extract), batch))
    registry.save_changes(changes)
    new = sum(1 for record, *_ in changes if record.version == 1)
    return SyncSummary(new, len(changes) - new, unchanged)


def create_institution(
    store: Store,
    fields: Mapping[str, Any],
    *,
    by: str,
    id_lembaga: str | None = None,
    reason: str | None = None,
    today: dt.date | None = None,
) -> InstitutionRecord:
    """Register an institution from a form (``nama_lembaga``, ``jenis``, ``kode_wilayah`` needed).

    ``id_lembaga`` defaults to the next ``PDN-L000001``-style id. Raises :class:`InputError` for
    bad fields, a missing ``by`` or an id already registered; nothing is stored then.
    """
    day = today or dt.date.today()
    values = validate_fields(fields, today=day)
    if not by.strip():
        raise InputError("a change needs the name of who makes it (by)")
    registry = InstitutionStore(store)
    uid = (id_lembaga or "").strip() or _next_id(registry)
    if len(uid) > 128:
        raise InputError(f"id_lembaga is longer than 128 characters: {uid[:20]!r}…")
    given: dict[str, Any] = {f: values.get(f) for f in FIELDS}
    record = InstitutionRecord(uid, **given, origin="form")
    diff = {f: [None, _plain(val)] for f, val in values.items() if val is not None}
    now = dt.datetime.now(dt.UTC)
    registry.save_changes(
        [(record, HistoryEntry(uid, 1, now, by.strip(), "form", diff, reason), None, None)]
    )
    return replace(record, updated_at=now)


def update_institution(
    store: Store,
    id_lembaga: str,
    changes: Mapping[str, Any],
    *,
    by: str,
    reason: str | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> InstitutionRecord:
    """Edit some fields of an institution from a form; the history keeps old and new values.

    ``expected_version`` (the version the form showed) makes a concurrent edit fail instead of
    silently overwriting it. Raises :class:`InputError` for an unknown institution, bad fields,
    a missing ``by``, or a version that is no longer current; nothing is stored then.
    """
    old = get_institution(store, id_lembaga)
    values = validate_fields(changes, today=today or dt.date.today(), partial=True)
    if not by.strip():
        raise InputError("a change needs the name of who makes it (by)")
    if expected_version is not None and expected_version != old.version:
        raise InputError(
            f"institution {id_lembaga!r} is at version {old.version}, the form showed "
            f"{expected_version}; reload it and apply the change again",
            problems=[
                FieldProblem("", _STALE, {"now": str(old.version), "shown": str(expected_version)})
            ],
        )
    diff = {
        f: [_plain(getattr(old, f)), _plain(val)]
        for f, val in values.items()
        if getattr(old, f) != val
    }
    if not diff:
        return old
    record = replace(old, **values, version=old.version + 1)
    merged = {f: getattr(record, f) for f in FIELDS}
    validate_fields({f: _plain(val) for f, val in merged.items()}, today=today or dt.date.today())
    now = dt.datetime.now(dt.UTC)
    entry = HistoryEntry(id_lembaga, record.version, now, by.strip(), "form", diff, reason)
    InstitutionStore(store).save_changes([(record, entry, None, None)])
    return replace(record, updated_at=now)


def get_institution(store: Store, id_lembaga: str) -> InstitutionRecord:
    """One institution. Raises :class:`InputError` when it is not registered."""
    found = InstitutionStore(store).institutions([id_lembaga])
    if not found:
        raise InputError(
            f"no institution {id_lembaga!r} in the registry; see padan institutions list "
            "(ingest the lembaga extract or register it first)"
        )
    return found[0]


def list_institutions(
    store: Store, *, region: str | None = None, jenis: Sequence[str] | None = None
) -> list[InstitutionRecord]:
    """Registered institutions, optionally within a region (any level) and of some types."""
    prefix = region_prefix(region) if region else None
    return [
        r
        for r in InstitutionStore(store).institutions()
        if (prefix is None or _within(r.kode_wilayah, prefix)) and (not jenis or r.jenis in jenis)
    ]


def institution_history(store: Store, id_lembaga: str) -> list[HistoryEntry]:
    """Every change of one institution, oldest first. Raises :class:`InputError` if unknown."""
    get_institution(store, id_lembaga)
    return InstitutionStore(store).history(id_lembaga)


def link_complaint(
    store: Store, id_lembaga: str, no_pengaduan: str, *, by: str, note: str | None = None
) -> bool:
    """Record that a KPAI complaint concerns an institution (used by the risk score).

    Returns False when the link was already there. Raises :class:`InputError` for an unknown
    institution or complaint number, or a missing ``by``.
    """
    get_institution(store, id_lembaga)
    if not by.strip():
        raise InputError("a link needs the name of who makes it (by)")
    registry = InstitutionStore(store)
    if not registry.complaint_categories([no_pengaduan]):
        raise InputError(f"no current KPAI complaint {no_pengaduan!r}; check the number")
    link = ComplaintLink(id_lembaga, no_pengaduan, by.strip(), dt.datetime.now(dt.UTC), note)
    return registry.link_complaint(link)


def _within(code: str, prefix: str) -> bool:
    return code == prefix or code.startswith(prefix + ".")


def _next_id(registry: InstitutionStore) -> str:
    numbers = [
        int(r.id_lembaga[5:])
        for r in registry.institutions()
        if r.id_lembaga.startswith("PDN-L") and r.id_lembaga[5:].isdigit()
    ]
    return f"PDN-L{max(numbers, default=0) + 1:06d}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {f: _plain(val) for f, val in values.items()}
