"""``padan synth`` and ``padan demo``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.analysis import default_rules, indicator_labels
from padan.api import DEMO_SOURCES, DemoResult
from padan.api import demo as run_demo
from padan.cli.common import (
    DbOption,
    cli_lang,
    err,
    out,
    progress_bar,
    share_text,
    tr,
    translate_errors,
)
from padan.cli.ingest_cmd import render_summary
from padan.cli.link_cmd import render_metrics
from padan.cli.report_cmd import render_report
from padan.cli.run_text import render_run
from padan.cli.store_cmd import render_quarantine
from padan.i18n import label
from padan.settings import get_settings

__all__ = ["demo", "synth"]

RegionsOption = Annotated[
    str | None,
    typer.Option(
        "--regions", help="Comma-separated region codes to draw villages from, e.g. 32.01,3374"
    ),
]


def _regions(text: str | None) -> list[str] | None:
    return [code.strip() for code in text.split(",") if code.strip()] if text else None


def synth(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the generated files.")],
    households: Annotated[
        int, typer.Option(min=1, help="DTSEN households (about 4 people each).")
    ] = 2000,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same files.")
    ] = 42,
    regions: RegionsOption = None,
    rows_per_complaint: Annotated[
        int,
        typer.Option(
            min=1, help="One KPAI complaint per this many DTSEN rows (10 gives 100k per 1M)."
        ),
    ] = 40,
    profile: Annotated[
        str,
        typer.Option(
            help="Error model: standard (default), registry (DTSEN-side problems) or intake "
            "(KPAI-side problems); see the README, 'Synthetic data'."
        ),
    ] = "standard",
    dense: Annotated[
        bool,
        typer.Option(
            "--dense", help="Most households in six regencies, names as concentrated as real ones."
        ),
    ] = False,
    sources: Annotated[
        str,
        typer.Option(
            "--sources",
            help="Extra sources about the same children, comma-separated: kemensos (ATENSI "
            "services), simfoni (SIMFONI-PPA cases) or all. Other files stay the same.",
        ),
    ] = "",
) -> None:
    """Write synthetic, realistic DTSEN, KPAI and institution extracts plus truth.csv."""
    from padan.synth import generate

    with translate_errors(), progress_bar(tr("Generating")) as progress:
        summary = generate(
            out_dir,
            households=households,
            seed=seed,
            regions=_regions(regions),
            rows_per_complaint=rows_per_complaint,
            profile=profile,
            dense=dense,
            sources=sources.split(","),
            progress=progress,
        )
    table = Table(title=tr("Synthetic data in %(dir)s", dir=summary.out_dir))
    table.add_column(tr("file"))
    table.add_column(tr("rows"), justify="right")
    extra = summary.extra_rows
    for key, rows in (
        ("dtsen", summary.dtsen_rows),
        ("kpai", summary.kpai_rows),
        ("lembaga", summary.lembaga_rows),
        *extra.items(),
        ("truth", summary.dtsen_rows + summary.kpai_rows + sum(extra.values())),
    ):
        table.add_row(str(summary.files[key]), f"{rows:,}")
    out.print(table)
    if summary.situations:
        injected = Table(
            title=tr("Situations injected (profile %(profile)s)", profile=summary.profile)
        )
        injected.add_column(tr("situation"))
        injected.add_column(tr("count"), justify="right")
        for name, count in summary.situations.items():
            injected.add_row(name, f"{count:,}")
        out.print(injected)


def demo(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Where to write the synthetic files.")
    ] = Path("padan-output"),
    households: Annotated[int, typer.Option(min=1, help="DTSEN households to generate.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    users: Annotated[
        bool,
        typer.Option(
            "--users",
            help="Also add the demo role set: one web user per role, each with a one-time "
            "password (printed; changed at the first login).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """The main job on embedded defaults: synthetic data → ingest → link → evaluate → report.

    Also ingests a deliberately damaged KPAI file to show what is accepted, flagged and
    quarantined, and why. The report (with small cells suppressed, no worklists) is written to
    ``laporan.xlsx`` and ``laporan.html`` in the output directory. Ends with how to open the web
    app; with ``--users`` it adds the demo users itself (``padan user demo`` does it later).
    """
    with translate_errors(), _steps() as progress:
        result = run_demo(
            out_dir,
            households=households,
            seed=seed,
            settings=get_settings(database_url=db),
            progress=progress,
        )
    for source in DEMO_SOURCES:
        render_summary(result.ingested[source])
    render_quarantine(result.quarantine)
    render_run(result.run)
    render_metrics(result.metrics)
    _institutions(result)
    render_report(result.report, indicator_labels(default_rules(), lang=cli_lang()))
    out.print(
        "\n"
        + tr("Report: %(xlsx)s   HTML summary: %(html)s")
        % {"xlsx": f"[bold]{result.xlsx}[/]", "html": f"[bold]{result.html}[/]"}
        + "\n"
        + tr("Data: %(data)s   Store: %(store)s")
        % {"data": f"[bold]{out_dir}[/]", "store": f"[bold]{result.store_url}[/]"}
        + "\n"
        + tr("Next: %(commands)s")
        % {
            "commands": f"[bold]padan quarantine list --batch {result.broken_batch}[/], "
            "[bold]padan review list[/], [bold]padan export clusters --out clusters.csv[/], "
            "[bold]padan report --region 32.01 --out laporan-3201.xlsx --worklists[/], "
            "[bold]padan institutions risk[/]"
        }
    )
    from padan.cli.web_cmd import add_demo_users, print_web_start

    made = add_demo_users(db, command="padan demo --users") if users else None
    print_web_start(db, made)


def _step_name(step: str) -> str:
    """A demo step (named in English by :func:`padan.api.demo`) in this run's language."""
    from padan.web.i18n import step_translator

    if step == "Generating synthetic data":
        return tr("Generating synthetic data")
    if step.startswith("Ingest "):
        return tr("Ingest %(file)s", file=step.removeprefix("Ingest "))
    return step_translator(cli_lang())(step)


