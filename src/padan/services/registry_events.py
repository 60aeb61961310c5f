"""What a DCI subscriber is told after a linkage run: the children whose records the run's
batches registered or changed, whose ids the run linked or unlinked, or whose gap status
(in DTSEN, eligible, receiving) changed, under the subscriber's policy.

The same policy as a search (:mod:`padan.services.registry_query`): only events of the
role's sources, only children in its regional scope (a child outside it is not notified, as
if absent), each child shaped by role (a masked NIK stays masked), and only children that
match the subscription's filter. A child's record is known to belong to it only once a
linkage run took the record's batch in, so the events of a run are those of the batches it
newly took in and the child id events it wrote.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from padan.access.authorise import audit
from padan.access.policy import Principal
from padan.errors import InputError
from padan.services.child_events import AID_COLUMNS, derive_child_events
from padan.services.children import child_summaries, visible_child_ids
from padan.services.registry_query import HiddenField, Identifier
from padan.store import Store
from padan.store.child_history import child_records
from padan.store.children import latest_run_id
from padan.store.dci_events import (
    child_events_of_run,
    latest_children,
    link_changes,
    record_events_of_batches,
)
from padan.store.record_filter import Filter, records_by_identifier, records_matching

__all__ = [
    "EVENT_TYPES",
    "GAP_KINDS",
    "Notice",
    "check_event_type",
    "record_notify",
    "run_notices",
]

#: The event types a partner may subscribe to, and what each notifies.
EVENT_TYPES = {
    "REGISTER": "a record of the child was registered (a batch added it)",
    "UPDATE": "a record of the child changed, or a snapshot retired it",
    "LINK": "a linkage run linked a record to the child (a new child, a record that joined "
    "it, a merge)",
    "UNLINK": "a linkage run took a record from the child (to another child, or the record "
    "is no longer current)",
    "GAP_STATUS": "the child entered or left DTSEN, became or stopped being eligible for a "
    "programme, or started or stopped receiving it",
}
#: The child events (:mod:`padan.services.child_events`) that change a child's gap status.
GAP_KINDS = (
    "entered_dtsen",
    "left_dtsen",
    "became_eligible",
    "no_longer_eligible",
    "started_receiving",
    "stopped_receiving",
)
#: What a role must see to be told gap status changes: which children became eligible tells
#: their decile range, which started receiving tells their aid, as surely as showing them.
_GAP_FIELDS = frozenset({"desil", *AID_COLUMNS})
_CHUNK = 2000


@dataclass(frozen=True)
class Notice:
    """One child to notify: its record as a search shows it and what happened (``events``,
    e.g. ``record_added:dtsen``, ``became_eligible:pkh``, ``record_linked:kpai``)."""

    child_id: str
    hit: dict[str, Any]
    events: tuple[str, ...]


def check_event_type(p: Principal, event_type: str) -> None:
    """Raise :class:`InputError` for an event type not in :data:`EVENT_TYPES`, and
    :class:`HiddenField` for ``GAP_STATUS`` when the role does not see the decile and aid."""
    if event_type not in EVENT_TYPES:
        raise InputError(f"reg_event_type {event_type[:40]!r}: use one of {', '.join(EVENT_TYPES)}")
    hidden = sorted(_GAP_FIELDS - p.role.fields)
    if event_type == "GAP_STATUS" and hidden:
        raise HiddenField(
            f"the role {p.role.name} does not see {', '.join(hidden)}, so it cannot be told "
            "gap status changes either; subscribe to REGISTER, UPDATE, LINK or UNLINK"
        )


def _record_labels(
    store: Store, p: Principal, batches: Sequence[int], event_type: str
) -> Iterator[dict[str, list[str]]]:
    """Per chunk of record events of ``batches``: child → what happened, for REGISTER,
    UPDATE and GAP_STATUS."""
    sources = [s for s in ("dtsen", "kpai") if s in p.role.sources]
    after = 0
    while True:
        events = record_events_of_batches(store, batches, sources=sources, after=after)
        if not events:
            return
        after = events[-1][0]
        uids = sorted({f"{e.source}:{e.record_id}" for _, e in events})
        child_of = latest_children(store, uids)
        labels: dict[str, list[str]] = {}
        if event_type == "GAP_STATUS":
            happened = {(f"{e.source}:{e.record_id}", e.batch_id) for _, e in events}
            children = sorted({child_of[u] for u in uids if u in child_of})
            for child, derived in derive_child_events(store, children).items():
                for c in derived:
                    if c.kind in GAP_KINDS and (c.record, c.batch_id) in happened:
                        detail = ",".join(c.programs) or (c.field if c.field in AID_COLUMNS else "")
                        labels.setdefault(child, []).append(
                            f"{c.kind}:{detail}" if detail else c.kind
                        )
        else:
            for _, e in events:
                owner = child_of.get(f"{e.source}:{e.record_id}")
                if owner is None or (e.event == "added") != (event_type == "REGISTER"):
                    continue
                seen = [name for name, _, _ in e.fields if name in p.role.fields]
                label = f"record_{e.event}:{e.source}" + (f":{','.join(seen)}" if seen else "")
                labels.setdefault(owner, []).append(label)
        yield labels


def _link_labels(
    store: Store, p: Principal, run_id: int, event_type: str
) -> Iterator[dict[str, list[str]]]:
    """Per chunk of the records whose child the run changed: child → what happened, for LINK
    (the child gained a record; ``merged_from`` names an id merged into it) and UNLINK (the
    child lost a record, to another child or because it is no longer current). A child id no
    longer in the index is not notified: the child that took its records is. Records of a
    source the role does not see are left out."""
    labels: dict[str, list[str]] = {}
    if event_type == "LINK":
        for e in child_events_of_run(store, run_id):
            if e.event == "merge" and e.other_child_id:
                labels.setdefault(e.child_id, []).append(f"merged_from:{e.other_child_id}")
    changes = link_changes(store, run_id)
    for start in range(0, len(changes), _CHUNK):
        for uid, before, now in changes[start : start + _CHUNK]:
            child, source = now if event_type == "LINK" else before, uid.partition(":")[0]
            if child is not None and source in p.role.sources:
                kind = "record_linked" if event_type == "LINK" else "record_unlinked"
                labels.setdefault(child, []).append(f"{kind}:{source}")
        yield labels
        labels = {}
    if labels:
        yield labels


def _matching(
    store: Store,
    p: Principal,
    child_ids: list[str],
    identifier: Identifier | None,
    where: Filter | None,
) -> list[str]:
    """The children of ``child_ids`` one of whose current records the filter holds for."""
    if identifier is not None and identifier.kind == "child":
        return [c for c in child_ids if c == identifier.value]
    records = child_records(store, child_ids)
    uids = sorted({u for us in records.values() for u in us})
    sources, regions, limit = list(p.role.sources), p.regions, len(uids) + 1
    if identifier is not None:
        kind, value = identifier.kind, identifier.value
        hits = records_by_identifier(
            store, kind, value, sources=sources, regions=regions, limit=limit, within=uids
        )
    elif where is not None:
        hits = records_matching(
            store, where, sources=sources, regions=regions, limit=limit, within=uids
        )
    else:
        return child_ids
    matched = set(hits)
    return [c for c in child_ids if any(u in matched for u in records.get(c, []))]


def run_notices(
    store: Store,
    p: Principal,
    *,
    run_id: int,
    batches: Sequence[int],
    event_type: str,
    identifier: Identifier | None = None,
    where: Filter | None = None,
) -> Iterator[list[Notice]]:
    """The notices of linkage run ``run_id`` (``batches``: those it newly took in) for a
    subscription to ``event_type`` with a filter (an identifier or ``where``), in parts of at
    most a few thousand children, each part by child id; parts without a child are left out.
    Not audited: the caller audits what it sends (:func:`record_notify`)."""
    current = latest_run_id(store)
    if current is None:
        return
    parts = (
        _link_labels(store, p, run_id, event_type)
        if event_type in ("LINK", "UNLINK")
        else _record_labels(store, p, batches, event_type)
    )
    for labels in parts:
        ids = sorted(labels)
        visible = visible_child_ids(store, p, current, ids)
        ids = _matching(store, p, [c for c in ids if c in visible], identifier, where)
        notices = []
        for hit in child_summaries(store, p, current, ids, welfare=True):
            # A merged id's records all belong to the child notified now: it may be named.
            events = tuple(labels[hit["child_id"]])
            notices.append(Notice(hit["child_id"], hit, events))
        if notices:
            yield notices


def record_notify(
    store: Store, p: Principal, detail: str, child_ids: Sequence[str], *, sender_id: str
) -> None:
    """Audit a notify message sent to a subscriber: the children it showed, ``detail`` (no
    identifier: the subscription code, the run, the outcome)."""
    audit(store, p, "registry_notify", detail[:500], child_ids, f"DCI notify {sender_id[:60]}")
