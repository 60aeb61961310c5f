"""``padan ingest kpai|dtsen|lembaga FILE``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, out, padan_from, progress_bar, translate_errors
from padan.domain.reasons import describe
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
        with progress_bar(f"Ingest {file.name}") as progress:
            summary = padan.ingest(source.value, file, mapping=mapping, progress=progress)
    if as_json:
        out.print_json(json.dumps(summary.to_json()))
    else:
        render_summary(summary)


def render_summary(summary: IngestSummary) -> None:
    """The summary table: read / accepted / quarantined, then flags and reasons by count."""
    title = f"{summary.file} → batch {summary.batch_id} ({summary.source}, {summary.format})"
    if summary.already_ingested:
        out.print(
            f"[yellow]Already ingested[/] as batch {summary.batch_id}: same content, "
            "nothing stored again."
        )
    out.print(f"\n[bold]{title}[/]")
    table = Table(show_header=True)
    table.add_column("baris / rows")
    table.add_column("jumlah", justify="right")
    table.add_row("dibaca / read", f"{summary.read:,}")
    table.add_row("diterima / accepted", f"[green]{summary.accepted:,}[/]")
    table.add_row(
        "dikarantina / quarantined",
        f"[red]{summary.quarantined:,}[/]" if summary.quarantined else "0",
    )
    if summary.superseded:
        table.add_row("menggantikan versi lama / superseding", f"{summary.superseded:,}")
    out.print(table)
    for heading, counts in (
        ("Karantina / Quarantine reasons", summary.quarantine_reasons),
        ("Catatan mutu / Quality flags (rows kept)", summary.flags),
    ):
        if not counts:
            continue
        detail = Table(title=heading)
        detail.add_column("kolom / column")
        detail.add_column("alasan / reason")
        detail.add_column("jumlah", justify="right")
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            column, _, code = key.rpartition(":")
            reason = describe(code)
            detail.add_row(column or "(baris)", f"{reason.id} / {reason.en}", f"{count:,}")
        out.print(detail)
    if summary.quarantined:
        out.print(f"See the rows: [bold]padan quarantine list --batch {summary.batch_id}[/]")
