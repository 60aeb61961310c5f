"""Headline indicators of the reports (issue 4), as the policy allows.

The figures of the latest linkage run are computed once per run (a 1M-row store takes tens of
seconds) and kept in memory; every page and API call then reads the cached report. Counts are
suppressed for roles meant for aggregates. The named worklists of the same report are in
:mod:`padan.services.worklists`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from padan.access.authorise import Forbidden
from padan.access.policy import Principal
from padan.analysis import (
    SUPPRESSED,
    RegionRef,
    Report,
    compute_report,
    default_rules,
    indicator_labels,
    load_inputs,
    resolve_region,
)
from padan.analysis.service_tables import COUNT_KEY, median_cell
from padan.analysis.suppress import THRESHOLD
from padan.analysis.tables import denominator, region_hidden
from padan.domain.regions import check_region
from padan.institutions import region_indicators
from padan.store import Store

__all__ = [
    "CachedReport",
    "clear_cache",
    "indicator_chart",
    "indicators",
    "latest_report",
    "province_figures",
    "region_in_scope",
]

_NEXT = {None: "province", "province": "regency", "regency": "district", "district": None}
Cell = int | float | str | None


@dataclass(frozen=True)
class CachedReport:
    """The report of one run, with the cells its suppression hides."""

    key: tuple[str, int, str]
    report: Report
    hidden: frozenset[tuple[str, str | None, str | None, str]]


_cache: dict[str, CachedReport] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every cached report (tests; the cache also renews itself on a new run)."""
    with _lock:
        _cache.clear()


def latest_report(store: Store) -> CachedReport | None:
    """The report (with worklists) of the latest run, computed once per run and store."""
    run = store.latest_link_run()
    if run is None:
        return None
    url = str(store.engine.url)
    key = (url, run.id, run.finished_at.isoformat())
    with _lock:  # one computation at a time; the others wait for its result
        cached = _cache.get(url)
        if cached is None or cached.key != key:
            inputs, snapshot = load_inputs(store)
            report = compute_report(inputs, snapshot, rules=default_rules(), worklists=True)
            hidden = frozenset(region_hidden(report, list(report.indicators)))
            cached = CachedReport(key, report, hidden)
            _cache[url] = cached
    return cached


def region_in_scope(p: Principal, region: str | None) -> RegionRef | None:
    """The region asked for (default: the user's own), checked against the user's scope."""
    if not region and p.regions is not None:
        if not p.regions:
            raise Forbidden(f"user {p.username} has a regional role but no region")
        region = p.regions[0]
    if not region:
        return None
    check = check_region(region)
    if check.level == "village" and check.code:
        region = check.code[:8]  # figures go down to districts: show the village's district
    ref = resolve_region(region)
    if not p.in_scope(ref.code):
        raise Forbidden(f"region {ref.code} is outside your scope")
    return ref


def _lineage(ref: RegionRef | None) -> list[dict[str, str]]:
    if ref is None:
        return []
    parts = ref.code.split(".")
    out = []
    for n in range(1, len(parts) + 1):
        code = ".".join(parts[:n])
        out.append({"code": code, "name": resolve_region(code).name})
    return out


def _uncertain(value: int, hidden: bool, on: bool) -> Cell:
    if on and (0 < value < THRESHOLD or (hidden and value > 0)):
        return SUPPRESSED
    return value


def _percent(num: Cell, den: Cell) -> float | None:
    if isinstance(num, int) and isinstance(den, int) and den > 0:
        return round(100 * num / den, 1)
    return None


