"""Named worklists of the latest report (issue 4): shaped column by column by the policy, in
the user's regional scope, and every view or export appended to the hash-chained audit log.

Each row also carries its region names and the child's address and parents' names (issue 17),
read here from the store, so that an officer can find the child; the policy decides who sees
them like any other column. :mod:`padan.services.worklist_file` writes the XLSX.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from padan.access.authorise import Forbidden, NotFound, audit
from padan.access.policy import Principal, shape_worklist_row, worklist_columns
from padan.analysis import RegionRef, Snapshot, Worklist
from padan.domain.regions import check_region
from padan.errors import InputError
from padan.services.figures import latest_report, region_in_scope
from padan.services.timeline import rows_with_events
from padan.services.worklist_file import WorklistExport
from padan.store import Store
from padan.store.children import child_members, records_by_uid

__all__ = [
    "WORKLISTS",
    "check_worklist",
    "export_worklist",
    "export_worklist_file",
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
    "tanpa_layanan_atensi",
    "simfoni_belum_di_kpai",
    "layanan_lembaga_tak_berizin",
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


#: Columns added next to a worklist's region code: the names of its regions, from the
#: Kemendagri tables (their policy rule is the region code's, see ``[worklist_columns]``).
_REGION_NAMES = ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")
_LEVELS = {"province": 0, "regency": 1, "district": 2, "village": 3}
#: Columns an officer needs to find the child, read from the child's records in the store.
_CONTACT = ("alamat", "nama_ibu", "nama_ayah")
_CHUNK = 2000
_CONTACT_READ = ("alamat", "nama_ibu", "nama_ayah", "nama_ibu_kandung", "tanggal_pengaduan")


def _region_names(code: object) -> list[object]:
    names: list[object] = [None] * len(_REGION_NAMES)
    if isinstance(code, str):
        for r in check_region(code).lineage():
            names[_LEVELS[r.level]] = r.name
    return names


def _first(records: list[dict[str, Any]], *fields: str) -> object:
    for record in records:
        for f in fields:
            if record.get(f) not in (None, ""):
                return record[f]
    return None


def _contacts(
    store: Store, p: Principal, run_id: int, child_ids: list[str]
) -> dict[str, list[object]]:
    """Address and parents' names of each child: from its newest complaint first (KPAI asks
    for them), else its DTSEN record; only from the sources the role may see."""
    members: dict[str, list[tuple[str, float | None]]] = {}
    records: dict[str, dict[str, Any]] = {}
    for i in range(0, len(child_ids), _CHUNK):  # stay under the drivers' bound-parameter limits
        part = child_members(store, run_id, child_ids[i : i + _CHUNK])
        uids = [u for ms in part.values() for u, _ in ms if u.split(":")[0] in p.role.sources]
        members.update(part)
        records.update(records_by_uid(store, uids, columns=_CONTACT_READ))
    found = {}
    for child, ms in members.items():
        own = [u for u, _ in ms if u in records]
        kpai = sorted(
            (records[u] for u in own if u.startswith("kpai:")),
            key=lambda r: str(r.get("tanggal_pengaduan")),
            reverse=True,
        )
        dtsen = [records[u] for u in sorted(own) if u.startswith("dtsen:")]
        found[child] = [
            _first(kpai + dtsen, "alamat"),
            _first(kpai, "nama_ibu") or _first(dtsen, "nama_ibu_kandung"),
            _first(kpai, "nama_ayah"),
        ]
    return found


def _enriched(
    store: Store, p: Principal, w: Worklist, run_id: int, rows: list[tuple[object, ...]]
) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    """The worklist's columns and ``rows`` with region names, address and parents' names
    added after the region code (the policy then decides which of them the role sees)."""
    at = w.columns.index("kode_wilayah")
    columns = (*w.columns[: at + 1], *_REGION_NAMES, *_CONTACT, *w.columns[at + 1 :])
    child_at = w.columns.index("child_id") if "child_id" in w.columns else None
    contacts = (
        _contacts(store, p, run_id, sorted({str(r[child_at]) for r in rows}))
        if child_at is not None
        else {}
    )
    out = []
    for row in rows:
        none: list[object] = [None] * len(_CONTACT)
        extra = contacts.get(str(row[child_at]), none) if child_at is not None else none
        out.append((*row[: at + 1], *_region_names(row[at]), *extra, *row[at + 1 :]))
    return columns, out


def _shaped(
    store: Store,
    p: Principal,
    name: str,
    region: str | None,
    purpose: str,
    since: dt.date | None = None,
) -> tuple[RegionRef | None, Worklist | None, list[tuple[object, ...]], Snapshot | None]:
    check_worklist(p, name)
    if not purpose.strip():
        raise InputError(
            "purpose: say why you open this worklist (e.g. penanganan kasus); it goes to the audit"
        )
    ref = region_in_scope(p, region)
    cached = latest_report(store)
    if cached is None or name not in cached.report.worklists:
        return ref, None, [], None
    w = cached.report.worklists[name]
    return (
        ref,
        w,
        rows_with_events(store, p, w.columns, _rows(w, p, ref), since=since),
        cached.report.snapshot,
    )


def _full(
    store: Store, p: Principal, w: Worklist, run_id: int, rows: list[tuple[object, ...]]
) -> tuple[tuple[str, ...], list[int], list[list[object]]]:
    """``rows`` (of run ``run_id``) enriched and shaped for ``p``: all columns, the kept
    positions, the rows."""
    columns, full = _enriched(store, p, w, run_id, rows)
    keep = worklist_columns(p, columns)
    return columns, keep, [shape_worklist_row(p, columns, keep, r) for r in full]


def _children(w: Worklist, rows: list[tuple[object, ...]]) -> list[str]:
    at = w.columns.index("child_id")
    return sorted({str(r[at]) for r in rows})


def _target(name: str, ref: RegionRef | None, extra: str = "", since: dt.date | None = None) -> str:
    new = f" since={since.isoformat()}" if since else ""
    return f"worklist {name} region={ref.code if ref else 'nasional'}{new}{extra}"


def worklist(
    store: Store,
    p: Principal,
    name: str,
    *,
    region: str | None = None,
    purpose: str,
    offset: int = 0,
    limit: int = 100,
    since: dt.date | None = None,
) -> dict[str, Any]:
    """One page of a worklist in the user's scope, columns shaped by the policy; audited.

    With ``since``, only the rows whose child had an event the role may see from that day on
    (:func:`padan.services.timeline.children_with_events`: "baru").

    Raises :class:`Forbidden` (role), :class:`NotFound` (unknown worklist) and
    :class:`InputError` (no purpose, bad region, bad paging).
    """
    if offset < 0 or not 1 <= limit <= 1000:
        raise InputError(f"offset {offset} / limit {limit}: offset ≥ 0 and 1 ≤ limit ≤ 1000")
    ref, w, rows, snapshot = _shaped(store, p, name, region, purpose, since)
    page = rows[offset : offset + limit]
    columns: list[str] = []
    shown: list[list[object]] = []
    if w is not None and snapshot is not None:
        all_columns, kept, shown = _full(store, p, w, snapshot.run_id, page)
        columns = [all_columns[i] for i in kept]
        audit(
            store,
            p,
            "worklist.view",
            _target(name, ref, f" rows={offset}+{len(page)}", since),
            _children(w, page),
            purpose,
        )
    return {
        "name": name,
        "title": w.title if w else name,
        "region": {"code": ref.code, "level": ref.level, "name": ref.name} if ref else None,
        "since": since.isoformat() if since else None,
        "columns": columns,
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "rows": shown,
    }


def _export(
    store: Store,
    p: Principal,
    name: str,
    *,
    fmt: str,
    region: str | None,
    purpose: str,
    since: dt.date | None = None,
) -> WorklistExport:
    if fmt not in ("csv", "xlsx"):
        raise InputError(f"format {fmt!r}: give csv or xlsx")
    check_worklist(p, name)
    if not p.can("export"):
        raise Forbidden(f"role {p.role.name} may not export")
    ref, w, rows, snapshot = _shaped(store, p, name, region, purpose, since)
    columns: list[str] = []
    hidden: list[str] = []
    shaped: list[list[object]] = []
    if w is not None and snapshot is not None:
        all_columns, keep, shaped = _full(store, p, w, snapshot.run_id, rows)
        columns = [all_columns[i] for i in keep]
        hidden = [c for i, c in enumerate(all_columns) if i not in keep]
        audit(
            store,
            p,
            "worklist.export",
            _target(name, ref, f" format={fmt} rows={len(rows)}", since),
            _children(w, rows),
            purpose,
        )
    return WorklistExport(
        name=name,
        title=w.title if w else name,
        columns=columns,
        rows=shaped,
        username=p.username,
        role=p.role.label,
        purpose=purpose.strip(),
        region=f"{ref.name} ({ref.code})" if ref else "",
        run_id=snapshot.run_id if snapshot else None,
        run_finished_at=snapshot.run_finished_at if snapshot else None,
        exported_at=dt.datetime.now(dt.UTC),
        hidden_columns=hidden,
        nik_masked=not p.role.nik_full,
        regional=p.role.scope != "national",
    )


def export_worklist(
    store: Store,
    p: Principal,
    name: str,
    *,
    fmt: str,
    region: str | None = None,
    purpose: str,
    since: dt.date | None = None,
) -> tuple[str, list[str], list[list[object]]]:
    """The whole worklist in scope for export (title, header, rows); audited.

    Needs both the ``worklists`` and ``export`` permissions; ``since`` as in :func:`worklist`.
    """
    e = _export(store, p, name, fmt=fmt, region=region, purpose=purpose, since=since)
    return e.title, e.columns, e.rows


def export_worklist_file(
    store: Store,
    p: Principal,
    name: str,
    *,
    region: str | None = None,
    purpose: str,
    since: dt.date | None = None,
) -> WorklistExport:
    """The whole worklist in scope with what its XLSX cover sheet states (who, when, why, the
    source run, the rules applied); audited. Write it with
    :func:`padan.services.worklist_file.worklist_workbook`."""
    return _export(store, p, name, fmt="xlsx", region=region, purpose=purpose, since=since)


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
