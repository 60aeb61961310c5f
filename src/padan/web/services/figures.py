"""Headline indicators and named worklists of the reports (issue 4), as the policy allows.

The figures of the latest linkage run are computed once per run (a 1M-row store takes tens of
seconds) and kept in memory; every page and API call then reads the cached report. Counts are
suppressed for roles meant for aggregates, worklists are shaped column by column by the policy,
and every worklist view or export is appended to the hash-chained audit log.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from padan.analysis import (
    SUPPRESSED,
    RegionRef,
    Report,
    Worklist,
    compute_report,
    default_rules,
    indicator_labels,
    load_inputs,
    resolve_region,
)
from padan.analysis.suppress import THRESHOLD
from padan.analysis.tables import denominator, region_hidden
from padan.domain.regions import check_region
from padan.errors import InputError
from padan.institutions import region_indicators
from padan.store import Store
from padan.web.policy import Principal, shape_worklist_row, worklist_columns
from padan.web.services.access import Forbidden, NotFound, audit

__all__ = [
    "WORKLISTS",
    "check_worklist",
    "clear_cache",
    "export_worklist",
    "indicator_chart",
    "indicators",
    "worklist",
    "worklist_index",
]

#: Worklist keys of :func:`padan.analysis.build_report`, in the order the pages list them.
WORKLISTS = (
    "usulan_dtsen",
    "mungkin_terdaftar",
    "layak_belum_menerima",
    "tanpa_atensi",
    "verifikasi_disabilitas",
    "sinyal_inklusi",
)
_NEXT = {None: "province", "province": "regency", "regency": "district", "district": None}
Cell = int | float | str | None


@dataclass(frozen=True)
class _Cached:
    key: tuple[str, int, str]
    report: Report
    hidden: frozenset[tuple[str, str | None, str | None, str]]


_cache: dict[str, _Cached] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every cached report (tests; the cache also renews itself on a new run)."""
    with _lock:
        _cache.clear()


def _snapshot(store: Store) -> _Cached | None:
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
            cached = _Cached(key, report, hidden)
            _cache[url] = cached
    return cached


def _scope(p: Principal, region: str | None) -> RegionRef | None:
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
    ref = _scope(p, region)
    result: dict[str, Any] = {
        "region": {"code": ref.code, "level": ref.level, "name": ref.name} if ref else None,
        "lineage": _lineage(ref),
        "suppressed": p.role.suppress_small,
        "institutions": _institutions(store, ref),
    }
    cached = _snapshot(store)
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
        headline.append({
            "key": key, "label": labels.get(key, key), "value": value,
            "uncertain": _uncertain(f.uncertain, (*here, key) in hidden, on),
            "denominator": den, "percent": _percent(value, den_value),
        })  # fmt: skip
    level = _NEXT[ref.level if ref else None]
    below = [
        r for r in report.regions
        if r.level == level and (ref is None or r.parent == ref.code)
        and (ref is not None or p.regions is None)
    ]  # fmt: skip
    rows = [
        {
            "code": r.code, "name": r.name if r.code else "(wilayah tidak lengkap)",
            "drill": r.code is not None and level != "district",
            "figures": {k: shown((r.level, r.parent, r.code), k, f.value)
                        for k, f in r.figures.items()},
            "uncertain": {k: _uncertain(f.uncertain, (r.level, r.parent, r.code, k) in hidden, on)
                          for k, f in r.figures.items()},
        }
        for r in below
    ]  # fmt: skip
    s = report.snapshot
    return {
        **result,
        "snapshot": {
            "run_id": s.run_id, "run_finished_at": s.run_finished_at.isoformat(),
            "model_version": s.model_version, "link_threshold": s.link_threshold,
            "review_threshold": s.review_threshold, "generated_at": s.generated_at.isoformat(),
            "newer_batches": list(s.newer_batches),
        },
        "labels": labels,
        "indicators": headline,
        "level": level,
        "regions": rows,
        "quality": _quality(report, ref),
    }  # fmt: skip


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
            out.append({
                "source": q.source, "level": q.level, "code": q.code, "records": q.records,
                "nik_filled_pct": _percent(q.nik_filled, q.records),
                "nik_valid_pct": _percent(q.nik_valid, q.records),
                "duplicates_pct": _percent(q.duplicates, q.records),
            })  # fmt: skip
    return out


def _institutions(store: Store, ref: RegionRef | None) -> list[dict[str, Any]]:
    """Supervision indicators of institutions, per province (national) or regency."""
    level = "province" if ref is None else "regency"
    rows = region_indicators(store, level=level, region=ref.code if ref else None)
    return [r.as_dict() for r in rows]


# -- worklists ----------------------------------------------------------------------------------


def check_worklist(p: Principal, name: str) -> None:
    """Raise :class:`Forbidden` / :class:`NotFound` unless the role may open worklist ``name``."""
    if not p.can("worklists"):
        raise Forbidden(f"role {p.role.name} may not see named worklists")
    if name not in WORKLISTS:
        raise NotFound(f"no worklist {name!r}; one of {', '.join(WORKLISTS)}")
    if name not in p.role.worklists:
        raise Forbidden(f"role {p.role.name} may not see the worklist {name}")


