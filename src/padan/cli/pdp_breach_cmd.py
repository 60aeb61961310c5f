"""``padan pdp breach-report``: which children and regions an account or a token touched."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, cli_lang, out, store_from, tr, translate_errors
from padan.cli.pdp_common import OutOption, parse_moment, pdp_actor, write_whole
from padan.errors import InputError
from padan.i18n.codes import shown

__all__ = ["pdp_breach_report"]


def pdp_breach_report(
    since: Annotated[str, typer.Option(help="Window start: 2026-12-01 or 2026-12-01T08:00.")],
    until: Annotated[str, typer.Option(help="Window end (a date alone: to the end of that day).")],
    user: Annotated[str | None, typer.Option("--user", help="The account.")] = None,
    token: Annotated[
        int | None,
        typer.Option(
            "--token",
            help="An API token's id (padan token list): its account, while the token was valid.",
        ),
    ] = None,
    known_at: Annotated[
        str | None, typer.Option(help="When the breach became known (default: now).")
    ] = None,
    out_path: OutOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Which children and regions an account (or an API token's account, while the token was
    valid) touched in a time window, from the audit log, with the 3×24 h notification deadline
    (audited)."""
    from padan.pdp import breach_report, token_window

    with translate_errors():
        if (user is None) == (token is None):
            raise InputError("name the account (--user NAME) or the API token (--token ID), one")
        start = parse_moment(since, "--since")
        end = parse_moment(until, "--until", end_of_day=True)
        known = parse_moment(known_at, "--known-at") if known_at else None
        store = store_from(db)
        if token is not None:
            user, start, end = token_window(store, token, since=start, until=end)
        assert user is not None
        report = breach_report(
            store,
            username=user,
            since=start,
            until=end,
            actor=pdp_actor(db, "padan pdp breach-report", "audit"),
            known_at=known,
        )
        body = {
            "user": report.username,
            "token": token,
            "since": report.since.isoformat(),
            "until": report.until.isoformat(),
            "known_at": report.known_at.isoformat(),
            "notify_by": report.notify_by.isoformat(),
            "notice": report.notice,
            "audit_rows": report.audit_rows,
            "actions": report.actions,
            "children": len(report.child_ids),
            "child_ids": list(report.child_ids),
            "children_not_in_latest_run": list(report.children_not_in_latest_run),
            "regions": [
                {"code": r.code, "level": r.level, "name": r.name, "children": r.children}
                for r in report.regions
            ],
        }
        if out_path is not None:
            write_whole(
                out_path, json.dumps(body, ensure_ascii=False, indent=2) + "\n", private=True
            )
    if as_json:
        out.print_json(json.dumps(body, ensure_ascii=False))
        return
    lang = cli_lang()
    out.print(
        tr(
            "Account %(user)s, %(since)s to %(until)s UTC: %(rows)s audit rows, "
            "%(children)s children.",
            user=escape(report.username),
            since=format(report.since, "%Y-%m-%d %H:%M"),
            until=format(report.until, "%Y-%m-%d %H:%M"),
            rows=report.audit_rows,
            children=len(report.child_ids),
        )
    )
    for action, count in report.actions.items():
        out.print(f"  {shown('audit_action', action, lang)}: {count}")
    table = Table(title=tr("Regions touched"))
    for name in (tr("code"), tr("level"), tr("name"), tr("children")):
        table.add_column(name)
    for r in report.regions:
        level = shown("region_level", r.level, lang)
        table.add_row(r.code, level, escape(r.name), str(r.children))
    out.print(table)
    notify = tr("Notify by %(at)s UTC", at=format(report.notify_by, "%Y-%m-%d %H:%M"))
    out.print(
        f"[bold]{notify}[/] "
        + tr("(known at %(at)s UTC + 3×24 h).", at=format(report.known_at, "%Y-%m-%d %H:%M"))
        + " "
        + tr(
            "UU 27/2022 Pasal 46: written notice to the data subjects (the children's parents "
            "or guardians) and the PDP authority within 3×24 hours (72 h), stating the data "
            "exposed, when and how, and the handling and recovery (docs/domain.md §7.1)"
        )
    )
    if out_path is not None:
        out.print(tr("Child ids and regions written to %(file)s", file=out_path))
