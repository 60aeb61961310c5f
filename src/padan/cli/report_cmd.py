"""``padan report``: gap indicators per region as a terminal table, JSON, XLSX and HTML."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.access.authorise import Forbidden
from padan.access.policy import ROLES, Principal, get_role
from padan.analysis import Report, Rules, compute_report, indicator_labels, load_inputs, load_rules
from padan.analysis.asof import end_of_day, load_inputs_as_of, parse_as_of
from padan.analysis.tables import report_dict
from padan.cli.common import DbOption, JsonOption, cli_lang, out, padan_from, tr, translate_errors
from padan.errors import InputError
from padan.store import Store

__all__ = ["refuse_no_suppress", "render_report", "report"]


def render_report(report: Report, labels: dict[str, str], *, as_of: dt.date | None = None) -> None:
    """The headline table: each indicator, its count, review-band children and share."""
    from padan.analysis.tables import denominator

    place = f"{report.region.code} {report.region.name}" if report.region else tr("National")
    if as_of is not None:
        place = tr("%(place)s, as of %(date)s", place=place, date=as_of.isoformat())
    s = report.snapshot
    table = Table(
        title=tr("Gap indicators — %(place)s", place=place),
        caption=tr(
            "run %(run)s (%(when)s UTC), model %(model)s, thresholds %(link)s/%(review)s, "
            "batch %(batches)s",
            run=s.run_id,
            when=s.run_finished_at.strftime("%Y-%m-%d %H:%M"),
            model=s.model_version,
            link=format(s.link_threshold, "g"),
            review=format(s.review_threshold, "g"),
            batches=", ".join(str(b.id) for b in s.batches),
        ),
    )
    table.add_column(tr("indicator"))
    for head in (tr("children"), tr("from review pairs"), "%"):
        table.add_column(head, justify="right")
    for key, figure in report.indicators.items():
        den = denominator(key)
        base = report.indicators[den].value if den else 0
        share = "" if not den else f"{100 * figure.value / base:.1f}" if base else "n/a"
        table.add_row(labels.get(key, key), f"{figure.value:,}", f"{figure.uncertain:,}", share)
    out.print(table)
    if report.median_days is not None:
        out.print(
            tr("Median days from complaint to first service: %(days)s", days=report.median_days)
        )
    if report.basis.get("records") == "pprl":
        out.print(
            tr(
                "Linked on PPRL encodings: only the coverage indicators; the others need "
                "attributes the encodings do not carry (desil, aid, klaster, kategori)."
            )
        )
    if report.basis.get("atensi") == "dtsen_penerima_atensi":
        out.print(tr("Without ATENSI: read from DTSEN's flag (no Kemensos service records yet)."))
    elif report.basis.get("atensi"):
        out.print(tr("Without ATENSI: no Kemensos service record in the child's profile."))
    if s.newer_batches:
        out.print(
            "[yellow]"
            + tr(
                "Batch %(batches)s not linked yet: run padan link to include them.",
                batches=", ".join(map(str, s.newer_batches)),
            )
            + "[/]"
        )


def report(
    region: Annotated[
        str | None, typer.Option("--region", help="Province, regency or district code (32.01).")
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write the report to FILE.xlsx (and FILE.html beside it)."),
    ] = None,
    as_json: JsonOption = False,
    worklists: Annotated[
        bool,
        typer.Option(
            "--worklists",
            help="Add the named worklists to the XLSX (authorised roles only; audited).",
        ),
    ] = False,
    purpose: Annotated[
        str,
        typer.Option(
            "--purpose",
            help="Why the worklists are exported (kept in the audit log; needed as a named user).",
        ),
    ] = "",
    no_suppress: Annotated[
        bool,
        typer.Option("--no-suppress", help="Show exact small counts (internal use only)."),
    ] = False,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Eligibility rules TOML (default: built in).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Indicators as of the end of this date (YYYY-MM-DD; the day ends at 24:00 "
            "UTC, 07:00 WIB the next morning), from the stored history.",
        ),
    ] = None,
    with_trends: Annotated[
        bool,
        typer.Option(
            "--trends",
            help="Add a 'Tren' section to the HTML file and a 'Tren' sheet to the XLSX: "
            "every indicator per quarter (UTC "
            "quarters) up to the report's date. Each quarter is a full past report: about 4 s "
            "at 100,000 records, 40 s at a million, per quarter. Needs --out.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Gap indicators per region from the latest linkage run: coverage, aid gaps, ATENSI.

    Once the store has an admin, runs as a named user (padan --as NAME, or PADAN_CLI_USER)
    whose role has dashboard (and worklists and export for --worklists), shaped as the web
    shows that role: its region, only its worklists with their columns and NIKs shaped (the
    worklists audited); --no-suppress only for roles with exact small cells.

    --as-of DATE gives the indicators as they stood at the end of DATE (UTC): the records
    current then and the linkage run in force then. With --trends the HTML file has a "Tren"
    section and the XLSX a "Tren" sheet: every indicator per quarter up to the report's date
    (slow on a large store: each quarter is a full past report)."""
    from padan.cli.actor import data_user, is_local

    with translate_errors():
        if out_file is not None and out_file.suffix.lower() != ".xlsx":
            raise InputError(f"--out {out_file}: the report file must end in .xlsx")
        if with_trends and out_file is None:
            raise InputError(
                "--trends needs --out FILE.xlsx: the trends go in the XLSX and HTML files"
            )
        if worklists and out_file is None:
            raise InputError("--worklists needs --out FILE.xlsx: worklists are written to a file")
        day = parse_as_of(as_of) if as_of is not None else None
        if worklists and day is not None:
            raise InputError(
                "--worklists name today's children; leave out --as-of for them, or "
                "--worklists for a past date's figures"
            )
        loaded = load_rules(rules)
        padan = padan_from(db)
        if worklists and padan.store.holds_encodings():
            raise InputError(
                "--worklists name children; a store of PPRL encodings holds no names. Leave "
                "out --worklists: each agency looks up its own record ids (padan export clusters)"
            )
        needs = ("dashboard", "worklists", "export") if worklists else ("dashboard",)
        who = data_user(padan.store, command="padan report", needs=needs)
        if is_local(who) and day is not None:
            suppress, result = not no_suppress, padan.report_as_of(day, region=region, rules=loaded)
        elif is_local(who):
            suppress = not no_suppress
            result = padan.report(
                region=region,
                rules=loaded,
                worklists=worklists,
                actor=who.username if worklists else None,
                purpose=purpose,
            )
        else:
            suppress, result = _shaped_report(
                padan.store, who, region, loaded, worklists, purpose, no_suppress, day
            )
        files = None
        if out_file:
            where = result.region.code if result.region else None
            trend = (
                padan.trends(
                    region=where, rules=loaded, suppress_small=suppress, lang=cli_lang(), until=day
                )
                if with_trends
                else None
            )
            files = padan.write_report(
                result,
                out_file,
                rules=loaded,
                suppress_small=suppress,
                worklists=worklists,
                trends=trend,
            )
    if as_json:
        data = report_dict(result, suppress_small=suppress)
        if files:
            data["files"] = {"xlsx": str(files[0]), "html": str(files[1])}
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    render_report(result, indicator_labels(loaded, lang=cli_lang()), as_of=day)
    if files:
        out.print(
            tr("Report: %(xlsx)s  HTML summary: %(html)s")
            % {"xlsx": f"[bold]{files[0]}[/]", "html": f"[bold]{files[1]}[/]"}
        )


