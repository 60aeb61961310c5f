"""The report workbook's "Tren" sheet (issue 18): the same cells as the HTML report's trend
section, on two DTSEN quarters with known truth (tests/support/trends.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from padan.analysis import default_rules
from padan.analysis.asof import report_as_of
from padan.analysis.tables import report_tables
from padan.analysis.trend_view import trend_labels, trend_table
from padan.analysis.trends import trend_series
from padan.analysis.xlsx import write_xlsx
from padan.store import Store, open_store
from support.trends import build_history

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("trend-sheet")
    store = open_store(f"sqlite:///{folder / 'padan.db'}")
    build_history(store, folder)
    yield store
    store.engine.dispose()


# suppressed, language, indicator label, rows (point, as of, value, change) of that indicator
SHEET = [
    (
        False,
        "en",
        "Children who left DTSEN since the previous point",
        [("2026-Q2", "2026-06-30", None, None), ("2026-Q3", "2026-09-30", 1, None),
         ("2026-Q4", "2026-11-28", 0, None)],
    ),
    (
        False,
        "en",
        "KPAI children found in DTSEN",
        [("2026-Q2", "2026-06-30", 3, None), ("2026-Q3", "2026-09-30", 2, -1),
         ("2026-Q4", "2026-11-28", 2, 0)],
    ),
    # Hidden as in the HTML: counts 1-4 and the changes next to them.
    (
        True,
        "id",
        "Anak KPAI ditemukan di DTSEN",
        [("2026-Q2", "2026-06-30", "<5", None), ("2026-Q3", "2026-09-30", "<5", None),
         ("2026-Q4", "2026-11-28", "<5", None)],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("suppressed", "lang", "indicator", "expected"), SHEET)
def test_trend_sheet_rows_per_indicator_and_point(
    history: Store,
    tmp_path: Path,
    suppressed: bool,
    lang: str,
    indicator: str,
    expected: list[tuple[object, ...]],
) -> None:
    rules = default_rules()
    series = trend_series(history, period="quarter", now=NOW)
    table = trend_table(
        series, trend_labels(rules, lang=lang), suppress_small=suppressed, lang=lang
    )
    report = report_as_of(history, NOW.date())
    labels = trend_labels(rules, lang=lang)
    path = write_xlsx(
        report,
        report_tables(report, labels, suppress_small=suppressed),
        tmp_path / "laporan.xlsx",
        trends=table,
        suppressed=suppressed,
    )
    book = load_workbook(path)
    assert book.sheetnames.index("Tren") == book.sheetnames.index("Grafik") + 1
    rows = list(book["Tren"].iter_rows(values_only=True))
    got = [r[1:] for r in rows[1:] if r[0] == indicator]
    assert got == expected
    # Every indicator of the table has a row per point, and a line chart.
    keyed = [r for r in rows[1:] if r[1] is not None]
    assert len(keyed) == len(table.rows) * len(table.points)
    assert len(book["Tren"]._charts) == len(table.rows)
    note = [r[0] for r in rows[len(keyed) + 2 :] if r[0]]
    assert any("<5" in n for n in note) == suppressed