def _rows(w: Worklist, p: Principal, ref: RegionRef | None) -> list[tuple[object, ...]]:
    at = w.columns.index("kode_wilayah")
    out = []
    for row in w.rows:
        code = row[at]
        code = code if isinstance(code, str) else None
        if not p.in_scope(code):
            continue
        if ref is not None and not (code == ref.code or (code or "").startswith(ref.code + ".")):
            continue
        out.append(row)
    return out


def worklist_index(store: Store, p: Principal, *, region: str | None = None) -> dict[str, Any]:
    """The worklists the role may open, with their row counts in scope (no names)."""
    if not p.can("worklists"):
        raise Forbidden(f"role {p.role.name} may not see named worklists")
    ref = _scope(p, region)
    cached = _snapshot(store)
    lists = []
    for name in WORKLISTS:
        if name not in p.role.worklists:
            continue
        w = cached.report.worklists.get(name) if cached else None
        lists.append({
            "name": name, "title": w.title if w else name,
            "rows": len(_rows(w, p, ref)) if w else 0,
        })  # fmt: skip
    return {
        "region": {"code": ref.code, "level": ref.level, "name": ref.name} if ref else None,
        "run_id": cached.report.snapshot.run_id if cached else None,
        "worklists": lists,
    }


def _shaped(
    store: Store, p: Principal, name: str, region: str | None, purpose: str
) -> tuple[RegionRef | None, Worklist | None, list[str], list[tuple[object, ...]], list[int]]:
    check_worklist(p, name)
    if not purpose.strip():
        raise InputError(
            "purpose: say why you open this worklist (e.g. penanganan kasus); it goes to the audit"
        )
    ref = _scope(p, region)
    cached = _snapshot(store)
    if cached is None or name not in cached.report.worklists:
        return ref, None, [], [], []
    w = cached.report.worklists[name]
    keep = worklist_columns(p, w.columns)
    return ref, w, [w.columns[i] for i in keep], _rows(w, p, ref), keep


def _children(w: Worklist, rows: list[tuple[object, ...]]) -> list[str]:
    at = w.columns.index("child_id")
    return sorted({str(r[at]) for r in rows})


def _target(name: str, ref: RegionRef | None, extra: str = "") -> str:
    return f"worklist {name} region={ref.code if ref else 'nasional'}{extra}"


def worklist(
    store: Store, p: Principal, name: str, *, region: str | None = None, purpose: str,
    offset: int = 0, limit: int = 100,
) -> dict[str, Any]:  # fmt: skip
    """One page of a worklist in the user's scope, columns shaped by the policy; audited.

    Raises :class:`Forbidden` (role), :class:`NotFound` (unknown worklist) and
    :class:`InputError` (no purpose, bad region, bad paging).
    """
    if offset < 0 or not 1 <= limit <= 1000:
        raise InputError(f"offset {offset} / limit {limit}: offset ≥ 0 and 1 ≤ limit ≤ 1000")
    ref, w, columns, rows, keep = _shaped(store, p, name, region, purpose)
    page = rows[offset : offset + limit]
    if w is not None:
        audit(store, p, "worklist.view", _target(name, ref, f" rows={offset}+{len(page)}"),
              _children(w, page), purpose)  # fmt: skip
    return {
        "name": name, "title": w.title if w else name,
        "region": {"code": ref.code, "level": ref.level, "name": ref.name} if ref else None,
        "columns": columns, "total": len(rows), "offset": offset, "limit": limit,
        "rows": [shape_worklist_row(p, w.columns, keep, r) for r in page] if w else [],
    }  # fmt: skip


def export_worklist(
    store: Store, p: Principal, name: str, *, fmt: str, region: str | None = None, purpose: str
) -> tuple[str, list[str], list[list[object]]]:
    """The whole worklist in scope for export (title, header, rows); audited.

    Needs both the ``worklists`` and ``export`` permissions.
    """
    if fmt not in ("csv", "xlsx"):
        raise InputError(f"format {fmt!r}: give csv or xlsx")
    check_worklist(p, name)
    if not p.can("export"):
        raise Forbidden(f"role {p.role.name} may not export")
    ref, w, columns, rows, keep = _shaped(store, p, name, region, purpose)
    if w is None:
        return name, columns, []
    audit(store, p, "worklist.export", _target(name, ref, f" format={fmt} rows={len(rows)}"),
          _children(w, rows), purpose)  # fmt: skip
    return w.title, columns, [shape_worklist_row(p, w.columns, keep, r) for r in rows]


def indicator_chart(data: dict[str, Any], key: str = "", *, width: int = 320) -> dict[str, Any]:
    """A bar chart by region of one indicator of :func:`indicators` (inline SVG geometry).

    Suppressed cells get no bar; the key defaults to "KPAI children not in DTSEN".
    """
    keys = [i["key"] for i in data.get("indicators", [])]
    if key not in keys:
        key = "kpai_children_not_in_dtsen" if "kpai_children_not_in_dtsen" in keys else ""
    values = [r["figures"].get(key) for r in data.get("regions", [])]
    peak = max([v for v in values if isinstance(v, int)] or [1]) or 1
    bars = [
        {
            "code": r["code"], "name": r["name"], "drill": r["drill"], "value": v,
            "width": round(width * v / peak, 1) if isinstance(v, int) else 0,
        }
        for r, v in zip(data.get("regions", []), values, strict=True)
    ]  # fmt: skip
    label = data.get("labels", {}).get(key, key)
    return {"key": key, "label": label, "keys": keys, "bars": bars, "width": width}
