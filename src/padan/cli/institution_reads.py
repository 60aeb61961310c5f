"""``padan institutions list|show|risk|indicators``: the registry as the acting user may see it.

Before the store has an admin they read the registry as they always did (the local operator
holds the store). Once accounts are in use they run as a named user whose role has
``institutions`` and go through :mod:`padan.services.institutions`, as the web pages do: the
user's region only, a safe house's address and KPAI complaint details as the role may see them,
each view audited.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

from padan.access.policy import Principal
from padan.cli.actor import data_user, is_local
from padan.cli.common import DbOption, JsonOption, cli_lang, out, store_from, tr, translate_errors
from padan.i18n import N_
from padan.i18n.codes import shown as shown_value
from padan.institutions import (
    accreditation_expiry,
    get_institution,
    institution_history,
    list_institutions,
    region_indicators,
    sync_from_extract,
    worklist,
)
from padan.services import institutions as service
from padan.store import Store

__all__ = [
    "PurposeOption",
    "RegionOption",
    "indicators",
    "list_cmd",
    "print_data",
    "risk",
    "show",
    "synced",
]

RegionOption = Annotated[
    str | None, typer.Option("--region", help="Region code at any level, e.g. 32, 32.01, 3201.")
]
PurposeOption = Annotated[
    str, typer.Option("--purpose", help="Why you look (kept in the audit log as a named user).")
]


def synced(db: str | None) -> Store:
    """The store, after taking over the current ``lembaga`` extract (idempotent)."""
    store = store_from(db)
    sync_from_extract(store)
    return store


def print_data(data: Any) -> None:
    """``data`` as JSON on stdout (dates as text)."""
    out.print_json(json.dumps(data, default=str, ensure_ascii=False))


def _named(store: Store, command: str) -> Principal | None:
    """The named user (role with ``institutions``), or ``None`` for the local operator."""
    who = data_user(store, command=command, needs=("institutions",))
    return None if is_local(who) else who


def list_cmd(
    region: RegionOption = None,
    jenis: Annotated[str | None, typer.Option(help="Only this type, e.g. TPA.")] = None,
    purpose: PurposeOption = "",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Registered institutions with licence, accreditation (and its expiry) and counts (in the
    acting user's region once the store has an admin; audited)."""
    with translate_errors():
        store = synced(db)
        who = _named(store, "padan institutions list")
        if who is None:
            rows = [
                {
                    **asdict(r),
                    "berlaku_sampai": accreditation_expiry(r.akreditasi, r.tanggal_akreditasi),
                }
                for r in list_institutions(store, region=region, jenis=[jenis] if jenis else None)
            ]
        else:
            rows = service.institutions(store, who, region=region, jenis=jenis, purpose=purpose)
    for row in rows:  # a safe house's location is confidential: use show ID to see it
        if row["jenis"] == "RUMAH_AMAN" and row["alamat"]:
            row["alamat"] = "(rahasia)"
    if as_json:
        print_data(rows)
        return
    lang = cli_lang()
    table = Table(title=tr("Institutions (%(count)s)", count=len(rows)))
    heads = (
        "id",
        tr("name"),
        tr("type"),
        tr("region"),
        tr("licence"),
        tr("accreditation"),
        tr("valid until"),
        tr("children/capacity"),
    )
    for name in heads:
        table.add_column(name)
    for r in rows:
        table.add_row(
            r["id_lembaga"],
            r["nama_lembaga"],
            shown_value("jenis", r["jenis"], lang),
            r["kode_wilayah"],
            shown_value("status_izin", r["status_izin"], lang) or "-",
            shown_value("akreditasi", r["akreditasi"], lang) or "-",
            str(r["berlaku_sampai"] or "-"),
            f"{_n(r['jumlah_anak'])}/{_n(r['kapasitas'])}",
        )
    out.print(table)


def show(
    id_lembaga: str, purpose: PurposeOption = "", as_json: JsonOption = False, db: DbOption = None
) -> None:
    """One institution and every change of it (once the store has an admin: in the acting
    user's region, a safe house's address as the role may see it; audited)."""
    with translate_errors():
        store = synced(db)
        who = _named(store, "padan institutions show")
        if who is None:
            record = get_institution(store, id_lembaga)
            data: dict[str, Any] = {
                **asdict(record),
                "berlaku_sampai": accreditation_expiry(
                    record.akreditasi, record.tanggal_akreditasi
                ),
                "history": [asdict(h) for h in institution_history(store, id_lembaga)],
            }
        else:
            data = _profile(service.profile(store, who, id_lembaga, purpose=purpose))
    if as_json:
        print_data(data)
        return
    lang = cli_lang()
    for key, value in data.items():
        if key != "history":
            name = tr(_FIELDS[key]) if key in _FIELDS else shown_value("column", key, lang)
            text = shown_value(key, value, lang) if value is not None else "-"
            if key == "alamat" and value == "(rahasia)":
                text = tr("(confidential)")
            out.print(f"[bold]{name}[/]: {text}", highlight=False)
    for h in data["history"]:
        at = h["changed_at"]
        at = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
        why = f" — {h['reason']}" if h["reason"] else ""
        line = f"v{h['version']} {at:%Y-%m-%d %H:%M} {h['changed_by']} ({h['source']}): "
        out.print(line + _changes(h["changes"], lang) + why, highlight=False)


