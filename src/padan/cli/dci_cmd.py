"""``padan dci notify|subscriptions|verify``: the DCI registry's event notifications to
subscribers, and Padan as a client of another DCI registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, out, store_from, tr, translate_errors
from padan.errors import InputError

__all__ = ["dci_app"]

dci_app = typer.Typer(
    help="The DCI registry API's subscriptions and notifications; verify against another.",
    no_args_is_help=True,
)


@dci_app.command("notify")
def dci_notify(
    code: Annotated[
        list[str] | None,
        typer.Option("--code", help="Only this subscription (may be given more than once)."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Send each active subscription the events of the linkage runs since it was last
    notified (run it after padan link, e.g. from cron). Signed with PADAN_DCI_KEY_FILE, sent
    only to PADAN_DCI_CALLBACK_HOSTS, each under its subscriber's role and scope; audited.
    A failed delivery is sent again next time; running it again sends nothing new twice."""
    from padan.dci.callbacks import parse_hosts
    from padan.dci.notify import deliver_notifications
    from padan.dci.signatures import Signatures, load_signing_key
    from padan.settings import get_settings

    with translate_errors():
        settings = get_settings(database_url=db)
        store = store_from(db)
        signatures = Signatures(load_signing_key(settings.dci_key_file), settings.dci_registry_id)
        done = deliver_notifications(
            store,
            registry_id=settings.dci_registry_id,
            callback_hosts=parse_hosts(settings.dci_callback_hosts),
            signatures=signatures,
            codes=code or None,
        )
    # "nothing new" or the subscriber's HTTP 2xx: anything else is for the operator to see.
    failed = [d for d in done if d.outcome != "nothing new" and not d.outcome.startswith("HTTP 2")]
    if as_json:
        rows = [
            {
                "code": d.code,
                "event_type": d.event_type,
                "messages": d.messages,
                "children": d.children,
                "runs": d.runs,
                "outcome": d.outcome,
            }
            for d in done
        ]
        out.print_json(json.dumps({"subscriptions": rows}))
    else:
        table = Table(title=tr("DCI notifications: %(count)s subscriptions", count=len(done)))
        for column in (tr("subscription"), tr("event type"), tr("messages"), tr("children")):
            table.add_column(column)
        table.add_column(tr("runs"))
        table.add_column(tr("outcome"))
        for d in done:
            row = (d.code, d.event_type, str(d.messages), str(d.children), str(d.runs), d.outcome)
            table.add_row(*row)
        out.print(table)
    if failed:
        raise typer.Exit(1)


@dci_app.command("subscriptions")
def dci_subscriptions(
    ended: Annotated[bool, typer.Option("--ended", help="Also the ended ones.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The partners' subscriptions: who, which event type, the linkage run notified up to,
    the messages delivered and the last outcome (not their filters, which may hold a NIK)."""
    from padan.store.dci_state import subscriptions

    with translate_errors():
        found = subscriptions(store_from(db), active=not ended)
    rows = [
        {
            "code": s.code,
            "username": s.username,
            "sender_id": s.sender_id,
            "event_type": s.event_type,
            "created_at": s.created_at.isoformat(timespec="seconds"),
            "ended_at": s.ended_at.isoformat(timespec="seconds") if s.ended_at else None,
            "run_cursor": s.run_cursor,
            "delivered": s.delivered,
            "last_outcome": s.last_outcome,
        }
        for s in found
    ]
    if as_json:
        out.print_json(json.dumps({"subscriptions": rows}))
        return
    table = Table(title=tr("DCI subscriptions: %(count)s", count=len(rows)))
    names = {
        "code": tr("subscription"),
        "username": tr("user"),
        "sender_id": tr("sender"),
        "event_type": tr("event type"),
        "created_at": tr("since"),
        "ended_at": tr("ended"),
        "run_cursor": tr("notified up to run"),
        "delivered": tr("messages"),
        "last_outcome": tr("outcome"),
    }
    for name in names.values():
        table.add_column(name)
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r.values()))
    out.print(table)


@dci_app.command("verify")
def dci_verify(
    url: Annotated[
        str | None,
        typer.Option("--url", help="The external registry's base URL (PADAN_DCI_CLIENT_URL)."),
    ] = None,
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Folder to keep the registry's answer in, as a DTSEN file."),
    ] = Path("dci-answers"),
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=100, help="Requests per message (1-100).")
    ] = 100,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Ask an external DCI social registry (e.g. a DTSEN service) about the NIKs of the current
    KPAI records and store its answer as a DTSEN batch: every record accepted or quarantined
    with a reason, the same answer never stored twice. Signed with PADAN_DCI_KEY_FILE as
    PADAN_DCI_REGISTRY_ID; the bearer token comes from PADAN_DCI_CLIENT_TOKEN only. Each
    message sent is audited (without identifiers)."""
    from padan.cli.actor import data_user
    from padan.cli.ingest_cmd import render_summary
    from padan.dci.client import RegistryClient
    from padan.dci.signatures import Signatures, load_partner_keys, load_signing_key
    from padan.dci.verify import verify_children
    from padan.settings import get_settings

    with translate_errors():
        settings = get_settings(database_url=db)
        base = url or settings.dci_client_url
        if not base or not settings.dci_client_token:
            raise InputError(
                "padan dci verify needs the registry's URL (--url or PADAN_DCI_CLIENT_URL) and "
                "its bearer token in PADAN_DCI_CLIENT_TOKEN; set them in the environment"
            )
        store = store_from(db)
        client = RegistryClient(
            base,
            settings.dci_client_token,
            Signatures(load_signing_key(settings.dci_key_file), settings.dci_registry_id),
            receiver_id=settings.dci_client_receiver_id or None,
            registry_keys=load_partner_keys(settings.dci_client_registry_keys),
            timeout=settings.dci_client_timeout,
            batch_size=batch_size,
        )
        user = data_user(store, command="dci verify", needs=("ingest",))
        result = verify_children(store, user, client, work_dir=out_dir)
    figures = result.to_json()
    if as_json:
        out.print_json(json.dumps(figures))
        return
    table = Table(title=tr("DCI verify: %(count)s NIKs asked", count=figures["asked"]))
    table.add_column(tr("answer"))
    table.add_column(tr("count"), justify="right")
    names = {
        "found": tr("found"),
        "not_found": tr("not found"),
        "rejected": tr("rejected by the registry"),
        "unanswered": tr("not answered"),
    }
    for key, name in names.items():
        table.add_row(name, f"{figures[key]:,}")
    out.print(table)
    if result.summary is not None:
        render_summary(result.summary)
