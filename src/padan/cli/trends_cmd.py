"""``padan trends``: every indicator per DTSEN snapshot, month or quarter, with the change since
the previous point (issue 18)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from padan.analysis.trend_view import TrendTable
from padan.cli.common import DbOption, JsonOption, cli_lang, out, padan_from, tr, translate_errors

__all__ = ["render_trends", "trends", "trends_dict"]


def trends_dict(table: TrendTable) -> dict[str, object]:
    """The JSON of ``padan trends --json`` (the same keys as the API's ``rows``)."""
    return {
        "period": table.period,
        "region": table.region.code if table.region else None,
        "abh_wait_days": table.wait_days,
        "points": [
            {"label": label, "as_of": as_of, "run_id": run_id, "batch_id": batch_id}
            for label, as_of, run_id, batch_id in table.points
        ],
        "rows": [
            {"key": r.key, "label": r.label, "values": list(r.values), "changes": list(r.changes)}
            for r in table.rows
        ],
    }


def _cell(value: object, change: object) -> str:
    shown = "–" if value is None else f"{value:,}" if isinstance(value, int) else str(value)
    if isinstance(change, int):
        return f"{shown} ({change:+,})"
    if isinstance(change, str):  # a change of 1-4 either way, hidden
        return f"{shown} (±{change})"
    return shown


def render_trends(table: TrendTable) -> None:
    """Indicators as rows, points as columns: each value with its change in brackets."""
    place = f"{table.region.code} {table.region.name}" if table.region else tr("National")
    grid = Table(
        title=tr("Indicators over time — %(place)s", place=place),
        caption=tr("(change since the previous point); ABH overdue after %(days)s days")
        % {"days": table.wait_days},
    )
    grid.add_column(tr("indicator"))
    for label, as_of, _, _ in table.points:
        grid.add_column(f"{label}\n{as_of[:10]}", justify="right")
    for row in table.rows:
        grid.add_row(
            row.label, *(_cell(v, c) for v, c in zip(row.values, row.changes, strict=True))
        )
    out.print(grid)


def trends(
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="snapshot (each DTSEN batch), month or quarter: a point at the end of each "
            "calendar month or quarter in UTC (the last day ends at 24:00 UTC, 07:00 WIB).",
        ),
    ] = "quarter",
    region: Annotated[
        str | None, typer.Option("--region", help="Province, regency or district code (32.01).")
    ] = None,
    as_json: JsonOption = False,
    no_suppress: Annotated[
        bool, typer.Option("--no-suppress", help="Show exact small counts (internal use only).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Every indicator per DTSEN snapshot, month or quarter, with the change since the
    previous point: children who left DTSEN, newly eligible and not receiving aid, ABH still
    without ATENSI after the rules' days. Each point comes from the stored history (the
    records current then, the linkage run in force then); months, quarters and days end at
    24:00 UTC. Each point is a full past report: about 4 s at 100,000 records, 40 s at a
    million, so a monthly series of a year on a national store takes minutes.

    Once the store has an admin, runs as a named user (padan --as NAME) whose role has
    dashboard, shaped as the web shows that role (its region, small counts suppressed)."""
    from padan.cli.actor import data_user, is_local
    from padan.cli.report_cmd import refuse_no_suppress
    from padan.services.trends import trends_table

    with translate_errors():
        padan = padan_from(db)
        who = data_user(padan.store, command="padan trends", needs=("dashboard",))
        if is_local(who):
            table = padan.trends(
                period=period, region=region, suppress_small=not no_suppress, lang=cli_lang()
            )
        else:
            if no_suppress:  # as padan report: refused, not ignored, for roles that suppress
                refuse_no_suppress(who)
            table = trends_table(padan.store, who, period=period, region=region, lang=cli_lang())
    if as_json:
        out.print_json(json.dumps(trends_dict(table), ensure_ascii=False))
        return
    render_trends(table)
