"""``padan institutions inspections add|list|follow-up``: supervision visits and findings."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from padan.access.authorise import NotFound
from padan.access.policy import Principal
from padan.cli.actor import check_actor_name, data_user, is_local
from padan.cli.common import (
    DbOption,
    JsonOption,
    cli_lang,
    fail,
    out,
    store_from,
    tr,
    translate_errors,
)
from padan.errors import InputError
from padan.i18n.codes import shown
from padan.institutions import (
    list_inspections,
    read_inspection_file,
    sync_from_extract,
)
from padan.services.institutions import visible_institution
from padan.store import Store

__all__ = ["ByOption", "inspections_app", "manager"]

inspections_app = typer.Typer(help="Supervision visits and their findings.", no_args_is_help=True)

ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Kept for old scripts: must name the acting user (padan --as NAME or "
        "PADAN_CLI_USER), who is recorded; before the store has an admin, the local operator "
        "cli:<login> is recorded.",
    ),
]


def manager(store: Store, by: str | None, *, command: str) -> Principal:
    """Who changes institutions: the acting user, whose role needs ``institutions_manage``
    (before the store has an admin, the local operator); an old ``--by`` must name them."""
    who = data_user(store, command=command, needs=("institutions_manage",))
    check_actor_name(who, by, flag="--by", role="actor", command=command)
    return who


def _visible(store: Store, who: Principal, id_lembaga: str) -> bool:
    try:
        visible_institution(store, who, id_lembaga)
    except NotFound:
        return False
    return True


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
    """Record a supervision visit and its findings (all checked first; nothing stored on error),
    as the acting user (padan --as NAME or PADAN_CLI_USER; role with institutions_manage, in its
    region); audited."""
    from padan.services.inspections import record

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
        store = _synced(db)
        who = manager(store, None, command="padan institutions inspections add")
        if not str(data.get("id_lembaga") or "").strip():
            raise InputError("the inspection needs id_lembaga (--lembaga, or in the FILE)")
        result = record(store, who, str(data["id_lembaga"]), data)
    if as_json:
        _json({**asdict(result.inspection), "created": result.created})
        return
    i = result.inspection
    values = {"id": i.id, "lembaga": i.id_lembaga, "on": i.visited_on, "count": len(i.findings)}
    if result.created:
        said = tr("Recorded inspection %(id)s of %(lembaga)s on %(on)s (%(count)s findings).")
    else:
        said = tr(
            "Already recorded (same input); nothing changed: inspection %(id)s of %(lembaga)s "
            "on %(on)s (%(count)s findings)."
        )
    out.print(said % values)


@inspections_app.command("list")
def inspection_list(
    lembaga: Annotated[str | None, typer.Option(help="Only this institution.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Inspections with their findings and follow-up status, newest first (of institutions in
    the acting user's region once the store has an admin)."""
    with translate_errors():
        store = _synced(db)
        who = data_user(
            store, command="padan institutions inspections list", needs=("institutions",)
        )
        found = list_inspections(store, lembaga)
        if not is_local(who):
            if lembaga is not None:
                visible_institution(store, who, lembaga)  # NotFound when outside the scope
            visible = {i for i in {f.id_lembaga for f in found} if _visible(store, who, i)}
            found = [i for i in found if i.id_lembaga in visible]
    if as_json:
        _json([asdict(i) for i in found])
        return
    lang = cli_lang()
    table = Table(title=tr("Inspections"))
    for name in (
        "#",
        tr("institution"),
        tr("date"),
        tr("checklist"),
        tr("inspector"),
        tr("findings (id, item, severity, status, due)"),
    ):
        table.add_column(name)
    for i in found:
        findings = "\n".join(
            f"#{f.id} {f.item_code} {shown('keparahan', f.severity, lang)} "
            f"{shown('status_temuan', f.status, lang)} {f.due_on or '-'}"
            for f in i.findings
        )
        table.add_row(
            str(i.id), i.id_lembaga, str(i.visited_on), i.checklist_id, i.inspector, findings or "-"
        )
    out.print(table)


@inspections_app.command("follow-up")
def inspection_follow_up(
    finding_id: int,
    status: Annotated[str, typer.Argument(help="terbuka, proses or selesai")],
    by: ByOption = None,
    on: Annotated[str | None, typer.Option(help="Date, YYYY-MM-DD (default today).")] = None,
    note: Annotated[str | None, typer.Option(help="What was seen or done.")] = None,
    db: DbOption = None,
) -> None:
    """Record the follow-up of a finding's corrective action, as the acting user (padan --as
    NAME or PADAN_CLI_USER; role with institutions_manage, in its region); audited."""
    from padan.services.inspections import follow_up_finding

    with translate_errors():
        day = _date_flag(on, "--on") if on else None
        store = store_from(db)
        who = manager(store, by, command="padan institutions inspections follow-up")
        updated = follow_up_finding(
            store, who, finding_id, status, note=note or "", on=day.isoformat() if day else ""
        )
    status_text = shown("status_temuan", updated["status"], cli_lang())
    out.print(tr("Finding #%(id)s is now %(status)s.", id=updated["finding"], status=status_text))


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
