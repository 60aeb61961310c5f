"""Who the CLI acts as: a named local user (``padan --as NAME`` or ``PADAN_CLI_USER``).

Commands that decide (review decisions) or change accounts go through the same services as the
web app and the JSON API, with the acting user's role: the same policy, the same audit rows.
Until the store has an active admin, account commands may run without a name, as the local
operator ``cli:<login name>`` with the admin role, so the first admin can be made.
``padan explain`` runs as the named user when one is given, else as that local operator; its
reads of children's records are audited either way.
"""

from __future__ import annotations

import getpass

from padan.access.auth import principal_for_user
from padan.access.authorise import Forbidden, require
from padan.access.policy import Principal, get_role
from padan.errors import InputError
from padan.settings import get_settings
from padan.store import Store
from padan.store.users import count_active

__all__ = [
    "acting_name",
    "acting_user",
    "check_reviewer",
    "operator",
    "raw_reader",
    "reader",
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
    if reviewer is not None and reviewer.strip() != actor.username:
        rest = command.removeprefix("padan ")
        raise InputError(
            f"--reviewer {reviewer!r} is not the acting user {actor.username!r}: the reviewer is "
            f"whoever the command acts as; run padan --as {reviewer.strip()} {rest} ... (or "
            "leave out --reviewer)"
        )


def operator(store: Store, *, command: str) -> Principal:
    """Who an account command acts as: the named user when one is given; without one, the
    local operator ``cli:<login name>`` with the admin role, but only while the store has no
    active admin (to make the first one). Raises :class:`InputError` otherwise."""
    if acting_name() is not None or count_active(store, "admin") > 0:
        return acting_user(store, command=command)
    return _local_operator()


def reader(store: Store, *, command: str) -> Principal:
    """Who a command that shows a child's records acts as: the named user when one is given
    (their role must allow it), else the local operator; the read is audited either way."""
    if acting_name() is not None:
        return acting_user(store, command=command)
    return _local_operator()


def raw_reader(store: Store, *, command: str) -> Principal:
    """:func:`reader` for a command that shows records' values unshaped, as the model saw them
    (full NIKs, every region): a named user's role needs a national scope and full NIKs (the
    policy's ``nik = "full"``), as only such a role sees those values on the web.
    Raises :class:`~padan.access.authorise.Forbidden` otherwise."""
    who = reader(store, command=command)
    if acting_name() is None:
        return who
    require(who, "profile")
    if who.role.scope != "national" or not who.role.nik_full:
        raise Forbidden(
            f"role {who.role.name} does not see full NIKs in every region, which {command} "
            "shows; ask a user with such a role (peninjau)"
        )
    return who


def _local_operator() -> Principal:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without a passwd entry)
        name = "unknown"
    return Principal(f"cli:{name}", get_role("admin"), None)
