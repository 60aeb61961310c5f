"""``padan source add|list|show|remove``: the sources a store takes, from definition files."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, out, padan_from, tr, translate_errors
from padan.errors import InputError

__all__ = ["source_app"]

source_app = typer.Typer(
    help="Sources: KPAI, DTSEN, institutions built in; any other agency's extract declared by a "
    "definition file (docs/manual/sources.md).",
    no_args_is_help=True,
)


@source_app.command("add")
def add(
    definition: Annotated[
        str, typer.Argument(help="A source definition file (TOML), or the template 'orang'.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="The source's name (and its table) in this store.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Declare a source: then `padan ingest NAME FILE` takes its extracts."""
    with translate_errors():
        added = padan_from(db).add_source(definition, name=name)
    extract = added.extract
    if added.added:
        out.print(
            tr(
                "Source %(source)s added (%(columns)s columns, one row per %(unit)s). "
                "Ingest its files with: padan ingest %(source)s FILE",
                source=f"[bold]{extract.source}[/]",
                columns=len(extract.columns),
                unit=extract.unit,
            )
        )
    else:
        out.print(
            tr("Source %(source)s was added before with this definition.", source=extract.source)
        )


@source_app.command("list")
def list_sources(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every source this store takes, with its table and what one row is."""
    with translate_errors():
        sources = padan_from(db).sources()
    if as_json:
        rows = [
            {
                "source": e.source,
                "extract": e.name,
                "owner": e.owner,
                "unit": e.unit,
                "links": e.links,
                "builtin": e.builtin,
                "columns": list(e.column_names),
            }
            for e in sources
        ]
        out.print_json(json.dumps(rows))
        return
    table = Table(title=tr("Sources"))
    for heading in (tr("source"), tr("table"), tr("owner"), tr("one row per"), tr("matched")):
        table.add_column(heading)
    for e in sources:
        table.add_row(
            e.source + ("" if e.builtin else " *"),
            e.name,
            e.owner,
            e.unit,
            tr("yes") if e.links else tr("no"),
        )
    out.print(table)
    if any(not e.builtin for e in sources):
        out.print(tr("* declared in this store"))


@source_app.command("show")
def show(
    source: Annotated[str, typer.Argument(help="A source name (see padan source list).")],
    roles: Annotated[
        bool,
        typer.Option("--roles", help="Which roles the data-sharing policy lets see each column."),
    ] = False,
    db: DbOption = None,
) -> None:
    """The definition of a source as the store reads it (a starting point for your own)."""
    with translate_errors():
        padan = padan_from(db)
        found = {e.source: e for e in padan.sources()}
        if source not in found:
            raise InputError(f"unknown source {source!r}; use one of: {', '.join(found)}")
        seen = padan.source_exposure(source) if roles else {}
    if not roles:
        out.print(found[source].text, markup=False, highlight=False)
        return
    table = Table(title=tr("Who sees %(source)s", source=source))
    table.add_column(tr("column"))
    table.add_column(tr("roles"))
    for column, names in seen.items():
        table.add_row(column, ", ".join(names) or "–")
    out.print(table)


@source_app.command("remove")
def remove(
    source: Annotated[str, typer.Argument(help="A declared source that holds no batch.")],
    db: DbOption = None,
) -> None:
    """Remove a declared source added by mistake (one that holds no batch)."""
    with translate_errors():
        padan_from(db).remove_source(source)
    out.print(tr("Source %(source)s removed.", source=source))
