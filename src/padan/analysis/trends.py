"""Indicators over time (issue 18): every indicator per DTSEN snapshot or per month/quarter, and
what changed since the previous point.

Each point is the store as of a moment (:mod:`padan.analysis.asof`). Beside the indicators of
the report, a point counts, among its KPAI children:

* ``abh_without_atensi_after_days``: ABH children without ATENSI whose first ABH complaint is
  at least ``rules.atensi.abh_wait_days`` days old at the point;
* ``left_dtsen`` (from the second point on): children found in DTSEN at the previous point and
  not at this one;
* ``newly_eligible_not_receiving_<program>`` (from the second point on): children eligible for
  the program and not receiving it at this point who were not so at the previous one (they
  became eligible, or their aid stopped).

Children are followed by their child id, which linkage keeps stable across runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import duckdb
import pyarrow as pa

from padan.analysis.asof import end_of_day, load_inputs_as_of
from padan.analysis.children import ReportInputs, build_children, indicator_keys
from padan.analysis.children import _in_list as in_list
from padan.analysis.encoded import refuse_history
from padan.analysis.figures import by_region, overall
from padan.analysis.model import RegionRef, Report, Snapshot
from padan.analysis.rules import Rules, default_rules
from padan.analysis.trend_cache import KeyedCache
from padan.errors import InputError
from padan.store import BatchInfo, Store, history_stamp
from padan.store.children import list_runs

__all__ = [
    "PERIODS",
    "POINTS",
    "Period",
    "TrendPoint",
    "TrendSeries",
    "change_keys",
    "compute_point",
    "snapshot_batches",
    "trend_points",
    "trend_series",
]

Period = Literal["snapshot", "month", "quarter"]
#: The ways a series is cut: one point per DTSEN snapshot, or at the end of each month/quarter.
PERIODS: tuple[Period, ...] = ("snapshot", "month", "quarter")
OVERDUE = "abh_without_atensi_after_days"
LEFT = "left_dtsen"
NEWLY = "newly_eligible_not_receiving_"


#: Computed points (a report and its children's flags), shared by every series of this process:
#: a past point's figures do not change when later data is ingested or linked. A point holds
#: its region rows and a row of flags per KPAI child (a few MB on a national store); 64 cover
#: the three periods' series of some years.
POINTS: KeyedCache[tuple[Report, pa.Table]] = KeyedCache(64)


def change_keys(rules: Rules) -> list[str]:
    """The keys a point holds beside :func:`indicator_keys`, in display order."""
    return [OVERDUE, LEFT, *(NEWLY + p for p in rules.programs)]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The indicators as of one moment. ``report.indicators`` and every region row hold the
    keys of :func:`indicator_keys` and :func:`change_keys` (change keys only when
    ``has_previous``)."""

    label: str  # 2026-Q3 | 2026-09 | the snapshot's date and batch
    at: dt.datetime  # the moment the point describes (UTC)
    batch_id: int | None  # the DTSEN batch of a snapshot point
    report: Report
    has_previous: bool


@dataclass(frozen=True, slots=True)
class TrendSeries:
    """Points in time order, with the keys they hold."""

    period: Period
    keys: tuple[str, ...]
    change_keys: tuple[str, ...]
    points: tuple[TrendPoint, ...]
    wait_days: int


def compute_point(
    inputs: ReportInputs,
    snapshot: Snapshot,
    *,
    rules: Rules,
    previous: pa.Table | None = None,
    region: RegionRef | None = None,
) -> tuple[Report, pa.Table]:
    """The indicators of one point, and its children's flags (the next point's ``previous``).

    ``previous`` holds ``child_id`` and the flags of the previous point (``None``: the first
    point, without change figures). Pure computation in an in-memory DuckDB.
    """
    keys = indicator_keys(rules)
    con = duckdb.connect()
    try:
        build_children(con, inputs, rules)
        if previous is not None:
            con.register("prev_in", previous)
        due = inputs.reference_date - dt.timedelta(days=rules.atensi.abh_wait_days)
        added = _change_columns(con, rules, previous is not None, due)
        flags = con.sql(
            "SELECT child_id, kpai_children_in_dtsen, "
            + ", ".join(f"eligible_not_receiving_{p}" for p in rules.programs)
            + " FROM child"
        ).to_arrow_table()
        if region is not None:
            con.execute(
                "DELETE FROM child WHERE NOT (region = $c OR starts_with(region, $c || '.'))",
                {"c": region.code},
            )
        every = [*keys, *added]
        report = Report(
            snapshot=snapshot,
            region=region,
            indicators=overall(con, every),
            regions=by_region(con, every, below=region.level if region else None),
            by_klaster=[],
            by_kategori=[],
            quality=[],
            programs={key: rule.label for key, rule in rules.programs.items()},
        )
    finally:
        con.close()
    return report, flags


