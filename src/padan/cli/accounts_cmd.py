"""``padan user list|deactivate|reactivate|require-password-change`` and
``padan token list|revoke``: the account lifecycle (``padan user add`` and ``padan token create``
live in :mod:`padan.cli.web_cmd`).

The CLI acts as the named local user (``--as``, ``PADAN_CLI_USER``; see
:func:`padan.cli.actor.operator`).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from padan.cli.actor import operator
from padan.cli.common import DbOption, JsonOption, cli_lang, out, store_from, tr, translate_errors
from padan.cli.web_cmd import token_app, user_app
from padan.i18n import N_
from padan.i18n.codes import shown

__all__ = ["token_app", "user_app"]

UserArgument = Annotated[str, typer.Argument(help="The user's login name.")]


@user_app.command("list")
def user_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every user: role, region, active or deactivated, whether a password change is due."""
    from padan.services.accounts import users

    with translate_errors():
        store = store_from(db)
        rows = users(store, operator(store, command="padan user list"))
    if as_json:
        out.print_json(json.dumps({"users": rows}))
        return
    lang = cli_lang()
    table = Table(title=tr("Users"))
    heads = (tr("user"), tr("role"), tr("region"), tr("status"), tr("password change"))
    for name in (*heads, tr("created")):
        table.add_column(name)
    for r in rows:
        table.add_row(
            escape(r["username"]),
            shown("role", r["role"], lang),
            r["region"] or "",
            tr("active") if r["active"] else tr("deactivated"),
            tr("required") if r["must_change_password"] else "",
            r["created_at"],
        )
    out.print(table)


#: A token's state (``padan token list``) for people.
_TOKEN_STATES = {"active": N_("active"), "revoked": N_("revoked"), "expired": N_("expired")}


def _token_state(state: str) -> str:
    return tr(_TOKEN_STATES[state]) if state in _TOKEN_STATES else state


def _said(changed: bool, done: str, already: str) -> None:
    out.print(done if changed else already)


@user_app.command("deactivate")
def user_deactivate(username: UserArgument, db: DbOption = None) -> None:
    """Deactivate a user: no login; their sessions and API tokens stop working at once."""
    from padan.services.accounts import deactivate

    with translate_errors():
        store = store_from(db)
        changed = deactivate(store, operator(store, command="padan user deactivate"), username)
    _said(
        changed,
        tr("User %(user)s deactivated.", user=username),
        tr("User %(user)s was already deactivated.", user=username),
    )


@user_app.command("reactivate")
def user_reactivate(username: UserArgument, db: DbOption = None) -> None:
    """Let a deactivated user log in again (unrevoked, unexpired tokens work again)."""
    from padan.services.accounts import reactivate

    with translate_errors():
        store = store_from(db)
        changed = reactivate(store, operator(store, command="padan user reactivate"), username)
    _said(
        changed,
        tr("User %(user)s reactivated.", user=username),
        tr("User %(user)s was already active.", user=username),
    )


@user_app.command("require-password-change")
def user_require_password_change(username: UserArgument, db: DbOption = None) -> None:
    """Send the user to the change-password page after login until they change it."""
    from padan.services.accounts import require_password_change

    with translate_errors():
        store = store_from(db)
        changed = require_password_change(
            store, operator(store, command="padan user require-password-change"), username
        )
    _said(
        changed,
        tr("User %(user)s must change the password at the next page they open.", user=username),
        tr("User %(user)s already had to change the password.", user=username),
    )


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """API tokens (never the tokens themselves): id, user, created, expires, state."""
    from padan.services.accounts import tokens

    with translate_errors():
        store = store_from(db)
        rows = tokens(store, operator(store, command="padan token list"), user)
    if as_json:
        out.print_json(json.dumps({"tokens": rows}))
        return
    table = Table(title=tr("API tokens"))
    for name in ("id", tr("user"), tr("created"), tr("expires"), tr("state")):
        table.add_column(name)
    for r in rows:
        state = _token_state(r["state"]) + (f" {r['revoked_at']}" if r["revoked_at"] else "")
        expires = r["expires_at"] or tr("never")
        table.add_row(str(r["id"]), escape(r["username"]), r["created_at"], expires, state)
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (see padan token list).")],
    db: DbOption = None,
) -> None:
    """Revoke an API token at once: requests with it get 401."""
    from padan.services.accounts import revoke_token

    with translate_errors():
        store = store_from(db)
        changed = revoke_token(store, operator(store, command="padan token revoke"), token_id)
    _said(
        changed,
        tr("Token %(id)s revoked.", id=token_id),
        tr("Token %(id)s was already revoked.", id=token_id),
    )
