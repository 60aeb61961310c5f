"""``padan pdp …`` and ``padan retention apply``: UU PDP operations (:mod:`padan.pdp`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from padan.access.authorise import Forbidden, require
from padan.cli.actor import operator
from padan.cli.common import DbOption, JsonOption, out, store_from, translate_errors
from padan.errors import InputError

__all__ = ["pdp_app", "retention_app"]

pdp_app = typer.Typer(
    help="UU PDP (UU 27/2022): record of processing, DPIA, subject requests, breach reports.",
    no_args_is_help=True,
)
retention_app = typer.Typer(
    help="Retention of records and exports per source.", no_args_is_help=True
)

PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", help="Policy file to read (default: the one the web app enforces)."),
]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write to this file.")]
FormatOption = Annotated[
    str, typer.Option("--format", help="md (Markdown) or json.", case_sensitive=False)
]


def _actor(db: str | None, command: str, permission: str) -> str:
    """Who does this, for the audit log: the named local user (``padan --as NAME`` or
    ``PADAN_CLI_USER``), whose role needs ``permission`` and a national scope (these commands
    read or change every region's records, whole); without a name, the local operator
    ``cli:<login name>``, but only while the store has no active admin. Never a free-text name.
    """
    who = operator(store_from(db), command=command)
    require(who, permission)
    if who.role.scope != "national":
        raise Forbidden(
            f"role {who.role.name} sees one region; {command} reads every region's records "
            "whole: ask a user with a national role"
        )
    return who.username


def _write(path: Path, text: str, *, private: bool = False) -> None:
    """Write ``text`` to ``path`` whole or not at all (``private``: mode 600, personal data)."""
    if not path.parent.is_dir():
        raise InputError(f"--out {path}: the directory {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600 if private else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        _write(out_path, text)
    out.print(f"{kind.upper()} written to {out_path}")


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
    child_id: Annotated[str, typer.Argument(help="The child's id (PDN…).")],
    out_path: Annotated[Path, typer.Option("--out", help="The JSON file to write (mode 600).")],
    reference: Annotated[
        str, typer.Option(help="The request's reference, e.g. letter number.")
    ] = "",
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """Everything held about one child, for a parent or guardian, as one JSON file (audited)."""
    from padan.pdp import subject_access

    with translate_errors():
        loaded = _policy(policy)
        if not out_path.parent.is_dir():
            raise InputError(f"--out {out_path}: the directory {out_path.parent} does not exist")
        doc = subject_access(
            store_from(db),
            loaded,
            child_id,
            actor=_actor(db, "padan pdp subject-access", "profile"),
            reference=reference,
        )
        _write(out_path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n", private=True)
    out.print(
        f"{len(doc['records'])} records, {len(doc['accesses'])} audited accesses of {child_id} "
        f"written to {out_path}; answer the requester by {doc['answer_by']} (3×24 h)."
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
            actor=_actor(db, "padan pdp correct", "profile"),
            reference=reference,
        )
    out.print(
        f"Correction request {stored['id']} for {escape(record)} ({field}) addressed to "
        f"{escape(stored['agency'])}."
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
            actor=_actor(db, "padan pdp corrections", "profile"),
            child_id=child,
            agency=agency,
        )
        if out_path is not None:
            _write(out_path, json.dumps(found, ensure_ascii=False, indent=2) + "\n", private=True)
    if out_path is not None:
        out.print(f"{len(found)} correction requests written to {out_path}")
    elif as_json:
        out.print_json(json.dumps(found, ensure_ascii=False))
    else:
        table = Table(title="Permintaan perbaikan / Correction requests")
        for name in ("id", "at", "agency", "child", "record", "field", "status"):
            table.add_column(name)
        for c in found:
            table.add_row(
                str(c["id"]),
                c["at"],
                escape(c["agency"]),
                c["child_id"],
                escape(c["record"]),
                c["field"],
                c["status"],
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
            actor=_actor(db, "padan pdp correction-status", "profile"),
            note=note,
        )
    out.print(f"Correction request {changed['id']} is now {changed['status']}.")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _moment(text: str, option: str, *, end_of_day: bool = False) -> dt.datetime:
    """An ISO date or time (UTC unless it has an offset); a date alone for ``--until`` means
    the end of that day."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{option} {text!r} is not a date or time; write 2026-12-01 or 2026-12-01T14:30 "
            "(UTC unless an offset such as +07:00 is given)"
        ) from None
    if end_of_day and _DATE.fullmatch(text.strip()):
        moment += dt.timedelta(days=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@pdp_app.command("breach-report")
def pdp_breach_report(
    since: Annotated[str, typer.Option(help="Window start: 2026-12-01 or 2026-12-01T08:00.")],
    until: Annotated[str, typer.Option(help="Window end (a date alone: to the end of that day).")],
    user: Annotated[str | None, typer.Option("--user", help="The account.")] = None,
    token: Annotated[
        int | None,
        typer.Option(
            "--token",
            help="An API token's id (padan token list): its account, while the token was valid.",
        ),
    ] = None,
    known_at: Annotated[
        str | None, typer.Option(help="When the breach became known (default: now).")
    ] = None,
    out_path: OutOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Which children and regions an account (or an API token's account, while the token was
    valid) touched in a time window, from the audit log, with the 3×24 h notification deadline
    (audited)."""
    from padan.pdp import breach_report, token_window

    with translate_errors():
        if (user is None) == (token is None):
            raise InputError("name the account (--user NAME) or the API token (--token ID), one")
        start = _moment(since, "--since")
        end = _moment(until, "--until", end_of_day=True)
        known = _moment(known_at, "--known-at") if known_at else None
        store = store_from(db)
        if token is not None:
            user, start, end = token_window(store, token, since=start, until=end)
        assert user is not None
        report = breach_report(
            store,
            username=user,
            since=start,
            until=end,
            actor=_actor(db, "padan pdp breach-report", "audit"),
            known_at=known,
        )
        body = {
            "user": report.username,
            "token": token,
            "since": report.since.isoformat(),
            "until": report.until.isoformat(),
            "known_at": report.known_at.isoformat(),
            "notify_by": report.notify_by.isoformat(),
            "notice": report.notice,
            "audit_rows": report.audit_rows,
            "actions": report.actions,
            "children": len(report.child_ids),
            "child_ids": list(report.child_ids),
            "children_not_in_latest_run": list(report.children_not_in_latest_run),
            "regions": [
                {"code": r.code, "level": r.level, "name": r.name, "children": r.children}
                for r in report.regions
            ],
        }
        if out_path is not None:
            _write(out_path, json.dumps(body, ensure_ascii=False, indent=2) + "\n", private=True)
    if as_json:
        out.print_json(json.dumps(body, ensure_ascii=False))
        return
    out.print(
        f"Account {escape(report.username)}, {report.since:%Y-%m-%d %H:%M} to "
        f"{report.until:%Y-%m-%d %H:%M} UTC: {report.audit_rows} audit rows, "
        f"{len(report.child_ids)} children."
    )
    for action, count in report.actions.items():
        out.print(f"  {action}: {count}")
    table = Table(title="Wilayah / Regions touched")
    for name in ("code", "level", "name", "children"):
        table.add_column(name)
    for r in report.regions:
        table.add_row(r.code, r.level, escape(r.name), str(r.children))
    out.print(table)
    out.print(
        f"[bold]Notify by {report.notify_by:%Y-%m-%d %H:%M} UTC[/] "
        f"(known at {report.known_at:%Y-%m-%d %H:%M} UTC + 3×24 h). {escape(report.notice)}"
    )
    if out_path is not None:
        out.print(f"Child ids and regions written to {out_path}")


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
        moment = _moment(as_of, "--as-of") if as_of else None
        store = store_from(db)
        if dry_run:
            plan = plan_retention(store, loaded, as_of=moment, exports_dir=exports_dir)
        else:
            plan = apply_retention_plan(
                store,
                loaded,
                actor=_actor(db, "padan retention apply", "manage_users"),
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
                }
                for s in plan.sources
            ],
            "export_files": len(plan.export_files),
            "exports_cutoff": plan.exports_cutoff.isoformat(),
        }
        out.print_json(json.dumps(body))
        return
    verb = "Applied" if plan.applied else "DRY RUN (nothing changed)"
    out.print(f"[bold]{verb}[/]: retention as of {plan.as_of:%Y-%m-%d}")
    table = Table()
    for name in ("source", "rule", "cutoff", "records", "quarantined rows", "ids unlinked"):
        table.add_column(name)
    for s in plan.sources:
        rule = f"{s.action} {s.applies_to} after {s.keep_years} y from {s.counted_from}"
        table.add_row(
            s.source,
            rule,
            f"{s.cutoff:%Y-%m-%d}",
            str(s.records),
            str(s.quarantine_rows),
            str(s.unlinked_ids),
        )
    out.print(table)
    if plan.exports_dir is not None:
        out.print(
            f"exports: {len(plan.export_files)} files in {plan.exports_dir} older than "
            f"{plan.exports_cutoff:%Y-%m-%d}"
        )
    if not plan.applied:
        out.print("Run again with --execute to apply.")
