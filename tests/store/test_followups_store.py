"""The follow-ups table: inserted once by fingerprint, in one transaction, on each backend."""

from __future__ import annotations

import datetime as dt

from padan.store import Store
from padan.store.followups import NewFollowup, add_followups, child_followups


def _new(child: str, note: str, row: int) -> NewFollowup:
    return NewFollowup(
        child_id=child,
        worklist="usulan_dtsen",
        status="dikunjungi",
        followup_date=dt.date(2026, 11, 20),
        note=note,
        username="daerah1",
        source_sha256="a" * 64,
        source_row=row,
        fingerprint=f"{child}|{note}".ljust(64, "0"),
    )


def test_followups_store_adds_each_fingerprint_once(store: Store) -> None:
    first = add_followups(store, [_new("C1", "rumah", 2), _new("C2", "rumah", 3)])
    again = add_followups(store, [_new("C1", "rumah", 2), _new("C1", "rumah", 4)])
    later = add_followups(store, [_new("C1", "sekolah", 5)])
    assert (len(first), len(again), len(later)) == (2, 0, 1)
    got = child_followups(store, "C1")
    assert [f.note for f in got] == ["sekolah", "rumah"]  # newest day, then newest row first
    assert got[1].source_row == 2 and got[1].at.tzinfo is not None
    assert child_followups(store, "C3") == []
