"""``padan changes``: how many records were added, changed (which fields) and removed."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, cli_lang, out, store_from, tr, translate_errors
from padan.i18n import label

__all__ = ["ChangeSource", "changes"]


class ChangeSource(StrEnum):
    dtsen = "dtsen"
    kpai = "kpai"
    lembaga = "lembaga"
    kemensos = "kemensos"
    simfoni = "simfoni"


def changes(
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="YYYY-MM-DD", help="Only events from this day on."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="YYYY-MM-DD", help="Only events before this day."),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="Only records in this region (code at any level)."),
    ] = None,
    source: Annotated[
        ChangeSource | None, typer.Option("--source", help="Only this source.")
    ] = None,
    purpose: Annotated[
        str, typer.Option("--purpose", help="Why you read these counts (kept in the audit log).")
    ] = "",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record changes between extracts: added, changed (per field) and removed, as counts.

    Once the store has an admin, runs as a named user (padan --as NAME, or PADAN_CLI_USER)
    whose role has the dashboard, in that role's regions; audited. No NIK or name is shown."""
    from padan.cli.actor import data_user
    from padan.services.changes import change_counts
    from padan.services.timeline import parse_day

    with translate_errors():
        start, end = parse_day(since, "--since"), parse_day(until, "--until")
        store = store_from(db)
        who = data_user(store, command="padan changes", needs=("dashboard",))
        counts = change_counts(
            store,
            who,
            source=source.value if source else None,
            region=region,
            since=start,
            until=end,
            purpose=purpose,
        )
    if as_json:
        out.print_json(json.dumps(counts))
        return
    _render(counts)


def _count(n: int | None) -> str:
    return "<5" if n is None else f"{n:,}"


def _render(counts: dict[str, Any]) -> None:
    lang = cli_lang()
    where = counts["region"] or tr("every region you may see")
    period = f"{counts['since'] or '…'} – {counts['until'] or '…'}"
    table = Table(title=tr("Record changes: %(where)s, %(period)s", where=where, period=period))
    table.add_column(tr("event"))
    table.add_column(tr("records"), justify="right")
    names = {"added": tr("added"), "changed": tr("changed"), "removed": tr("removed")}
    for kind, n in counts["events"].items():
        table.add_row(names.get(kind, kind), _count(n))
    out.print(table)
    for name, fields in counts["fields"].items():
        detail = Table(title=tr("Changed fields (%(source)s)", source=label("source", name, lang)))
        detail.add_column(tr("column"))
        detail.add_column(tr("records"), justify="right")
        for field, n in fields.items():
            detail.add_row(label("column", field, lang), _count(n))
        out.print(detail)
    if counts["suppressed"]:
        out.print(tr("Counts of 1 to 4 are shown as <5 for your role."))