def indicators(
    store: Store, p: Principal, *, region: str | None = None, lang: str = "id"
) -> dict[str, Any]:
    """Headline indicators for ``region`` (default: the user's scope), the regions one level
    below with the same indicators (drill-down), data quality and institution indicators.

    Counts 1-4 (and the cells that would reveal them) show as ``"<5"`` for roles whose policy
    says ``small_cells = "suppress"``. Raises :class:`Forbidden` for a region out of scope and
    :class:`InputError` for an unknown region.
    """
    if not p.can("dashboard"):
        raise Forbidden(f"role {p.role.name} may not use dashboard")
    ref = region_in_scope(p, region)
    result: dict[str, Any] = {
        "region": {"code": ref.code, "level": ref.level, "name": ref.name} if ref else None,
        "lineage": _lineage(ref),
        "suppressed": p.role.suppress_small,
        "institutions": _institutions(store, ref),
    }
    cached = latest_report(store)
    if cached is None:
        return {**result, "snapshot": None, "indicators": [], "regions": [], "quality": []}
    report, on = cached.report, p.role.suppress_small
    hidden = cached.hidden if on else frozenset()
    labels = indicator_labels(default_rules(), english=lang == "en")
    if ref is None:
        here: tuple[str, str | None, str | None] = ("total", None, None)
        figures = report.indicators
    else:
        row = next((r for r in report.regions if r.level == ref.level and r.code == ref.code), None)
        here = (ref.level, row.parent if row else None, ref.code)
        figures = row.figures if row else {}

    def shown(cell: tuple[str, str | None, str | None], key: str, value: int) -> Cell:
        return SUPPRESSED if (*cell, key) in hidden else value

    headline = []
    for key, f in figures.items():
        value = shown(here, key, f.value)
        den = denominator(key)
        den_value = shown(here, den, figures[den].value) if den else None
        headline.append(
            {
                "key": key,
                "label": labels.get(key, key),
                "value": value,
                "uncertain": _uncertain(f.uncertain, (*here, key) in hidden, on),
                "denominator": den,
                "denominator_label": labels.get(den, den) if den else None,
                "denominator_value": den_value,
                "percent": _percent(value, den_value),
            }
        )
    level = _NEXT[ref.level if ref else None]
    below = [
        r
        for r in report.regions
        if r.level == level
        and (ref is None or r.parent == ref.code)
        and (ref is not None or p.regions is None)
    ]
    rows = [
        {
            "code": r.code,
            "name": r.name if r.code else "(wilayah tidak lengkap)",
            "drill": r.code is not None and level != "district",
            "figures": {
                k: shown((r.level, r.parent, r.code), k, f.value) for k, f in r.figures.items()
            },
            "uncertain": {
                k: _uncertain(f.uncertain, (r.level, r.parent, r.code, k) in hidden, on)
                for k, f in r.figures.items()
            },
        }
        for r in below
    ]
    s = report.snapshot
    return {
        **result,
        "snapshot": {
            "run_id": s.run_id,
            "run_finished_at": s.run_finished_at.isoformat(),
            "model_version": s.model_version,
            "link_threshold": s.link_threshold,
            "review_threshold": s.review_threshold,
            "generated_at": s.generated_at.isoformat(),
            "newer_batches": list(s.newer_batches),
        },
        "labels": labels,
        "indicators": headline,
        # Median days from complaint to first service (shown like its count) and what the
        # ATENSI indicators rest on (service records, or DTSEN's flag without them).
        "median_days": median_cell(
            report.median_days if ref is None else (row.median_days if row else None),
            figures[COUNT_KEY].value if COUNT_KEY in figures else 0,
            (*here, COUNT_KEY) in hidden,
            on,
        ),
        "basis": report.basis.get("atensi"),
        "level": level,
        "regions": rows,
        "quality": _quality(report, ref),
    }


def _quality(report: Report, ref: RegionRef | None) -> list[dict[str, Any]]:
    """NIK completeness/validity and duplicate rate per source, for the region (or its regency)."""
    if ref is None:
        level, code = "all", None
    else:
        level = "province" if ref.level == "province" else "regency"
        code = ref.code[:2] if level == "province" else ref.code[:5]
    out = []
    for q in report.quality:
        if q.level == level and q.code == code:
            out.append(
                {
                    "source": q.source,
                    "level": q.level,
                    "code": q.code,
                    "name": q.name,
                    "records": q.records,
                    "nik_filled_pct": _percent(q.nik_filled, q.records),
                    "nik_valid_pct": _percent(q.nik_valid, q.records),
                    "duplicates_pct": _percent(q.duplicates, q.records),
                }
            )
    return out


