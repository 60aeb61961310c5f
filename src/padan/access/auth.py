"""Local users: argon2 password hashes, login with throttling, sessions and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from padan.access.policy import Principal, get_role
from padan.domain.regions import check_region
from padan.errors import FieldProblem, InputError, PadanError
from padan.i18n import N_
from padan.store import Store
from padan.store.sessions import (
    create_session,
    delete_session,
    login_succeeded,
    reserve_login,
    session_user,
    set_password_hash,
)
from padan.store.tokens import TokenInfo, add_api_token, token_lookup
from padan.store.users import UserInfo, add_user, find_user

__all__ = [
    "LoginThrottled",
    "TokenRejected",
    "change_password",
    "create_token",
    "create_user",
    "end_session",
    "issue_token",
    "login",
    "principal_for_session",
    "principal_for_token",
    "principal_for_user",
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


class TokenRejected(PadanError):
    """An API token that is unknown, revoked, expired, or whose user is deactivated."""


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
    _check_password(password)
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


def _check_password(password: str) -> None:
    if len(password) < _MIN_PASSWORD:
        raise InputError(
            f"the password must have at least {_MIN_PASSWORD} characters",
            problems=[
                FieldProblem(
                    "new",
                    N_("The password must have at least {num} characters."),
                    {"num": str(_MIN_PASSWORD)},
                )
            ],
        )


def issue_token(
    store: Store, username: str, *, days: int | None = None
) -> tuple[str, int, dt.datetime | None]:
    """A new API token for ``username``: (token, its id, when it expires or ``None``).

    ``days`` is its lifetime; ``None`` takes ``PADAN_TOKEN_DAYS`` (default 90); ``0`` makes a
    token that never expires. Only its hash is stored. Raises :class:`InputError`.
    """
    where = f"--days {days}"
    if days is None:
        from padan.settings import get_settings

        days = get_settings().token_days
        where = f"PADAN_TOKEN_DAYS={days}"
    if days < 0:
        raise InputError(f"{where}: a token lifetime is 0 days (never expires) or more")
    user = find_user(store, username)
    if user is None:
        raise InputError(f"no user {username!r}; add one with padan user add")
    if not user.active:
        raise InputError(f"user {username!r} is deactivated; reactivate with padan user reactivate")
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days) if days else None
    token = "padan_" + secrets.token_urlsafe(32)
    token_id = add_api_token(store, user.id, _sha256(token), expires)
    return token, token_id, expires


def create_token(store: Store, username: str, *, days: int | None = None) -> str:
    """A new API token for ``username`` (see :func:`issue_token`). Raises :class:`InputError`."""
    return issue_token(store, username, days=days)[0]


def _reserve(store: Store, username: str, client: str) -> int:
    """Count a password check as a failed attempt before it is made (see
    :func:`padan.store.sessions.reserve_login`); raises :class:`LoginThrottled` when the
    user or the client has had too many failures in :data:`THROTTLE_WINDOW`."""
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
    return attempt


def change_password(
    store: Store, username: str, current: str, new: str, *, session_id: str | None = None
) -> None:
    """Change a user's own password (which clears a forced change) and end the user's other
    web sessions (all but ``session_id``, the one that changed it); raises
    :class:`InputError` for a wrong current password, a short new one or the same one again,
    :class:`LoginThrottled` after too many wrong ones: a stolen session must not become a way
    to guess the password (the guesses count with the user's failed logins)."""
    attempt = _reserve(store, username, f"password-change:{username}")
    user = find_user(store, username)
    try:
        ok = user is not None and _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise InputError(
            "the current password is wrong",
            problems=[FieldProblem("current", N_("The current password is wrong."))],
        )
    login_succeeded(store, attempt)
    _check_password(new)
    if new == current:
        raise InputError(
            "the new password must differ from the current one",
            problems=[
                FieldProblem("new", N_("The new password must differ from the current one."))
            ],
        )
    keep = _sha256(session_id) if session_id else None
    set_password_hash(store, username, _hasher.hash(new), keep_session=keep)


def _principal(user: UserInfo) -> Principal:
    return Principal(user.username, get_role(user.role), user.region)


def login(store: Store, username: str, password: str, *, client: str) -> tuple[str, str]:
    """Check a password and open a session; returns (session id for the cookie, CSRF token).

    Raises :class:`LoginThrottled` after too many failures, :class:`InputError` for a wrong
    username or password (one message for both).
    """
    attempt = _reserve(store, username, client)
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


def principal_for_session(store: Store, session_id: str) -> tuple[Principal, str, bool] | None:
    """The principal, CSRF token and whether a password change is due, of a live session cookie
    of an active user, or ``None``."""
    found = session_user(store, _sha256(session_id))
    if found is None:
        return None
    return _principal(found[0]), found[1], found[0].must_change_password


def _rejection(user: UserInfo, token: TokenInfo) -> str | None:
    when = dt.datetime.now(dt.UTC)
    state = token.state(when)
    fix = f"ask an administrator for a new one (padan token create {user.username})"
    if state == "revoked" and token.revoked_at is not None:
        at = token.revoked_at.isoformat(timespec="seconds")
        return f"API token {token.id} was revoked at {at}; {fix}"
    if state == "revoked":
        return f"API token {token.id} was revoked; {fix}"
    if state == "expired" and token.expires_at is not None:
        at = token.expires_at.isoformat(timespec="seconds")
        return f"API token {token.id} expired at {at}; {fix}"
    if not user.active:
        return f"API token {token.id} belongs to a deactivated user; ask an administrator"
    return None


def principal_for_token(store: Store, token: str) -> Principal:
    """The principal of a live API token; raises :class:`TokenRejected` saying why not."""
    found = token_lookup(store, _sha256(token))
    if found is None:
        raise TokenRejected(
            "unknown API token; send Authorization: Bearer TOKEN with a token from "
            "padan token create"
        )
    problem = _rejection(*found)
    if problem:
        raise TokenRejected(problem)
    return _principal(found[0])


def principal_for_user(store: Store, username: str, *, given_as: str = "--as") -> Principal:
    """The principal of a named local user (the CLI's acting user): their role and region, as
    on the web. Raises :class:`InputError` for an unknown or deactivated user, naming where the
    name came from (``given_as``)."""
    user = find_user(store, username.strip())
    if user is None:
        raise InputError(
            f"{given_as} {username!r}: no such user in this store; see padan user list, or "
            "add one with padan user add"
        )
    if not user.active:
        raise InputError(
            f"{given_as} {username!r}: the user is deactivated; an admin can reactivate them "
            f"(padan user reactivate {user.username})"
        )
    return _principal(user)


def end_session(store: Store, session_id: str) -> None:
    delete_session(store, _sha256(session_id))
