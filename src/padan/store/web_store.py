"""Store functions of the web app: users, tokens, sessions, login attempts, audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from padan.errors import InputError
from padan.store.db import Store
from padan.store.web_tables import (
    api_tokens,
    audit_log,
    login_attempts,
    pending_merges,
    users,
    web_sessions,
)

__all__ = [
    "GENESIS_HASH",
    "AuditEntry",
    "PendingMerge",
    "UserInfo",
    "add_api_token",
    "add_pending_merge",
    "add_user",
    "append_audit",
    "audit_entries",
    "clear_pending_merges",
    "create_session",
    "delete_session",
    "find_user",
    "login_failures",
    "pending_merges_for",
    "record_login",
    "session_user",
    "set_user_active",
    "user_for_token",
    "verify_audit",
]

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A local user of the web app and API."""

    id: int
    username: str
    password_hash: str
    role: str
    region: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit log."""

    id: int
    at: dt.datetime
    username: str
    role: str
    action: str
    target: str
    child_ids: list[str]
    purpose: str
    prev_hash: str
    row_hash: str


@dataclass(frozen=True, slots=True)
class PendingMerge:
    """A first reviewer's "same child" on records carrying different valid NIKs."""

    uid_a: str
    uid_b: str
    reviewer: str
    reason: str
    created_at: dt.datetime


def _user(row: object) -> UserInfo:
    m = row._mapping  # type: ignore[attr-defined]
    return UserInfo(m["id"], m["username"], m["password_hash"], m["role"], m["region"],
                    bool(m["active"]))  # fmt: skip


def add_user(
    store: Store, *, username: str, password_hash: str, role: str, region: str | None
) -> int:
    """Store a new user; raises :class:`InputError` when the username is taken."""
    values = {"username": username, "password_hash": password_hash, "role": role,
              "region": region, "active": True, "created_at": dt.datetime.now(dt.UTC)}  # fmt: skip
    try:
        with store._begin() as conn:
            inserted = conn.execute(users.insert().values(**values)).inserted_primary_key
    except IntegrityError as exc:
        raise InputError(f"user {username!r} already exists; choose another username") from exc
    assert inserted is not None
    return int(inserted[0])


def find_user(store: Store, username: str) -> UserInfo | None:
    with store._connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    return _user(row) if row else None


def add_api_token(store: Store, user_id: int, token_sha256: str) -> None:
    """Keep the hash of a new API token (the token itself is never stored)."""
    with store._begin() as conn:
        conn.execute(api_tokens.insert().values(
            user_id=user_id, token_sha256=token_sha256, created_at=dt.datetime.now(dt.UTC),
            revoked=False,
        ))  # fmt: skip


# Built once: every API request looks its token up (see padan.store.web_queries on why).
_USER_FOR_TOKEN = (
    select(users)
    .join(api_tokens, api_tokens.c.user_id == users.c.id)
    .where(api_tokens.c.token_sha256 == bindparam("token"), ~api_tokens.c.revoked, users.c.active)
)
_SESSION_USER = (
    select(users, web_sessions.c.csrf_token, web_sessions.c.expires_at)
    .join(web_sessions, web_sessions.c.user_id == users.c.id)
    .where(web_sessions.c.id_sha256 == bindparam("session"), users.c.active)
)


def user_for_token(store: Store, token_sha256: str) -> UserInfo | None:
    with store._connect() as conn:
        row = conn.execute(_USER_FOR_TOKEN, {"token": token_sha256}).first()
    return _user(row) if row else None


def create_session(
    store: Store, *, id_sha256: str, user_id: int, csrf_token: str, expires_at: dt.datetime
) -> None:
    now = dt.datetime.now(dt.UTC)
    with store._begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
        conn.execute(web_sessions.insert().values(
            id_sha256=id_sha256, user_id=user_id, csrf_token=csrf_token, created_at=now,
            expires_at=expires_at,
        ))  # fmt: skip


def session_user(store: Store, id_sha256: str) -> tuple[UserInfo, str] | None:
    """The user and CSRF token of a live session, or ``None`` (unknown or expired)."""
    with store._connect() as conn:
        row = conn.execute(_SESSION_USER, {"session": id_sha256}).first()
    if row is None or _aware(row.expires_at) < dt.datetime.now(dt.UTC):
        return None
    return _user(row), row.csrf_token


def delete_session(store: Store, id_sha256: str) -> None:
    with store._begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.id_sha256 == id_sha256))


def record_login(store: Store, *, username: str, client: str, success: bool) -> None:
    with store._begin() as conn:
        conn.execute(login_attempts.insert().values(
            username=username[:64], client=client[:64], success=success,
            at=dt.datetime.now(dt.UTC),
        ))  # fmt: skip


def login_failures(
    store: Store, *, username: str, client: str, since: dt.datetime
) -> tuple[int, int]:
    """Failed logins since ``since``: (for this username, from this client)."""
    base = (
        select(func.count())
        .select_from(login_attempts)
        .where(~login_attempts.c.success, login_attempts.c.at >= since)
    )
    with store._connect() as conn:
        by_user = conn.execute(base.where(login_attempts.c.username == username[:64])).scalar_one()
        by_client = conn.execute(base.where(login_attempts.c.client == client[:64])).scalar_one()
    return int(by_user), int(by_client)


