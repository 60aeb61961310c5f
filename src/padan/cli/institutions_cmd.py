"""``padan institutions …``: registry, inspections, dedup, risk worklist and indicators.

Commands that read the registry first take over the current ``lembaga`` extract (idempotent),
so ``padan ingest lembaga FILE`` followed by ``padan institutions risk`` just works.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.common import (
    DbOption,
    JsonOption,
    cli_lang,
    out,
    share_json,
    share_text,
    store_from,
    tr,
    translate_errors,
)
from padan.cli.inspections_cmd import ByOption, inspections_app, manager
from padan.cli.institution_reads import indicators, list_cmd, print_data, risk, show, synced
from padan.cli.institution_review_cmd import review_app
from padan.errors import InputError
from padan.i18n import label
from padan.institutions import (
    DEFAULT_DEDUP_LINK,
    DEFAULT_DEDUP_REVIEW,
    checklists,
    dedup_institutions,
    evaluate_dedup,
    read_lembaga_truth,
    sync_from_extract,
)

__all__ = ["institutions_app"]

institutions_app = typer.Typer(
    help="Lembaga: LKSA, daycares, safe houses — registry, inspections, risk, indicators.",
    no_args_is_help=True,
)
institutions_app.add_typer(inspections_app, name="inspections")
institutions_app.add_typer(review_app, name="review")

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="FIELD=VALUE, repeatable (e.g. --set kapasitas=40).", show_default=False
    ),
]


def _pairs(items: list[str] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set {item!r}: write FIELD=VALUE, e.g. --set kapasitas=40")
        values[key.strip()] = value
    return values


@institutions_app.command("sync")
def sync(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Take the current lembaga extract into the registry (new and changed fields, with history)."""
    with translate_errors():
        summary = sync_from_extract(store_from(db))
    if as_json:
        print_data(asdict(summary))
        return
    out.print(
        tr(
            "Registry: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.",
            new=summary.new,
            changed=summary.changed,
            unchanged=summary.unchanged,
        )
    )


institutions_app.command("list")(list_cmd)
institutions_app.command("show")(show)


@institutions_app.command("add")
def add(
    by: ByOption = None,
    fields: SetOption = None,
    id_lembaga: Annotated[str | None, typer.Option("--id", help="Id (default PDN-L…).")] = None,
    db: DbOption = None,
) -> None:
    """Register an institution (needs nama_lembaga, jenis, kode_wilayah), as the acting user
    (padan --as NAME or PADAN_CLI_USER; role with institutions_manage, in its region); audited."""
    from padan.services.institutions import create

    with translate_errors():
        store = store_from(db)
        who = manager(store, by, command="padan institutions add")
        record = create(store, who, _pairs(fields), id_lembaga=id_lembaga)
    out.print(
        tr(
            "Registered %(id)s (%(name)s).",
            id="[bold]" + str(record["id_lembaga"]) + "[/]",
            name=record["nama_lembaga"],
        )
    )


@institutions_app.command("edit")
def edit(
    id_lembaga: str,
    by: ByOption = None,
    fields: SetOption = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
    db: DbOption = None,
) -> None:
    """Change fields of an institution as the acting user (padan --as NAME or PADAN_CLI_USER;
    role with institutions_manage, in its region); the history keeps old and new values."""
    from padan.services.institutions import edit as change

    with translate_errors():
        store = synced(db)
        who = manager(store, by, command="padan institutions edit")
        record = change(store, who, id_lembaga, _pairs(fields), reason=reason or "")
    out.print(
        tr(
            "%(id)s is now at version %(version)s.",
            id=record["id_lembaga"],
            version=record["version"],
        )
    )


@institutions_app.command("link-complaint")
def link_complaint_cmd(
    id_lembaga: str,
    no_pengaduan: str,
    by: ByOption = None,
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    db: DbOption = None,
) -> None:
    """Record, as the acting user (padan --as NAME or PADAN_CLI_USER; role with
    institutions_manage), that a KPAI complaint concerns an institution (counts in its risk
    score); audited."""
    from padan.services.institutions import link_kpai_complaint

    with translate_errors():
        store = synced(db)
        who = manager(store, by, command="padan institutions link-complaint")
        created = link_kpai_complaint(store, who, id_lembaga, no_pengaduan, note=note or "")
    out.print(tr("Linked.") if created else tr("Already linked; nothing changed."))


institutions_app.command("risk")(risk)
institutions_app.command("indicators")(indicators)


@institutions_app.command("checklists")
def checklists_cmd(as_json: JsonOption = False) -> None:
    """The checklists shipped with Padan and their items, each with its source."""
    found = checklists()
    if as_json:
        print_data([asdict(c) for c in found.values()])
        return
    lang = cli_lang()
    for checklist in found.values():
        applies = ", ".join(label("jenis", j, lang) for j in checklist.applies_to)
        title = checklist.title_en if lang == "en" else checklist.title_id
        table = Table(title=f"{checklist.id} v{checklist.version}: {title} ({applies})")
        for name in (tr("item"), tr("theme"), tr("severity"), tr("description"), tr("source")):
            table.add_column(name)
        for item in checklist.items:
            severity = label("keparahan", item.severity, lang)
            text = item.text_en if lang == "en" else item.text_id
            table.add_row(item.code, item.theme, severity, text, item.source)
        out.print(table)


@institutions_app.command("dedup")
def dedup(
    link_threshold: Annotated[float, typer.Option(help="Merge pairs at or above.")] = (
        DEFAULT_DEDUP_LINK
    ),
    review_threshold: Annotated[float, typer.Option(help="Review pairs from here up.")] = (
        DEFAULT_DEDUP_REVIEW
    ),
    truth: Annotated[
        Path | None,
        typer.Option(help="lembaga_truth.csv from padan synth: print precision and recall."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Find institutions reported twice (by both agencies) and merge them; doubtful pairs wait
    in padan institutions review list."""
    with translate_errors():
        store = synced(db)
        summary = dedup_institutions(
            store, link_threshold=link_threshold, review_threshold=review_threshold
        )
        counts = evaluate_dedup(store, read_lembaga_truth(truth)) if truth else None
    figures = None
    if counts is not None:
        figures = {
            **asdict(counts),
            "precision": share_json(counts.precision),
            "recall": share_json(counts.recall),
        }
    if as_json:
        print_data({**asdict(summary), "evaluation": figures})
        return
    out.print(
        tr(
            "%(records)s records → %(institutions)s institutions; %(linked)s pairs merged, "
            "%(review)s for review.",
            records=summary.records,
            institutions=summary.institutions,
            linked=summary.linked_pairs,
            review=summary.review_pairs,
        )
    )
    for group in summary.groups:
        out.print("  " + " = ".join(group), highlight=False)
    if counts is not None:
        out.print(
            tr(
                "Against the truth: precision %(precision)s, recall %(recall)s (%(correct)s of "
                "%(true)s true pairs merged, %(review)s more in the review queue).",
                precision=share_text(counts.precision, 3),
                recall=share_text(counts.recall, 3),
                correct=counts.correct_pairs,
                true=counts.true_pairs,
                review=counts.review_true_pairs,
            )
        )
