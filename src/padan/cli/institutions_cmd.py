"""``padan institutions …``: registry, inspections, dedup, risk worklist and indicators.

Commands that read the registry first take over the current ``lembaga`` extract (idempotent),
so ``padan ingest lembaga FILE`` followed by ``padan institutions risk`` just works.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from padan.cli.common import (
    DbOption,
    JsonOption,
    out,
    share_json,
    share_text,
    store_from,
    translate_errors,
)
from padan.cli.inspections_cmd import ByOption, inspections_app, manager
from padan.cli.institution_review_cmd import review_app
from padan.errors import InputError
from padan.institutions import (
    DEFAULT_DEDUP_LINK,
    DEFAULT_DEDUP_REVIEW,
    accreditation_expiry,
    checklists,
    dedup_institutions,
    evaluate_dedup,
    get_institution,
    institution_history,
    list_institutions,
    read_lembaga_truth,
    region_indicators,
    sync_from_extract,
    worklist,
)
from padan.store import Store

__all__ = ["institutions_app"]

institutions_app = typer.Typer(
    help="Lembaga: LKSA, daycares, safe houses — registry, inspections, risk, indicators.",
    no_args_is_help=True,
)
institutions_app.add_typer(inspections_app, name="inspections")
institutions_app.add_typer(review_app, name="review")

RegionOption = Annotated[
    str | None, typer.Option("--region", help="Region code at any level, e.g. 32, 32.01, 3201.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="FIELD=VALUE, repeatable (e.g. --set kapasitas=40).", show_default=False
    ),
]


def _synced(db: str | None) -> Store:
    store = store_from(db)
    sync_from_extract(store)
    return store


def _pairs(items: list[str] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set {item!r}: write FIELD=VALUE, e.g. --set kapasitas=40")
        values[key.strip()] = value
    return values


def _json(data: Any) -> None:
    out.print_json(json.dumps(data, default=str, ensure_ascii=False))


@institutions_app.command("sync")
def sync(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Take the current lembaga extract into the registry (new and changed fields, with history)."""
    with translate_errors():
        summary = sync_from_extract(store_from(db))
    if as_json:
        _json(asdict(summary))
        return
    out.print(
        f"Registry: {summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged."
    )


