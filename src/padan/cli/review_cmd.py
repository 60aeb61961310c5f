"""``padan review list|decide``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.common import (
    DbOption,
    JsonOption,
    ReviewerOption,
    cli_lang,
    out,
    store_from,
    tr,
    translate_errors,
)
from padan.i18n import N_, label
from padan.registry import ReviewItem

__all__ = ["review_app"]

_IMPACT = {
    "gap": N_("gap: KPAI child into DTSEN"),
    "kpai": N_("a KPAI child"),
    "other": N_("no KPAI child"),
    "inside": N_("inside one child"),
}

review_app = typer.Typer(
    help="Pairs waiting for a person, and the decisions.", no_args_is_help=True
)


@review_app.command("list")
def list_queue(
    limit: Annotated[int, typer.Option(help="Show at most this many pairs.")] = 50,
    purpose: Annotated[
        str, typer.Option("--purpose", help="Why you read the queue (kept in the audit log).")
    ] = "",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Doubtful pairs and merges the chaining guard refused: first those whose decision changes
    a gap indicator (a KPAI child not found in DTSEN), then those that change a KPAI child, then
    the rest; most likely first within each. Once the store has an admin, runs as a named user
    (padan --as NAME, or PADAN_CLI_USER) whose role has review; audited with the children."""
    from padan.cli.actor import data_user
    from padan.services.review import review_items

    with translate_errors():
        store = store_from(db)
        who = data_user(store, command="padan review list", needs=("review",))
        items = [
            ReviewItem(
                i["record_a"],
                i["record_b"],
                i["match_probability"],
                i["reason"],
                i["unsure_before"],
                i["impact"],
            )
            for i in review_items(store, who, limit=limit, purpose=purpose)
        ]
    if as_json:
        out.print_json(json.dumps([asdict(i) for i in items]))
        return
    table = Table(title=tr("Review queue"))
    for name in (tr("record A"), tr("record B"), tr("probability"), tr("why"), tr("changes")):
        table.add_column(name)
    for item in items:
        refused = item.reason == "refused"
        why = tr("guard refused the merge") if refused else tr("between thresholds")
        table.add_row(
            item.uid_a,
            item.uid_b,
            f"{item.match_probability:.3f}",
            why + (tr(" (unsure before)") if item.unsure_before else ""),
            tr(_IMPACT[item.impact]) if item.impact in _IMPACT else item.impact,
        )
    out.print(table)
    out.print(
        tr(
            "Order: pairs that change a gap indicator first, then those that change a KPAI "
            "child, then the rest, then pairs inside one child; most likely first within each."
        )
    )
    out.print(
        tr(
            "Decide: %(command)s",
            command="[bold]padan --as NAME review decide A B same|different|unsure "
            "--reason TEXT[/]",
        )
    )


@review_app.command("decide")
def decide_pair(
    record_a: Annotated[str, typer.Argument(help="e.g. kpai:KPAI/2024/000123")],
    record_b: Annotated[str, typer.Argument(help="e.g. dtsen:DT000000042")],
    decision: Annotated[str, typer.Argument(help="same, different or unsure")],
    reason: Annotated[str, typer.Option(help="Why (kept with the decision).")],
    reviewer: ReviewerOption = None,
    db: DbOption = None,
) -> None:
    """Record a decision as the acting user (padan --as NAME, or PADAN_CLI_USER); the next
    padan link respects it. "same" on records with different valid NIKs waits for a second,
    different reviewer (here, on the web or through the API)."""
    from padan.cli.actor import acting_user, check_reviewer
    from padan.services.review import decide_pair as decide

    with translate_errors():
        store = store_from(db)
        actor = acting_user(store, command="padan review decide")
        check_reviewer(actor, reviewer, command="padan review decide")
        made = decide(store, actor, record_a, record_b, decision, reason=reason)
    if made["status"] == "pending_second_review":
        out.print(
            tr(
                "Held: %(a)s / %(b)s carry different valid NIKs; %(same)s by %(user)s waits for "
                "a second, different reviewer (padan --as OTHER review decide ..., or the web "
                "review queue).",
                a=made["record_a"],
                b=made["record_b"],
                same="[bold]" + label("decision", "same", cli_lang()) + "[/]",
                user=actor.username,
            )
        )
        return
    decision = label("decision", made["decision"], cli_lang())
    out.print(
        tr(
            "Decided %(decision)s for %(a)s / %(b)s by %(reviewer)s.",
            decision="[bold]" + decision + "[/]",
            a=made["record_a"],
            b=made["record_b"],
            reviewer=made["reviewer"],
        )
    )
