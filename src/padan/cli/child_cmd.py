"""``padan child events``: what happened to a child (its timeline), or how many children's
events of each kind a region had in a period."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, cli_lang, out, store_from, tr, translate_errors
from padan.errors import InputError
from padan.i18n import label

__all__ = ["child_app"]

child_app = typer.Typer(help="One child's data: what happened to it.", no_args_is_help=True)


@child_app.command("events")
def events(
    child_id: Annotated[
        str | None,
        typer.Argument(help="A Padan child id (e.g. PDN000000123); without it: counts."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="YYYY-MM-DD", help="Counts: events from this day on."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="YYYY-MM-DD", help="Counts: events before this day."),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="Counts: in this region (code at any level)."),
    ] = None,
    purpose: Annotated[
        str, typer.Option("--purpose", help="Why you read this (kept in the audit log).")
    ] = "",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """A child's history newest first, or without CHILD_ID counts per kind in a region.

    Events: entered or left DTSEN, became eligible, started or stopped receiving an aid, moved
    region, KPAI case status changed, new complaint, NIK corrected; as the acting user's role
    may see them. Without CHILD_ID: how many of each kind in --region from --since to --until.

    Once the store has an admin, runs as a named user (padan --as NAME, or PADAN_CLI_USER)
    whose role has the profile (a child) or the dashboard (counts); audited."""
    from padan.cli.actor import data_user
    from padan.services.children import child_timeline
    from padan.services.timeline import child_event_counts, parse_day

    lang = cli_lang()
    with translate_errors():
        start, end = parse_day(since, "--since"), parse_day(until, "--until")
        if child_id:
            _counts_only(since=since, until=until, region=region)
        store = store_from(db)
        if child_id:
            who = data_user(store, command="padan child events", needs=("profile",))
            result = child_timeline(store, who, child_id.strip(), purpose=purpose, lang=lang)
        else:
            who = data_user(store, command="padan child events", needs=("dashboard",))
            result = child_event_counts(
                store, who, region=region, since=start, until=end, purpose=purpose
            )
    if as_json:
        out.print_json(json.dumps(result, default=str))
    elif child_id:
        _timeline(result)
    else:
        _counts(result, lang)


def _counts_only(**given: str | None) -> None:
    """Refuse the count flags next to a child id: a timeline is the child's whole history, and
    a flag silently ignored would let a user believe it was filtered."""
    flags = [f"--{name}" for name, value in given.items() if value is not None]
    if flags:
        raise InputError(
            f"{', '.join(flags)} apply to the counts only, not to a child's history; "
            "leave out the child id to count, or the flags to see the history"
        )


def _value(text: object) -> str:
    return "" if text is None else str(text)


def _timeline(result: dict[str, Any]) -> None:
    table = Table(title=tr("History of child %(child)s", child=result["child_id"]))
    for name in (tr("date"), tr("event"), tr("column"), tr("before"), tr("after"), tr("record")):
        table.add_column(name)
    for e in result["events"]:
        what = e["label"] + (f": {e['programs_text']}" if e["programs_text"] else "")
        table.add_row(
            e["date"],
            what,
            _value(e["field_label"]),
            _value(e["old_text"]),
            _value(e["new_text"]),
            e["record"],
        )
    out.print(table)
    if not result["events"]:
        out.print(tr("No changes recorded for this child yet."))


def _counts(result: dict[str, Any], lang: str) -> None:
    where = result["region"] or tr("every region you may see")
    period = f"{result['since'] or '…'} – {result['until'] or '…'}"
    table = Table(title=tr("Children's events: %(where)s, %(period)s", where=where, period=period))
    table.add_column(tr("event"))
    table.add_column(tr("events"), justify="right")
    for kind, n in result["events"].items():
        table.add_row(label("child_event", kind, lang), "<5" if n is None else f"{n:,}")
    out.print(table)
    children = result["children"]
    shown = "<5" if children is None else f"{children:,}"
    out.print(tr("Children with an event: %(count)s", count=shown))
    if result["suppressed"]:
        out.print(tr("Counts of 1 to 4 are shown as <5 for your role."))
