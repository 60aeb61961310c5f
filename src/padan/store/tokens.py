"""API tokens: only a token's hash is kept, with the user it belongs to."""

from __future__ import annotations

import datetime as dt

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
)

from padan.store.database import Store
from padan.store.tables import metadata
from padan.store.users import UserInfo, user_info, users

__all__ = ["add_api_token", "api_tokens", "user_for_token"]

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, server_default="0"),
)


def add_api_token(store: Store, user_id: int, token_sha256: str) -> None:
    """Keep the hash of a new API token (the token itself is never stored)."""
    with store._begin() as conn:
        conn.execute(
            api_tokens.insert().values(
                user_id=user_id,
                token_sha256=token_sha256,
                created_at=dt.datetime.now(dt.UTC),
                revoked=False,
            )
        )


# Built once: every API request looks its token up (see padan.store.children on why).
_USER_FOR_TOKEN = (
    select(users)
    .join(api_tokens, api_tokens.c.user_id == users.c.id)
    .where(api_tokens.c.token_sha256 == bindparam("token"), ~api_tokens.c.revoked, users.c.active)
)


def user_for_token(store: Store, token_sha256: str) -> UserInfo | None:
    with store._connect() as conn:
        row = conn.execute(_USER_FOR_TOKEN, {"token": token_sha256}).first()
    return user_info(row) if row else None
