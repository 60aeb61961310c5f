"""``padan ingest SOURCE FILE``: kpai, dtsen, lembaga or a declared source."""

from __future__ import annotations

import json
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
from padan.errors import InputError
from padan.i18n import label
from padan.ingest import IngestSummary
from padan.ingest.snapshot import check_scope

__all__ = ["ingest", "render_summary"]


def ingest(
    source: Annotated[
        str,
        typer.Argument(
            help="Which extract: kpai, dtsen, lembaga or a source declared with padan source add."
        ),
    ],
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, Parquet or JSON lines file.")],
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="TOML file mapping other headers to the format."),
    ] = None,
    snapshot: Annotated[
        bool,
        typer.Option(
            "--snapshot",
            help="The file is a complete extract of the source: current records absent from "
            "it are retired (kept as history, with a 'removed' event).",
        ),
    ] = False,
    snapshot_scope: Annotated[
        str | None,
        typer.Option(
            "--snapshot-scope",
            help="With --snapshot: the region the extract covers (Kemendagri code at any "
            "level, e.g. 32.01); only records of that region can be retired.",
        ),
    ] = None,
    allow_large_removal: Annotated[
        bool,
        typer.Option(
            "--allow-large-removal",
            help="Confirm a snapshot that retires more than PADAN_SNAPSHOT_MAX_REMOVAL "
            "(default 20 %) of the current records in its scope.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Say what would be added, changed and retired; store nothing."
        ),
    ] = False,
    encoded: Annotated[
        bool,
        typer.Option(
            "--encoded",
            help="FILE is the PPRL encoding file padan encode wrote (kpai or dtsen): store the "
            "encodings; the store then links on them and holds no plaintext.",
        ),
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Validate and store one agency extract; every row is accepted or quarantined with a reason."""
    if encoded:
        _ingest_encoded(
            source, file, db=db, as_json=as_json, plain_only=(mapping, snapshot, dry_run)
        )
        return
    with translate_errors():
        scope = check_scope(snapshot_scope)
        if scope is not None and not snapshot:
            raise InputError(
                f"--snapshot-scope {snapshot_scope!r} is given without --snapshot: the scope "
                "only says which region a snapshot covers; add --snapshot"
            )
        padan = padan_from(db)
        with progress_bar(tr("Ingest %(file)s", file=file.name)) as progress:
            summary = padan.ingest(
                source,
                file,
                mapping=mapping,
                progress=progress,
                snapshot=snapshot,
                snapshot_scope=scope,
                allow_large_removal=allow_large_removal,
                dry_run=dry_run,
            )
    if as_json:
        out.print_json(json.dumps(summary.to_json()))
    else:
        render_summary(summary)


def _ingest_encoded(
    source: str,
    file: Path,
    *,
    db: str | None,
    as_json: bool,
    plain_only: tuple[Path | None, bool, bool],
) -> None:
    with translate_errors():
        if any(plain_only):
            raise InputError(
                "--mapping, --snapshot and --dry-run are for plaintext extracts; an encoding "
                "file was checked and mapped by padan encode at the agency. Drop them."
            )
        done = padan_from(db).ingest_encoded(source, file)
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "source": done.source,
                    "file": str(done.file),
                    "batch_id": done.batch_id,
                    "records": done.records,
                    "superseded": done.superseded,
                    "schema_sha256": done.schema_sha256,
                    "already_ingested": done.already_ingested,
                    "regency_in_clear": done.regency,
                }
            )
        )
        return
    if done.already_ingested:
        out.print(
            "[yellow]"
            + tr(
                "Already ingested as batch %(batch)s: same content, nothing stored again.",
                batch=done.batch_id,
            )
            + "[/]"
        )
    out.print(
        f"\n[bold]{done.file} → batch {done.batch_id} ({done.source}, "
        + tr("PPRL encodings")
        + ")[/]"
    )
    table = Table(show_header=True)
    table.add_column(tr("rows"))
    table.add_column(tr("count"), justify="right")
    table.add_row(tr("encoded records"), f"[green]{done.records:,}[/]")
    if done.superseded:
        table.add_row(tr("superseding an older version"), f"{done.superseded:,}")
    out.print(table)
    out.print(tr("Schema SHA-256: %(sha)s", sha=done.schema_sha256))
    if done.regency:
        out.print(tr("The file carries regency codes in the clear (the schema's [clear])."))


def render_summary(summary: IngestSummary) -> None:
    """The summary table: read / accepted / quarantined, then flags and reasons by count."""
    lang = cli_lang()
    title = f"{summary.file} → batch {summary.batch_id} ({summary.source}, {summary.format})"
    if summary.dry_run:
        title = f"{summary.file} ({summary.source}, {summary.format})"
        out.print(
            "[yellow]" + tr("Dry run: nothing was stored; this is what would change.") + "[/]"
        )
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
    if not summary.already_ingested:
        table.add_row(tr("added (new records)"), f"{summary.added:,}")
        table.add_row(tr("changed (a tracked field)"), f"{summary.changed:,}")
    if summary.snapshot:
        table.add_row(tr("retired (absent from the snapshot)"), f"{summary.retired:,}")
        if summary.kept_quarantined:
            table.add_row(tr("kept (row quarantined)"), f"{summary.kept_quarantined:,}")
    out.print(table)
    if summary.snapshot:
        scope = summary.snapshot_scope or tr("the whole source")
        out.print(tr("Snapshot of %(scope)s.", scope=scope))
    if summary.dry_run and summary.over_limit:
        out.print(
            "[yellow]"
            + tr(
                "This retires more than PADAN_SNAPSHOT_MAX_REMOVAL allows: the real run needs "
                "--allow-large-removal."
            )
            + "[/]"
        )
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
