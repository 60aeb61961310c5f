"""Breach reports: from the audit log, which children and which regions one account touched in
a time window, with the notification deadline of UU 27/2022 (3×24 hours, docs/domain.md §7.1).

An API token acts as the account it belongs to (audit rows name the account, not the
credential), so a leaked token is reported through its account, over the part of the window the
token was valid (:func:`token_window`): an upper bound, since the account's own sessions in that
time are included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from padan.domain.regions import region_table
from padan.errors import InputError
from padan.store import Store
from padan.store.audit import CLI_ROLE, append_audit
from padan.store.children import child_members, latest_run_id, records_by_uid
from padan.store.encoded_pdp import encoded_records_by_uid
from padan.store.subject_reads import audit_rows_by
from padan.store.tokens import find_api_token

__all__ = ["NOTIFY_WITHIN", "BreachReport", "RegionTouched", "breach_report", "token_window"]

#: UU 27/2022 Pasal 46: written notice to data subjects and the PDP lembaga within 3×24 hours.
NOTIFY_WITHIN = dt.timedelta(hours=72)
NOTICE = (
    "UU 27/2022 Pasal 46: pemberitahuan tertulis kepada subjek data (orang tua/wali anak) dan "
    "lembaga PDP paling lambat 3×24 jam / written notice to the data subjects (the children's "
    "parents or guardians) and the PDP authority within 3×24 hours (72 h), stating the data "
    "exposed, when and how, and the handling and recovery (docs/domain.md §7.1)"
)


@dataclass(frozen=True)
class RegionTouched:
    """A region (province or regency) and how many touched children have a record there."""

    code: str
    level: str
    name: str
    children: int


@dataclass(frozen=True)
class BreachReport:
    """What one account touched from ``since`` to ``until``."""

    username: str
    since: dt.datetime
    until: dt.datetime
    known_at: dt.datetime
    notify_by: dt.datetime
    notice: str
    audit_rows: int
    actions: dict[str, int]
    child_ids: tuple[str, ...]
    children_not_in_latest_run: tuple[str, ...]
    regions: tuple[RegionTouched, ...]


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _regions(store: Store, child_ids: list[str]) -> tuple[list[RegionTouched], list[str]]:
    run_id = latest_run_id(store)
    members = child_members(store, run_id, child_ids) if run_id is not None else {}
    uids = [uid for found in members.values() for uid, _ in found]
    if store.holds_encodings():  # the regency, when the schema let it travel in the clear
        encoded = encoded_records_by_uid(store, uids)
        codes = {uid: row["regency"] for uid, row in encoded.items()}
    else:
        rows = records_by_uid(store, uids, columns=("kode_wilayah",))
        codes = {uid: row.get("kode_wilayah") for uid, row in rows.items()}
    per_region: dict[str, set[str]] = {}
    for child, found in members.items():
        for uid, _ in found:
            code = codes.get(uid)
            if not code:
                continue
            parts = str(code).split(".")
            for depth in (1, 2):
                if len(parts) >= depth:
                    per_region.setdefault(".".join(parts[:depth]), set()).add(child)
    table = region_table()
    regions = []
    for code, children in sorted(per_region.items()):
        region = table.get(code)
        level = region.level if region else ("province" if "." not in code else "regency")
        regions.append(
            RegionTouched(code, level, region.name if region else "(unknown)", len(children))
        )
    missing = sorted(set(child_ids) - set(members))
    return regions, missing


def token_window(
    store: Store, token_id: int, *, since: dt.datetime, until: dt.datetime
) -> tuple[str, dt.datetime, dt.datetime]:
    """The account of API token ``token_id`` and the part of ``[since, until)`` in which the
    token was valid (from its creation to its revocation or expiry). Raises
    :class:`InputError` for an unknown token or a window the token was never valid in."""
    token = find_api_token(store, token_id)
    if token is None:
        raise InputError(f"no API token {token_id} in this store; padan token list shows them")
    ends = [t for t in (token.revoked_at, token.expires_at) if t is not None]
    start = max(_utc(since), _utc(token.created_at))
    end = min([_utc(until), *(_utc(t) for t in ends)])
    if end <= start:
        raise InputError(
            f"API token {token_id} was not valid between {_utc(since).isoformat()} and "
            f"{_utc(until).isoformat()} (created {_utc(token.created_at).isoformat()}); "
            "widen --since/--until"
        )
    return token.username, start, end


def breach_report(
    store: Store,
    *,
    username: str,
    since: dt.datetime,
    until: dt.datetime,
    actor: str,
    known_at: dt.datetime | None = None,
) -> BreachReport:
    """The children and regions ``username``'s audit rows in ``[since, until)`` show, and the
    notification deadline counted from ``known_at`` (when the breach became known; default now).

    Naive times are UTC. The report is itself audited (``pdp.breach_report``). Raises
    :class:`InputError` when ``until`` is not after ``since`` or the account is empty.
    """
    if not username.strip():
        raise InputError("name the account to report on (--user)")
    start, end = _utc(since), _utc(until)
    if end <= start:
        raise InputError(
            f"the window ends ({end.isoformat()}) before it starts ({start.isoformat()}); "
            "give --since earlier than --until"
        )
    known = _utc(known_at) if known_at is not None else dt.datetime.now(dt.UTC)
    rows = audit_rows_by(store, username, since=start, until=end)
    children = sorted({c for r in rows for c in r.child_ids})
    regions, missing = _regions(store, children)
    append_audit(
        store,
        username=actor[:64],
        role=CLI_ROLE,
        action="pdp.breach_report",
        target=(
            f"user={username[:64]} since={start.isoformat()} until={end.isoformat()} "
            f"rows={len(rows)} children={len(children)}"
        ),
        child_ids=[],
        purpose="laporan kegagalan pelindungan data pribadi (UU 27/2022 Pasal 46)",
    )
    return BreachReport(
        username=username,
        since=start,
        until=end,
        known_at=known,
        notify_by=known + NOTIFY_WITHIN,
        notice=NOTICE,
        audit_rows=len(rows),
        actions=dict(sorted(Counter(r.action for r in rows).items())),
        child_ids=tuple(children),
        children_not_in_latest_run=tuple(missing),
        regions=tuple(regions),
    )
