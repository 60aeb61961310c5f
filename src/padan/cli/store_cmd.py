"""``padan db upgrade|backup``, ``padan batches``, ``padan quarantine list|export``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from padan.cli.common import (
    DbOption,
    JsonOption,
    cli_lang,
    out,
    store_from,
    tr,
    translate_errors,
    write_csv,
)
from padan.i18n import label
from padan.settings import get_settings

if TYPE_CHECKING:
    from padan.store import BatchInfo
from padan.store import QuarantineEntry, Store

__all__ = ["batches_app", "db_app", "quarantine_app", "render_quarantine"]

db_app = typer.Typer(help="Database schema and backups.", no_args_is_help=True)
quarantine_app = typer.Typer(
    help="Rows that were not accepted, with the reasons.", no_args_is_help=True
)
batches_app = typer.Typer(help="Ingested files (batches).", no_args_is_help=True)

BatchOption = Annotated[int | None, typer.Option("--batch", help="Only this batch id.")]
PurposeOption = Annotated[
    str, typer.Option("--purpose", help="Why you read these rows (kept in the audit log).")
]


def _quarantine(
    db: str | None, command: str, *, batch: int | None, purpose: str, limit: int | None = None
) -> list[QuarantineEntry]:
    """The quarantined rows the acting user may see, each batch shown audited (as the web)."""
    from padan.cli.actor import data_user
    from padan.services.ingest import quarantine_entries

    store = store_from(db)
    who = data_user(store, command=command, needs=("quarantine",))
    return quarantine_entries(store, who, batch_id=batch, limit=limit, purpose=purpose)


@db_app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Create the schema or migrate it to the newest revision."""
    with translate_errors():
        store = Store(get_settings(database_url=db).database_url)
        revision = store.upgrade()
    shown = f"[bold]{revision}[/]"
    out.print(tr("Store at revision %(revision)s", revision=shown))


@db_app.command("backup")
def backup(
    target: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
    db: DbOption = None,
) -> None:
    """Copy an SQLite store to TARGET, consistent even while the app runs (PostgreSQL: pg_dump)."""
    from padan.store.backup import backup_sqlite

    with translate_errors():
        written = backup_sqlite(store_from(db), target)
    shown = f"[bold]{written}[/]"
    out.print(tr("Store copied to %(file)s (integrity checked)", file=shown))


@batches_app.command("list")
def list_batches(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every ingested file with its counts."""
    with translate_errors():
        batches = store_from(db).list_batches()
    if as_json:
        out.print_json(json.dumps([asdict(b) for b in batches], default=str))
        return
    lang = cli_lang()
    table = Table(title=tr("Batches"))
    for name in (
        "#",
        tr("source"),
        tr("file"),
        tr("read"),
        tr("accepted"),
        tr("quarantined"),
        tr("superseding"),
        tr("Snapshot"),
        tr("finished"),
    ):
        table.add_column(name)
    for b in batches:
        table.add_row(
            str(b.id),
            label("source", b.source, lang),
            b.file_name,
            f"{b.rows_read:,}",
            f"{b.rows_accepted:,}",
            f"{b.rows_quarantined:,}",
            f"{b.rows_superseding:,}",
            _snapshot_cell(b),
            f"{b.finished_at:%Y-%m-%d %H:%M}",
        )
    out.print(table)


def _snapshot_cell(b: BatchInfo) -> str:
    """The region a batch was a snapshot of (or the whole source), "not known" for a batch
    stored before Padan recorded snapshots, empty for a plain delivery."""
    if b.snapshot:
        return b.snapshot_scope or tr("whole source")
    return tr("not known") if b.snapshot is None else ""


@quarantine_app.command("list")
def list_quarantine(
    batch: BatchOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many rows.")] = 50,
    purpose: PurposeOption = "",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Quarantined rows: file, row number, column, value and reason (Bahasa Indonesia / English).

    Once the store has an admin, runs as a named user (padan --as NAME, or PADAN_CLI_USER) whose
    role has quarantine, and shows the batches of the extracts that role handles; audited."""
    with translate_errors():
        entries = _quarantine(
            db, "padan quarantine list", batch=batch, limit=limit, purpose=purpose
        )
    if as_json:
        out.print_json(json.dumps([asdict(e) for e in entries]))
        return
    render_quarantine(entries)


def render_quarantine(entries: list[QuarantineEntry]) -> None:
    """Quarantined rows as a table: file, row, column, value, reason in the run's language."""
    lang = cli_lang()
    files = sorted({(e.batch_id, e.file_name) for e in entries})
    single = len(files) == 1
    title = tr("Quarantine")
    if single:
        title += f": {files[0][1]} (batch {files[0][0]})"
    table = Table(title=title)
    headings = [tr("row"), tr("column"), tr("value"), tr("reason")]
    for name in headings if single else ["batch", tr("file"), *headings]:
        table.add_column(name, overflow="fold")
    for e in entries:
        cells = [
            str(e.row_number),
            label("column", e.column, lang) if e.column else tr("(row)"),
            (e.value or "")[:40],
            label("reason", e.reason, lang),
        ]
        table.add_row(*cells) if single else table.add_row(str(e.batch_id), e.file_name, *cells)
    out.print(table)


@quarantine_app.command("export")
def export_quarantine(
    out_file: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    batch: BatchOption = None,
    purpose: PurposeOption = "",
    db: DbOption = None,
) -> None:
    """Write quarantined rows to CSV (safe to open in a spreadsheet: formulas neutralised).

    Once the store has an admin, runs as a named user (padan --as NAME, or PADAN_CLI_USER) whose
    role has quarantine, and writes the batches of the extracts that role handles; audited."""
    with translate_errors():
        entries = _quarantine(db, "padan quarantine export", batch=batch, purpose=purpose)
    lang = cli_lang()
    # For people (opened in a spreadsheet): headers and texts in the run's language, with the
    # column as the file names it and the reason's code beside their labels.
    header = [
        tr("Batch"),
        tr("File"),
        tr("Row"),
        tr("Column"),
        tr("Column in the file"),
        tr("Value"),
        tr("Reason"),
        tr("Reason code"),
        tr("Row as read"),
    ]
    rows = (
        (
            e.batch_id,
            e.file_name,
            e.row_number,
            label("column", e.column, lang) if e.column else tr("(row)"),
            e.column,
            e.value,
            label("reason", e.reason, lang),
            e.reason,
            e.raw,
        )
        for e in entries
    )
    write_csv(out_file, header, rows, bom=True)
    out.print(
        tr(
            "Wrote %(count)s quarantine entries to %(file)s",
            count=format(len(entries), ","),
            file=out_file,
        )
    )