def refuse_no_suppress(who: Principal) -> None:
    """Raise :class:`Forbidden` when ``who``'s role must see small counts suppressed: its
    ``--no-suppress`` is refused, not ignored."""
    if who.role.suppress_small:
        exact = [r for r in ROLES if not get_role(r).suppress_small]
        raise Forbidden(
            f"role {who.role.name} sees small counts suppressed (small_cells = suppress): "
            f"--no-suppress is for roles with exact small cells ({', '.join(exact)})"
        )


def _shaped_report(
    store: Store,
    who: Principal,
    region: str | None,
    rules: Rules,
    worklists: bool,
    purpose: str,
    no_suppress: bool,
    day: dt.date | None = None,
) -> tuple[bool, Report]:
    """The report as the web shows ``who``'s role: the region in its scope (its own by
    default), its worklists shaped and audited; small counts suppressed unless ``no_suppress``,
    which only a role with exact small cells may ask for. Returns (suppressed, report)."""
    from padan.services.figures import region_in_scope
    from padan.services.worklists import export_worklists

    if no_suppress:
        refuse_no_suppress(who)
    ref = region_in_scope(who, region)
    if day is not None:
        inputs, snapshot = load_inputs_as_of(store, end_of_day(day))
    else:
        inputs, snapshot = load_inputs(store)
    result = compute_report(inputs, snapshot, rules=rules, region=ref, worklists=worklists)
    if worklists:
        shown = export_worklists(store, who, result.worklists, region=ref, purpose=purpose)
        result = replace(result, worklists=shown)
    # Files leave the screen: small counts stay suppressed unless a role allowed exact ones
    # asks for them (--no-suppress), as before accounts were in use.
    return not no_suppress, result
