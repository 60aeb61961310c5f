"""``padan pdp …`` and ``padan retention apply``: UU PDP operations (:mod:`padan.pdp`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from padan.cli.common import DbOption, JsonOption, out, store_from, tr, translate_errors
from padan.cli.pdp_breach_cmd import pdp_breach_report
from padan.cli.pdp_common import OutOption, parse_moment, pdp_actor, write_whole
from padan.errors import InputError
from padan.i18n import N_

__all__ = ["pdp_app", "retention_app"]

pdp_app = typer.Typer(
    help="UU PDP (UU 27/2022): record of processing, DPIA, subject requests, breach reports.",
    no_args_is_help=True,
)
pdp_app.command("breach-report")(pdp_breach_report)
retention_app = typer.Typer(
    help="Retention of records and exports per source.", no_args_is_help=True
)

PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", help="Policy file to read (default: the one the web app enforces)."),
]
FormatOption = Annotated[
    str, typer.Option("--format", help="md (Markdown) or json.", case_sensitive=False)
]


def _policy(path: Path | None) -> Any:
    from padan.pdp import load_pdp_policy

    return load_pdp_policy(path)


def _document(kind: str, fmt: str, policy: Path | None, out_path: Path | None) -> None:
    from padan.pdp.records import as_json, dpia, dpia_markdown, ropa, ropa_markdown

    fmt = fmt.lower()
    with translate_errors():
        if fmt not in ("md", "json"):
            raise InputError(f"--format {fmt!r}: use md or json")
        loaded = _policy(policy)
        doc = ropa(loaded) if kind == "ropa" else dpia(loaded)
        if fmt == "json":
            text = as_json(doc) + "\n"
        else:
            text = ropa_markdown(doc) if kind == "ropa" else dpia_markdown(doc)
        if out_path is None:
            typer.echo(text, nl=False)
            return
        write_whole(out_path, text)
    out.print(tr("%(document)s written to %(file)s", document=kind.upper(), file=out_path))


#: A correction request's status (``padan pdp correction-status``) for people.
_CORRECTION_STATUS = {
    "open": N_("open"),
    "sent": N_("sent"),
    "done": N_("done"),
    "refused": N_("refused"),
}


def _correction_status(status: str) -> str:
    return tr(_CORRECTION_STATUS[status]) if status in _CORRECTION_STATUS else status


#: The words of a retention rule (``action``, ``applies_to``, ``counted_from``) for people;
#: a date column is shown by its name.
_RULE_WORDS = {
    "pseudonymise": N_("pseudonymise"),
    "delete": N_("delete"),
    "all": N_("all records"),
    "superseded": N_("superseded versions"),
    "ingested": N_("ingestion"),
    "first_ingested": N_("first ingestion of the record id"),
}


def _rule_word(word: str) -> str:
    return tr(_RULE_WORDS[word]) if word in _RULE_WORDS else word


@pdp_app.command("ropa")
def pdp_ropa(
    fmt: FormatOption = "md", out_path: OutOption = None, policy: PolicyOption = None
) -> None:
    """The record of processing activities, generated from the policy (purposes, fields, roles,
    retention, recipients)."""
    _document("ropa", fmt, policy, out_path)


@pdp_app.command("dpia")
def pdp_dpia(
    fmt: FormatOption = "md", out_path: OutOption = None, policy: PolicyOption = None
) -> None:
    """The data protection impact assessment export: the processing, the high-risk criteria
    that apply, the risks the policy creates and their measures."""
    _document("dpia", fmt, policy, out_path)


@pdp_app.command("subject-access")
def pdp_subject_access(
    out_path: Annotated[Path, typer.Option("--out", help="The JSON file to write (mode 600).")],
    child_id: Annotated[
        str | None, typer.Argument(help="The child's id (PDN…); or give --record.")
    ] = None,
    record: Annotated[
        str | None,
        typer.Option(
            help="Find the child by one of its records, source:id (kpai:…), e.g. the id the "
            "owning agency gives; the only way in a store of encodings besides the child id."
        ),
    ] = None,
    reference: Annotated[
        str, typer.Option(help="The request's reference, e.g. letter number.")
    ] = "",
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """Everything held about one child, for a parent or guardian, as one JSON file (audited)."""
    from padan.pdp import child_of_record, subject_access

    with translate_errors():
        loaded = _policy(policy)
        if not out_path.parent.is_dir():
            raise InputError(f"--out {out_path}: the directory {out_path.parent} does not exist")
        if (child_id is None) == (record is None):
            raise InputError("give the child's id (PDN…) or --record source:id, one of the two")
        store = store_from(db)
        actor = pdp_actor(db, "padan pdp subject-access", "profile")  # before any lookup
        if child_id is None:
            assert record is not None
            child_id = child_of_record(store, record)
        doc = subject_access(store, loaded, child_id, actor=actor, reference=reference)
        write_whole(out_path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n", private=True)
    out.print(
        tr(
            "%(records)s records, %(accesses)s audited accesses of %(child)s written to "
            "%(file)s; answer the requester by %(answer_by)s (3×24 h).",
            records=len(doc["records"]),
            accesses=len(doc["accesses"]),
            child=child_id,
            file=out_path,
            answer_by=doc["answer_by"],
        )
    )


@pdp_app.command("correct")
def pdp_correct(
    child_id: Annotated[str, typer.Argument(help="The child's id (PDN…).")],
    record: Annotated[str, typer.Option(help="The record to correct, source:id (kpai:…).")],
    field: Annotated[str, typer.Option(help="The field to correct (a column of the record).")],
    value: Annotated[str, typer.Option(help="The value the requester says is right.")],
    reason: Annotated[str, typer.Option(help="What is wrong, per the requester.")],
    reference: Annotated[str, typer.Option(help="The request's reference.")] = "",
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """Record a correction request, addressed to the agency that owns the record (audited)."""
    from padan.pdp import correction_request

    with translate_errors():
        stored = correction_request(
            store_from(db),
            _policy(policy),
            child_id,
            record=record,
            field=field,
            value=value,
            reason=reason,
            actor=pdp_actor(db, "padan pdp correct", "profile"),
            reference=reference,
        )
    out.print(
        tr(
            "Correction request %(id)s for %(record)s (%(field)s) addressed to %(agency)s.",
            id=stored["id"],
            record=escape(record),
            field=field,
            agency=escape(stored["agency"]),
        )
    )


@pdp_app.command("corrections")
def pdp_corrections(
    agency: Annotated[str | None, typer.Option(help="Only requests for this agency.")] = None,
    child: Annotated[str | None, typer.Option(help="Only this child's requests.")] = None,
    out_path: OutOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Correction requests, oldest first, with the agency each goes to (audited)."""
    from padan.pdp import list_corrections

    with translate_errors():
        found = list_corrections(
            store_from(db),
            actor=pdp_actor(db, "padan pdp corrections", "profile"),
            child_id=child,
            agency=agency,
        )
        if out_path is not None:
            write_whole(
                out_path, json.dumps(found, ensure_ascii=False, indent=2) + "\n", private=True
            )
    if out_path is not None:
        out.print(
            tr("%(count)s correction requests written to %(file)s", count=len(found), file=out_path)
        )
    elif as_json:
        out.print_json(json.dumps(found, ensure_ascii=False))
    else:
        table = Table(title=tr("Correction requests"))
        heads = ("id", tr("at"), tr("agency"), tr("child"), tr("record"), tr("field"), tr("status"))
        for name in heads:
            table.add_column(name)
        for c in found:
            table.add_row(
                str(c["id"]),
                c["at"],
                escape(c["agency"]),
                c["child_id"],
                escape(c["record"]),
                c["field"],
                _correction_status(c["status"]),
            )
        out.print(table)


