"""Snapshots (issue 18): a file declared a complete extract of its source, in one region or all.

After the file's records are written and its older versions superseded, whatever current record
of that source and scope the batch does not hold has left the source: it is retired (kept with
its history, no longer current, a ``removed`` event). A row of the file that was quarantined
still names its record: that record is kept as it was, not retired.

A truncated file would retire most of the registry, so a snapshot retiring more than a share
of the current records in its scope (``PADAN_SNAPSHOT_MAX_REMOVAL``, default 20 %) is refused
and changes nothing, unless the removal is confirmed.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from padan.domain.regions import RegionStatus, check_region, current_code, predecessors, within
from padan.errors import InputError
from padan.store import BatchWriter

__all__ = [
    "DEFAULT_MAX_REMOVAL",
    "Snapshot",
    "SnapshotResult",
    "apply_snapshot",
    "check_scope",
    "check_share",
    "count_in_scope",
    "first_load",
    "quarantined_id",
]

#: The largest share of current records a snapshot may retire unless confirmed. A quarter's
#: real churn in DTSEN is a few per cent (issue 18: 936 people of 9,268 left, 10 %); a share
#: well above that is far more likely a truncated export than a real quarter.
DEFAULT_MAX_REMOVAL = 0.2


@dataclass(frozen=True, slots=True)
class Snapshot:
    """How a file is a snapshot: its ``scope`` (dotted region code, ``None``: the whole source),
    the removal share it may reach without confirmation, and whether a larger one is confirmed.
    """

    scope: str | None = None
    max_removal: float = DEFAULT_MAX_REMOVAL
    allow_large_removal: bool = False


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    """What a snapshot retired: ``retired`` of ``current`` records in scope, and how many it
    kept because their row was quarantined."""

    current: int
    retired: int
    kept_quarantined: int
    over_limit: bool  # more than the share allowed without confirmation


def check_scope(raw: str | None, *, flag: str = "--snapshot-scope") -> str | None:
    """``raw`` as a dotted Kemendagri code (any level, with or without dots), or ``None``.

    Raises :class:`InputError` naming ``flag``, the value and the fix for a malformed code, one
    in no release of the region list, or a retired one (named with its current successor: a
    scope is always a current code, and covers the records still written with a retired code
    that leads into it).
    """
    if raw is None or not raw.strip():
        return None
    check = check_region(raw)
    if check.status is RegionStatus.MALFORMED or check.code is None:
        raise InputError(
            f"{flag} {raw!r} is not a Kemendagri region code; give a province (32), regency "
            "(32.01 or 3201), district (32.01.05) or village (32.01.05.2001) code, or leave "
            f"out {flag} for an extract of the whole source"
        )
    if check.status is RegionStatus.UNKNOWN:
        raise InputError(
            f"{flag} {raw!r} ({check.code}) is in no release of the Kemendagri region list; "
            "check the code of the region the extract covers"
        )
    if check.status is RegionStatus.RETIRED:
        # Refused rather than read as its successor: the scope decides what is retired, so
        # the user should see and give the code the region has now.
        name = check.region.name if check.region else check.code
        successor = current_code(check.code)
        if successor != check.code:
            now = check_region(successor)
            now_name = now.region.name if now.region else successor
            raise InputError(
                f"{flag} {raw!r} ({check.code}, {name}) is a retired region code; the region "
                f"is now {successor} ({now_name}): give {flag} {successor}. Records still "
                f"written with {check.code} are covered by {successor}"
            )
        raise InputError(
            f"{flag} {raw!r} ({check.code}, {name}) is a retired region code with no single "
            "current successor; give the current code of the region the extract covers"
        )
    return check.code


def check_share(max_removal: float) -> float:
    """``max_removal`` if it is a share between 0 and 1; raises :class:`InputError` otherwise."""
    if not 0.0 <= max_removal <= 1.0:
        raise InputError(
            f"PADAN_SNAPSHOT_MAX_REMOVAL is {max_removal}: it must be a share between 0 and 1 "
            "(0.2 = 20 %)"
        )
    return max_removal


def quarantined_id(raw_json: str, id_header: str) -> str | None:
    """The record id a quarantined row names (its raw cells are JSON by header), if readable."""
    try:
        cells = json.loads(raw_json)
    except ValueError:
        return None
    if not isinstance(cells, dict):
        return None
    value = cells.get(id_header)
    if value is None:  # headers match ignoring case, surrounding spaces and space vs underscore
        wanted = _header_key(id_header)
        value = next((v for k, v in cells.items() if _header_key(str(k)) == wanted), None)
    text = str(value).strip() if value is not None else ""
    return text or None


def _header_key(header: str) -> str:
    return header.strip().lower().replace(" ", "_")


def _older_codes(writer: BatchWriter, scope: str | None) -> list[str]:
    """Region codes of current records written with a retired code (the 2022 Papua split)
    whose current code lies in ``scope``, though the code as written does not.

    Records keep their code as the source wrote it; a current scope covers them through
    :func:`current_code`. Only codes under the retired codes leading into the scope are read,
    and each is judged by its current code.
    """
    if scope is None:
        return []
    older = predecessors(scope)
    roots = [c for c in older if not any(within(c, o) for o in older if o != c)]
    return [
        code
        for code in writer.region_codes(roots)
        if not within(code, scope) and within(current_code(code), scope)
    ]


def count_in_scope(writer: BatchWriter, scope: str | None) -> int:
    """Current records in ``scope`` (``None``: the whole source), by their code as written or
    their current code; the batch of ``writer`` included."""
    return writer.count_current(scope, _older_codes(writer, scope))


def apply_snapshot(
    writer: BatchWriter,
    snapshot: Snapshot,
    *,
    keep: Collection[str],
    current: int,
    file: str,
    dry_run: bool = False,
) -> SnapshotResult:
    """Retire the records in the snapshot's scope that the batch of ``writer`` does not hold
    (after :meth:`BatchWriter.finish`), except those in ``keep`` (ids of quarantined rows), and
    record the batch as a snapshot of that scope.

    ``current`` is the number of current records in scope before the file. Raises
    :class:`InputError` when more than ``snapshot.max_removal`` of them would go and the
    removal is not confirmed (a ``dry_run`` says so in the result instead, to show what the
    file would retire); the caller's transaction then rolls back.
    """
    check_share(snapshot.max_removal)
    absent = writer.absent(snapshot.scope, _older_codes(writer, snapshot.scope))
    gone = [row for row in absent if row[1] not in keep]
    kept = len(absent) - len(gone)
    over = bool(gone) and len(gone) > snapshot.max_removal * current
    if over and not snapshot.allow_large_removal and not dry_run:
        where = f"in region {snapshot.scope}" if snapshot.scope else "of the source"
        raise InputError(
            f"{file}: the snapshot would retire {len(gone):,} of the {current:,} current "
            f"{writer.source} records {where} ({len(gone) / max(current, 1):.0%}), more than "
            f"the {snapshot.max_removal:.0%} allowed (PADAN_SNAPSHOT_MAX_REMOVAL); nothing was "
            "stored. Check that the file is complete (not truncated) and covers the whole "
            "scope; if the removal is real, run again with --allow-large-removal (see first "
            "what would change with --dry-run)"
        )
    if gone:
        writer.retire(gone)
    writer.mark_snapshot(snapshot.scope)
    return SnapshotResult(current, len(gone), kept, over)


def first_load(writer: BatchWriter, snapshot: Snapshot | None, current: int) -> bool:
    """Whether the batch of ``writer`` is the first load of its source, or of the snapshot's
    region (``current``: the records in its scope before the file, from
    :func:`count_in_scope`).

    Such a batch is the baseline of the per-child events (:mod:`padan.services.child_events`):
    what it brings was there before Padan looked, not "entered DTSEN" or "a new case". A file
    without ``--snapshot`` says nothing of its region: only the source's very first counts.
    """
    return current == 0 if snapshot is not None else not writer.had_current
