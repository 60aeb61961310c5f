"""Per-child events (issue 18), derived from the record events and the master child index.

A child's records are those whose most recent link names the child
(:func:`padan.store.child_history.child_records`); their record events (``added``,
``changed``, ``removed``, written by every batch) are replayed oldest first, batch by batch,
keeping which of the child's DTSEN records are in DTSEN and their values. The rules:

- ``entered_dtsen``: a DTSEN record of the child is added while the child had no DTSEN record
  in DTSEN.
- ``left_dtsen``: a snapshot retires a DTSEN record of the child and no other DTSEN record of
  the child is left in DTSEN.
- ``became_eligible`` / ``no_longer_eligible``: a change of ``desil`` on a DTSEN record in
  DTSEN moves the child's decile (the lowest among its DTSEN records in DTSEN, as the gap
  report reads it) into / out of a program's range of the eligibility rules
  (:func:`padan.analysis.rules.default_rules`, or the rules given), age range included (age
  on the day of the event, from the record's birth date). ``programs`` names the programs;
  the field is ``desil`` with the child's decile before and after.
- ``started_receiving`` / ``stopped_receiving``: a change of an aid column (``penerima_pkh``,
  ``penerima_sembako``, ``penerima_pbi_jk``, ``penerima_pip``, ``penerima_atensi``) on a
  DTSEN record in DTSEN makes the child receive / no longer receive it (one of its DTSEN
  records in DTSEN says so / none does).
- ``moved_region``: ``kode_wilayah`` of a DTSEN record in DTSEN changed, or of a complaint of a
  child with no DTSEN record in DTSEN (the child's region is its DTSEN record's, else its
  complaints').
- ``case_status_changed``: ``status_penanganan`` of a complaint of the child changed.
- ``new_case``: a complaint of the child was added.
- ``nik_changed``: the NIK of one of the child's records was corrected (named, no values: the
  record events keep none).

A record entering or leaving DTSEN is told by ``entered_dtsen`` / ``left_dtsen`` alone: the
eligibility and aid events come from changes of a record that stays. Records ingested before
Padan wrote record events count as in DTSEN from the start.

The first load of a source (or a snapshot's first load of its region: ``baseline`` batches,
:class:`padan.store.BatchInfo`) is the baseline, not news: the records it added were in DTSEN
(or were complaints) before Padan looked, so they count as there from the start and give no
``entered_dtsen`` or ``new_case``. Otherwise the first load would give every child an event,
and the "new this month" worklists and the per-period counts would list the whole registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from padan.analysis.rules import Rules, default_rules
from padan.store import RecordEvent, Store
from padan.store.child_history import (
    child_records,
    children_with_record_events,
    events_of_records,
    last_versions,
)

__all__ = [
    "AID_COLUMNS",
    "CHILD_EVENT_KINDS",
    "ChildEvent",
    "child_events_in",
    "count_child_events",
    "derive_child_events",
]

#: The kinds of child event, in the order they are listed.
CHILD_EVENT_KINDS = (
    "entered_dtsen",
    "left_dtsen",
    "became_eligible",
    "no_longer_eligible",
    "started_receiving",
    "stopped_receiving",
    "moved_region",
    "case_status_changed",
    "new_case",
    "nik_changed",
)

#: The aid columns of a DTSEN record.
AID_COLUMNS = (
    "penerima_pkh",
    "penerima_sembako",
    "penerima_pbi_jk",
    "penerima_pip",
    "penerima_atensi",
)
_DTSEN_STATE = ("desil", "tanggal_lahir", "kode_wilayah", *AID_COLUMNS)


@dataclass(frozen=True, slots=True)
class ChildEvent:
    """One event of one child: ``field`` with ``old`` and ``new`` where the event has them."""

    child_id: str
    at: dt.datetime
    batch_id: int
    kind: str
    source: str
    record: str  # source:id of the record whose event this comes from
    kode_wilayah: str | None  # the record's region at the event (for counts per region)
    field: str | None = None
    old: object = None
    new: object = None
    programs: tuple[str, ...] = ()


@dataclass
class _Child:
    """The replay state of one child: its DTSEN records in DTSEN and their values."""

    present: set[str] = field(default_factory=set)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def desil(self) -> int | None:
        known = [
            int(v["desil"]) for u in self.present if (v := self.values[u]).get("desil") is not None
        ]
        return min(known) if known else None

    def receiving(self, column: str) -> bool:
        return any(bool(self.values[u].get(column)) for u in self.present)

    def eligible(self, rules: Rules, day: dt.date) -> set[str]:
        desil = self.desil()
        if desil is None:
            return set()
        born = [b for u in self.present if (b := _date(self.values[u].get("tanggal_lahir")))]
        out = set()
        for key, rule in rules.programs.items():
            if not rule.desil_min <= desil <= rule.desil_max:
                continue
            if rule.age_min is not None or rule.age_max is not None:
                if not born:
                    continue
                age = _age(min(born), day)
                if (rule.age_min is not None and age < rule.age_min) or (
                    rule.age_max is not None and age > rule.age_max
                ):
                    continue
            out.add(key)
        return out


@cache
def _default_rules() -> Rules:
    return default_rules()


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _initial(
    events: list[RecordEvent], last: dict[str, Any] | None, baseline: frozenset[int]
) -> tuple[bool, dict[str, Any]]:
    """Whether a DTSEN record was in DTSEN before its first event (a record added by a
    ``baseline`` batch was), and its values then: a field's ``old`` in its first change, else
    the newest version's value."""
    if events:
        present = events[0].event != "added" or _is_baseline(events[0], baseline)
    else:
        present = bool(last and last["is_current"])
    values = {c: (last or {}).get(c) for c in _DTSEN_STATE}
    seen: set[str] = set()
    for e in events:
        for name, old, _ in e.fields:
            if name in values and name not in seen:
                values[name] = old
                seen.add(name)
    return present, values