# -- audit ------------------------------------------------------------------------------------

_audit_lock = threading.Lock()


def _row_hash(prev_hash: str, values: dict[str, object]) -> str:
    at = values["at"]
    assert isinstance(at, dt.datetime)
    payload = {**values, "at": _aware(at).astimezone(dt.UTC).isoformat(timespec="microseconds")}
    text = prev_hash + json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Built once (cached cache key and compiled form): every search and profile view appends a row.
_LAST_AUDIT_HASH = select(audit_log.c.row_hash).order_by(audit_log.c.id.desc()).limit(1)
_AUDIT_INSERT = audit_log.insert()


def append_audit(
    store: Store, *, username: str, role: str, action: str, target: str,
    child_ids: list[str], purpose: str,
) -> AuditEntry:  # fmt: skip
    """Append one row to the audit log, chained to the previous row by its hash.

    Rows are only ever inserted; each row's hash covers its content and the previous hash, so
    an edited or deleted row breaks the chain (see :func:`verify_audit`).
    """
    values: dict[str, object] = {
        "at": dt.datetime.now(dt.UTC), "username": username, "role": role, "action": action,
        "target": target, "child_ids": " " + " ".join(child_ids) + " " if child_ids else "",
        "purpose": purpose,
    }  # fmt: skip
    with _audit_lock, store._begin() as conn:
        # Several processes may append at once (app workers, the CLI): taking the write lock
        # before reading the last hash keeps the chain linear.
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        prev = conn.execute(_LAST_AUDIT_HASH).scalar_one_or_none() or GENESIS_HASH
        row_hash = _row_hash(prev, values)
        inserted = conn.execute(
            _AUDIT_INSERT, {**values, "prev_hash": prev, "row_hash": row_hash}
        ).inserted_primary_key
    assert inserted is not None
    return _entry({**values, "id": int(inserted[0]), "prev_hash": prev, "row_hash": row_hash})


def _entry(m: Any) -> AuditEntry:
    r = m if isinstance(m, dict) else m._mapping
    return AuditEntry(
        r["id"], _aware(r["at"]), r["username"], r["role"], r["action"], r["target"],
        str(r["child_ids"]).split(), r["purpose"], r["prev_hash"], r["row_hash"],
    )  # fmt: skip


def audit_entries(
    store: Store, *, child_id: str | None = None, limit: int = 200
) -> list[AuditEntry]:
    """Newest first; with ``child_id``, only rows that showed that child's data."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if child_id is not None:
        query = query.where(audit_log.c.child_ids.contains(f" {child_id} "))
    with store._connect() as conn:
        return [_entry(r) for r in conn.execute(query)]


def verify_audit(store: Store) -> tuple[int, int | None]:
    """Recompute the chain; returns (rows checked, id of the first broken row or ``None``)."""
    query = select(audit_log).order_by(audit_log.c.id)
    prev = GENESIS_HASH
    checked = 0
    with store._connect() as conn:
        for row in conn.execution_options(yield_per=10_000).execute(query):
            m = row._mapping
            values = {k: m[k] for k in ("at", "username", "role", "action", "target",
                                         "child_ids", "purpose")}  # fmt: skip
            if m["prev_hash"] != prev or _row_hash(prev, values) != m["row_hash"]:
                return checked, int(m["id"])
            prev = m["row_hash"]
            checked += 1
    return checked, None


# -- second reviewer --------------------------------------------------------------------------


def add_pending_merge(store: Store, uid_a: str, uid_b: str, *, reviewer: str, reason: str) -> None:
    with store._begin() as conn:
        conn.execute(pending_merges.insert().values(
            uid_a=uid_a, uid_b=uid_b, reviewer=reviewer, reason=reason,
            created_at=dt.datetime.now(dt.UTC),
        ))  # fmt: skip


def pending_merges_for(store: Store, uid_a: str, uid_b: str) -> list[PendingMerge]:
    query = (
        select(pending_merges)
        .where(pending_merges.c.uid_a == uid_a, pending_merges.c.uid_b == uid_b)
        .order_by(pending_merges.c.id)
    )
    with store._connect() as conn:
        return [
            PendingMerge(r.uid_a, r.uid_b, r.reviewer, r.reason, _aware(r.created_at))
            for r in conn.execute(query)
        ]


def clear_pending_merges(store: Store, uid_a: str, uid_b: str) -> None:
    with store._begin() as conn:
        conn.execute(
            delete(pending_merges).where(
                pending_merges.c.uid_a == uid_a, pending_merges.c.uid_b == uid_b
            )
        )


def set_user_active(store: Store, username: str, active: bool) -> None:
    with store._begin() as conn:
        conn.execute(update(users).where(users.c.username == username).values(active=active))


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything Padan writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