@institutions_app.command("list")
def list_cmd(
    region: RegionOption = None,
    jenis: Annotated[str | None, typer.Option(help="Only this type, e.g. TPA.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Registered institutions with licence, accreditation (and its expiry) and counts."""
    with translate_errors():
        records = list_institutions(_synced(db), region=region, jenis=[jenis] if jenis else None)
    rows = [
        {**asdict(r), "berlaku_sampai": accreditation_expiry(r.akreditasi, r.tanggal_akreditasi)}
        for r in records
    ]
    for row in rows:  # a safe house's location is confidential: use show ID to see it
        if row["jenis"] == "RUMAH_AMAN" and row["alamat"]:
            row["alamat"] = "(rahasia)"
    if as_json:
        _json(rows)
        return
    table = Table(title=f"Lembaga ({len(rows)})")
    for name in ("id", "nama", "jenis", "wilayah", "izin", "akreditasi", "s.d.", "anak/kap."):
        table.add_column(name)
    for r in rows:
        table.add_row(
            r["id_lembaga"],
            r["nama_lembaga"],
            r["jenis"],
            r["kode_wilayah"],
            r["status_izin"] or "-",
            r["akreditasi"] or "-",
            str(r["berlaku_sampai"] or "-"),
            f"{_n(r['jumlah_anak'])}/{_n(r['kapasitas'])}",
        )
    out.print(table)


@institutions_app.command("show")
def show(id_lembaga: str, as_json: JsonOption = False, db: DbOption = None) -> None:
    """One institution and every change of it."""
    with translate_errors():
        store = _synced(db)
        record = get_institution(store, id_lembaga)
        history = institution_history(store, id_lembaga)
    data = {
        **asdict(record),
        "berlaku_sampai": accreditation_expiry(record.akreditasi, record.tanggal_akreditasi),
        "history": [asdict(h) for h in history],
    }
    if as_json:
        _json(data)
        return
    for key, value in data.items():
        if key != "history":
            out.print(f"[bold]{key}[/]: {value if value is not None else '-'}", highlight=False)
    for h in history:
        why = f" — {h.reason}" if h.reason else ""
        line = f"v{h.version} {h.changed_at:%Y-%m-%d %H:%M} {h.changed_by} ({h.source}): "
        out.print(line + f"{h.changes}{why}", highlight=False)


@institutions_app.command("add")
def add(
    by: ByOption = None,
    fields: SetOption = None,
    id_lembaga: Annotated[str | None, typer.Option("--id", help="Id (default PDN-L…).")] = None,
    db: DbOption = None,
) -> None:
    """Register an institution (needs nama_lembaga, jenis, kode_wilayah), as the acting user
    (padan --as NAME or PADAN_CLI_USER; role with institutions_manage, in its region); audited."""
    from padan.services.institutions import create

    with translate_errors():
        store = store_from(db)
        who = manager(store, by, command="padan institutions add")
        record = create(store, who, _pairs(fields), id_lembaga=id_lembaga)
    out.print(f"Registered [bold]{record['id_lembaga']}[/] ({record['nama_lembaga']}).")


@institutions_app.command("edit")
def edit(
    id_lembaga: str,
    by: ByOption = None,
    fields: SetOption = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
    db: DbOption = None,
) -> None:
    """Change fields of an institution as the acting user (padan --as NAME or PADAN_CLI_USER;
    role with institutions_manage, in its region); the history keeps old and new values."""
    from padan.services.institutions import edit as change

    with translate_errors():
        store = _synced(db)
        who = manager(store, by, command="padan institutions edit")
        record = change(store, who, id_lembaga, _pairs(fields), reason=reason or "")
    out.print(f"{record['id_lembaga']} is now at version {record['version']}.")


@institutions_app.command("link-complaint")
def link_complaint_cmd(
    id_lembaga: str,
    no_pengaduan: str,
    by: ByOption = None,
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    db: DbOption = None,
) -> None:
    """Record, as the acting user (padan --as NAME or PADAN_CLI_USER; role with
    institutions_manage), that a KPAI complaint concerns an institution (counts in its risk
    score); audited."""
    from padan.services.institutions import link_kpai_complaint

    with translate_errors():
        store = _synced(db)
        who = manager(store, by, command="padan institutions link-complaint")
        created = link_kpai_complaint(store, who, id_lembaga, no_pengaduan, note=note or "")
    out.print("Linked." if created else "Already linked; nothing changed.")


@institutions_app.command("risk")
def risk(
    region: RegionOption = None,
    limit: Annotated[int | None, typer.Option(help="Show only the first N.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list, highest score first.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Inspection worklist: institutions ranked by risk score, each point with its fact."""
    with translate_errors():
        ranked = worklist(_synced(db), region=region, limit=limit)
    if as_json:
        _json([a.as_dict() for a in ranked])
        return
    table = Table(title="Daftar prioritas pengawasan / Inspection worklist")
    for name in ("#", "id", "nama", "jenis", "wilayah", "skor", "alasan / reasons"):
        table.add_column(name)
    for a in ranked:
        table.add_row(
            str(a.rank),
            a.id_lembaga,
            a.nama_lembaga,
            a.jenis,
            a.kode_wilayah,
            str(a.score),
            "\n".join(a.reasons) or "-",
        )
    out.print(table)


@institutions_app.command("indicators")
def indicators(
    level: Annotated[str, typer.Option(help="province or regency.")] = "regency",
    region: RegionOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Per region: share licensed and accredited, safe houses, children per social worker,
    inspections overdue, open severe findings."""
    with translate_errors():
        rows = region_indicators(_synced(db), level=level, region=region)
    if as_json:
        _json([r.as_dict() for r in rows])
        return
    table = Table(title="Indikator lembaga per wilayah / Institution indicators by region")
    heads = (
        "wilayah",
        "lembaga",
        "% berizin",
        "% terakreditasi",
        "rumah aman",
        "anak/peksos",
        "pengawasan terlambat",
        "temuan berat terbuka",
    )
    for name in heads:
        table.add_column(name, justify="right")
    for r in rows:
        table.add_row(
            r.kode_wilayah,
            str(r.institutions),
            _pct(r.share_licensed),
            _pct(r.share_accredited),
            str(r.safe_houses),
            f"{r.children_per_social_worker:.1f}" if r.children_per_social_worker else "-",
            str(r.inspections_overdue),
            str(r.open_severe_findings),
        )
    out.print(table)


@institutions_app.command("checklists")
def checklists_cmd(as_json: JsonOption = False) -> None:
    """The checklists shipped with Padan and their items, each with its source."""
    found = checklists()
    if as_json:
        _json([asdict(c) for c in found.values()])
        return
    for checklist in found.values():
        table = Table(
            title=f"{checklist.id} v{checklist.version}: {checklist.title_id} "
            f"({', '.join(checklist.applies_to)})"
        )
        for name in ("butir", "tema", "keparahan", "uraian", "sumber"):
            table.add_column(name)
        for item in checklist.items:
            table.add_row(item.code, item.theme, item.severity, item.text_id, item.source)
        out.print(table)


@institutions_app.command("dedup")
def dedup(
    link_threshold: Annotated[float, typer.Option(help="Merge pairs at or above.")] = (
        DEFAULT_DEDUP_LINK
    ),
    review_threshold: Annotated[float, typer.Option(help="Review pairs from here up.")] = (
        DEFAULT_DEDUP_REVIEW
    ),
    truth: Annotated[
        Path | None,
        typer.Option(help="lembaga_truth.csv from padan synth: print precision and recall."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Find institutions reported twice (by both agencies) and merge them; doubtful pairs wait
    in padan institutions review list."""
    with translate_errors():
        store = _synced(db)
        summary = dedup_institutions(
            store, link_threshold=link_threshold, review_threshold=review_threshold
        )
        counts = evaluate_dedup(store, read_lembaga_truth(truth)) if truth else None
    figures = None
    if counts is not None:
        figures = {
            **asdict(counts),
            "precision": share_json(counts.precision),
            "recall": share_json(counts.recall),
        }
    if as_json:
        _json({**asdict(summary), "evaluation": figures})
        return
    out.print(
        f"{summary.records} records → {summary.institutions} institutions; "
        f"{summary.linked_pairs} pairs merged, {summary.review_pairs} for review."
    )
    for group in summary.groups:
        out.print("  " + " = ".join(group), highlight=False)
    if counts is not None:
        out.print(
            f"Against the truth: precision {share_text(counts.precision, 3)}, "
            f"recall {share_text(counts.recall, 3)} "
            f"({counts.correct_pairs} of {counts.true_pairs} true pairs merged, "
            f"{counts.review_true_pairs} more in the review queue)."
        )


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
