"""The main job on embedded defaults, as one function: synthetic data → ingest → link →
evaluate → institutions → report (what ``padan demo`` runs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from padan.analysis import Report, default_rules, indicator_labels
from padan.api.facade import Padan
from padan.ingest import IngestSummary
from padan.institutions import DedupSummary, PairCounts, RiskAssessment, SyncSummary
from padan.linkage import PairwiseMetrics
from padan.registry import RunSummary
from padan.settings import Settings
from padan.store import QuarantineEntry

__all__ = ["DEMO_SOURCES", "DemoResult", "demo"]

#: The files the demo ingests, in order, by label: the three extracts, then a deliberately
#: damaged KPAI file that shows what is accepted, flagged and quarantined.
DEMO_SOURCES = ("dtsen", "kpai", "lembaga", "kpai (rusak)")
#: How many institutions of the risk worklist the demo keeps.
_TOP = 5


@dataclass(frozen=True)
class DemoResult:
    """What :func:`demo` did: each step's result, and where the files and the store are."""

    directory: Path
    store_url: str
    files: dict[str, Path]  # the synthetic files and, as "kpai (rusak)", the damaged one
    ingested: dict[str, IngestSummary]  # by label of DEMO_SOURCES
    quarantine: list[QuarantineEntry]  # the damaged file's quarantined rows
    run: RunSummary
    metrics: PairwiseMetrics
    institutions: SyncSummary
    dedup: DedupSummary
    dedup_counts: PairCounts
    institution_worklist: list[RiskAssessment]  # the top of the risk worklist
    report: Report
    labels: dict[str, str]  # indicator key → label in the report
    xlsx: Path
    html: Path

    @property
    def broken_batch(self) -> int:
        """The batch of the damaged KPAI file."""
        return self.ingested["kpai (rusak)"].batch_id


def demo(
    directory: Path,
    *,
    households: int = 5000,
    seed: int = 42,
    url: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoResult:
    """Generate synthetic data in ``directory`` and run the main job on it.

    Writes DTSEN, KPAI and institution extracts for ``households`` households (``seed`` makes
    them reproducible) plus a damaged KPAI file; ingests all four into the store at ``url``
    (default: settings, then ``sqlite:///padan.db``); links, evaluates the run against the
    known truth, takes the institutions into the registry and merges their duplicates; writes
    the report (small cells suppressed, no worklists) to ``laporan.xlsx`` and ``laporan.html``
    in ``directory``.

    ``progress(step, done, total)`` follows each step: ``done``/``total`` count households or
    rows, and are both 0 for a step of the linkage run, which only names itself.
    """
    from padan.synth import generate, write_broken_kpai

    def counter(step: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(step, done, total)

    def named(step: str) -> None:
        if progress is not None:
            progress(step, 0, 0)

    directory = Path(directory)
    data = generate(
        directory, households=households, seed=seed, progress=counter("Generating synthetic data")
    )
    files = {**data.files, "kpai (rusak)": write_broken_kpai(data.files["kpai"], directory)}
    with Padan.open(url, settings=settings) as padan:
        ingested = {
            label: padan.ingest(
                label.split()[0], files[label], progress=counter(f"Ingest {files[label].name}")
            )
            for label in DEMO_SOURCES
        }
        quarantine = padan.store.quarantine_entries(batch_id=ingested["kpai (rusak)"].batch_id)
        run = padan.link(progress=named)
        metrics = padan.evaluate(data.files["truth"])
        synced = padan.institutions.sync(by="padan-demo")
        dedup = padan.institutions.dedup()
        counts = padan.institutions.evaluate_dedup(data.files["lembaga_truth"])
        top = padan.institutions.worklist(limit=_TOP)
        rules = default_rules()
        report = padan.report(rules=rules)
        trends = padan.trends(rules=rules)
        xlsx, html = padan.write_report(
            report, directory / "laporan.xlsx", rules=rules, trends=trends
        )
        return DemoResult(
            directory,
            padan.url,
            files,
            ingested,
            quarantine,
            run,
            metrics,
            synced,
            dedup,
            counts,
            top,
            report,
            indicator_labels(rules),
            xlsx,
            html,
        )
