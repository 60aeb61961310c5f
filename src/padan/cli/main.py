"""The ``padan`` command."""

from __future__ import annotations

from typing import Annotated

import typer

from padan.cli.accounts_cmd import token_app, user_app
from padan.cli.actor import set_acting_name
from padan.cli.audit_cmd import audit_app
from padan.cli.changes_cmd import changes
from padan.cli.child_cmd import child_app
from padan.cli.common import set_cli_lang, translate_errors
from padan.cli.dci_cmd import dci_app
from padan.cli.encode_cmd import encode
from padan.cli.ingest_cmd import ingest
from padan.cli.institutions_cmd import institutions_app
from padan.cli.link_cmd import evaluate, explain, export_app, link
from padan.cli.pdp_cmd import pdp_app, retention_app
from padan.cli.report_cmd import report
from padan.cli.review_cmd import review_app
from padan.cli.source_cmd import source_app
from padan.cli.store_cmd import batches_app, db_app, quarantine_app
from padan.cli.synth_cmd import demo, synth
from padan.cli.trends_cmd import trends
from padan.cli.web_cmd import serve
from padan.cli.worklist_cmd import worklist_app
from padan.i18n import LANGUAGES
from padan.settings import get_settings

__all__ = ["app"]

app = typer.Typer(
    name="padan",
    help="Pemadanan data perlindungan anak: KPAI x Kemensos x DTSEN.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _acting_user(
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USER",
            help="Act as this local user (overrides PADAN_CLI_USER): review decisions, account "
            "and institution changes, and reads of children's data (report, export, "
            "quarantine, review list, explain, changes, child events) are theirs, under their "
            "role and shaped by it, in the audit log. Needed once the store has an admin.",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="id|en",
            help="Language of the output for people: id (Bahasa Indonesia, default) or en "
            "(overrides PADAN_LANG). JSON keys stay the same.",
        ),
    ] = None,
) -> None:
    """Pemadanan data perlindungan anak: KPAI x Kemensos x DTSEN."""
    set_acting_name(as_user)
    if lang is not None and lang not in LANGUAGES:
        raise typer.BadParameter(
            f"{lang!r}: use one of {', '.join(LANGUAGES)}", param_hint="--lang"
        )
    set_cli_lang(lang)
    # Every command reads the settings: a bad PADAN_* value stops here with its variable, value
    # and expected form, not a traceback from wherever it is first read.
    with translate_errors():
        get_settings()


app.command()(ingest)
app.command()(encode)
app.command()(changes)
app.command()(synth)
app.command()(demo)
app.command()(link)
app.command()(evaluate)
app.command()(explain)
app.command()(report)
app.command()(trends)
app.add_typer(export_app, name="export")
app.add_typer(review_app, name="review")
app.add_typer(db_app, name="db")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(batches_app, name="batches")
app.add_typer(source_app, name="source")
app.add_typer(institutions_app, name="institutions")
app.command()(serve)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(pdp_app, name="pdp")
app.add_typer(retention_app, name="retention")
app.add_typer(worklist_app, name="worklist")
app.add_typer(child_app, name="child")
app.add_typer(dci_app, name="dci")

if __name__ == "__main__":  # pragma: no cover
    app()
