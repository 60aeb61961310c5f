"""A linkage run for people, in the CLI run's language: its summary table, why the model was
trained, how the data drifted, and the run's progress steps."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.table import Table

from padan.cli.common import cli_lang, out, tr
from padan.i18n import label
from padan.linkage import frequencies_path
from padan.registry import RunSummary

__all__ = ["render_run", "step_text"]


def step_text() -> Callable[[str], str]:
    """A linkage run's progress step in this run's language."""
    from padan.web.i18n import step_translator

    return step_translator(cli_lang())


def render_run(summary: RunSummary) -> None:
    """The summary table of a linkage run."""
    table = Table(title=tr("Linkage run %(run)s", run=summary.run_id))
    table.add_column("")
    table.add_column("", justify="right")
    for key, value in (
        (tr("records"), summary.records),
        (tr("children"), summary.children),
        (tr("pairs"), summary.pairs),
    ):
        table.add_row(key, f"{value:,}")
    inside = (
        " " + tr("(%(count)s inside one child)", count=f"{summary.review_inside:,}")
        if summary.review_inside
        else ""
    )
    table.add_row(tr("to review"), f"{summary.review:,}{inside}")
    mode = tr("incremental (what changed)") if summary.incremental else tr("full")
    count = format(summary.scored_records, ",")
    scored = tr("%(count)s records scored", count=count)
    table.add_row(tr("mode"), f"{mode}: {scored}")
    table.add_row(tr("new links"), f"{summary.new_links:,}")
    if summary.retired_records:
        table.add_row(tr("records retired by a snapshot"), f"{summary.retired_records:,}")
    lang = cli_lang()
    events = ", ".join(
        f"{label('child_event', k, lang)} {v:,}" for k, v in sorted(summary.events.items())
    )
    events = events or tr("none")
    changed = ", ".join(
        f"{label('column', k, lang)} {v:,}" for k, v in sorted(summary.changed_attributes.items())
    )
    table.add_row(tr("child id events"), events)
    table.add_row(tr("changed attributes"), changed or tr("none"))
    table.add_row(tr("model"), _model_line(summary))
    if summary.model_kind == "pprl":
        table.add_row(
            tr("linked on"),
            tr("PPRL encodings: Dice similarity levels per field, blocked on keyed block keys"),
        )
    timed = (f"{label('run_step', k, lang)} {v:.1f}" for k, v in summary.seconds.items())
    table.add_row(tr("seconds"), ", ".join(timed))
    out.print(table)
    if summary.retrained_because:
        why = _because(summary.retrained_because)
        out.print(tr("Model trained this run: %(why)s", why=why))
    elif summary.drift:
        out.print(
            "[yellow]"
            + tr(
                "The data drifted since the model was trained (incremental runs keep the "
                "model): %(drift)s. Train it again: padan link --full",
                drift="; ".join(_drift_text(d) for d in summary.drift),
            )
            + "[/]"
        )
    if summary.name_frequencies == "not kept":
        out.print(
            "[yellow]"
            + tr(
                "The model keeps no name frequencies (trained before Padan kept them): names "
                "are weighed by today's records, so a pair near a threshold may move from run "
                "to run. Keep them with the model: padan link --retrain"
            )
            + "[/]"
        )
    elif summary.name_frequencies == "lost":
        out.print(
            "[yellow]"
            + tr(
                "The model's name frequencies (%(path)s) are missing or not the model's own: "
                "names are weighed by today's records and every earlier pair was scored "
                "again. Write them anew: padan link --retrain",
                path=str(frequencies_path(summary.model_path)),
            )
            + "[/]"
        )
    if summary.review:
        out.print(tr("Doubtful pairs: %(command)s", command="[bold]padan review list[/]"))


_DRIFT_RECORDS = re.compile(
    r"(?P<source>\w+) records (?P<before>[\d,]+) at training, (?P<after>[\d,]+) now "
    r"\(x(?P<factor>[\d.]+); trains again from x(?P<limit>[\d.]+) or 1/[\d.]+\)"
)
_DRIFTED = "the data drifted since the model was trained: "


def _drift_text(text: str) -> str:
    """Drift lines of :func:`padan.linkage.model_file.drift` in this run's language (a share's
    drift, a rarer and more technical line, stays as the library says it)."""

    def one(found: re.Match[str]) -> str:
        return tr(
            "%(source)s: %(before)s records at training, %(after)s now (x%(factor)s; the model "
            "trains again from x%(limit)s or 1/%(limit)s)",
            **found.groupdict(),
        )

    return _DRIFT_RECORDS.sub(one, text)


def _because(text: str) -> str:
    """Why the model was trained (:class:`padan.linkage.model_file.TrainingCheck`)."""
    if text == "asked to (--retrain)":
        return tr("asked for (--retrain)")
    if text.startswith("no model file at ") and text.endswith(" yet"):
        path = text.removeprefix("no model file at ").removesuffix(" yet")
        return tr("no model file at %(path)s yet", path=path)
    if text.startswith(_DRIFTED):
        moved = _drift_text(text.removeprefix(_DRIFTED))
        return tr("the data drifted since the model was trained: %(drift)s", drift=moved)
    return text


def _model_line(summary: RunSummary) -> str:
    """Which model the run used: file, version, when and on how many records it was trained."""
    how = tr("trained now") if summary.trained else tr("reused")
    info = summary.model
    if info is None:
        return f"{summary.model_path} ({how})"
    records = f"{info.training_records:,}" if info.training_records is not None else "?"
    return tr(
        "%(path)s (%(how)s), version %(version)s, trained %(when)s on %(records)s records",
        path=info.path,
        how=how,
        version=info.version,
        when=info.trained_at or tr("unknown"),
        records=records,
    )
