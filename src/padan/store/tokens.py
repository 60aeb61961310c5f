"""API tokens: only a token's hash is kept, with the user it belongs to, when it expires and
whether (and when) it was revoked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    bindparam,
    select,
    update,
)

from padan.store.connection import as_utc
from padan.store.database import Store
from padan.store.tables import metadata
from padan.store.users import UserInfo, user_info, users

__all__ = [
    "TokenInfo",
    "add_api_token",
    "api_tokens",
    "find_api_token",
    "list_api_tokens",
    "revoke_api_token",
    "token_lookup",
]

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, server_default="0"),
    Column("expires_at", DateTime(timezone=True)),  # NULL: never (asked for explicitly)
    Column("revoked_at", DateTime(timezone=True)),
)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as the store knows it (never the token itself)."""

    id: int
    username: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revoked: bool

    def state(self, now: dt.datetime) -> str:
        """``active``, ``revoked`` or ``expired`` at ``now``."""
        if self.revoked:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def add_api_token(
    store: Store, user_id: int, token_sha256: str, expires_at: dt.datetime | None = None
) -> int:
    """Keep the hash of a new API token (the token itself is never stored); returns its id."""
    with store._begin() as conn:
        inserted = conn.execute(
            api_tokens.insert().values(
                user_id=user_id,
                token_sha256=token_sha256,
                created_at=dt.datetime.now(dt.UTC),
                expires_at=expires_at,
                revoked=False,
            )
        ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def _info(row: object) -> TokenInfo:
    m = row._mapping  # type: ignore[attr-defined]
    expires, revoked_at = m["expires_at"], m["revoked_at"]
    return TokenInfo(
        m["id"],
        m["username"],
        as_utc(m["created_at"]),
        as_utc(expires) if expires is not None else None,
        as_utc(revoked_at) if revoked_at is not None else None,
        bool(m["revoked"]),
    )


_TOKEN_COLUMNS = (
    api_tokens.c.id,
    users.c.username,
    api_tokens.c.created_at,
    api_tokens.c.expires_at,
    api_tokens.c.revoked_at,
    api_tokens.c.revoked,
)


def list_api_tokens(store: Store, username: str | None = None) -> list[TokenInfo]:
    """Every token (of ``username`` when given), newest first."""
    query = select(*_TOKEN_COLUMNS).join(users, users.c.id == api_tokens.c.user_id)
    if username is not None:
        query = query.where(users.c.username == username)
    with store._connect() as conn:
        rows = conn.execute(query.order_by(api_tokens.c.id.desc())).all()
    return [_info(row) for row in rows]


def find_api_token(store: Store, token_id: int) -> TokenInfo | None:
    query = (
        select(*_TOKEN_COLUMNS)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.id == token_id)
    )
    with store._connect() as conn:
        row = conn.execute(query).first()
    return _info(row) if row else None


def revoke_api_token(store: Store, token_id: int) -> None:
    with store._begin() as conn:
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, ~api_tokens.c.revoked)
            .values(revoked=True, revoked_at=dt.datetime.now(dt.UTC))
        )


# Built once: every API request looks its token up (see padan.store.children on why).
_TOKEN_LOOKUP = (
    select(
        users,
        api_tokens.c.id.label("token_id"),
        api_tokens.c.created_at.label("token_created_at"),
        *_TOKEN_COLUMNS[3:],
    )
    .join(api_tokens, api_tokens.c.user_id == users.c.id)
    .where(api_tokens.c.token_sha256 == bindparam("token"))
)


def token_lookup(store: Store, token_sha256: str) -> tuple[UserInfo, TokenInfo] | None:
    """The user and the token of a token hash (whatever their state), or ``None``."""
    with store._connect() as conn:
        row = conn.execute(_TOKEN_LOOKUP, {"token": token_sha256}).first()
    if row is None:
        return None
    m = row._mapping
    expires = m["expires_at"]
    token = TokenInfo(
        m["token_id"],
        m["username"],
        as_utc(m["token_created_at"]),
        as_utc(expires) if expires is not None else None,
        as_utc(m["revoked_at"]) if m["revoked_at"] is not None else None,
        bool(m["revoked"]),
    )
    return user_info(row), token
