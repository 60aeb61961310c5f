"""``padan ingest kpai|dtsen|lembaga FILE``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.common import (
    DbOption,
    JsonOption,
    cli_lang,
    out,
    padan_from,
    progress_bar,
    tr,
    translate_errors,
)
from padan.i18n import label
from padan.ingest import IngestSummary

__all__ = ["Source", "ingest", "render_summary"]


class Source(StrEnum):
    kpai = "kpai"
    dtsen = "dtsen"
    lembaga = "lembaga"


def ingest(
    source: Annotated[Source, typer.Argument(help="Which extract: kpai, dtsen or lembaga.")],
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, Parquet or JSON lines file.")],
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="TOML file mapping other headers to the format."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Validate and store one agency extract; every row is accepted or quarantined with a reason."""
    with translate_errors():
        padan = padan_from(db)
        with progress_bar(tr("Ingest %(file)s", file=file.name)) as progress:
            summary = padan.ingest(source.value, file, mapping=mapping, progress=progress)
    if as_json:
        out.print_json(json.dumps(summary.to_json()))
    else:
        render_summary(summary)


def render_summary(summary: IngestSummary) -> None:
    """The summary table: read / accepted / quarantined, then flags and reasons by count."""
    lang = cli_lang()
    title = f"{summary.file} → batch {summary.batch_id} ({summary.source}, {summary.format})"
    if summary.already_ingested:
        out.print(
            "[yellow]"
            + tr(
                "Already ingested as batch %(batch)s: same content, nothing stored again.",
                batch=summary.batch_id,
            )
            + "[/]"
        )
    out.print(f"\n[bold]{title}[/]")
    table = Table(show_header=True)
    table.add_column(tr("rows"))
    table.add_column(tr("count"), justify="right")
    table.add_row(tr("read"), f"{summary.read:,}")
    table.add_row(tr("accepted"), f"[green]{summary.accepted:,}[/]")
    table.add_row(
        tr("quarantined"),
        f"[red]{summary.quarantined:,}[/]" if summary.quarantined else "0",
    )
    if summary.superseded:
        table.add_row(tr("superseding an older version"), f"{summary.superseded:,}")
    out.print(table)
    for heading, counts in (
        (tr("Quarantine reasons"), summary.quarantine_reasons),
        (tr("Quality flags (rows kept)"), summary.flags),
    ):
        if not counts:
            continue
        detail = Table(title=heading)
        detail.add_column(tr("column"))
        detail.add_column(tr("reason"))
        detail.add_column(tr("count"), justify="right")
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            column, _, code = key.rpartition(":")
            where = label("column", column, lang) if column else tr("(row)")
            detail.add_row(where, label("reason", code, lang), f"{count:,}")
        out.print(detail)
    if summary.quarantined:
        out.print(
            tr("See the rows: %(command)s")
            % {"command": f"[bold]padan quarantine list --batch {summary.batch_id}[/]"}
        )