#: Fields of ``padan institutions show`` that are no column of the exchange format.
_FIELDS = {
    "updated_at": N_("Updated at"),
    "berlaku_sampai": N_("Accreditation valid until"),
}


def _changes(changes: Any, lang: str) -> str:
    """A history entry's ``{field: [old, new]}`` as "Field: old → new; ..." for people."""
    if not isinstance(changes, dict):
        return str(changes)
    said = []
    for field, pair in changes.items():
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        name = shown_value("column", field, lang)
        before = shown_value(field, old, lang) if old is not None else "-"
        after = shown_value(field, new, lang) if new is not None else "-"
        said.append(f"{name}: {before} → {after}")
    return "; ".join(said)


def _profile(profile: dict[str, Any]) -> dict[str, Any]:
    """The service's profile in the shape of ``padan institutions show``."""
    return {
        **profile["fields"],
        "berlaku_sampai": profile["akreditasi_berlaku_sampai"],
        "history": [
            {
                "id_lembaga": profile["id_lembaga"],
                "version": h["version"],
                "changed_at": h["at"],
                "changed_by": h["by"],
                "source": h["source"],
                "changes": h["changes"],
                "reason": h["reason"],
            }
            for h in profile["history"]
        ],
    }


def risk(
    region: RegionOption = None,
    limit: Annotated[int | None, typer.Option(help="Show only the first N.")] = None,
    purpose: PurposeOption = "",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list, highest score first.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Inspection worklist: institutions ranked by risk score, each point with its fact (once
    the store has an admin: the acting user's region, complaint details for KPAI roles only;
    audited)."""
    with translate_errors():
        store = synced(db)
        who = _named(store, "padan institutions risk")
        if who is None:
            ranked = [a.as_dict() for a in worklist(store, region=region, limit=limit)]
        else:
            ranked = service.risk(store, who, region=region, limit=limit, purpose=purpose)
    if as_json:
        print_data(ranked)
        return
    lang = cli_lang()
    table = Table(title=tr("Inspection worklist"))
    for name in ("#", "id", tr("name"), tr("type"), tr("region"), tr("score"), tr("reasons")):
        table.add_column(name)
    for a in ranked:
        reasons = a["reasons_en"] if lang == "en" else a["reasons"]
        table.add_row(
            str(a["rank"]),
            a["id_lembaga"],
            a["nama_lembaga"],
            shown_value("jenis", a["jenis"], lang),
            a["kode_wilayah"],
            str(a["score"]),
            "\n".join(reasons) or "-",
        )
    out.print(table)


def indicators(
    level: Annotated[str, typer.Option(help="province or regency.")] = "regency",
    region: RegionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Per region: share licensed and accredited, safe houses, children per social worker,
    inspections overdue, open severe findings (once the store has an admin: in the acting
    user's region; audited)."""
    with translate_errors():
        store = synced(db)
        who = _named(store, "padan institutions indicators")
        if who is None:
            rows = [r.as_dict() for r in region_indicators(store, level=level, region=region)]
        else:
            rows = service.indicators(store, who, level=level, region=region)
    if as_json:
        print_data(rows)
        return
    table = Table(title=tr("Institution indicators by region"))
    heads = (
        tr("region"),
        tr("institutions"),
        tr("% licensed"),
        tr("% accredited"),
        tr("safe houses"),
        tr("children per social worker"),
        tr("inspections overdue"),
        tr("open severe findings"),
    )
    for name in heads:
        table.add_column(name, justify="right")
    for r in rows:
        table.add_row(
            r["kode_wilayah"],
            str(r["institutions"]),
            _pct(r["share_licensed"]),
            _pct(r["share_accredited"]),
            str(r["safe_houses"]),
            f"{r['children_per_social_worker']:.1f}" if r["children_per_social_worker"] else "-",
            str(r["inspections_overdue"]),
            str(r["open_severe_findings"]),
        )
    out.print(table)


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
