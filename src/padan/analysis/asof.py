"""Indicators as of a past date (issue 18): the records current then, the run in force then.

A date ``D`` means the end of that day in UTC: every batch ingested and every linkage run
finished on ``D`` or before counts, nothing after. The figures are computed by the same code as
today's report (:func:`padan.analysis.report.compute_report`), from inputs the store selects
(:func:`padan.store.records_as_of_arrow`, :func:`padan.store.run_as_of`). Records ingested after
that run but by ``D`` are not linked yet, so they are left out; records retired by ``D`` no
longer count, even before a run linked the snapshot that retired them. Ages are taken at ``D``.
"""

from __future__ import annotations

import datetime as dt

from padan.analysis.children import DTSEN_COLUMNS, KPAI_COLUMNS, QUALITY_COLUMNS, ReportInputs
from padan.analysis.encoded import refuse_history
from padan.analysis.model import BatchRef, Report, Snapshot
from padan.analysis.report import _apart, _kpai_children_dtsen_ids, compute_report, resolve_region
from padan.analysis.rules import Rules
from padan.analysis.service_inputs import service_inputs
from padan.errors import InputError
from padan.store import (
    Store,
    batches_as_of,
    records_as_of_arrow,
    run_as_of,
    run_links_arrow,
    run_pairs_arrow,
)

__all__ = ["end_of_day", "load_inputs_as_of", "parse_as_of", "report_as_of"]


def parse_as_of(text: str, *, today: dt.date | None = None, option: str = "--as-of") -> dt.date:
    """``text`` (``YYYY-MM-DD``) as an as-of date, not after ``today`` (default: today, UTC).

    Raises :class:`InputError` naming the value and the fix.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{option} {text!r}: not a date. Give it as YYYY-MM-DD, e.g. {today.isoformat()}."
        ) from None
    if day > today:
        raise InputError(
            f"{option} {day.isoformat()} is after today ({today.isoformat()}): the store holds "
            "no figures of the future. Give today or an earlier date."
        )
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` in UTC (what "as of ``day``" includes)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def load_inputs_as_of(
    store: Store, moment: dt.datetime, *, reference_date: dt.date | None = None
) -> tuple[ReportInputs, Snapshot]:
    """The records current at ``moment``, linked by the run in force then, and its snapshot.

    ``reference_date`` (ages) defaults to the moment's date. Raises :class:`InputError` when no
    run had finished by ``moment``.
    """
    refuse_history(store, "figures as of a past date")
    run = run_as_of(store, moment)
    if run is None:
        first = store.latest_link_run()
        hint = "run `padan link` first" if first is None else "give a later date"
        raise InputError(
            f"no linkage run had finished by {moment.date().isoformat()}: there are no figures "
            f"as of that date; {hint}."
        )
    kpai = records_as_of_arrow(store, "kpai_kasus", KPAI_COLUMNS, moment)
    links = run_links_arrow(store, run.id)
    pairs = run_pairs_arrow(store, run.id)
    dtsen = records_as_of_arrow(
        store,
        "dtsen_individu",
        DTSEN_COLUMNS,
        moment,
        record_ids=_kpai_children_dtsen_ids(kpai, links, pairs),
    )
    quality = records_as_of_arrow(store, "dtsen_individu", QUALITY_COLUMNS, moment)
    ingested = batches_as_of(store, moment)
    kemensos, simfoni, lembaga = service_inputs(store, ingested, moment, as_of=True)
    known = [b for b in ingested if b.source in ("kpai", "dtsen", "kemensos", "simfoni")]
    day = reference_date or moment.date()
    inputs = ReportInputs(
        kpai,
        dtsen,
        links,
        pairs,
        day,
        run.link_threshold,
        run.review_threshold,
        quality,
        _apart(store, run.started_at),
        kemensos,
        simfoni,
        lembaga,
    )
    snapshot = Snapshot(
        run.id,
        run.finished_at,
        run.model_version,
        run.link_threshold,
        run.review_threshold,
        tuple(
            BatchRef(b.id, b.source, b.file_name, b.content_sha256, b.finished_at) for b in known
        ),
        day,
        "",
        "",
        dt.datetime.now(dt.UTC),
        tuple(b.id for b in known if b.id not in run.batches),
    )
    return inputs, snapshot


def report_as_of(
    store: Store,
    day: dt.date,
    *,
    region: str | None = None,
    rules: Rules | None = None,
) -> Report:
    """Every indicator as of the end of ``day``, for the country or one region (aggregates only:
    named worklists describe today's children, not a past date's)."""
    where = resolve_region(region) if region is not None else None
    inputs, snapshot = load_inputs_as_of(store, end_of_day(day))
    return compute_report(inputs, snapshot, rules=rules, region=where)
