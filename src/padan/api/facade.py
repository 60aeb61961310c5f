"""The :class:`Padan` object: one store, and the main job's steps as methods.

Ingest an extract, link the records into children, evaluate against known truth, build and
write the report; :attr:`Padan.review` and :attr:`Padan.institutions` hold the review queue and
the institution registry. Each method calls the library function of its step, so the CLI, the
web app and a Python user run the same code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from padan.pprl.store_file import EncodedIngest

from padan.access.policy import exposure
from padan.analysis import (
    Report,
    Rules,
    build_report,
    default_rules,
    indicator_labels,
    load_rules,
    resolve_region,
)
from padan.analysis.asof import end_of_day, report_as_of
from padan.analysis.trend_view import TrendTable, trend_labels, trend_table
from padan.analysis.trends import PERIODS, POINTS, trend_series
from padan.api.institutions import InstitutionDesk
from padan.api.reports import institution_sheets, write_report_files
from padan.api.review import ReviewDesk
from padan.errors import InputError
from padan.ingest import (
    EXTRACTS,
    Extract,
    IngestSummary,
    SourceAdded,
    add_source,
    declared_extracts,
    ingest_file,
)
from padan.ingest.definitions import SHIPPED_EXTRACTS
from padan.ingest.snapshot import Snapshot, check_scope
from padan.linkage import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    PairwiseMetrics,
    engine_from_settings,
    evaluate_run,
    linked_sources,
    read_truth,
)
from padan.registry import RunSummary, run_linkage
from padan.settings import Settings, get_settings
from padan.store import BatchInfo, LinkRun, Store, open_store

__all__ = ["DataChanges", "Padan"]


@dataclass(frozen=True)
class DataChanges:
    """What changed in the store since the latest linkage run started.

    ``batches``: KPAI and DTSEN batches the latest run did not read (all of them when there is
    no run yet); ``decisions``: review decisions recorded since it started.
    """

    run_id: int | None
    run_finished_at: dt.datetime | None
    batches: list[BatchInfo] = field(default_factory=list)
    decisions: int = 0

    @property
    def changed(self) -> bool:
        """Whether a new linkage run would see other data than the latest one did."""
        return bool(self.batches) or self.decisions > 0


class Padan:
    """Padan on one store: ingest, link, evaluate, report, review and institutions.

    Open it with :meth:`open` (a store URL, else ``PADAN_DATABASE_URL``, else
    ``sqlite:///padan.db``) or wrap a :class:`~padan.store.Store` you hold. ``settings``
    gives the model file and the linkage engine (default: :func:`~padan.settings.get_settings`,
    the environment); its ``database_url`` is not used when a store is given.

    Errors are those of the library (:mod:`padan.errors`): :class:`~padan.errors.InputError`
    for input that cannot be used, :class:`~padan.errors.StoreError` for the store.
    """

    def __init__(self, store: Store, *, settings: Settings | None = None) -> None:
        self.store = store
        self._settings = settings
        self.review = ReviewDesk(store)
        self.institutions = InstitutionDesk(store)

    @classmethod
    def open(cls, url: str | None = None, *, settings: Settings | None = None) -> Padan:
        """Open (and on first use create) the store at ``url`` or ``settings.database_url``.

        Raises :class:`~padan.errors.StoreError` for an unusable URL, an unreachable server or
        a store at an older schema (``padan db upgrade``).
        """
        if settings is None:
            settings = get_settings(database_url=url)
        elif url is not None:
            settings = settings.model_copy(update={"database_url": url})
        return cls(open_store(settings.database_url), settings=settings)

    @property
    def settings(self) -> Settings:
        """The settings given, else those of the environment (read on first use)."""
        if self._settings is None:
            self._settings = get_settings()
        return self._settings

    @property
    def url(self) -> str:
        """The store's URL."""
        return self.store.url

    @property
    def model_path(self) -> Path:
        """The linkage model file (``settings.model_path``)."""
        return self.settings.model_path

    def close(self) -> None:
        """Release the store's connections (the object can still open new ones)."""
        self.store.engine.dispose()

    def __enter__(self) -> Padan:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def add_source(self, definition: str | Path, *, name: str | None = None) -> SourceAdded:
        """Declare a source from its definition file (or the ``orang`` template) under
        ``name``; then :meth:`ingest` takes its files. See :func:`padan.ingest.add_source`."""
        return add_source(self.store, definition, name=name)

    def sources(self) -> list[Extract]:
        """Every source this store takes: the built-in ones (Kemensos services and SIMFONI-PPA
        cases too, declared or not yet), then those declared in it."""
        declared = declared_extracts(self.store)
        return [*EXTRACTS.values(), *(SHIPPED_EXTRACTS | declared).values()]

    def source_exposure(self, name: str) -> dict[str, list[str]]:
        """Per column of source ``name``, the roles the data-sharing policy lets see it."""
        found = {e.source: e for e in self.sources()}
        if name not in found:
            raise InputError(f"unknown source {name!r}; use one of: {', '.join(found)}")
        return exposure(name, found[name].column_names)

    def remove_source(self, name: str) -> None:
        """Remove a declared source that holds no batch (a definition added by mistake)."""
        self.store.remove_source(name)

    def ingest(
        self,
        source: str,
        path: Path,
        *,
        mapping: Path | None = None,
        today: dt.date | None = None,
        progress: Callable[[int, int], None] | None = None,
        snapshot: bool = False,
        snapshot_scope: str | None = None,
        allow_large_removal: bool = False,
        dry_run: bool = False,
    ) -> IngestSummary:
        """Validate and store one extract of ``source`` (``kpai``, ``dtsen``, ``lembaga`` or a
        source declared with :meth:`add_source`).

        Every row is accepted or quarantined with a reason; a file ingested before is
        recognised and not stored again. ``mapping`` is a TOML file mapping other headers to the
        exchange format; ``progress(done, total)`` follows the rows. See
        :func:`padan.ingest.ingest_file`.

        ``snapshot``: the file is a complete extract of the source (of the region
        ``snapshot_scope``, a Kemendagri code at any level): current records absent from it are
        retired. Refused when that is more than ``settings.snapshot_max_removal`` of them,
        unless ``allow_large_removal``. ``dry_run`` stores nothing and says what would change.
        A PPRL encodings file is refused (:meth:`ingest_encoded` stores it).
        """
        from padan.pprl.output import is_encoding_file

        if is_encoding_file(Path(path)):  # read as plaintext it would fail or seem stored
            raise InputError(
                f"{path} is a PPRL encodings file (written by padan encode), not a plaintext "
                f"extract: add --encoded (padan ingest {source} {path} --encoded)."
            )
        scope = check_scope(snapshot_scope, flag="snapshot_scope")
        if scope is not None and not snapshot:
            raise InputError(
                f"snapshot_scope {snapshot_scope!r} is given without snapshot: a scope only "
                "says which region a snapshot covers; add snapshot (padan ingest --snapshot)"
            )
        plan = (
            Snapshot(scope, self.settings.snapshot_max_removal, allow_large_removal)
            if snapshot
            else None
        )
        return ingest_file(
            Path(path),
            source=source,
            store=self.store,
            mapping=mapping,
            today=today,
            progress=progress,
            snapshot=plan,
            dry_run=dry_run,
        )

    def ingest_encoded(self, source: str, path: Path) -> EncodedIngest:
        """Store the PPRL encodings of ``source`` (``kpai`` or ``dtsen``) that ``padan encode``
        wrote at the agency; the same file again is recognised and not stored twice. A store
        holds encodings or plaintext person records, not both. See
        :func:`padan.pprl.ingest_encodings`."""
        from padan.pprl.store_file import ingest_encodings

        return ingest_encodings(Path(path), source=source, store=self.store)

    def link(
        self,
        *,
        retrain: bool = False,
        full: bool = False,
        link_threshold: float = DEFAULT_LINK_THRESHOLD,
        review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
        seed: int = 42,
        progress: Callable[[str], None] | None = None,
    ) -> RunSummary:
        """Link all current KPAI and DTSEN records into children and store the run (on their
        PPRL encodings when the store holds encodings: ``RunSummary.model_kind``).

        After a first run only what changed is scored, unless ``full`` or ``retrain``; review
        decisions are respected. ``progress(step)`` names each step as it starts. The model file
        and the engine come from :attr:`settings`. See :func:`padan.registry.run_linkage`.
        """
        return run_linkage(
            self.store,
            model_path=self.model_path,
            retrain=retrain,
            full=full,
            link_threshold=link_threshold,
            review_threshold=review_threshold,
            seed=seed,
            progress=progress,
            engine=engine_from_settings(self.settings),
        )

    def latest_run(self) -> LinkRun | None:
        """The latest linkage run, or ``None`` before the first."""
        return self.store.latest_link_run()

    def changes(self) -> DataChanges:
        """Batches ingested and review decisions recorded since the latest run started."""
        run = self.store.latest_link_run()
        read = set(run.batches) if run else set()
        linked = linked_sources(self.store)
        batches = [b for b in self.store.list_batches() if b.source in linked and b.id not in read]
        decisions = (
            sum(1 for d in self.store.review_decisions() if d.decided_at >= run.started_at)
            if run
            else 0
        )
        return DataChanges(
            run.id if run else None, run.finished_at if run else None, batches, decisions
        )

    def evaluate(self, truth: Path) -> PairwiseMetrics:
        """Pairwise precision and recall of the latest run against a truth file
        (``source,source_id,person_id``). Raises :class:`~padan.errors.InputError` without a
        run."""
        run = self.store.latest_link_run()
        if run is None:
            raise InputError("no linkage run in the store yet; link first (padan link)")
        return evaluate_run(self.store, run.id, read_truth(Path(truth)))

    def report(
        self,
        *,
        region: str | None = None,
        rules: Rules | Path | None = None,
        worklists: bool = False,
        actor: str | None = None,
        purpose: str = "",
    ) -> Report:
        """Gap indicators of the latest run for the country or one ``region`` code.

        ``rules`` are eligibility rules (or a TOML file of them; default: built in).
        ``worklists`` adds the named worklists and audits the export by ``actor`` with
        ``purpose``. See :func:`padan.analysis.build_report`.
        """
        return build_report(
            self.store,
            region=region,
            rules=_rules(rules),
            worklists=worklists,
            actor=actor,
            purpose=purpose,
        )

    def report_as_of(
        self, day: dt.date, *, region: str | None = None, rules: Rules | Path | None = None
    ) -> Report:
        """Gap indicators as of the end of ``day``, from the stored history (issue 18): the
        records current then and the run in force then. See
        :func:`padan.analysis.asof.report_as_of`."""
        return report_as_of(self.store, day, region=region, rules=_rules(rules))

    def trends(
        self,
        *,
        period: str = "quarter",
        region: str | None = None,
        rules: Rules | Path | None = None,
        suppress_small: bool = True,
        lang: str = "id",
        until: dt.date | None = None,
    ) -> TrendTable:
        """Every indicator per ``period`` (snapshot, month, quarter) with the change since the
        previous point, for the country or one ``region``, up to ``until`` (default: now).
        Raises :class:`InputError` for an unknown period or region, or before any run."""
        loaded = _rules(rules)
        if period not in PERIODS:
            raise InputError(f"period {period!r} is not known; use one of {', '.join(PERIODS)}.")
        series = trend_series(
            self.store,
            period=period,
            rules=loaded,
            now=end_of_day(until) if until else None,
            cache=POINTS,
        )
        where = resolve_region(region) if region else None
        labels = trend_labels(loaded, lang=lang)
        return trend_table(series, labels, region=where, suppress_small=suppress_small, lang=lang)

    def write_report(
        self,
        report: Report,
        xlsx: Path,
        *,
        rules: Rules | Path | None = None,
        suppress_small: bool = True,
        worklists: bool = False,
        trends: TrendTable | None = None,
    ) -> tuple[Path, Path]:
        """Write ``report`` to ``xlsx`` and an HTML summary beside it; returns both paths.

        Small counts are suppressed unless ``suppress_small`` is false; ``worklists`` adds the
        named worklists the report holds. The institution sheets follow the report's region.
        ``trends`` (from :meth:`trends`) adds the HTML's "Tren" section and the XLSX's "Tren"
        sheet.
        """
        return write_report_files(
            report,
            Path(xlsx),
            indicator_labels(_rules(rules)),
            suppress_small=suppress_small,
            worklists=worklists,
            institutions=institution_sheets(self.store, report),
            trends=trends,
        )


def _rules(rules: Rules | Path | None) -> Rules:
    if rules is None:
        return default_rules()
    if isinstance(rules, Rules):
        return rules
    return load_rules(Path(rules))
