"""What changed in the agencies' records (issue 18): counts of record events per kind and field,
for a region and a period, with the policy and audit applied (one path for the CLI and web).

Only counts leave: no record id, NIK or name. The events are of children's records, so the
read is audited like the other reads. Roles meant for aggregates (counts of 1-4 suppressed) are
refused: region and period are free, so two counts could be subtracted to reveal a hidden one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from padan.access.authorise import Forbidden, audit, region_filter, require, require_exact_counts
from padan.access.policy import Principal
from padan.errors import InputError
from padan.store import EVENT_KINDS, Store, event_counts

__all__ = ["CHANGE_SOURCES", "change_counts"]

#: The sources with record events, and the permission a role needs for each beyond its
#: ``sources`` list (institutions are not children's records: the institutions permission).
CHANGE_SOURCES = ("dtsen", "kpai", "lembaga", "kemensos", "simfoni")


def _allowed(p: Principal, source: str) -> bool:
    if source == "lembaga":
        return p.can("institutions")
    return source in p.role.sources


def change_counts(
    store: Store,
    p: Principal,
    *,
    source: str | None = None,
    region: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    purpose: str = "",
) -> dict[str, Any]:
    """Record events per kind (added, changed, removed) and changes per field, of ``source``
    (``None``: every source the role sees) in ``region`` (any level; ``None``: the role's
    scope) from the day ``since`` up to (not including) the day ``until``; audited.

    Raises :class:`InputError` for an unknown source, a bad region or a period that ends
    before it starts; :class:`Forbidden` for a source or region outside the role, and for a
    role that sees small counts suppressed (:func:`require_exact_counts`).
    """
    require(p, "dashboard")
    require_exact_counts(p)
    if source is not None and source not in CHANGE_SOURCES:
        raise InputError(
            f"source {source!r} has no record events; use one of {', '.join(CHANGE_SOURCES)}"
        )
    if source is not None and not _allowed(p, source):
        raise Forbidden(f"role {p.role.name} may not see {source} records")
    if since is not None and until is not None and until <= since:
        raise InputError(f"the period ends ({until}) before it starts ({since}); swap the dates")
    regions = region_filter(p, region)
    sources = [source] if source else [s for s in CHANGE_SOURCES if _allowed(p, s)]
    kinds: dict[str, int] = dict.fromkeys(EVENT_KINDS, 0)
    fields: dict[str, dict[str, int]] = {}
    for name in sources:
        got_kinds, got_fields = event_counts(
            store, source=name, regions=regions, since=_start(since), until=_start(until)
        )
        for kind, n in got_kinds.items():
            kinds[kind] = kinds.get(kind, 0) + n
        if got_fields:
            fields[name] = got_fields
    target = f"changes source={source or 'all'} region={region or 'scope'} since={since or '-'}"
    audit(store, p, "changes", target, [], purpose)
    return {
        "source": source,
        "sources": sources,
        "region": regions[0] if regions and len(regions) == 1 else None,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        # Kept for scripts reading the JSON: the roles that get an answer see exact counts.
        "suppressed": False,
        "events": kinds,
        "fields": fields,
    }


def _start(day: dt.date | None) -> dt.datetime | None:
    """The first moment of ``day`` in UTC (events are stamped in UTC)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None
