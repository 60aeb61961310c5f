"""``padan synth`` and ``padan demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.analysis import build_report, default_rules, indicator_labels
from padan.cli.common import (
    DbOption,
    err,
    out,
    progress_bar,
    share_text,
    store_from,
    translate_errors,
)
from padan.cli.ingest_cmd import render_summary
from padan.cli.link_cmd import render_metrics, render_run
from padan.cli.report_cmd import institution_sheets, render_report, write_report_files
from padan.cli.store_cmd import render_quarantine
from padan.ingest import ingest_file
from padan.institutions import (
    dedup_institutions,
    evaluate_dedup,
    read_lembaga_truth,
    sync_from_extract,
    worklist,
)
from padan.linkage import evaluate_run, read_truth
from padan.registry import run_linkage
from padan.settings import get_settings
from padan.store import Store

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
    db: DbOption = None,
) -> None:
    """The main job on embedded defaults: synthetic data → ingest → link → evaluate → report.

    Also ingests a deliberately damaged KPAI file to show what is accepted, flagged and
    quarantined, and why. The report (with small cells suppressed, no worklists) is written to
    ``laporan.xlsx`` and ``laporan.html`` in the output directory.
    """
    from padan.synth import generate, write_broken_kpai

    with translate_errors():
        with progress_bar("Generating synthetic data") as progress:
            data = generate(out_dir, households=households, seed=seed, progress=progress)
        files = {**data.files, "kpai (rusak)": write_broken_kpai(data.files["kpai"], out_dir)}
        store = store_from(db)
        for label in ("dtsen", "kpai", "lembaga", "kpai (rusak)"):
            with progress_bar(f"Ingest {files[label].name}") as progress:
                summary = ingest_file(
                    files[label], source=label.split()[0], store=store, progress=progress
                )
            render_summary(summary)
        broken_batch = summary.batch_id
        render_quarantine(store.quarantine_entries(batch_id=broken_batch))
        run = run_linkage(
            store,
            model_path=get_settings(database_url=db).model_path,
            progress=lambda message: err.print(f"[dim]{message}…[/]"),
        )
        render_run(run)
        render_metrics(evaluate_run(store, run.run_id, read_truth(data.files["truth"])))
        _institutions(store, data.files["lembaga_truth"])
        rules = default_rules()
        report = build_report(store, rules=rules)
        labels = indicator_labels(rules)
        xlsx, html = write_report_files(
            report,
            out_dir / "laporan.xlsx",
            labels,
            suppress_small=True,
            worklists=False,
            institutions=institution_sheets(store, report),
        )
        render_report(report, labels)
    out.print(
        f"\nLaporan: [bold]{xlsx}[/]   Ringkasan HTML: [bold]{html}[/]\n"
        f"Data: [bold]{out_dir}[/]   Store: [bold]{store.url}[/]\n"
        f"Next: [bold]padan quarantine list --batch {broken_batch}[/], "
        "[bold]padan review list[/], [bold]padan export clusters --out clusters.csv[/], "
        "[bold]padan report --region 32.01 --out laporan-3201.xlsx --worklists[/], "
        "[bold]padan institutions risk[/], [bold]padan serve[/]"
    )


_DEMO_TOP = 5


def _institutions(store: Store, truth: Path) -> None:
    """Take the lembaga extract into the registry, merge duplicates, show the worklist's top."""
    synced = sync_from_extract(store, by="padan-demo")
    dedup = dedup_institutions(store)
    counts = evaluate_dedup(store, read_lembaga_truth(truth))
    out.print(
        f"\nLembaga: {synced.new} baru, {synced.changed} berubah, {synced.unchanged} tetap; "
        f"{dedup.records} catatan → {dedup.institutions} lembaga "
        f"({dedup.linked_pairs} pasangan digabung, {dedup.review_pairs} menunggu tinjauan; "
        f"presisi {share_text(counts.precision, 2)}, recall {share_text(counts.recall, 2)})"
    )
    table = Table(title=f"Prioritas pengawasan lembaga (top {_DEMO_TOP})")
    for column in ("#", "id_lembaga", "nama", "jenis", "wilayah", "skor", "alasan"):
        table.add_column(column, justify="right" if column in ("#", "skor") else "left")
    for a in worklist(store, limit=_DEMO_TOP):
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
