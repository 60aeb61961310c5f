"""Local users: argon2 password hashes, login with throttling, sessions and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from padan.domain.regions import check_region
from padan.errors import InputError, PadanError
from padan.store import Store
from padan.store.sessions import (
    create_session,
    delete_session,
    login_succeeded,
    reserve_login,
    session_user,
)
from padan.store.tokens import add_api_token, user_for_token
from padan.store.users import UserInfo, add_user, find_user
from padan.web.policy import Principal, get_role

__all__ = [
    "LoginThrottled",
    "create_token",
    "create_user",
    "end_session",
    "login",
    "principal_for_session",
    "principal_for_token",
]

_hasher = PasswordHasher()
#: Failed logins allowed in the window, per username and per client address.
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20
THROTTLE_WINDOW = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(hours=8)
_MIN_PASSWORD = 10
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("padan-dummy-password")


class LoginThrottled(PadanError):
    """Too many failed logins for this username or from this address; try again later."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_user(
    store: Store, username: str, *, role: str, password: str, region: str | None = None
) -> int:
    """Add a local user; ``region`` (a region code) is required for ``petugas_daerah`` only.

    Raises :class:`InputError` for an unknown role, a missing or unknown region, a region given
    to a national role, a short password, a bad or taken username.
    """
    get_role(role)
    name = username.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-" for c in name):
        raise InputError(f"username {username!r} must be 1-64 letters, digits, '.', '_' or '-'")
    if len(password) < _MIN_PASSWORD:
        raise InputError(f"the password must have at least {_MIN_PASSWORD} characters")
    code: str | None = None
    if get_role(role).scope == "region":
        if not region:
            raise InputError(f"role {role} needs --region CODE (e.g. 32 or 32.01)")
        check = check_region(region)
        if not check.ok or check.code is None:
            raise InputError(f"region {region!r} is not a known region code ({check.status})")
        code = check.code
    elif region:
        raise InputError(f"role {role} sees every region; --region is only for petugas_daerah")
    return add_user(
        store, username=name, password_hash=_hasher.hash(password), role=role, region=code
    )


def create_token(store: Store, username: str) -> str:
    """A new API token for ``username``; only its hash is stored. Raises :class:`InputError`."""
    user = find_user(store, username)
    if user is None:
        raise InputError(f"no user {username!r}; add one with padan user add")
    token = "padan_" + secrets.token_urlsafe(32)
    add_api_token(store, user.id, _sha256(token))
    return token


def _principal(user: UserInfo) -> Principal:
    return Principal(user.username, get_role(user.role), user.region)


def login(store: Store, username: str, password: str, *, client: str) -> tuple[str, str]:
    """Check a password and open a session; returns (session id for the cookie, CSRF token).

    Raises :class:`LoginThrottled` after too many failures, :class:`InputError` for a wrong
    username or password (one message for both).
    """
    attempt = reserve_login(
        store,
        username=username,
        client=client,
        since=dt.datetime.now(dt.UTC) - THROTTLE_WINDOW,
        max_per_user=MAX_FAILURES_PER_USER,
        max_per_client=MAX_FAILURES_PER_CLIENT,
    )
    if attempt is None:
        raise LoginThrottled("too many failed logins; try again in 15 minutes")
    user = find_user(store, username)
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active
    if not ok or user is None:
        raise InputError("wrong username or password")  # the attempt stays a failure
    login_succeeded(store, attempt)
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    create_session(
        store,
        id_sha256=_sha256(session_id),
        user_id=user.id,
        csrf_token=csrf,
        expires_at=dt.datetime.now(dt.UTC) + SESSION_LIFETIME,
    )
    return session_id, csrf


def principal_for_session(store: Store, session_id: str) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session cookie, or ``None``."""
    found = session_user(store, _sha256(session_id))
    return (_principal(found[0]), found[1]) if found else None


def principal_for_token(store: Store, token: str) -> Principal | None:
    user = user_for_token(store, _sha256(token))
    return _principal(user) if user else None


def end_session(store: Store, session_id: str) -> None:
    delete_session(store, _sha256(session_id))
