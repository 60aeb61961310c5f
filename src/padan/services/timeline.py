"""Children's events as a role may see them (issue 18): counts per region and period, and
which children had an event in a period (the worklists' "new" filter). A child's timeline is
:func:`padan.services.children.child_timeline`.

The events are derived by :mod:`padan.services.child_events` and shaped by
:mod:`padan.services.event_view`. Every read is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from padan.access.authorise import audit, region_filter, require, require_exact_counts
from padan.access.policy import Principal
from padan.errors import InputError
from padan.services.child_events import child_events_in, count_child_events, derive_child_events
from padan.services.event_view import visible_event
from padan.store import Store
from padan.store.child_history import children_with_record_events, records_with_events_among

__all__ = [
    "child_event_counts",
    "children_with_events",
    "parse_day",
    "rows_with_events",
    "start_of",
]


def parse_day(text: str | None, name: str = "since") -> dt.date | None:
    """A day written ``YYYY-MM-DD`` (``None`` for nothing); :class:`InputError` otherwise."""
    if text is None or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{name} {text!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-11-01)"
        ) from None


def start_of(day: dt.date | None) -> dt.datetime | None:
    """The first moment of ``day`` in UTC (events are stamped in UTC)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


def _check_period(since: dt.date | None, until: dt.date | None) -> None:
    if since is not None and until is not None and until <= since:
        raise InputError(f"the period ends ({until}) before it starts ({since}); swap the dates")


def children_with_events(
    store: Store,
    p: Principal,
    *,
    since: dt.date,
    until: dt.date | None = None,
    among: Iterable[str] | None = None,
) -> set[str]:
    """The children (of ``among``, default all) with an event ``p`` may see from the day
    ``since`` up to (not including) ``until``. Not audited: the caller shows (and audits)
    the rows it keeps."""
    _check_period(since, until)
    start, end = start_of(since), start_of(until)
    sources = [s for s in ("dtsen", "kpai") if s in p.role.sources]
    if among is not None:
        # A worklist page: start from its children (indexed lookups), not from every event
        # of the period, which may be the whole registry after a quarterly snapshot.
        candidates = set(
            records_with_events_among(store, among, since=start, until=end, sources=sources)
        )
    else:
        candidates = children_with_record_events(store, since=start, until=end, sources=sources)
    derived = derive_child_events(store, sorted(candidates))
    return {
        child
        for child, events in derived.items()
        if any(
            (e.at >= start if start else True)
            and (end is None or e.at < end)
            and visible_event(p, e) is not None
            for e in events
        )
    }


def rows_with_events(
    store: Store,
    p: Principal,
    columns: Sequence[str],
    rows: list[tuple[object, ...]],
    *,
    since: dt.date | None,
) -> list[tuple[object, ...]]:
    """The ``rows`` (of a table with a ``child_id`` column) whose child had an event ``p`` may
    see from the day ``since`` on: a worklist's "baru" filter; all of them when ``since`` is
    ``None``, none for a table without children."""
    if since is None:
        return rows
    if "child_id" not in columns:
        return []
    at = list(columns).index("child_id")
    new = children_with_events(store, p, since=since, among={str(r[at]) for r in rows})
    return [r for r in rows if str(r[at]) in new]


def child_event_counts(
    store: Store,
    p: Principal,
    *,
    region: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    purpose: str = "",
) -> dict[str, Any]:
    """How many child events of each kind happened in ``region`` (the record's region at the
    event; ``None``: the role's scope) from ``since`` up to (not including) ``until``, and how
    many children had one; events the role may not see are not counted. Roles meant for
    aggregates are refused (:func:`require_exact_counts`: two counts of a free region and period
    would reveal a hidden one). Audited (``child_events``); no child id leaves."""
    require(p, "dashboard")
    require_exact_counts(p)
    _check_period(since, until)
    regions = region_filter(p, region)
    start, end = start_of(since), start_of(until)
    sources = [s for s in ("dtsen", "kpai") if s in p.role.sources]
    found = child_events_in(store, regions=regions, since=start, until=end, sources=sources)
    shown = {
        child: kept
        for child, events in found.items()
        if (kept := [e for e in events if visible_event(p, e) is not None])
    }
    kinds = count_child_events(shown)
    target = f"child_events region={region or 'scope'} since={since or '-'} until={until or '-'}"
    audit(store, p, "child_events", target, [], purpose)
    return {
        "region": regions[0] if regions and len(regions) == 1 else None,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        # Kept for scripts reading the JSON: the roles that get an answer see exact counts.
        "suppressed": False,
        "events": kinds,
        "children": len(shown),
    }
