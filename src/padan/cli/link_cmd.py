"""``padan link``, ``padan export clusters|pairs``, ``padan evaluate``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.common import (
    DbOption,
    JsonOption,
    cli_lang,
    err,
    fail,
    out,
    padan_from,
    share_json,
    share_text,
    store_from,
    tr,
    translate_errors,
    write_csv,
)
from padan.cli.run_text import render_run, step_text
from padan.i18n import N_, label
from padan.linkage import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    PairwiseMetrics,
    WrongPair,
    evaluate_run,
    read_truth,
    worst_errors,
)
from padan.registry import RunSummary
from padan.settings import get_settings
from padan.store import Store

__all__ = [
    "evaluate",
    "explain",
    "export_app",
    "link",
    "metric_figures",
    "render_metrics",
    "run_figures",
]

export_app = typer.Typer(help="Write linkage results to CSV.", no_args_is_help=True)
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model file (default PADAN_MODEL_PATH or padan-model.json)."),
]
OutOption = Annotated[Path, typer.Option("--out", help="CSV file to write.")]


def link(
    model: ModelOption = None,
    retrain: Annotated[bool, typer.Option("--retrain", help="Train the model again.")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Score all records, not only what changed.")
    ] = False,
    link_threshold: Annotated[
        float, typer.Option(help="Link pairs at or above.")
    ] = DEFAULT_LINK_THRESHOLD,
    review_threshold: Annotated[
        float, typer.Option(help="Review pairs from here up.")
    ] = DEFAULT_REVIEW_THRESHOLD,
    seed: Annotated[int, typer.Option(help="Seed for training.")] = 42,
    as_json: JsonOption = False,
    db: DbOption = None,
    engine: Annotated[
        str | None,
        typer.Option("--engine", help="duckdb or spark (default PADAN_LINKAGE_ENGINE, duckdb)."),
    ] = None,
) -> None:
    """Link all current KPAI and DTSEN records into children and store the run."""
    step = step_text()
    with translate_errors():
        summary = padan_from(db, model_path=model, linkage_engine=engine).link(
            retrain=retrain,
            full=full,
            link_threshold=link_threshold,
            review_threshold=review_threshold,
            seed=seed,
            progress=None if as_json else lambda message: err.print(f"[dim]{step(message)}…[/]"),
        )
    if as_json:
        out.print_json(json.dumps(run_figures(summary)))
        return
    render_run(summary)


def run_figures(summary: RunSummary) -> dict[str, object]:
    """The JSON of ``padan link --json``."""
    return {
        "run_id": summary.run_id,
        "records": summary.records,
        "children": summary.children,
        "pairs": summary.pairs,
        "review": summary.review,
        "review_inside": summary.review_inside,
        "trained": summary.trained,
        "model": str(summary.model_path),
        "model_kind": summary.model_kind,
        "events": summary.events,
        "incremental": summary.incremental,
        "scored_records": summary.scored_records,
        "retired_records": summary.retired_records,
        "new_links": summary.new_links,
        "changed_attributes": summary.changed_attributes,
        "seconds": {k: round(v, 2) for k, v in summary.seconds.items()},
        "model_info": (
            summary.model.figures(trained_this_run=summary.trained) if summary.model else None
        ),
        "retrained_because": summary.retrained_because,
        "drift": list(summary.drift),
        "name_frequencies": summary.name_frequencies,
    }


def _latest_run(store: Store) -> int:
    run = store.latest_link_run()
    if run is None:
        fail("no linkage run in the store yet. Run: padan link", 2)
    return run.id


PurposeOption = Annotated[
    str, typer.Option("--purpose", help="Why you export (kept in the audit log).")
]


@export_app.command("clusters")
def export_clusters(out_file: OutOption, purpose: PurposeOption = "", db: DbOption = None) -> None:
    """Every record with its child: source, source_id, child_id, match_probability.

    Once the store has an admin, runs as a named user (padan --as NAME, or PADAN_CLI_USER)
    whose role has export, and writes the children in that role's scope; audited."""
    from padan.cli.actor import data_user
    from padan.services.linkage_exports import export_clusters as clusters

    with translate_errors():
        store = store_from(db)
        _latest_run(store)
        who = data_user(store, command="padan export clusters", needs=("export",))
        links = clusters(store, who, purpose=purpose)
    rows = (
        (
            x.source,
            x.source_id,
            x.child_id,
            "" if x.match_probability is None else f"{x.match_probability:.6f}",
        )
        for x in links
    )
    write_csv(out_file, ["source", "source_id", "child_id", "match_probability"], rows)
    out.print(
        tr("Wrote %(count)s records to %(file)s", count=format(len(links), ","), file=out_file)
    )