@pdp_app.command("correction-status")
def pdp_correction_status(
    request_id: Annotated[int, typer.Argument(help="The request's id (padan pdp corrections).")],
    status: Annotated[
        str, typer.Argument(help="sent (to the agency), done (corrected there) or refused.")
    ],
    note: Annotated[str, typer.Option(help="E.g. the agency's letter number.")] = "",
    db: DbOption = None,
) -> None:
    """Record where a correction request stands: sent to the owning agency, then done or
    refused there (audited)."""
    from padan.pdp import update_correction

    with translate_errors():
        changed = update_correction(
            store_from(db),
            request_id,
            status,
            actor=pdp_actor(db, "padan pdp correction-status", "profile"),
            note=note,
        )
    out.print(
        tr(
            "Correction request %(id)s is now %(status)s.",
            id=changed["id"],
            status=_correction_status(changed["status"]),
        )
    )


@retention_app.command("apply")
def retention_apply(
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run/--execute",
            help="Only count what would change (the default); --execute pseudonymises and deletes.",
        ),
    ] = True,
    as_of: Annotated[
        str | None, typer.Option(help="Count retention back from this day (default: today).")
    ] = None,
    exports_dir: Annotated[
        Path | None, typer.Option(help="Directory of export files to apply [exports] keep_days to.")
    ] = None,
    as_json: JsonOption = False,
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """Pseudonymise or delete records past their source's retention, and delete export files
    past theirs; a dry run unless --execute. Atomic, re-runnable, audited."""
    from padan.pdp import apply_retention_plan, plan_retention

    with translate_errors():
        loaded = _policy(policy)
        moment = parse_moment(as_of, "--as-of") if as_of else None
        store = store_from(db)
        if dry_run:
            plan = plan_retention(store, loaded, as_of=moment, exports_dir=exports_dir)
        else:
            plan = apply_retention_plan(
                store,
                loaded,
                actor=pdp_actor(db, "padan retention apply", "manage_users"),
                as_of=moment,
                exports_dir=exports_dir,
            )
    if as_json:
        body = {
            "dry_run": not plan.applied,
            "as_of": plan.as_of.isoformat(),
            "sources": [
                {
                    "source": s.source,
                    "action": s.action,
                    "applies_to": s.applies_to,
                    "keep_years": s.keep_years,
                    "counted_from": s.counted_from,
                    "cutoff": s.cutoff.isoformat(),
                    "records": s.records,
                    "quarantine_rows": s.quarantine_rows,
                    "unlinked_ids": s.unlinked_ids,
                    "record_events": s.events,
                    "encoded": s.encoded,
                }
                for s in plan.sources
            ],
            "export_files": len(plan.export_files),
            "exports_cutoff": plan.exports_cutoff.isoformat(),
        }
        out.print_json(json.dumps(body))
        return
    verb = tr("Applied") if plan.applied else tr("DRY RUN (nothing changed)")
    out.print(
        tr(
            "%(verb)s: retention as of %(day)s",
            verb="[bold]" + verb + "[/]",
            day=format(plan.as_of, "%Y-%m-%d"),
        )
    )
    table = Table()
    heads = (
        tr("source"),
        tr("rule"),
        tr("cutoff"),
        tr("records"),
        tr("quarantined rows"),
        tr("ids unlinked"),
        tr("record events"),
    )
    for name in heads:
        table.add_column(name)
    for s in plan.sources:
        rule = tr(
            "%(action)s %(applies_to)s after %(years)s y from %(counted_from)s",
            action=_rule_word(s.action),
            applies_to=_rule_word(s.applies_to),
            years=s.keep_years,
            counted_from=_rule_word(s.counted_from),
        )
        table.add_row(
            tr("%(source)s (encoded)", source=s.source) if s.encoded else s.source,
            rule,
            f"{s.cutoff:%Y-%m-%d}",
            str(s.records),
            str(s.quarantine_rows),
            str(s.unlinked_ids),
            str(s.events),
        )
    out.print(table)
    if plan.exports_dir is not None:
        out.print(
            tr(
                "exports: %(count)s files in %(dir)s older than %(cutoff)s",
                count=len(plan.export_files),
                dir=plan.exports_dir,
                cutoff=format(plan.exports_cutoff, "%Y-%m-%d"),
            )
        )
    if not plan.applied:
        out.print(tr("Run again with --execute to apply."))
