"""Indicators over time (issue 18) as the policy allows: the user's region, small counts
suppressed for aggregate roles exactly as in :func:`padan.services.figures.indicators`.

Every point is a full report of a past moment (seconds at 100,000 records), so points are kept
in memory (:data:`padan.analysis.trends.POINTS`, by moment, run in force and region) and so are
series (by store, period, day and the store's history stamp: newest batch, snapshot, run,
record event and retention, read from the store on every request, so a series does not outlive
what another process ingests or links). No lock is held across requests while computing: a
request waits only for the same series or point being computed by another
(:class:`padan.analysis.trend_cache.KeyedCache`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from padan.access.authorise import Forbidden
from padan.access.policy import Principal
from padan.analysis import default_rules
from padan.analysis.children import indicator_keys
from padan.analysis.trend_cache import KeyedCache
from padan.analysis.trend_chart import trend_svg
from padan.analysis.trend_view import TrendTable, trend_labels, trend_table
from padan.analysis.trends import (
    PERIODS,
    POINTS,
    Period,
    TrendSeries,
    change_keys,
    trend_series,
)
from padan.errors import InputError
from padan.i18n import gettext
from padan.services.figures import region_in_scope
from padan.store import Store, history_stamp

__all__ = [
    "DEFAULT_INDICATOR",
    "check_period",
    "clear_trends_cache",
    "dashboard_trend",
    "trend_chart",
    "trends",
    "trends_table",
]

#: The indicator a trend shows when none is asked for.
DEFAULT_INDICATOR = "kpai_children_not_in_dtsen"

#: Series by (store, period, state of the history); a few, as periods are few.
_SERIES: KeyedCache[TrendSeries] = KeyedCache(8)


def clear_trends_cache() -> None:
    """Forget every cached series and point (tests)."""
    _SERIES.clear()
    POINTS.clear()


def _state(store: Store) -> tuple[object, ...]:
    # Read on every request: another worker or the CLI may have changed the store.
    return (*history_stamp(store), dt.datetime.now(dt.UTC).date())


def check_period(period: str) -> Period:
    """``period`` as a known period; raises :class:`InputError` naming the value and the fix."""
    for known in PERIODS:
        if period == known:
            return known
    raise InputError(f"period {period!r} is not known; use one of {', '.join(PERIODS)}.")


def _series(store: Store, period: Period) -> TrendSeries:
    key = (str(store.engine.url), period, *_state(store))
    return _SERIES.get_or_compute(
        key, lambda: trend_series(store, period=period, rules=default_rules(), cache=POINTS)
    )


def trends_table(
    store: Store, p: Principal, *, period: str = "quarter", region: str | None = None,
    lang: str = "id",
) -> TrendTable:  # fmt: skip
    """The trend table of the user's region (default: their own), suppressed for their role.

    Raises :class:`Forbidden` without the dashboard permission or for a region out of scope,
    :class:`InputError` for an unknown period or region, or before the first linkage run.
    """
    if not p.can("dashboard"):
        raise Forbidden(f"role {p.role.name} may not use dashboard")
    ref = region_in_scope(p, region)
    series = _series(store, check_period(period))
    labels = trend_labels(default_rules(), lang=lang)
    return trend_table(series, labels, region=ref, suppress_small=p.role.suppress_small, lang=lang)


def trends(
    store: Store,
    p: Principal,
    *,
    indicator: str = "",
    period: str = "quarter",
    region: str | None = None,
    lang: str = "id",
) -> dict[str, Any]:
    """The JSON of a trend: every point with the chosen ``indicator``'s value and change, and
    all indicators per point (``rows``). Raises :class:`InputError` for an unknown indicator
    (naming the known ones), period or region; :class:`Forbidden` as :func:`trends_table`."""
    table = trends_table(store, p, period=period, region=region, lang=lang)
    keys = [r.key for r in table.rows]
    key = indicator or DEFAULT_INDICATOR
    if key not in keys:
        raise InputError(f"indicator {indicator!r} is not known; use one of {', '.join(keys)}.")
    chosen = table.row(key)
    return {
        "period": table.period,
        "region": (
            {"code": table.region.code, "level": table.region.level, "name": table.region.name}
            if table.region
            else None
        ),
        "suppressed": p.role.suppress_small,
        "abh_wait_days": table.wait_days,
        "indicator": key,
        "label": chosen.label,
        "indicators": [{"key": r.key, "label": r.label} for r in table.rows],
        "points": [
            {
                "label": label,
                "as_of": as_of,
                "run_id": run_id,
                "batch_id": batch_id,
                "value": chosen.values[i],
                "change": chosen.changes[i],
            }
            for i, (label, as_of, run_id, batch_id) in enumerate(table.points)
        ],
        "rows": [
            {"key": r.key, "label": r.label, "values": list(r.values), "changes": list(r.changes)}
            for r in table.rows
        ],
    }


def trend_chart(data: dict[str, Any], *, lang: str = "id") -> str:
    """The inline SVG of :func:`trends`' chosen indicator, axes titled in ``lang``."""
    return trend_svg(
        title=data["label"],
        x_title=gettext("Period", lang)
        if data["period"] != "snapshot"
        else gettext("DTSEN snapshot", lang),
        y_title=gettext("Children", lang),
        labels=[p["label"] for p in data["points"]],
        values=[p["value"] for p in data["points"]],
        ident=f"trend-{data['indicator']}",
    )


def dashboard_trend(
    store: Store,
    p: Principal,
    *,
    indicator: str = "",
    period: str = "",
    region: str | None = None,
    lang: str = "id",
) -> dict[str, Any] | None:
    """The dashboard's trend section: :func:`trends` with its SVG chart (``svg``), lenient as a
    page is (an unknown indicator or period falls back to the defaults); ``None`` before the
    first linkage run and on a store of PPRL encodings (which keeps no history to follow).

    Every point is a full report of a past moment, so the series is computed only when asked
    (an ``indicator`` or a ``period`` given): otherwise only the choices come back
    (``shown`` false), and the page stays as fast as before.
    """
    if store.latest_link_run() is None or store.holds_encodings():
        return None
    choices = {"periods": list(PERIODS), "wait_days": default_rules().atensi.abh_wait_days}
    if not indicator and not period:
        rules = default_rules()
        labels = trend_labels(rules, lang=lang)
        keys = [*indicator_keys(rules), *change_keys(rules)]
        return {
            **choices,
            "shown": False,
            "indicator": DEFAULT_INDICATOR,
            "period": "quarter",
            "indicators": [{"key": k, "label": labels.get(k, k)} for k in keys],
        }
    if period not in PERIODS:
        period = "quarter"
    try:
        data = trends(store, p, indicator=indicator, period=period, region=region, lang=lang)
    except InputError:
        data = trends(store, p, period=period, region=region, lang=lang)
    return {**data, **choices, "shown": True, "svg": trend_chart(data, lang=lang)}
