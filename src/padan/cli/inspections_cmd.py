"""``padan institutions inspections add|list|follow-up``: supervision visits and findings."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, fail, out, store_from, translate_errors
from padan.errors import InputError
from padan.institutions import (
    follow_up,
    list_inspections,
    read_inspection_file,
    record_inspection,
    sync_from_extract,
)
from padan.store import Store

__all__ = ["inspections_app"]

inspections_app = typer.Typer(help="Supervision visits and their findings.", no_args_is_help=True)


def _synced(db: str | None) -> Store:
    store = store_from(db)
    sync_from_extract(store)
    return store


def _json(data: Any) -> None:
    out.print_json(json.dumps(data, default=str, ensure_ascii=False))


@inspections_app.command("add")
def inspection_add(
    file: Annotated[
        Path | None, typer.Argument(help="Inspection file (TOML or JSON); or use the flags.")
    ] = None,
    lembaga: Annotated[str | None, typer.Option(help="id_lembaga.")] = None,
    checklist: Annotated[str | None, typer.Option(help="Checklist id, e.g. tpa-tara.")] = None,
    date: Annotated[str | None, typer.Option(help="Visit date, YYYY-MM-DD.")] = None,
    inspector: Annotated[str | None, typer.Option(help="Who inspected.")] = None,
    finding: Annotated[
        list[str] | None,
        typer.Option(
            help="ITEM[:SEVERITY[:DUE[:ACTION]]], repeatable, e.g. TPA-06:BERAT:2026-12-31:"
            "Susun kebijakan",
            show_default=False,
        ),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Notes of the visit.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record a supervision visit and its findings (all checked first; nothing stored on error)."""
    flags = {
        "id_lembaga": lembaga,
        "checklist": checklist,
        "tanggal": date,
        "petugas": inspector,
        "catatan": note,
    }
    with translate_errors():
        if file is not None:
            if any(v is not None for v in flags.values()) or finding:
                raise InputError("give either an inspection FILE or the flags, not both")
            data = read_inspection_file(file)
        else:
            data = {k: v for k, v in flags.items() if v is not None}
            data["temuan"] = [_finding_flag(f) for f in finding or []]
        result = record_inspection(_synced(db), data)
    if as_json:
        _json({**asdict(result.inspection), "created": result.created})
        return
    i = result.inspection
    state = "Recorded" if result.created else "Already recorded (same input); nothing changed:"
    out.print(
        f"{state} inspection {i.id} of {i.id_lembaga} on {i.visited_on} "
        f"({len(i.findings)} findings)."
    )


@inspections_app.command("list")
def inspection_list(
    lembaga: Annotated[str | None, typer.Option(help="Only this institution.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Inspections with their findings and follow-up status, newest first."""
    with translate_errors():
        found = list_inspections(_synced(db), lembaga)
    if as_json:
        _json([asdict(i) for i in found])
        return
    table = Table(title="Pengawasan / Inspections")
    for name in (
        "#",
        "lembaga",
        "tanggal",
        "checklist",
        "petugas",
        "temuan (id butir keparahan status batas)",
    ):
        table.add_column(name)
    for i in found:
        findings = "\n".join(
            f"#{f.id} {f.item_code} {f.severity} {f.status} {f.due_on or '-'}" for f in i.findings
        )
        table.add_row(
            str(i.id), i.id_lembaga, str(i.visited_on), i.checklist_id, i.inspector, findings or "-"
        )
    out.print(table)


@inspections_app.command("follow-up")
def inspection_follow_up(
    finding_id: int,
    status: Annotated[str, typer.Argument(help="terbuka, proses or selesai")],
    by: Annotated[str, typer.Option(help="Who records the follow-up.")],
    on: Annotated[str | None, typer.Option(help="Date, YYYY-MM-DD (default today).")] = None,
    note: Annotated[str | None, typer.Option(help="What was seen or done.")] = None,
    db: DbOption = None,
) -> None:
    """Record the follow-up of a finding's corrective action."""
    with translate_errors():
        day = _date_flag(on, "--on") if on else None
        updated = follow_up(store_from(db), finding_id, status, by=by, on=day, note=note)
    out.print(f"Finding #{updated.id} is now {updated.status}.")


def _finding_flag(text: str) -> dict[str, Any]:
    parts = text.split(":", 3)
    if not parts[0].strip():
        raise InputError(f"--finding {text!r}: start with the item code, e.g. TPA-06:BERAT")
    keys = ("butir", "keparahan", "batas_waktu", "tindakan")
    return {k: v for k, v in zip(keys, parts, strict=False) if v.strip()}


def _date_flag(text: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{flag} {text!r} is not a date; use YYYY-MM-DD", 2)