@export_app.command("pairs")
def export_pairs(out_file: OutOption, purpose: PurposeOption = "", db: DbOption = None) -> None:
    """Scored pairs: both records, probability, rule (nik/model), decision (link, review,
    refused, apart).

    Once the store has an admin, runs as a named user (padan --as NAME, or PADAN_CLI_USER)
    whose role has export, and writes the pairs of children in that role's scope; audited."""
    from padan.cli.actor import data_user
    from padan.services.linkage_exports import export_pairs as scored

    with translate_errors():
        store = store_from(db)
        _latest_run(store)
        who = data_user(store, command="padan export pairs", needs=("export",))
        pairs = scored(store, who, purpose=purpose)
    header = ["record_a", "record_b", "match_probability", "rule", "decision"]
    rows = ((a, b, f"{p:.6f}", rule, decision) for a, b, p, rule, decision in pairs)
    write_csv(out_file, header, rows)
    out.print(tr("Wrote %(count)s pairs to %(file)s", count=format(len(pairs), ","), file=out_file))


def evaluate(
    truth: Annotated[Path, typer.Option("--truth", help="CSV with source,source_id,person_id.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Pairwise precision, recall and F1 of the latest run against known truth."""
    with translate_errors():
        store = store_from(db)
        run_id = _latest_run(store)
        known = read_truth(truth)
        metrics = evaluate_run(store, run_id, known)
        false_links, misses = worst_errors(store, run_id, known, limit=10)
    if as_json:
        errors = {
            "worst_false_links": [asdict(e) for e in false_links],
            "worst_misses": [asdict(e) for e in misses],
        }
        out.print_json(json.dumps({**metric_figures(metrics), **errors}))
        return
    render_metrics(metrics)
    for title, wrong in ((tr("Worst false links"), false_links), (tr("Worst misses"), misses)):
        if wrong:
            _render_errors(title, wrong)


def _render_errors(title: str, errors: list[WrongPair]) -> None:
    lang = cli_lang()
    table = Table(title=title)
    for column in (tr("record A"), tr("record B"), tr("probability"), tr("decision")):
        table.add_column(column)
    for e in errors:
        p = "-" if e.probability is None else f"{e.probability:.4f}"
        table.add_row(
            e.uid_a, e.uid_b, p, label("pair_decision", e.decision, lang) if e.decision else ""
        )
    out.print(table)


def metric_figures(metrics: PairwiseMetrics) -> dict[str, float | int | None]:
    """The JSON of ``padan evaluate --json``; a share with nothing to measure (0/0) is ``null``."""
    return {
        "records": metrics.records,
        "true_pairs": metrics.true_pairs,
        "predicted_pairs": metrics.predicted_pairs,
        "correct_pairs": metrics.correct_pairs,
        "precision": share_json(metrics.precision),
        "recall": share_json(metrics.recall),
        "f1": share_json(metrics.f1),
        "exact_clusters": metrics.exact_clusters,
        "true_entities": metrics.true_entities,
        "kpai_in_dtsen": metrics.kpai_in_dtsen,
        "kpai_recall_in_dtsen": share_json(metrics.kpai_recall),
        "kpai_precision_in_dtsen": share_json(metrics.kpai_precision),
    }


#: The measures of :func:`metric_figures` for people (the JSON keys stay as they are).
_MEASURES = {
    "records": N_("records"),
    "true_pairs": N_("true pairs"),
    "predicted_pairs": N_("predicted pairs"),
    "correct_pairs": N_("correct pairs"),
    "precision": N_("precision"),
    "recall": N_("recall"),
    "f1": N_("F1"),
    "exact_clusters": N_("exactly right clusters"),
    "true_entities": N_("true persons"),
    "kpai_in_dtsen": N_("KPAI children truly in DTSEN"),
    "kpai_recall_in_dtsen": N_("KPAI children found in DTSEN (recall)"),
    "kpai_precision_in_dtsen": N_("KPAI children found in DTSEN correctly (precision)"),
}


def render_metrics(metrics: PairwiseMetrics) -> None:
    """Pairwise accuracy as a table (``n/a`` for a share with nothing to measure)."""
    table = Table(title=tr("Pairwise accuracy against truth"))
    table.add_column(tr("measure"))
    table.add_column(tr("value"), justify="right")
    for key, value in metric_figures(metrics).items():
        name = tr(_MEASURES[key]) if key in _MEASURES else key
        table.add_row(name, f"{value:,}" if isinstance(value, int) else share_text(value))
    out.print(table)


def explain(
    record_a: Annotated[str, typer.Argument(help="A record (kpai:KPAI/2024/000123) or a child id")],
    record_b: Annotated[
        str | None, typer.Argument(help="The other record (dtsen:DT000000042)")
    ] = None,
    model: ModelOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Why two records are (not) the same child, or why a child's records belong together."""
    settings = get_settings(database_url=db, model_path=model)
    if record_b is None:
        _explain_child(record_a, as_json, db)
        return
    from padan.cli.actor import raw_reader
    from padan.services.explanations import explain_records

    with translate_errors():
        store = store_from(db)
        actor = raw_reader(store, command="padan explain")
        explanation = explain_records(
            store, actor, record_a, record_b, model_path=settings.model_path
        )
    if as_json:
        out.print_json(json.dumps(asdict(explanation)))
        return
    table = Table(title=f"{record_a} × {record_b}")
    weight = tr("match weight")
    for name in (tr("comparison"), tr("level"), "A", "B", weight):
        table.add_column(name, justify="right" if name == weight else "left")
    table.add_row(tr("prior"), "", "", "", f"{explanation.prior_weight:+.2f}")
    for part in explanation.parts:
        colour = "green" if part.match_weight > 0 else "red" if part.match_weight < 0 else "dim"
        table.add_row(
            part.comparison,
            part.level,
            part.value_a or "–",
            part.value_b or "–",
            f"[{colour}]{part.match_weight:+.2f}[/]",
        )
    total = tr("total")
    table.add_row(f"[bold]{total}[/]", "", "", "", f"[bold]{explanation.match_weight:+.2f}[/]")
    out.print(table)
    probability = f"[bold]{explanation.match_probability:.4f}[/]"
    out.print(tr("Match probability: %(p)s", p=probability))
    if explanation.guard:
        out.print(tr("Kept apart by the guard, whatever the score: %(why)s", why=explanation.guard))


def _explain_child(child_id: str, as_json: bool, db: str | None) -> None:
    from padan.cli.actor import raw_reader
    from padan.services.explanations import explain_child

    with translate_errors():
        store = store_from(db)
        evidence = explain_child(store, raw_reader(store, command="padan explain"), child_id)
    if as_json:
        out.print_json(json.dumps(asdict(evidence)))
        return
    out.print(f"[bold]{child_id}[/]: {', '.join(evidence.records)}")
    lang = cli_lang()
    table = Table(title=tr("Pairs"))
    for name in (tr("record A"), tr("record B"), tr("probability"), tr("rule"), tr("decision")):
        table.add_column(name)
    for a, b, probability, rule, decision in evidence.pairs:
        shown_rule = label("pair_rule", rule, lang)
        shown_decision = label("pair_decision", decision, lang)
        table.add_row(a, b, f"{probability:.4f}", shown_rule, shown_decision)
    out.print(table)
    out.print(tr("Per comparison: %(command)s", command="[bold]padan explain RECORD_A RECORD_B[/]"))
