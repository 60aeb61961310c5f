"""Account lifecycle: list users and tokens, deactivate and reactivate users, force a password
change, issue and revoke API tokens. Every change is written to the audit log (who, what,
whom; never a password or a token).

The web admin page and ``padan user``/``padan token`` call these; they need ``manage_users``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from padan.access.auth import change_password, create_user, issue_token
from padan.access.authorise import audit, require
from padan.access.policy import Principal
from padan.errors import InputError
from padan.store import Store
from padan.store.sessions import deactivate_user
from padan.store.tokens import find_api_token, list_api_tokens, revoke_api_token
from padan.store.users import (
    UserInfo,
    find_user,
    list_users,
    set_must_change_password,
    set_user_active,
)

__all__ = [
    "add_account",
    "change_own_password",
    "deactivate",
    "grant_token",
    "reactivate",
    "require_password_change",
    "revoke_token",
    "tokens",
    "users",
]

_PERMISSION = "manage_users"


def _user(store: Store, username: str) -> UserInfo:
    user = find_user(store, username)
    if user is None:
        raise InputError(f"no user {username!r}; see the users with padan user list")
    return user


def users(store: Store, p: Principal) -> list[dict[str, Any]]:
    """Every user: name, role, region, active, whether a password change is due."""
    require(p, _PERMISSION)
    return [
        {
            "username": u.username,
            "role": u.role,
            "region": u.region,
            "active": u.active,
            "must_change_password": u.must_change_password,
            "created_at": u.created_at.isoformat(timespec="seconds") if u.created_at else "",
        }
        for u in list_users(store)
    ]


def _when(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def tokens(store: Store, p: Principal, username: str | None = None) -> list[dict[str, Any]]:
    """Every API token (of ``username``), newest first, with its state; never the token."""
    require(p, _PERMISSION)
    if username is not None:
        _user(store, username)
    now = dt.datetime.now(dt.UTC)
    return [
        {
            "id": t.id,
            "username": t.username,
            "created_at": _when(t.created_at),
            "expires_at": _when(t.expires_at),
            "revoked_at": _when(t.revoked_at),
            "state": t.state(now),
        }
        for t in list_api_tokens(store, username)
    ]


def add_account(
    store: Store, p: Principal, username: str, *, role: str, password: str, region: str | None
) -> None:
    """Add a user (see :func:`padan.access.auth.create_user`), audited."""
    require(p, _PERMISSION)
    create_user(store, username, role=role, password=password, region=region)
    audit(store, p, "user_add", f"user:{username.strip()} role:{role}")


def deactivate(store: Store, p: Principal, username: str) -> bool:
    """Deactivate a user: no login, and their sessions and tokens stop at once. Returns whether
    anything changed. Raises :class:`InputError` for an unknown user or the last active admin."""
    require(p, _PERMISSION)
    user = _user(store, username)
    # One transaction checks and deactivates: two admins deactivating each other at once
    # cannot both pass the check.
    outcome = deactivate_user(store, user.username, keep_one="admin")
    if outcome == "last":
        raise InputError(
            f"user {username!r} is the last active admin; add or reactivate another admin "
            "first (padan user add NAME --role admin --password-stdin)"
        )
    if outcome != "deactivated":
        return False
    audit(store, p, "user_deactivate", f"user:{user.username}")
    return True


def reactivate(store: Store, p: Principal, username: str) -> bool:
    """Let a deactivated user log in again (their tokens work again unless revoked or expired;
    their old sessions were ended)."""
    require(p, _PERMISSION)
    user = _user(store, username)
    if user.active:
        return False
    set_user_active(store, user.username, True)
    audit(store, p, "user_reactivate", f"user:{user.username}")
    return True


def require_password_change(store: Store, p: Principal, username: str) -> bool:
    """Send the user to the change-password page after their next login (and now, if logged in)
    until they change it."""
    require(p, _PERMISSION)
    user = _user(store, username)
    if user.must_change_password:
        return False
    set_must_change_password(store, user.username, True)
    audit(store, p, "user_require_password_change", f"user:{user.username}")
    return True


def change_own_password(
    store: Store, p: Principal, current: str, new: str, *, session_id: str | None = None
) -> None:
    """A user changes their own password (any role may; also the change an admin forced),
    which ends their other web sessions (all but ``session_id``, the one in use); audited
    without the passwords."""
    change_password(store, p.username, current, new, session_id=session_id)
    audit(store, p, "password_change", f"user:{p.username}")


def grant_token(
    store: Store, p: Principal, username: str, *, days: int | None = None
) -> tuple[str, int, dt.datetime | None]:
    """A new API token for ``username`` (see :func:`padan.access.auth.issue_token`), audited by
    its id and expiry, never the token."""
    require(p, _PERMISSION)
    token, token_id, expires = issue_token(store, username, days=days)
    until = _when(expires) or "never"
    audit(store, p, "token_create", f"token:{token_id} user:{username} expires:{until}")
    return token, token_id, expires


def revoke_token(store: Store, p: Principal, token_id: int) -> bool:
    """Revoke an API token at once; returns whether it was live. Raises :class:`InputError`
    for an unknown id."""
    require(p, _PERMISSION)
    token = find_api_token(store, token_id)
    if token is None:
        raise InputError(f"no API token with id {token_id}; see the ids with padan token list")
    if token.revoked:
        return False
    revoke_api_token(store, token_id)
    audit(store, p, "token_revoke", f"token:{token_id} user:{token.username}")
    return True
