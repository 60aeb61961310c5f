"""Who the CLI acts as: a named local user (``padan --as NAME`` or ``PADAN_CLI_USER``).

Commands that decide (review decisions) or change accounts go through the same services as the
web app and the JSON API, with the acting user's role: the same policy, the same audit rows.
Until the store has an active admin, account commands may run without a name, as the local
operator ``cli:<login name>`` with the admin role, so the first admin can be made.
``padan explain`` runs as the named user when one is given, else as that local operator; its
reads of children's records are audited either way.

Commands that show children's data (``padan report``, ``padan export``, ``padan quarantine``,
``padan review list``) or change institutions take their user from :func:`data_user`: once the
store has an active admin, a named user whose role has the permission the web app asks for the
same data, with the output shaped by that role; before that (a fresh install), the local
operator ``cli:<login name>`` with every permission and no shaping (:func:`is_local`), still
audited.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from functools import cache

from padan.access.auth import principal_for_user
from padan.access.authorise import Forbidden, require
from padan.access.policy import PERMISSIONS, ROLES, Principal, Role, get_role
from padan.errors import InputError
from padan.settings import get_settings
from padan.store import Store
from padan.store.audit import CLI_ROLE
from padan.store.users import count_active

__all__ = [
    "acting_name",
    "acting_user",
    "check_actor_name",
    "check_reviewer",
    "data_user",
    "is_local",
    "operator",
    "raw_reader",
    "reader",
    "refusal",
    "set_acting_name",
]

#: ``--as NAME`` of the running command (set by the ``padan`` callback on every invocation).
_given: list[str | None] = [None]


def set_acting_name(name: str | None) -> None:
    """Remember ``--as NAME`` for this invocation (``None``: not given)."""
    _given[0] = name.strip() if name and name.strip() else None


def acting_name() -> tuple[str, str] | None:
    """The acting user's name and where it came from (``--as`` or ``PADAN_CLI_USER``)."""
    if _given[0]:
        return _given[0], "--as"
    configured = get_settings().cli_user
    if configured and configured.strip():
        return configured.strip(), "PADAN_CLI_USER"
    return None


def acting_user(store: Store, *, command: str) -> Principal:
    """The principal of the named local user ``command`` runs as. Raises :class:`InputError`
    when no user is named, or the name is unknown or deactivated."""
    named = acting_name()
    if named is None:
        rest = command.removeprefix("padan ")
        raise InputError(
            f"{command} acts as a named user: run padan --as NAME {rest} ..., or set "
            "PADAN_CLI_USER=NAME (a user of padan user list)"
        )
    return principal_for_user(store, named[0], given_as=named[1])


def check_reviewer(actor: Principal, reviewer: str | None, *, command: str) -> None:
    """An old ``--reviewer NAME`` is only taken when it names the acting user: a typed name is
    not who decided. Raises :class:`InputError` otherwise."""
    check_actor_name(actor, reviewer, flag="--reviewer", role="reviewer", command=command)


def check_actor_name(
    actor: Principal, given: str | None, *, flag: str, role: str, command: str
) -> None:
    """An old ``--reviewer NAME`` / ``--by NAME`` is only taken when it names the acting user
    (the local operator, before the store has an admin, takes any). Raises :class:`InputError`
    otherwise."""
    if given is None or is_local(actor) or given.strip() == actor.username:
        return
    rest = command.removeprefix("padan ")
    raise InputError(
        f"{flag} {given!r} is not the acting user {actor.username!r}: the {role} is "
        f"whoever the command acts as; run padan --as {given.strip()} {rest} ... (or "
        f"leave out {flag})"
    )


def data_user(store: Store, *, command: str, needs: Sequence[str]) -> Principal:
    """Who a command that shows children's data or changes institutions acts as.

    With an active admin in the store (accounts are in use): the named user, whose role must
    have every permission of ``needs`` (those the web app asks for the same data). Before
    that: the named user if one is given, else the local operator ``cli:<login name>`` with
    every permission and nothing shaped (:func:`is_local`); its reads are audited all the same.
    Raises :class:`InputError` (no or unknown user) or
    :class:`~padan.access.authorise.Forbidden` (the role lacks a permission).
    """
    if acting_name() is None and count_active(store, "admin") == 0:
        return Principal(_login(), _operator_role(), None)
    who = acting_user(store, command=command)
    for permission in needs:
        if not who.can(permission):
            raise Forbidden(refusal(who, permission, command=command))
    return who


def refusal(p: Principal, permission: str, *, command: str) -> str:
    """Why ``p`` may not run ``command``: the permission it lacks and the roles that have it."""
    holders = [r for r in ROLES if permission in get_role(r).permissions]
    return (
        f"role {p.role.name} may not use {permission}, which {command} needs; roles with "
        f"it: {', '.join(holders) or 'none'} (run padan --as NAME with a user of such a role)"
    )


def is_local(p: Principal) -> bool:
    """Whether ``p`` is the local operator of a store without an admin (nothing shaped)."""
    return p.role.name == CLI_ROLE


@cache
def _operator_role() -> Role:
    """Every permission, field, source and worklist of the policy, national, full NIKs: the
    store's holder before accounts are in use, as the CLI always ran. Recorded as role ``cli``."""
    roles = [get_role(r) for r in ROLES]
    return Role(
        CLI_ROLE,
        "Operator lokal (belum ada admin)",
        "national",
        frozenset(PERMISSIONS),
        tuple(sorted({s for r in roles for s in r.sources})),
        frozenset().union(*(r.fields for r in roles)),
        frozenset().union(*(r.groups for r in roles)),
        True,
        tuple(sorted({s for r in roles for s in r.ingest})),
        False,
        tuple(dict.fromkeys(w for r in roles for w in r.worklists)),
        frozenset().union(*(r.audit_fields for r in roles)),
    )


def operator(store: Store, *, command: str) -> Principal:
    """Who an account command acts as: the named user when one is given; without one, the
    local operator ``cli:<login name>`` with the admin role, but only while the store has no
    active admin (to make the first one). Raises :class:`InputError` otherwise."""
    if acting_name() is not None or count_active(store, "admin") > 0:
        return acting_user(store, command=command)
    return _local_operator()


def reader(store: Store, *, command: str) -> Principal:
    """Who a command that shows a child's records acts as: the named user (their role must
    allow it); without one, the local operator, but only while the store has no active admin
    (as :func:`data_user`). The read is audited either way."""
    return operator(store, command=command)


def raw_reader(store: Store, *, command: str) -> Principal:
    """:func:`reader` for a command that shows records' values unshaped, as the model saw them
    (full NIKs, every region): a named user's role needs a national scope and full NIKs (the
    policy's ``nik = "full"``), as only such a role sees those values on the web.
    Raises :class:`~padan.access.authorise.Forbidden` otherwise."""
    who = reader(store, command=command)
    if acting_name() is None:  # the local operator (reader refuses that once an admin exists)
        return who
    require(who, "profile")
    if who.role.scope != "national" or not who.role.nik_full:
        raise Forbidden(
            f"role {who.role.name} does not see full NIKs in every region, which {command} "
            "shows; ask a user with such a role (peninjau)"
        )
    return who


def _local_operator() -> Principal:
    return Principal(_login(), get_role("admin"), None)


def _login() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without a passwd entry)
        name = "unknown"
    return f"cli:{name}"
