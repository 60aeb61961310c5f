"""The median wait from complaint to first service as display cells, suppressed with its count.

A median is not a count and is in no additive relation, but it describes the children of
``served_after_complaint``: it is shown only where that count is shown and at least
:data:`~padan.analysis.suppress.THRESHOLD` (a median of fewer children would nearly name them).
"""

from __future__ import annotations

from padan.analysis.model import Report
from padan.analysis.service_gaps import MEDIAN_KEY
from padan.analysis.suppress import SUPPRESSED, THRESHOLD
from padan.i18n import DEFAULT_LANGUAGE, label
from padan.i18n.codes import CODES

__all__ = [
    "COUNT_KEY",
    "median_cell",
    "median_region_rows",
    "median_summary_row",
    "median_table",
]

#: The count a median describes.
COUNT_KEY = "served_after_complaint"
_Key = tuple[str, str | None, str | None, str]


def median_cell(value: float | None, count: int, hidden: bool, on: bool) -> float | str | None:
    """The median as shown: ``None`` without children, ``<5`` when its count is small or hidden
    (with suppression ``on``)."""
    if value is None:
        return None
    if on and (hidden or count < THRESHOLD):
        return SUPPRESSED
    return round(value, 1)


def median_summary_row(
    report: Report, labels: dict[str, str], hidden: set[_Key], on: bool
) -> list[float | int | str | None]:
    """The summary row of the median (the cells of a summary row of a count)."""
    count = report.indicators[COUNT_KEY].value if COUNT_KEY in report.indicators else 0
    shown = median_cell(report.median_days, count, ("total", None, None, COUNT_KEY) in hidden, on)
    return [
        labels.get(MEDIAN_KEY, MEDIAN_KEY),
        MEDIAN_KEY,
        shown,
        None,
        labels.get(COUNT_KEY),
        None,
    ]


def median_region_rows(
    report: Report, hidden: set[_Key], on: bool
) -> dict[tuple[str, str | None, str | None], float | str | None]:
    """The shown median of each region row, by ``(level, parent, code)``."""
    found: dict[tuple[str, str | None, str | None], float | str | None] = {}
    for r in report.regions:
        f = r.figures.get(COUNT_KEY)
        found[(r.level, r.parent, r.code)] = median_cell(
            r.median_days,
            f.value if f else 0,
            (r.level, r.parent, r.code, COUNT_KEY) in hidden,
            on,
        )
    return found


def median_table(
    report: Report, labels: dict[str, str], hidden: set[_Key], on: bool
) -> tuple[str, list[str], list[list[float | int | str | None]]]:
    """Title, headers and rows of the median by region (count shown as in its own table)."""
    medians = median_region_rows(report, hidden, on)
    rows: list[list[float | int | str | None]] = []
    for r in report.regions:
        where = (r.level, r.parent, r.code)
        f = r.figures.get(COUNT_KEY)
        count = f.value if f else 0
        rows.append(
            [
                label("region_level", r.level, DEFAULT_LANGUAGE)
                if r.level in CODES["region_level"]
                else r.level,
                r.code,
                r.name,
                r.parent,
                SUPPRESSED if (*where, COUNT_KEY) in hidden else count,
                medians[where],
            ]
        )
    headers = ["tingkat", "kode wilayah", "nama wilayah", "induk", labels.get(COUNT_KEY, COUNT_KEY)]
    return labels.get(MEDIAN_KEY, MEDIAN_KEY), [*headers, "median hari"], rows
