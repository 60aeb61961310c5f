"""A trend series as a display table for one region: a value per point and indicator, the
change since the previous point, and small cells hidden as in today's indicators.

The dashboard, its JSON twin and the HTML report all render this table, so they hide the same
cells. A change is shown only when both counts it is the difference of are shown (a difference
next to one shown count would give back the hidden one), and a change of 1-4 either way is
itself hidden: a count that grew from a shown 10 to a shown 7 plus a hidden 3 elsewhere (the
children who left DTSEN) would otherwise be given back by the difference of two shown values.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from padan.analysis.labels import indicator_labels
from padan.analysis.model import Figure, RegionRef
from padan.analysis.rules import Rules
from padan.analysis.suppress import SUPPRESSED, THRESHOLD
from padan.analysis.tables import region_hidden
from padan.analysis.trends import LEFT, NEWLY, OVERDUE, TrendSeries
from padan.i18n import DEFAULT_LANGUAGE, gettext

__all__ = [
    "TrendCell",
    "TrendRow",
    "TrendTable",
    "trend_labels",
    "trend_note",
    "trend_table",
]

TrendCell = int | str | None


@dataclass(frozen=True, slots=True)
class TrendRow:
    """One indicator over the points: its value and its change since the previous point
    (``None``: not known, e.g. at the first point)."""

    key: str
    label: str
    values: tuple[TrendCell, ...]
    changes: tuple[TrendCell, ...]


@dataclass(frozen=True, slots=True)
class TrendTable:
    """The points (``label``, ``as_of`` ISO moment, ``run_id``, ``batch_id``) and one row per
    indicator, for one region (``None``: the whole country)."""

    period: str
    region: RegionRef | None
    points: tuple[tuple[str, str, int, int | None], ...]
    rows: tuple[TrendRow, ...]
    wait_days: int
    lang: str = DEFAULT_LANGUAGE  # the language of the labels

    def axis_titles(self) -> tuple[str, str]:
        """The titles of a chart's x and y axes, in :attr:`lang`."""
        x = "DTSEN snapshot" if self.period == "snapshot" else "Period"
        return gettext(x, self.lang), gettext("Children", self.lang)

    def row(self, key: str) -> TrendRow:
        """The row of ``key``; raises ``KeyError`` for an unknown key."""
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)


def trend_labels(rules: Rules, *, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Labels of every key a trend point holds, in ``lang``."""
    labels = indicator_labels(rules, lang=lang)
    labels[OVERDUE] = gettext("ABH children without ATENSI after %(days)s days", lang) % {
        "days": rules.atensi.abh_wait_days
    }
    labels[LEFT] = gettext("Children who left DTSEN since the previous point", lang)
    for key, rule in rules.programs.items():
        name = rule.label.split(" (")[0]
        labels[NEWLY + key] = gettext(
            "Newly eligible, not receiving %(name)s, since the previous point", lang
        ) % {"name": name}
    return labels


def trend_table(
    series: TrendSeries,
    labels: dict[str, str],
    *,
    region: RegionRef | None = None,
    suppress_small: bool = True,
    lang: str = DEFAULT_LANGUAGE,
) -> TrendTable:
    """The values of ``series`` in ``region`` (``None``: the whole country), a row per key.

    ``labels`` are in ``lang``. With ``suppress_small`` the cells today's indicators would
    hide (1-4, and the cells that would give them back across the region grid) show as
    ``"<5"``, and so does every change of 1-4 (up or down) between two shown values.
    """
    keys = [*series.keys, *series.change_keys]
    columns: list[dict[str, TrendCell]] = []
    for point in series.points:
        report = point.report
        present = list(report.indicators)
        hidden = region_hidden(report, present) if suppress_small else set()
        if region is None:
            cell: tuple[str, str | None, str | None] = ("total", None, None)
            figures = report.indicators
        else:
            row = next(
                (r for r in report.regions if r.level == region.level and r.code == region.code),
                None,
            )
            cell = (region.level, row.parent if row else None, region.code)
            # No child there at that point: every count is 0 (nothing to hide).
            figures = row.figures if row else {k: Figure(0) for k in present}
        column: dict[str, TrendCell] = {}
        for key in keys:
            if key not in figures:
                column[key] = None
            elif (*cell, key) in hidden:
                column[key] = SUPPRESSED
            else:
                column[key] = figures[key].value
        columns.append(column)
    rows = []
    for key in keys:
        values = tuple(c[key] for c in columns)
        changes: list[TrendCell] = [None]
        for before, now in pairwise(values):
            # Counts of a change (left DTSEN, newly eligible) are themselves the change.
            plain = key == LEFT or key.startswith(NEWLY)
            if isinstance(before, int) and isinstance(now, int) and not plain:
                change = now - before
                small = suppress_small and 0 < abs(change) < THRESHOLD
                changes.append(SUPPRESSED if small else change)
            else:
                changes.append(None)
        rows.append(TrendRow(key, labels.get(key, key), values, tuple(changes)))
    points = tuple(
        (p.label, p.at.isoformat(), p.report.snapshot.run_id, p.batch_id) for p in series.points
    )
    return TrendTable(series.period, region, points, tuple(rows), series.wait_days, lang)


def trend_note(trends: TrendTable, *, suppressed: bool) -> list[str]:
    """What the points are and how cells are hidden, as lines under the table."""
    lines = [
        gettext(
            "Each point is computed from the stored history: the records current at that "
            "moment and the linkage run in force then.",
            trends.lang,
        )
    ]
    if trends.period == "snapshot":
        lines.append(
            gettext(
                "A point per DTSEN extract ingested with --snapshot (per DTSEN file in a store "
                "that marks none), as the store stood until the next one.",
                trends.lang,
            )
        )
    if suppressed:
        lines.append(gettext("A change of 1–4 either way is shown as <5.", trends.lang))
    return lines
