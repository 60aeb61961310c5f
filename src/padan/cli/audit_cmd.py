"""``padan audit verify|checkpoint|init-keys|list``: the keyed, checkpointed audit log."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, cli_lang, out, store_from, tr, translate_errors
from padan.i18n.codes import shown

__all__ = ["audit_app"]

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Recompute the keyed chain and compare it with the latest signed checkpoint; exits 1 when a
    row was edited, deleted or inserted, the chain truncated or rewritten, or a key is wrong."""
    from padan.store.audit_verify import verify_chain

    with translate_errors():
        report = verify_chain(store_from(db))
    cp = report.checkpoint
    if as_json:
        body = {
            "intact": report.intact,
            "rows_checked": report.rows,
            "head_id": report.head_id,
            "legacy_up_to": report.legacy_up_to,
            "first_broken_id": report.first_broken,
            "checkpoint": {"at": cp.at, "head_id": cp.head_id, "rows": cp.rows} if cp else None,
            "findings": [
                {"kind": f.kind, "row_id": f.row_id, "message": f.message} for f in report.findings
            ],
            "more_findings": report.more_findings,
        }
        out.print_json(json.dumps(body))
    else:
        if report.legacy_up_to:
            out.print(
                tr(
                    "Legacy, unkeyed up to row %(row)s (written before the audit key; plain "
                    "SHA-256, checked for edits but not provable against rewriting).",
                    row=report.legacy_up_to,
                )
            )
        if cp is None:
            out.print(
                "[yellow]"
                + tr("No signed checkpoint")
                + "[/]: "
                + tr(
                    "truncation and rewriting cannot be shown. Run: %(command)s",
                    command="padan audit checkpoint",
                )
            )
        else:
            out.print(
                tr(
                    "Latest checkpoint: %(at)s, %(rows)s rows up to row %(head)s.",
                    at=cp.at,
                    rows=format(cp.rows, ","),
                    head=cp.head_id,
                )
            )
        for f in report.findings:
            where = tr(" row %(id)s", id=f.row_id) if f.row_id is not None else ""
            out.print(f"[bold red]{f.kind}[/]{where}: {escape(f.message)}")
        if report.more_findings:
            out.print(tr("… and %(count)s more problems.", count=report.more_findings))
        if report.intact:
            out.print(
                "[green]"
                + tr("Audit chain intact")
                + "[/]: "
                + tr("%(rows)s rows.", rows=format(report.rows, ","))
            )
        else:
            out.print(
                "[bold red]"
                + tr("Audit chain broken")
                + "[/]: "
                + tr(
                    "%(count)s problems in %(rows)s rows.",
                    count=len(report.findings) + report.more_findings,
                    rows=format(report.rows, ","),
                )
            )
    if not report.intact:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint(db: DbOption = None) -> None:
    """Sign the chain's head (row id, hash, row count, time) into the checkpoint directory
    (PADAN_AUDIT_CHECKPOINT_DIR); run it on a schedule, e.g. hourly from cron."""
    from padan.store.audit_checkpoint import write_checkpoint

    with translate_errors():
        checkpoint, path = write_checkpoint(store_from(db))
    out.print(
        tr(
            "Checkpoint of %(rows)s rows up to row %(head)s written to %(file)s",
            rows=format(checkpoint.rows, ","),
            head=checkpoint.head_id,
            file=path,
        )
    )


@audit_app.command("init-keys")
def audit_init_keys() -> None:
    """Create the audit key file (PADAN_AUDIT_KEY_FILE, mode 600): the chain's HMAC key and the
    checkpoints' Ed25519 key. Never overwrites; back it up apart from the database."""
    from padan.settings import get_settings
    from padan.store.audit_keys import create_keys

    with translate_errors():
        keys = create_keys(get_settings().audit_key_file)
    out.print(
        tr(
            "Audit keys written to %(file)s (mode 600), key id %(key)s",
            file=keys.path,
            key=keys.key_id,
        )
    )


@audit_app.command("list")
def audit_list(
    child: Annotated[str | None, typer.Option(help="Only rows showing this child.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, newest first.")] = 50,
    db: DbOption = None,
) -> None:
    """Who accessed what, when and why (queries only as their kind and keyed hash)."""
    from padan.store.audit import audit_entries, hide_query

    with translate_errors():
        entries = audit_entries(store_from(db), child_id=child, limit=limit)
    lang = cli_lang()
    table = Table(title=tr("Audit log"))
    heads = ("id", tr("at"), tr("user"), tr("role"), tr("action"), tr("target"), tr("purpose"))
    for name in heads:
        table.add_column(name)
    for e in entries:
        table.add_row(
            str(e.id),
            e.at.isoformat(timespec="seconds"),
            e.username,
            shown("role", e.role, lang),
            shown("audit_action", e.action, lang),
            escape(hide_query(e.target)),
            escape(e.purpose),
        )
    out.print(table)