def _change_columns(
    con: duckdb.DuckDBPyConnection, rules: Rules, has_previous: bool, due: dt.date
) -> list[str]:
    """Add the overdue flag (and, after a first point, the change flags against ``prev_in``)
    to ``child``; returns the keys added."""
    # A script of several statements binds no parameters: the date goes in as an ISO literal.
    abh = in_list(rules.atensi.abh_kategori)
    con.execute(f"""
        CREATE OR REPLACE TABLE abh_since AS
        SELECT child_id, min(tanggal_pengaduan) AS since FROM k
        WHERE kategori IN {abh} GROUP BY child_id;
        ALTER TABLE child ADD COLUMN {OVERDUE} BOOLEAN;
        UPDATE child SET {OVERDUE} = abh_without_atensi AND coalesce((
            SELECT since <= DATE '{due.isoformat()}' FROM abh_since
            WHERE abh_since.child_id = child.child_id), FALSE);
    """)
    return [OVERDUE, *(_changes(con, rules) if has_previous else [])]


def _changes(con: duckdb.DuckDBPyConnection, rules: Rules) -> list[str]:
    # Program keys are validated identifiers (see Rules), safe as column names.
    con.execute(f"""
        ALTER TABLE child ADD COLUMN {LEFT} BOOLEAN;
        UPDATE child SET {LEFT} = NOT kpai_children_in_dtsen AND coalesce((
            SELECT p.kpai_children_in_dtsen FROM prev_in p WHERE p.child_id = child.child_id),
            FALSE);
    """)
    added = [LEFT]
    for program in rules.programs:
        key, gap = NEWLY + program, f"eligible_not_receiving_{program}"
        con.execute(f"""
            ALTER TABLE child ADD COLUMN {key} BOOLEAN;
            UPDATE child SET {key} = {gap} AND NOT coalesce((
                SELECT p.{gap} FROM prev_in p WHERE p.child_id = child.child_id), FALSE);
        """)
        added.append(key)
    return added


def _period_label(day: dt.date, period: Period) -> str:
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _period_end(day: dt.date, period: Period) -> dt.date:
    months = 1 if period == "month" else 3
    first = (day.month - 1) // months * months + 1
    year, month = day.year + (first + months - 1) // 12, (first + months - 1) % 12 + 1
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def trend_points(
    store: Store, period: Period, *, now: dt.datetime | None = None
) -> list[tuple[str, dt.datetime, int | None]]:
    """The points of a series: ``(label, moment, DTSEN batch)`` in time order.

    ``snapshot``: one per DTSEN snapshot (:func:`snapshot_batches`), as of just before the next
    one was applied (or ``now``), so that the run linking the snapshot is in.
    ``month``/``quarter``: the end of each period from the first linkage run's to ``now``'s
    (the current period as of ``now``). Raises :class:`InputError` for an unknown period.
    """
    if period not in PERIODS:
        raise InputError(
            f"period {period!r} is not known; use one of {', '.join(PERIODS)} "
            "(e.g. --period quarter)."
        )
    now = now or dt.datetime.now(dt.UTC)
    points: list[tuple[str, dt.datetime, int | None]] = []
    if period == "snapshot":
        shots = snapshot_batches(store)
        for i, (batch, at) in enumerate(shots):
            until = shots[i + 1][1] - dt.timedelta(microseconds=1) if i + 1 < len(shots) else now
            scope = f" ({batch.snapshot_scope})" if batch.snapshot_scope else ""
            points.append((f"{at.date().isoformat()} #{batch.id}{scope}", until, batch.id))
        return points
    runs = list_runs(store)
    if not runs:
        return []
    first = min(_aware(r.finished_at) for r in runs)
    day = first.date()
    while True:
        end = _period_end(day, period)
        moment = min(end_of_day(end), now)
        points.append((_period_label(end, period), moment, None))
        if moment >= now:
            return points
        day = end + dt.timedelta(days=1)


