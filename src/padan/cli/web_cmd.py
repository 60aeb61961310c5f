"""``padan serve``, ``padan user add``, ``padan token create``."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from padan.cli.common import DbOption, fail, out, store_from, tr, translate_errors
from padan.i18n import N_

if TYPE_CHECKING:
    from padan.services.demo_users import DemoUser

__all__ = ["add_demo_users", "print_web_start", "serve", "token_app", "user_app"]

user_app = typer.Typer(help="Local users of the web app and API.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for machine clients (Bearer).", no_args_is_help=True)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, . _ -).")],
    role: Annotated[
        str,
        typer.Option(help="admin, analis_kpai, analis_kemensos, petugas_daerah, peninjau, auditor"),
    ],
    region: Annotated[
        str | None, typer.Option(help="Region code for petugas_daerah (e.g. 32 or 32.01).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user; the password is read from stdin and stored as an argon2 hash."""
    if not password_stdin:
        fail("give the password on standard input with --password-stdin", 2)
    password = sys.stdin.readline().rstrip("\r\n")
    from padan.cli.actor import operator
    from padan.services.accounts import add_account

    with translate_errors():
        store = store_from(db)
        actor = operator(store, command="padan user add")
        add_account(store, actor, username, role=role, password=password, region=region)
    who = f"[bold]{username}[/]"
    if region:
        out.print(
            tr("User %(user)s added as %(role)s for %(region)s", user=who, role=role, region=region)
        )
    else:
        out.print(tr("User %(user)s added as %(role)s", user=who, role=role))


@user_app.command("demo")
def user_demo(
    region: Annotated[
        str | None,
        typer.Option(help="Region of demo-daerah (default: the province with most records)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Add the demo role set: one user per role (demo-admin, demo-kpai, demo-kemensos,
    demo-daerah, demo-peninjau, demo-auditor), each with a printed one-time password that must
    be changed at the first login. For a demo store: once the store has an admin, run it as one
    (padan --as NAME user demo)."""
    print_web_start(db, add_demo_users(db, command="padan user demo", region=region))


def add_demo_users(db: str | None, *, command: str, region: str | None = None) -> list[DemoUser]:
    """Add the demo role set to the store (see :func:`padan.services.demo_users.demo_users`)."""
    from padan.cli.actor import operator
    from padan.services.demo_users import demo_users

    with translate_errors():
        store = store_from(db)
        return demo_users(store, operator(store, command=command), region=region)


def print_web_start(db: str | None, made: list[DemoUser] | None) -> None:
    """How to open the web app: the demo users and their one-time passwords when ``made``, else
    the commands that make them; then the exact ``padan serve`` and the address."""
    at = f" --db {db}" if db else ""
    padan = _padan_command()
    out.print("\n[bold]" + tr("Web app") + "[/]")
    if made is None:
        demo = f"[bold]{padan} user demo{at}[/]"
        admin = f"[bold]{padan} user add admin --role admin --password-stdin{at}[/]"
        out.print(
            "  1. "
            + tr("Demo accounts, one per role (one-time passwords): %(command)s", command=demo)
            + "\n     "
            + tr("or one first admin: %(command)s", command=admin)
            + "\n     "
            + tr("(type its password, at least 10 characters, then Enter)"),
            soft_wrap=True,
        )
    else:
        out.print(
            "  1. " + tr("Demo accounts (one-time passwords; to be changed at the first login):")
        )
        for user in made:
            secret = user.password or tr("(account already there; its password is unchanged)")
            role = user.role + (f" {user.region}" if user.region else "")
            tasks = tr(_TASKS[user.username]) if user.username in _TASKS else user.tasks
            out.print(
                f"     [bold]{user.username:<14}[/] {secret:<18} {role:<18} {tasks}",
                soft_wrap=True,
                highlight=False,
            )
    out.print(
        "  2. "
        + tr("Start the server: %(command)s", command="[bold]" + padan + " serve" + at + "[/]")
        + "\n  3. "
        + tr(
            "Open %(address)s and log in with one of the accounts.",
            address="[bold]http://127.0.0.1:8000/[/]",
        ),
        soft_wrap=True,
    )


#: What each demo user can try (:data:`padan.services.demo_users.DEMO_USERS` keeps them in
#: Bahasa Indonesia), for this run's language.
_TASKS = {
    "demo-admin": N_("users & API tokens, data upload, matching runs, audit log"),
    "demo-kpai": N_("dashboard, child search, KPAI data upload, follow-up lists"),
    "demo-kemensos": N_("follow-up lists, institutions, inspections, DTSEN data"),
    "demo-daerah": N_("one province: dashboard, follow-up lists, institutions"),
    "demo-peninjau": N_("matching review queue, duplicate institutions"),
    "demo-auditor": N_("audit log: who saw which child's data, and why"),
}


def _padan_command() -> str:
    """``padan`` when it is on the PATH, else the path this command was started by
    (``.venv/bin/padan`` from ``scripts/demo``), so the printed commands run as they are."""
    started = Path(sys.argv[0])
    if shutil.which("padan") or started.name != "padan":
        return "padan"
    try:
        relative = os.path.relpath(started)
    except ValueError:  # another drive (Windows)
        relative = ".."
    return str(started.resolve()) if relative.startswith("..") else relative


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="Whose token.")],
    days: Annotated[
        int | None,
        typer.Option(
            help="Days until it expires (default PADAN_TOKEN_DAYS, 90); 0: never expires."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Print a new API token (shown once; only its hash is kept). Use as: Authorization: Bearer"""
    from padan.cli.actor import operator
    from padan.services.accounts import grant_token

    with translate_errors():
        store = store_from(db)
        actor = operator(store, command="padan token create")
        token, _, _ = grant_token(store, actor, username, days=days)
    print(token)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (one per core helps).")] = 1,
    db: DbOption = None,
) -> None:
    """Run the web app and the API (/api/v1; OpenAPI schema at /api/v1/openapi.json)."""
    import os

    import uvicorn

    from padan.settings import get_settings
    from padan.web.app import app_from_settings

    with translate_errors():
        settings = get_settings(database_url=db)
        store = store_from(db)  # opens (and migrates) once, before any worker starts
    if settings.web_secure_cookies is None:  # by the address: plain HTTP only on loopback
        settings.web_secure_cookies = host not in ("127.0.0.1", "localhost", "::1")
    out.print(
        tr(
            "Padan web: %(address)s  (API: /api/v1, schema: /api/v1/openapi.json)",
            address="http://" + host + ":" + str(port) + "/",
        )
    )
    if workers > 1:
        # Each worker process builds its settings again from the environment: hand these on.
        os.environ.update(settings.environment())
        # A worker imports the whole app before it answers the supervisor's health check;
        # on a busy machine that takes longer than uvicorn's 5 s, and it would be killed.
        uvicorn.run(
            "padan.web.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
            timeout_worker_healthcheck=60,
            proxy_headers=False,  # the app believes X-Forwarded-For from PADAN_TRUSTED_PROXIES only
        )
        return
    app = app_from_settings(store, settings)
    uvicorn.run(
        app, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False
    )
