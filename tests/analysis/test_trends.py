"""Indicators as of a date and over time (issue 18), on two DTSEN quarters with known truth
(tests/support/trends.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from padan.analysis import default_rules
from padan.analysis.asof import parse_as_of, report_as_of
from padan.analysis.model import Figure, RegionFigures, Report
from padan.analysis.trend_chart import trend_svg
from padan.analysis.trend_view import trend_labels, trend_table
from padan.analysis.trends import TrendPoint, TrendSeries, trend_series
from padan.errors import InputError
from padan.store import Store, open_store
from padan.store.children import list_runs
from support.trends import build_history, extend_history

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    build_history(store, tmp_path)
    yield store
    store.engine.dispose()


# date, run in force, KPAI children, in DTSEN, not in DTSEN, eligible not receiving PKH, ABH
# without ATENSI
AS_OF = [
    # Run 1 finished that day: the end of the day includes it.
    ("2026-04-10", "run_1", 4, 3, 1, 0, 1),
    ("2026-05-15", "run_1", 4, 3, 1, 0, 1),
    # Snapshot 2 is in (H1 retired, C's PKH stopped, H2 now desil 3), run 2 not yet: K/5,
    # ingested in June, is not linked, and A no longer counts as in DTSEN.
    ("2026-07-11", "run_1", 4, 2, 2, 2, 1),
    ("2026-08-01", "run_2", 5, 2, 3, 2, 2),
]


@pytest.mark.parametrize(("day", "run", "kids", "found", "missing", "gap_pkh", "abh"), AS_OF)
def test_report_as_of_counts_the_records_and_run_of_that_date(
    history: Store, day: str, run: str, kids: int, found: int, missing: int, gap_pkh: int,
    abh: int,
) -> None:  # fmt: skip
    runs = sorted(r.id for r in list_runs(history))
    ids = {"run_1": runs[0], "run_2": runs[1]}
    report = report_as_of(history, dt.date.fromisoformat(day))
    values = report.values()
    assert report.snapshot.run_id == ids[run]
    assert report.snapshot.reference_date == dt.date.fromisoformat(day)
    assert values["kpai_children"] == kids
    assert values["kpai_children_in_dtsen"] == found
    assert values["kpai_children_not_in_dtsen"] == missing
    assert values["eligible_not_receiving_pkh"] == gap_pkh
    assert values["abh_without_atensi"] == abh


def test_report_as_of_before_the_first_run_says_so(history: Store) -> None:
    with pytest.raises(InputError, match=r"no linkage run had finished by 2026-04-09.*later"):
        report_as_of(history, dt.date(2026, 4, 9))


def test_report_as_of_a_region_counts_only_its_children(history: Store) -> None:
    values = report_as_of(history, dt.date(2026, 8, 1), region="32.02").values()
    # C (in DTSEN, PKH stopped) and E (ABH, not in DTSEN) live in 32.02.
    assert (values["kpai_children"], values["kpai_children_in_dtsen"]) == (2, 1)
    assert values["eligible_not_receiving_pkh"] == 1


def test_report_as_of_does_not_change_when_later_data_is_ingested(tmp_path: Path) -> None:
    """Reproducible: the second quarter, ingested and linked afterwards, leaves the figures of
    a date before it as they were, and changes those of a date after it."""
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    ids = build_history(store, tmp_path, second=False)
    before = {d: report_as_of(store, d) for d in (dt.date(2026, 5, 15), dt.date(2026, 8, 1))}
    extend_history(store, tmp_path, ids)
    after = {d: report_as_of(store, d) for d in before}
    early, late = dt.date(2026, 5, 15), dt.date(2026, 8, 1)
    assert after[early].values() == before[early].values()
    assert after[early].regions == before[early].regions
    assert after[early].snapshot.run_id == before[early].snapshot.run_id
    assert after[late].values() != before[late].values()
    assert after[late].snapshot.run_id == ids["run_2"]
    store.engine.dispose()


# period, labels, point holding the second quarter's changes
SERIES = [
    ("quarter", ["2026-Q2", "2026-Q3", "2026-Q4"], "2026-Q3"),
    ("month", [f"2026-{m:02d}" for m in range(4, 12)], "2026-07"),
]


@pytest.mark.parametrize(("period", "labels", "changed"), SERIES)
def test_trend_series_points_and_change_since_previous(
    history: Store, period: str, labels: list[str], changed: str
) -> None:
    series = trend_series(history, period=period, now=NOW)  # type: ignore[arg-type]
    assert [p.label for p in series.points] == labels
    assert not series.points[0].has_previous
    assert "left_dtsen" not in series.points[0].report.indicators
    for point in series.points[1:]:
        values = point.report.values()
        expected = point.label == changed
        # A (H1 removed) left DTSEN; B (desil 7 -> 3) and C (PKH stopped) entered the PKH gap;
        # only B entered the Sembako gap (C was in it already).
        assert values["left_dtsen"] == (1 if expected else 0), point.label
        assert values["newly_eligible_not_receiving_pkh"] == (2 if expected else 0)
        assert values["newly_eligible_not_receiving_sembako"] == (1 if expected else 0)


def test_trend_series_abh_without_atensi_after_the_rules_days(history: Store) -> None:
    """D's complaint (2026-03-01) is overdue by the end of Q2; E's (2026-06-15) from Q3 on.
    The number of days is the rules' parameter, not a constant."""
    series = trend_series(history, period="quarter", now=NOW)
    overdue = [p.report.values()["abh_without_atensi_after_days"] for p in series.points]
    assert overdue == [1, 2, 2]
    patient = default_rules().model_copy(
        update={"atensi": default_rules().atensi.model_copy(update={"abh_wait_days": 200})}
    )
    series = trend_series(history, period="quarter", now=NOW, rules=patient)
    overdue = [p.report.values()["abh_without_atensi_after_days"] for p in series.points]
    assert overdue == [0, 1, 1]  # 2026-03-01 + 200 days = 2026-09-17, before Q3 ends