def snapshot_batches(store: Store) -> list[tuple[BatchInfo, dt.datetime]]:
    """The DTSEN batches a ``snapshot`` series has a point for, with the moment each was
    applied, in time order.

    Those applied as a snapshot (``--snapshot``, any region), at the moment they were applied
    (a file stored before may be applied later). A batch stored before Padan recorded
    snapshots (migration 0017) that retired nothing cannot be told from a partial delivery:
    it is kept, at its ingest, as every DTSEN batch was before. A store whose DTSEN batches
    are all known not to be snapshots has a point per DTSEN batch (its deliveries).
    """
    dtsen = [b for b in store.list_batches() if b.source == "dtsen"]
    chosen = [b for b in dtsen if b.snapshot is not False] or dtsen
    found = [(b, _aware(b.snapshot_at or b.finished_at)) for b in chosen]
    return sorted(found, key=lambda pair: (pair[1], pair[0].id))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def trend_series(
    store: Store,
    *,
    period: Period = "quarter",
    rules: Rules | None = None,
    region: RegionRef | None = None,
    now: dt.datetime | None = None,
    cache: KeyedCache[tuple[Report, pa.Table]] | None = None,
) -> TrendSeries:
    """Every indicator at each point of ``period`` with the change since the previous point.

    Points before the first linkage run are left out (no figures existed then). With
    ``cache`` (e.g. :data:`POINTS`) each point is kept by its moment, the run in force then,
    the region, the rules, the previous point and the store's history stamp
    (:func:`padan.store.history_stamp`), and reused by later series. Raises
    :class:`InputError` for an unknown period or when nothing has been linked yet.
    """
    refuse_history(store, "trends")
    rules = rules or default_rules()
    now = now or dt.datetime.now(dt.UTC)
    runs = sorted(list_runs(store), key=lambda r: _aware(r.finished_at))
    # Read from the store, not remembered by this process: another process (a worker, the
    # CLI) may have ingested, linked, applied a snapshot again or run retention since.
    stamp = history_stamp(store)
    fixed = (str(store.engine.url), repr(rules), region.code if region else None, stamp[-1])
    found: list[TrendPoint] = []
    previous: pa.Table | None = None
    previous_key: object = None
    for label, moment, batch in trend_points(store, period, now=now):
        in_force = [r.id for r in runs if _aware(r.finished_at) <= moment]
        if not in_force:
            continue  # before the first run
        # A past moment's figures are fixed unless history is rewritten (retention: the
        # stamp's last part, in ``fixed``); the point at ``now`` is keyed by its day and the
        # whole stamp instead, so it is reused until the store changes.
        when: object = moment.isoformat() if moment < now else ("now", now.date(), stamp)
        key = (*fixed, when, in_force[-1], previous_key)
        try:
            report, flags = _point(store, moment, rules, previous, region, key, cache)
        except InputError:
            continue  # before the first run
        found.append(TrendPoint(label, moment, batch, report, previous is not None))
        previous, previous_key = flags, key
    if not found:
        raise InputError("no linkage run in the store yet; run `padan link` first")
    return TrendSeries(
        period,
        tuple(indicator_keys(rules)),
        tuple(change_keys(rules)),
        tuple(found),
        rules.atensi.abh_wait_days,
    )


def _point(
    store: Store,
    moment: dt.datetime,
    rules: Rules,
    previous: pa.Table | None,
    region: RegionRef | None,
    key: tuple[object, ...],
    cache: KeyedCache[tuple[Report, pa.Table]] | None,
) -> tuple[Report, pa.Table]:
    def compute() -> tuple[Report, pa.Table]:
        inputs, snapshot = load_inputs_as_of(store, moment)
        return compute_point(inputs, snapshot, rules=rules, previous=previous, region=region)

    return cache.get_or_compute(key, compute) if cache is not None else compute()
