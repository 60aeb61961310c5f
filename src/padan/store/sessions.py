"""Logging in: the web sessions (by the hash of their cookie, with their CSRF token) and the
login attempts that throttle guessing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    delete,
    func,
    select,
    update,
)

from padan.store.connection import as_utc
from padan.store.database import Store
from padan.store.tables import metadata
from padan.store.users import UserInfo, user_info, users

__all__ = [
    "create_session",
    "deactivate_user",
    "delete_session",
    "delete_user_sessions",
    "login_attempts",
    "login_failures",
    "login_succeeded",
    "record_login",
    "reserve_login",
    "session_user",
    "set_password_hash",
    "web_sessions",
]

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)


login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("success", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_client_at", "client", "at"),
)


# Built once: every page request looks its session up (see padan.store.children on why).
_SESSION_USER = (
    select(users, web_sessions.c.csrf_token, web_sessions.c.expires_at)
    .join(web_sessions, web_sessions.c.user_id == users.c.id)
    .where(web_sessions.c.id_sha256 == bindparam("session"), users.c.active)
)


def create_session(
    store: Store, *, id_sha256: str, user_id: int, csrf_token: str, expires_at: dt.datetime
) -> None:
    now = dt.datetime.now(dt.UTC)
    with store._begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
        conn.execute(
            web_sessions.insert().values(
                id_sha256=id_sha256,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=now,
                expires_at=expires_at,
            )
        )


def session_user(store: Store, id_sha256: str) -> tuple[UserInfo, str] | None:
    """The user and CSRF token of a live session, or ``None`` (unknown or expired)."""
    with store._connect() as conn:
        row = conn.execute(_SESSION_USER, {"session": id_sha256}).first()
    if row is None or as_utc(row.expires_at) < dt.datetime.now(dt.UTC):
        return None
    return user_info(row), row.csrf_token


def delete_session(store: Store, id_sha256: str) -> None:
    with store._begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.id_sha256 == id_sha256))


def delete_user_sessions(store: Store, user_id: int) -> None:
    """End every session of a user (on deactivation: reactivating does not revive them)."""
    with store._begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


def record_login(store: Store, *, username: str, client: str, success: bool) -> None:
    with store._begin() as conn:
        conn.execute(
            login_attempts.insert().values(
                username=username[:64],
                client=client[:64],
                success=success,
                at=dt.datetime.now(dt.UTC),
            )
        )


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


# -- changes to a user that end their sessions in the same transaction --------------------------


def deactivate_user(store: Store, username: str, *, keep_one: str = "admin") -> str:
    """Deactivate a user and end their web sessions, in one transaction: ``"deactivated"``,
    ``"unknown"``, ``"inactive"`` (already), or ``"last"`` when they are the last active user
    with role ``keep_one`` (then nothing changes).

    The users table is locked for writing before the count is read (``BEGIN IMMEDIATE`` on
    SQLite, a table lock on PostgreSQL), so two requests deactivating the last two admins at
    once cannot both see two admins and both pass.
    """
    with store._begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        row = conn.execute(
            select(users.c.id, users.c.role, users.c.active).where(users.c.username == username)
        ).first()
        if row is None:
            return "unknown"
        if not row.active:
            return "inactive"
        if row.role == keep_one:
            alive = conn.execute(
                select(func.count())
                .select_from(users)
                .where(users.c.role == keep_one, users.c.active)
            ).scalar_one()
            if int(alive) <= 1:
                return "last"
        conn.execute(update(users).where(users.c.id == row.id).values(active=False))
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id == row.id))
    return "deactivated"


def set_password_hash(
    store: Store, username: str, password_hash: str, *, keep_session: str | None = None
) -> None:
    """A new password hash; clears the forced password change and ends every web session of
    the user but ``keep_session`` (the hash of the session that changed it), in one
    transaction: whoever had the old password is signed out everywhere else."""
    with store._begin() as conn:
        user_id = conn.execute(
            update(users)
            .where(users.c.username == username)
            .values(password_hash=password_hash, must_change_password=False)
            .returning(users.c.id)
        ).scalar_one_or_none()
        if user_id is None:
            return
        ended = delete(web_sessions).where(web_sessions.c.user_id == user_id)
        if keep_session is not None:
            ended = ended.where(web_sessions.c.id_sha256 != keep_session)
        conn.execute(ended)


def reserve_login(
    store: Store,
    *,
    username: str,
    client: str,
    since: dt.datetime,
    max_per_user: int,
    max_per_client: int,
) -> int | None:
    """Count the failed logins since ``since`` and, while both counts are under their limits,
    record this attempt as failed, all in one write transaction; returns the attempt's id, or
    ``None`` when the limit is reached (nothing recorded).

    The attempt counts as a failure from the start: a password is checked only after its
    attempt is counted, so parallel guesses cannot all pass the check before any is recorded.
    A right password turns it into a success with :func:`login_succeeded`.
    """
    user, origin = username[:64], client[:64]
    base = (
        select(func.count())
        .select_from(login_attempts)
        .where(~login_attempts.c.success, login_attempts.c.at >= since)
    )
    with store._begin() as conn:
        # Writers one at a time from the count to the insert (processes and threads alike).
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE login_attempts IN SHARE ROW EXCLUSIVE MODE")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        by_user = conn.execute(base.where(login_attempts.c.username == user)).scalar_one()
        by_client = conn.execute(base.where(login_attempts.c.client == origin)).scalar_one()
        if by_user >= max_per_user or by_client >= max_per_client:
            return None
        inserted = conn.execute(
            login_attempts.insert().values(
                username=user, client=origin, success=False, at=dt.datetime.now(dt.UTC)
            )
        ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def login_succeeded(store: Store, attempt_id: int) -> None:
    """Mark an attempt :func:`reserve_login` recorded as a successful login."""
    with store._begin() as conn:
        conn.execute(
            update(login_attempts).where(login_attempts.c.id == attempt_id).values(success=True)
        )
