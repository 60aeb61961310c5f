"""Local users of the web app and the API: their table and the reads and writes of it.

Sessions (:mod:`padan.store.sessions`) and API tokens (:mod:`padan.store.tokens`) belong to a user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from padan.errors import InputError
from padan.store.database import Store
from padan.store.tables import metadata

__all__ = [
    "UserInfo",
    "add_user",
    "count_active",
    "find_user",
    "list_users",
    "set_must_change_password",
    "set_user_active",
    "user_info",
    "users",
]

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, PHC string
    Column("role", String(32), nullable=False),
    Column("region", String(16)),  # dotted region code; petugas_daerah only
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Sent to the change-password page after login until the password is changed.
    Column("must_change_password", Boolean, nullable=False, server_default="0"),
)


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A local user of the web app and API."""

    id: int
    username: str
    password_hash: str
    role: str
    region: str | None
    active: bool
    must_change_password: bool = False
    created_at: dt.datetime | None = None


def user_info(row: object) -> UserInfo:
    """The :class:`UserInfo` of a row holding the ``users`` columns."""
    m = row._mapping  # type: ignore[attr-defined]
    return UserInfo(
        m["id"],
        m["username"],
        m["password_hash"],
        m["role"],
        m["region"],
        bool(m["active"]),
        bool(m["must_change_password"]),
        m["created_at"],
    )


def add_user(
    store: Store, *, username: str, password_hash: str, role: str, region: str | None
) -> int:
    """Store a new user; raises :class:`InputError` when the username is taken."""
    values = {
        "username": username,
        "password_hash": password_hash,
        "role": role,
        "region": region,
        "active": True,
        "must_change_password": False,
        "created_at": dt.datetime.now(dt.UTC),
    }
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
    return user_info(row) if row else None


def list_users(store: Store) -> list[UserInfo]:
    """Every user, by username."""
    with store._connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).all()
    return [user_info(row) for row in rows]


def count_active(store: Store, role: str) -> int:
    """How many active users have ``role``."""
    query = select(func.count()).select_from(users).where(users.c.role == role, users.c.active)
    with store._connect() as conn:
        return int(conn.execute(query).scalar_one())


def set_user_active(store: Store, username: str, active: bool) -> None:
    with store._begin() as conn:
        conn.execute(update(users).where(users.c.username == username).values(active=active))


def set_must_change_password(store: Store, username: str, required: bool) -> None:
    with store._begin() as conn:
        conn.execute(
            update(users).where(users.c.username == username).values(must_change_password=required)
        )