def _institutions(store: Store, ref: RegionRef | None) -> list[dict[str, Any]]:
    """Supervision indicators of institutions, per province (national) or regency."""
    level = "province" if ref is None else "regency"
    rows = region_indicators(store, level=level, region=ref.code if ref else None)
    return [r.as_dict() for r in rows]


def _number(cell: Cell) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def indicator_chart(data: dict[str, Any], key: str = "", *, width: int = 320) -> dict[str, Any]:
    """A bar chart by region of one indicator of :func:`indicators` (inline SVG geometry).

    Bars run largest first, each with its denominator and percent; suppressed cells (``<5``)
    get no bar and come after the counted ones. Regions where the indicator is 0 get no bar
    either: they are named once in ``zeros``. The key defaults to "KPAI children not in DTSEN".
    """
    keys = [i["key"] for i in data.get("indicators", [])]
    if key not in keys:
        key = "kpai_children_not_in_dtsen" if "kpai_children_not_in_dtsen" in keys else ""
    den = denominator(key) if key else None
    bars: list[dict[str, Any]] = []
    zeros: list[str] = []
    for r in data.get("regions", []):
        value = r["figures"].get(key)
        if value == 0:
            zeros.append(r["name"])
            continue
        den_value = r["figures"].get(den) if den else None
        bars.append(
            {
                "code": r["code"],
                "name": r["name"],
                "drill": r["drill"],
                "value": value,
                "denominator": den_value,
                "percent": _percent(value, den_value),
            }
        )
    bars.sort(
        key=lambda b: (
            not _number(b["value"]),
            -(b["value"] or 0) if _number(b["value"]) else 0,
            b["name"],
        )
    )
    peak = max([b["value"] for b in bars if _number(b["value"])] or [1]) or 1
    for b in bars:
        b["width"] = round(width * b["value"] / peak, 1) if _number(b["value"]) else 0
    labels = data.get("labels", {})
    return {
        "key": key,
        "label": labels.get(key, key),
        "denominator": den,
        "denominator_label": labels.get(den, den) if den else None,
        "keys": keys,
        "bars": bars,
        "zeros": zeros,
        "width": width,
    }


def province_figures(
    store: Store, p: Principal, *, key: str = "", lang: str = "id"
) -> dict[str, Any]:
    """One indicator per province for the map: its count, its denominator and the percent.

    Only provinces in the user's scope get figures (a regional user sees its own province; a
    user scoped to a regency sees none, since a province figure would reveal other regencies).
    Cells are suppressed exactly as in :func:`indicators`. The key defaults to "KPAI children
    not in DTSEN"; an unknown key falls back to it.
    """
    if not p.can("dashboard"):
        raise Forbidden(f"role {p.role.name} may not use dashboard")
    on = p.role.suppress_small
    result: dict[str, Any] = {"suppressed": on, "provinces": {}, "choices": [], "key": ""}
    cached = latest_report(store)
    if cached is None:
        return result
    report, hidden = cached.report, cached.hidden if on else frozenset()
    labels = indicator_labels(default_rules(), english=lang == "en")
    keys = list(report.indicators)
    if key not in keys:
        key = "kpai_children_not_in_dtsen" if "kpai_children_not_in_dtsen" in keys else keys[0]
    den = denominator(key)
    provinces: dict[str, dict[str, Any]] = {}
    for r in report.regions:
        if r.level != "province" or r.code is None or not p.in_scope(r.code):
            continue
        cell = (r.level, r.parent, r.code)
        value: Cell = SUPPRESSED if (*cell, key) in hidden else r.figures[key].value
        den_value: Cell = None
        if den is not None:
            den_value = SUPPRESSED if (*cell, den) in hidden else r.figures[den].value
        provinces[r.code] = {
            "name": r.name,
            "value": value,
            "denominator": den_value,
            "percent": _percent(value, den_value),
        }
    return {
        **result,
        "key": key,
        "label": labels.get(key, key),
        "choices": [(k, labels.get(k, k)) for k in keys],
        "denominator": den,
        "denominator_label": labels.get(den, den) if den else None,
        "provinces": provinces,
    }