@contextmanager
def _steps() -> Iterator[Callable[[str, int, int], None]]:
    """The demo's progress: a bar per counted step (households, rows), a line per linkage
    step (both on stderr)."""
    with ExitStack() as stack:
        bars: dict[str, Callable[[int, int], None]] = {}

        def progress(step: str, done: int, total: int) -> None:
            if not done and not total:
                stack.close()
                err.print(f"[dim]{_step_name(step)}…[/]")
                return
            if step not in bars:
                stack.close()
                bars[step] = stack.enter_context(progress_bar(_step_name(step)))
            bars[step](done, total)

        yield progress


#: How many institutions of the risk worklist the demo shows (the library's demo keeps as many).
_DEMO_TOP = 5


def _institutions(result: DemoResult) -> None:
    """The registry taken from the lembaga extract, the duplicates merged, the worklist's top."""
    lang = cli_lang()
    synced, dedup, counts = result.institutions, result.dedup, result.dedup_counts
    out.print(
        "\n"
        + tr(
            "Institutions: %(new)s new, %(changed)s changed, %(unchanged)s unchanged; "
            "%(records)s records → %(institutions)s institutions (%(linked)s pairs merged, "
            "%(review)s awaiting review; precision %(precision)s, recall %(recall)s)",
            new=synced.new,
            changed=synced.changed,
            unchanged=synced.unchanged,
            records=dedup.records,
            institutions=dedup.institutions,
            linked=dedup.linked_pairs,
            review=dedup.review_pairs,
            precision=share_text(counts.precision, 2),
            recall=share_text(counts.recall, 2),
        )
    )
    table = Table(title=tr("Institutions to inspect first (top %(top)s)", top=_DEMO_TOP))
    numeric = ("#", tr("score"))
    for column in (
        "#",
        tr("institution id"),
        tr("name"),
        tr("type"),
        tr("region"),
        *numeric[1:],
        tr("reasons"),
    ):
        table.add_column(column, justify="right" if column in numeric else "left")
    for a in result.institution_worklist:
        reasons = a.reasons_en if lang == "en" else a.reasons
        more = tr(" (+%(more)s more)", more=len(reasons) - 2) if len(reasons) > 2 else ""
        table.add_row(
            str(a.rank),
            a.id_lembaga,
            a.nama_lembaga,
            label("jenis", a.jenis, lang),
            a.kode_wilayah,
            str(a.score),
            "; ".join(reasons[:2]) + more,
        )
    out.print(table)
