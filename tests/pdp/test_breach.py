"""padan.pdp.breach: the children and regions an account touched in a window, from the audit
log, with the 3×24 h notification deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from padan.errors import InputError
from padan.pdp import breach_report
from padan.store.audit import audit_entries

from .conftest import BAYU, DEWI, RIZKY, PdpWorld


def _window(hours: float = 1) -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    return now - dt.timedelta(hours=hours), now + dt.timedelta(hours=hours)


def test_breach_report_lists_the_accounts_children_and_regions(world: PdpWorld) -> None:
    since, until = _window()
    known = dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.UTC)
    report = breach_report(
        world.store, username="siti", since=since, until=until, actor="dpo", known_at=known
    )
    assert report.child_ids == (DEWI, BAYU)
    assert report.audit_rows == 3 and report.actions == {"profile": 2, "search": 1}
    regions = {(r.code, r.level, r.children) for r in report.regions}
    # Dewi's records are in Bogor (32.01), Bayu's in Semarang (33.74).
    assert regions == {
        ("32", "province", 1),
        ("32.01", "regency", 1),
        ("33", "province", 1),
        ("33.74", "regency", 1),
    }
    assert report.notify_by == dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC)
    assert "3×24" in report.notice
    other = breach_report(world.store, username="budi", since=since, until=until, actor="dpo")
    assert other.child_ids == (RIZKY,)
    assert [e.action for e in audit_entries(world.store, limit=2)] == ["pdp.breach_report"] * 2


def test_breach_report_outside_the_window_finds_nothing(world: PdpWorld) -> None:
    since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    report = breach_report(
        world.store, username="siti", since=since, until=since + dt.timedelta(days=1), actor="dpo"
    )
    assert (report.audit_rows, report.child_ids, report.regions) == (0, (), ())


@pytest.mark.parametrize(
    ("user", "hours", "message"),
    [("siti", -1, "before it starts"), ("  ", 1, "name the account")],
)
def test_breach_report_bad_input_is_refused(
    world: PdpWorld, user: str, hours: float, message: str
) -> None:
    since, until = _window(hours)
    with pytest.raises(InputError, match=message):
        breach_report(world.store, username=user, since=since, until=until, actor="dpo")