def _is_baseline(e: RecordEvent, baseline: frozenset[int]) -> bool:
    return e.event == "added" and e.batch_id in baseline


def derive_child_events(
    store: Store, child_ids: Sequence[str], *, rules: Rules | None = None
) -> dict[str, list[ChildEvent]]:
    """Each child's events, oldest first (children without events are left out).

    ``rules``: the eligibility rules (default: Padan's embedded ones).
    """
    rules = rules or _default_rules()
    baseline = frozenset(b.id for b in store.list_batches() if b.baseline)
    records = child_records(store, child_ids)
    uids = sorted({u for us in records.values() for u in us})
    events = events_of_records(store, uids)
    versions = last_versions(
        store, [u for u in uids if u.startswith("dtsen:")], columns=_DTSEN_STATE
    )
    found: dict[str, list[ChildEvent]] = {}
    for child_id, own in records.items():
        derived = _replay(child_id, own, events, versions, rules, baseline)
        if derived:
            found[child_id] = derived
    return found


def _in_regions(code: str | None, regions: Sequence[str] | None) -> bool:
    if regions is None:
        return True
    return code is not None and any(code == r or code.startswith(r + ".") for r in regions)


def child_events_in(
    store: Store,
    *,
    regions: Sequence[str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    sources: Sequence[str] = ("dtsen", "kpai"),
    rules: Rules | None = None,
) -> dict[str, list[ChildEvent]]:
    """The children's events of the period ``since`` ≤ time < ``until`` whose record was in
    ``regions`` (dotted codes, any level; ``None``: everywhere) at the event, from records of
    ``sources``, by child, oldest first."""
    candidates = children_with_record_events(
        store, regions=regions, since=since, until=until, sources=sources
    )
    found: dict[str, list[ChildEvent]] = {}
    for child, events in derive_child_events(store, sorted(candidates), rules=rules).items():
        kept = [
            e
            for e in events
            if (since is None or e.at >= since)
            and (until is None or e.at < until)
            and e.source in sources
            and _in_regions(e.kode_wilayah, regions)
        ]
        if kept:
            found[child] = kept
    return found


def count_child_events(events: dict[str, list[ChildEvent]]) -> dict[str, int]:
    """How many events of each kind (every kind, in :data:`CHILD_EVENT_KINDS` order)."""
    counts = dict.fromkeys(CHILD_EVENT_KINDS, 0)
    for child_events in events.values():
        for e in child_events:
            counts[e.kind] += 1
    return counts


def _replay(
    child_id: str,
    own: list[str],
    events: dict[str, list[RecordEvent]],
    versions: dict[str, dict[str, Any]],
    rules: Rules,
    baseline: frozenset[int],
) -> list[ChildEvent]:
    state = _Child()
    for uid in own:
        if uid.startswith("dtsen:"):
            present, values = _initial(events.get(uid, []), versions.get(uid), baseline)
            state.values[uid] = values
            if present:
                state.present.add(uid)
    ordered = sorted(
        (
            (e, uid)
            for uid in own
            for e in events.get(uid, [])
            if not _is_baseline(e, baseline)  # there from the start (see _initial)
        ),
        key=lambda pair: (pair[0].at, pair[0].batch_id, pair[1]),
    )
    out: list[ChildEvent] = []
    for e, uid in ordered:
        made = partial(_made, child_id, e, uid)
        if e.source == "dtsen":
            out += _dtsen_step(state, e, uid, rules, made)
        else:
            out += _kpai_step(state, e, made)
    return out


def _made(child_id: str, e: RecordEvent, uid: str, kind: str, **extra: Any) -> ChildEvent:
    return ChildEvent(child_id, e.at, e.batch_id, kind, e.source, uid, e.kode_wilayah, **extra)


_Made = Callable[..., ChildEvent]


def _dtsen_step(
    state: _Child, e: RecordEvent, uid: str, rules: Rules, made: _Made
) -> list[ChildEvent]:
    out: list[ChildEvent] = []
    was_in = bool(state.present)
    if e.event == "added":
        state.present.add(uid)
        if not was_in:
            out.append(made("entered_dtsen"))
        return out
    if e.event == "removed":
        state.present.discard(uid)
        if was_in and not state.present:
            out.append(made("left_dtsen"))
        return out
    values = state.values.setdefault(uid, {})
    if uid not in state.present:  # a change of a record not in DTSEN: keep its values only
        values.update({name: new for name, _, new in e.fields})
        return out
    day = e.at.date()
    desil_before, eligible_before = state.desil(), state.eligible(rules, day)
    receiving_before = {c: state.receiving(c) for c in AID_COLUMNS}
    values.update({name: new for name, _, new in e.fields})
    desil_after, eligible_after = state.desil(), state.eligible(rules, day)
    for kind, programs in (
        ("became_eligible", eligible_after - eligible_before),
        ("no_longer_eligible", eligible_before - eligible_after),
    ):
        if programs:
            out.append(
                made(
                    kind,
                    field="desil",
                    old=desil_before,
                    new=desil_after,
                    programs=tuple(k for k in rules.programs if k in programs),
                )
            )
    for column in AID_COLUMNS:
        now = state.receiving(column)
        if now != receiving_before[column]:
            kind = "started_receiving" if now else "stopped_receiving"
            out.append(made(kind, field=column, old=receiving_before[column], new=now))
    for name, old, new in e.fields:
        if name == "kode_wilayah":
            out.append(made("moved_region", field=name, old=old, new=new))
        elif name == "nik":
            out.append(made("nik_changed", field=name))
    return out


def _kpai_step(state: _Child, e: RecordEvent, made: _Made) -> list[ChildEvent]:
    if e.event == "added":
        return [made("new_case")]
    out: list[ChildEvent] = []
    for name, old, new in e.fields:
        if name == "status_penanganan":
            out.append(made("case_status_changed", field=name, old=old, new=new))
        elif name == "kode_wilayah" and not state.present:
            out.append(made("moved_region", field=name, old=old, new=new))
        elif name == "nik_anak":
            out.append(made("nik_changed", field=name))
    return out
