"""Named worklists of the latest report (issue 4): shaped column by column by the policy, in
the user's regional scope, and every view or export appended to the hash-chained audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from padan.access.authorise import Forbidden, NotFound, audit
from padan.access.policy import Principal, shape_worklist_row, worklist_columns
from padan.analysis import RegionRef, Worklist
from padan.errors import InputError
from padan.services.figures import latest_report, region_in_scope
from padan.store import Store

__all__ = [
    "WORKLISTS",
    "check_worklist",
    "export_worklist",
    "export_worklists",
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
    ref = region_in_scope(p, region)
    cached = latest_report(store)
    lists = []
    for name in WORKLISTS:
        if name not in p.role.worklists:
            continue
        w = cached.report.worklists.get(name) if cached else None
        lists.append(
            {
                "name": name,
                "title": w.title if w else name,
                "rows": len(_rows(w, p, ref)) if w else 0,
            }
        )
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
    ref = region_in_scope(p, region)
    cached = latest_report(store)
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
    store: Store,
    p: Principal,
    name: str,
    *,
    region: str | None = None,
    purpose: str,
    offset: int = 0,
    limit: int = 100,
) -> dict[str, Any]:
    """One page of a worklist in the user's scope, columns shaped by the policy; audited.

    Raises :class:`Forbidden` (role), :class:`NotFound` (unknown worklist) and
    :class:`InputError` (no purpose, bad region, bad paging).
    """
    if offset < 0 or not 1 <= limit <= 1000:
        raise InputError(f"offset {offset} / limit {limit}: offset ≥ 0 and 1 ≤ limit ≤ 1000")
    ref, w, columns, rows, keep = _shaped(store, p, name, region, purpose)
    page = rows[offset : offset + limit]
    if w is not None:
        audit(
            store,
            p,
            "worklist.view",
            _target(name, ref, f" rows={offset}+{len(page)}"),
            _children(w, page),
            purpose,
        )
    return {
        "name": name,
        "title": w.title if w else name,
        "region": {"code": ref.code, "level": ref.level, "name": ref.name} if ref else None,
        "columns": columns,
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "rows": [shape_worklist_row(p, w.columns, keep, r) for r in page] if w else [],
    }


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
    audit(
        store,
        p,
        "worklist.export",
        _target(name, ref, f" format={fmt} rows={len(rows)}"),
        _children(w, rows),
        purpose,
    )
    return w.title, columns, [shape_worklist_row(p, w.columns, keep, r) for r in rows]


def export_worklists(
    store: Store,
    p: Principal,
    found: Mapping[str, Worklist],
    *,
    region: RegionRef | None,
    purpose: str,
    fmt: str = "xlsx",
) -> dict[str, Worklist]:
    """The worklists of a report computed for ``region`` (``padan report --worklists``) as the
    role may export them: only its worklists, rows in its scope, columns and NIKs shaped as by
    :func:`export_worklist`, each audited the same way (``worklist.export``).

    Needs the ``worklists`` and ``export`` permissions and a purpose."""
    if not p.can("worklists"):
        raise Forbidden(f"role {p.role.name} may not see named worklists")
    if not p.can("export"):
        raise Forbidden(f"role {p.role.name} may not export")
    if not purpose.strip():
        raise InputError(
            "purpose: say why you export the worklists (e.g. penanganan kasus); it goes to the "
            "audit"
        )
    shown: dict[str, Worklist] = {}
    for name, w in found.items():
        if name not in p.role.worklists:
            continue
        rows = _rows(w, p, region)
        keep = worklist_columns(p, w.columns)
        audit(
            store,
            p,
            "worklist.export",
            _target(name, region, f" format={fmt} rows={len(rows)}"),
            _children(w, rows),
            purpose,
        )
        shown[name] = Worklist(
            w.key,
            w.title,
            tuple(w.columns[i] for i in keep),
            [tuple(shape_worklist_row(p, w.columns, keep, r)) for r in rows],
        )
    return shown
