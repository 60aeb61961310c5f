"""``padan institutions review list|decide``: doubtful duplicate institutions, decided by the
acting user through :mod:`padan.services.institution_duplicates`."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.actor import data_user
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
from padan.i18n import label
from padan.institutions import InstitutionReviewItem

__all__ = ["review_app"]

review_app = typer.Typer(help="Doubtful duplicate pairs and decisions.", no_args_is_help=True)


@review_app.command("list")
def review_list(
    purpose: Annotated[
        str, typer.Option("--purpose", help="Why you read the queue (kept in the audit log).")
    ] = "",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Doubtful duplicate pairs of the latest dedup run, most likely first (both in the acting
    user's region). Once the store has an admin, runs as a named user (padan --as NAME or
    PADAN_CLI_USER) whose role has institutions_review; audited."""
    from padan.services.institution_duplicates import duplicate_queue

    with translate_errors():
        store = store_from(db)
        command = "padan institutions review list"
        who = data_user(store, command=command, needs=("institutions_review",))
        items = [
            InstitutionReviewItem(
                i["id_a"], i["id_b"], i["match_probability"], i["reason"], i["unsure_before"]
            )
            for i in duplicate_queue(store, who, purpose=purpose)
        ]
    if as_json:
        out.print_json(json.dumps([asdict(i) for i in items], default=str, ensure_ascii=False))
        return
    table = Table(title=tr("Institution review queue"))
    for name in ("A", "B", tr("probability"), tr("why")):
        table.add_column(name)
    for i in items:
        table.add_row(
            i.id_a,
            i.id_b,
            f"{i.match_probability:.3f}",
            _why(i.reason) + (tr(" (unsure before)") if i.unsure_before else ""),
        )
    out.print(table)


def _why(reason: str) -> str:
    """Why a pair waits (``review``: between the thresholds; ``refused``: the guard refused
    the merge), for people."""
    if reason == "refused":
        return tr("guard refused the merge")
    return tr("between thresholds") if reason == "review" else reason


@review_app.command("decide")
def review_decide(
    id_a: str,
    id_b: str,
    decision: Annotated[str, typer.Argument(help="same, different or unsure")],
    reason: Annotated[str, typer.Option(help="Why (kept with the decision).")],
    reviewer: ReviewerOption = None,
    db: DbOption = None,
) -> None:
    """Record, as the acting user (padan --as NAME or PADAN_CLI_USER), whether two records are
    one institution; the next dedup respects it. Audited."""
    from padan.cli.actor import acting_user, check_reviewer
    from padan.services.institution_duplicates import decide_duplicates

    with translate_errors():
        store = store_from(db)
        command = "padan institutions review decide"
        actor = acting_user(store, command=command)
        check_reviewer(actor, reviewer, command=command)
        made = decide_duplicates(store, actor, id_a, id_b, decision, reason=reason)
    a, b = (f"lembaga:{made[k]}" for k in ("id_a", "id_b"))
    decision = label("decision", made["decision"], cli_lang())
    out.print(
        tr(
            "Decided %(decision)s for %(a)s / %(b)s.",
            decision="[bold]" + decision + "[/]",
            a=a,
            b=b,
        )
    )
