"""``padan synth`` and ``padan demo``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.api import DEMO_SOURCES, DemoResult
from padan.api import demo as run_demo
from padan.cli.common import DbOption, err, out, progress_bar, share_text, translate_errors
from padan.cli.ingest_cmd import render_summary
from padan.cli.link_cmd import render_metrics, render_run
from padan.cli.report_cmd import render_report
from padan.cli.store_cmd import render_quarantine
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
) -> None:
    """Write synthetic, realistic DTSEN, KPAI and institution extracts plus truth.csv."""
    from padan.synth import generate

    with translate_errors(), progress_bar("Generating") as progress:
        summary = generate(
            out_dir,
            households=households,
            seed=seed,
            regions=_regions(regions),
            rows_per_complaint=rows_per_complaint,
            profile=profile,
            dense=dense,
            progress=progress,
        )
    table = Table(title=f"Synthetic data in {summary.out_dir}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for key, rows in (
        ("dtsen", summary.dtsen_rows),
        ("kpai", summary.kpai_rows),
        ("lembaga", summary.lembaga_rows),
        ("truth", summary.dtsen_rows + summary.kpai_rows),
    ):
        table.add_row(str(summary.files[key]), f"{rows:,}")
    out.print(table)
    if summary.situations:
        injected = Table(title=f"Situations injected (profile {summary.profile})")
        injected.add_column("situation")
        injected.add_column("count", justify="right")
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
    for label in DEMO_SOURCES:
        render_summary(result.ingested[label])
    render_quarantine(result.quarantine)
    render_run(result.run)
    render_metrics(result.metrics)
    _institutions(result)
    render_report(result.report, result.labels)
    out.print(
        f"\nLaporan: [bold]{result.xlsx}[/]   Ringkasan HTML: [bold]{result.html}[/]\n"
        f"Data: [bold]{out_dir}[/]   Store: [bold]{result.store_url}[/]\n"
        f"Langkah berikutnya: [bold]padan quarantine list --batch {result.broken_batch}[/], "
        "[bold]padan review list[/], [bold]padan export clusters --out clusters.csv[/], "
        "[bold]padan report --region 32.01 --out laporan-3201.xlsx --worklists[/], "
        "[bold]padan institutions risk[/]"
    )
    from padan.cli.web_cmd import add_demo_users, print_web_start

    made = add_demo_users(db, command="padan demo --users") if users else None
    print_web_start(db, made)


@contextmanager
def _steps() -> Iterator[Callable[[str, int, int], None]]:
    """The demo's progress: a bar per counted step (households, rows), a line per linkage
    step (both on stderr)."""
    with ExitStack() as stack:
        bars: dict[str, Callable[[int, int], None]] = {}

        def progress(step: str, done: int, total: int) -> None:
            if not done and not total:
                stack.close()
                err.print(f"[dim]{step}…[/]")
                return
            if step not in bars:
                stack.close()
                bars[step] = stack.enter_context(progress_bar(step))
            bars[step](done, total)

        yield progress


#: How many institutions of the risk worklist the demo shows (the library's demo keeps as many).
_DEMO_TOP = 5


def _institutions(result: DemoResult) -> None:
    """The registry taken from the lembaga extract, the duplicates merged, the worklist's top."""
    synced, dedup, counts = result.institutions, result.dedup, result.dedup_counts
    out.print(
        f"\nLembaga: {synced.new} baru, {synced.changed} berubah, {synced.unchanged} tetap; "
        f"{dedup.records} catatan → {dedup.institutions} lembaga "
        f"({dedup.linked_pairs} pasangan digabung, {dedup.review_pairs} menunggu tinjauan; "
        f"presisi {share_text(counts.precision, 2)}, recall {share_text(counts.recall, 2)})"
    )
    table = Table(title=f"Prioritas pengawasan lembaga (top {_DEMO_TOP})")
    for column in ("#", "id_lembaga", "nama", "jenis", "wilayah", "skor", "alasan"):
        table.add_column(column, justify="right" if column in ("#", "skor") else "left")
    for a in result.institution_worklist:
        more = f" (+{len(a.reasons) - 2} lagi)" if len(a.reasons) > 2 else ""
        table.add_row(
            str(a.rank),
            a.id_lembaga,
            a.nama_lembaga,
            a.jenis,
            a.kode_wilayah,
            str(a.score),
            "; ".join(a.reasons[:2]) + more,
        )
    out.print(table)
