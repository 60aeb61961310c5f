"""``padan worklist export|import``: a named worklist as the XLSX officers take to the field,
and the follow-ups they filled in recorded on the children, as the named user."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from padan.cli.common import DbOption, JsonOption, err, out, store_from, tr, translate_errors
from padan.errors import InputError

__all__ = ["worklist_app"]

worklist_app = typer.Typer(
    help="Named worklists: export one for the field, import the follow-ups filled in.",
    no_args_is_help=True,
)


@worklist_app.command("export")
def export(
    name: Annotated[str, typer.Argument(help="e.g. usulan_dtsen, tanpa_atensi")],
    out_file: Annotated[Path, typer.Option("--out", help="The XLSX file to write.")],
    purpose: Annotated[
        str, typer.Option(help="Why the worklist is exported (kept in the audit log).")
    ],
    region: Annotated[
        str | None, typer.Option(help="Region code (default: the user's scope).")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the headers: id or en.")] = "id",
    db: DbOption = None,
) -> None:
    """Write a worklist as the acting user (padan --as NAME) may see it: labelled headers, a
    cover sheet, and status, date and note columns to fill in. Audited."""
    from padan.cli.actor import acting_user
    from padan.i18n import LANGUAGES
    from padan.services.worklist_file import worklist_workbook
    from padan.services.worklists import export_worklist_file

    with translate_errors():
        if lang not in LANGUAGES:
            raise InputError(f"--lang {lang!r}: give one of {', '.join(LANGUAGES)}")
        if out_file.suffix.lower() != ".xlsx":
            raise InputError(f"--out {out_file}: a worklist is written as .xlsx")
        store = store_from(db)
        actor = acting_user(store, command="padan worklist export")
        export = export_worklist_file(store, actor, name, region=region, purpose=purpose)
        out_file.write_bytes(worklist_workbook(export, lang))
    out.print(
        tr(
            "%(count)s rows of %(name)s written to %(file)s for %(user)s.",
            count=len(export.rows),
            name=name,
            file=out_file,
            user=actor.username,
        )
    )


@worklist_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A filled-in worklist XLSX exported by Padan.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record the follow-ups of a filled-in worklist as the acting user (padan --as NAME):
    every row is checked first and nothing is recorded on any error; rows already recorded
    are not recorded again. Audited."""
    from padan.cli.actor import acting_user
    from padan.services.followups import FollowupFileError, import_followups

    with translate_errors():
        if not file.is_file():
            raise InputError(f"{file}: no such file")
        store = store_from(db)
        actor = acting_user(store, command="padan worklist import")
        try:
            result = import_followups(store, actor, file.read_bytes(), file_name=file.name)
        except FollowupFileError as exc:
            for problem in exc.rows:  # every bad row, not only the first few
                err.print(escape(str(problem)), highlight=False, soft_wrap=True)
            raise
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(
        tr(
            "%(worklist)s: %(added)s follow-up(s) recorded, %(already)s already recorded before, "
            "for %(children)s child(ren), by %(user)s.",
            worklist=result["worklist"],
            added=result["added"],
            already=result["already_recorded"],
            children=result["children"],
            user=actor.username,
        )
    )
