"""padan.pdp.breach: the children and regions an account touched in a window, from the audit
log, with the 3×24 h notification deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from padan.access.auth import create_token, create_user
from padan.errors import InputError
from padan.pdp import breach_report, token_window
from padan.store.audit import audit_entries
from padan.store.tokens import find_api_token, list_api_tokens, revoke_api_token

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


def test_token_window_is_the_tokens_account_while_the_token_was_valid(world: PdpWorld) -> None:
    create_user(
        world.store, "siti", role="petugas_daerah", password="kata-sandi-panjang-1", region="32"
    )
    create_token(world.store, "siti")
    token = list_api_tokens(world.store, "siti")[0]
    since, until = _window(hours=24)
    user, start, end = token_window(world.store, token.id, since=since, until=until)
    assert user == "siti" and start == token.created_at.replace(tzinfo=dt.UTC) and end == until
    revoke_api_token(world.store, token.id)
    _, _, end = token_window(world.store, token.id, since=since, until=until)
    revoked = find_api_token(world.store, token.id)
    assert revoked is not None and revoked.revoked_at is not None
    assert end == revoked.revoked_at.replace(tzinfo=dt.UTC) < until
    report = breach_report(world.store, username=user, since=start, until=end, actor="dpo")
    assert report.username == "siti"


@pytest.mark.parametrize(
    ("token", "hours_ago", "said"),
    [(999, 1, "no API token 999"), (None, 48, "was not valid between")],
)
def test_token_window_refuses_an_unknown_token_or_a_window_before_it(
    world: PdpWorld, token: int | None, hours_ago: float, said: str
) -> None:
    create_user(
        world.store, "siti", role="petugas_daerah", password="kata-sandi-panjang-1", region="32"
    )
    create_token(world.store, "siti")
    real = list_api_tokens(world.store, "siti")[0].id
    now = dt.datetime.now(dt.UTC)
    since, until = now - dt.timedelta(hours=hours_ago), now - dt.timedelta(hours=hours_ago - 1)
    with pytest.raises(InputError, match=said):
        token_window(world.store, token or real, since=since, until=until)