def test_trend_series_per_snapshot_has_a_point_per_dtsen_batch(history: Store) -> None:
    series = trend_series(history, period="snapshot", now=NOW)
    assert [p.batch_id for p in series.points] == [1, 4]
    assert [p.label for p in series.points] == ["2026-04-10 #1", "2026-07-10 #4"]
    assert series.points[1].report.values()["left_dtsen"] == 1


def test_trend_table_region_and_suppression(history: Store) -> None:
    series = trend_series(history, period="quarter", now=NOW)
    labels = trend_labels(default_rules(), lang="en")
    exact = trend_table(series, labels, suppress_small=False)
    assert exact.row("kpai_children_in_dtsen").values == (3, 2, 2)
    assert exact.row("kpai_children_in_dtsen").changes == (None, -1, 0)
    assert exact.row("left_dtsen").values == (None, 1, 0)
    assert exact.row("left_dtsen").label == "Children who left DTSEN since the previous point"
    hidden = trend_table(series, labels, suppress_small=True)
    assert hidden.row("kpai_children_in_dtsen").values == ("<5", "<5", "<5")
    assert hidden.row("kpai_children_in_dtsen").changes == (None, None, None)
    assert hidden.row("kpai_children").values[1:] == (5, 5)
    ref = report_as_of(history, dt.date(2026, 8, 1), region="32.02").region
    region = trend_table(series, labels, region=ref, suppress_small=False)
    assert region.row("newly_eligible_not_receiving_pkh").values == (None, 1, 0)


def _point(label: str, month: int, in_dtsen: int, left: int | None) -> TrendPoint:
    """A point whose one province holds every KPAI child (its row equals the total)."""
    figures = {"kpai_children": Figure(20), "kpai_children_in_dtsen": Figure(in_dtsen)}
    if left is not None:
        figures["left_dtsen"] = Figure(left)
    rows = [RegionFigures("province", "32", "Jawa Barat", None, dict(figures))]
    snapshot = SimpleNamespace(run_id=1)
    report = Report(snapshot, None, figures, rows, [], [], [], {})  # type: ignore[arg-type]
    return TrendPoint(label, dt.datetime(2026, month, 28, tzinfo=dt.UTC), None, report, False)


@pytest.mark.parametrize(
    ("before", "after", "suppress", "change"),
    [
        (10, 7, True, "<5"),  # 3 left DTSEN, hidden, would be 10 - 7
        (7, 10, True, "<5"),
        (20, 16, True, "<5"),
        (10, 6, True, "<5"),
        (10, 7, False, -3),  # roles that see exact counts keep the change
        (10, 15, True, 5),
        (10, 5, True, -5),
        (10, 10, True, 0),
    ],
)
def test_trend_table_hides_changes_of_1_to_4_between_shown_values(
    before: int, after: int, suppress: bool, change: int | str
) -> None:
    points = (_point("2026-Q2", 6, before, None), _point("2026-Q3", 9, after, 3))
    series = TrendSeries(
        "quarter", ("kpai_children", "kpai_children_in_dtsen"), ("left_dtsen",), points, 30
    )
    table = trend_table(series, {}, suppress_small=suppress)
    assert table.row("kpai_children_in_dtsen").values == (before, after)
    assert table.row("kpai_children_in_dtsen").changes == (None, change)
    assert table.row("left_dtsen").values == (None, "<5" if suppress else 3)


BAD_DATES = [
    ("2026-13-01", r"--as-of '2026-13-01': not a date\. Give it as YYYY-MM-DD"),
    ("15/05/2026", r"not a date"),
    ("", r"not a date"),
    ("2026-11-29", r"--as-of 2026-11-29 is after today \(2026-11-28\).*today or an earlier"),
]


@pytest.mark.parametrize(("text", "message"), BAD_DATES)
def test_parse_as_of_refuses_bad_dates_with_the_fix(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_as_of(text, today=TODAY)


def test_parse_as_of_takes_today_and_earlier() -> None:
    assert parse_as_of("2026-11-28", today=TODAY) == TODAY
    assert parse_as_of(" 2026-01-31 ", today=TODAY) == dt.date(2026, 1, 31)


def test_trend_series_unknown_period_names_the_choices(history: Store) -> None:
    with pytest.raises(InputError, match=r"period 'week' is not known.*snapshot, month, quarter"):
        trend_series(history, period="week", now=NOW)  # type: ignore[arg-type]


def test_trend_series_before_any_run_says_so(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(InputError, match="padan link"):
        trend_series(store, now=NOW)
    store.engine.dispose()


def test_trend_svg_draws_shown_values_and_breaks_at_hidden_ones() -> None:
    svg = trend_svg(
        title="Anak <KPAI>",
        x_title="Periode",
        y_title="Anak",
        labels=["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"],
        values=[10, "<5", 12, 14],
        ident="t",
    )
    assert svg.count("<circle") == 3  # the hidden point is not drawn
    assert svg.count("<polyline") == 2  # the line breaks there
    assert '<title id="t-t">Anak &lt;KPAI&gt;</title>' in svg
    assert ">Periode</text>" in svg and ">Anak</text>" in svg
    assert "2026-Q2: &lt;5" in svg  # the description names every point, hidden ones as shown
