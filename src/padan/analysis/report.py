"""Build a report from the store (the last linkage run) or from any clustering of the records."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import pyarrow as pa

from padan.analysis.children import (
    DTSEN_COLUMNS,
    KPAI_COLUMNS,
    QUALITY_COLUMNS,
    ReportInputs,
    build_children,
    indicator_keys,
)
from padan.analysis.encoded import ENCODED_INDICATORS, encoded_records, refuse_regional
from padan.analysis.figures import by_group, by_region, data_quality, overall
from padan.analysis.labels import group_labels
from padan.analysis.model import BatchRef, Figure, RegionRef, Report, Snapshot
from padan.analysis.rules import Rules, default_rules
from padan.analysis.service_gaps import atensi_basis, median_days
from padan.analysis.service_inputs import service_inputs
from padan.analysis.worklists import build_worklists
from padan.domain.regions import check_region
from padan.errors import InputError
from padan.linkage import linked_sources
from padan.store import (
    ExportAudit,
    LinkRun,
    Store,
    record_export,
    run_links_arrow,
    run_pairs_arrow,
    snapshot_records_arrow,
)

__all__ = ["build_report", "compute_report", "load_inputs", "resolve_region", "truth_links"]


def resolve_region(code: str) -> RegionRef:
    """A region code (any level, dots optional) as a known region; villages are not reported.

    Raises :class:`InputError` for a malformed or unknown code.
    """
    check = check_region(code)
    if not check.ok or check.region is None or check.code is None or check.level is None:
        raise InputError(
            f"--region {code!r}: not a known Kemendagri region code ({check.status.value}). "
            "Give a province (32), regency (32.01) or district (32.01.01) code."
        )
    if check.level == "village":
        raise InputError(
            f"--region {code!r} is a village; reports go down to districts. "
            f"Give its district {check.code[:8]}."
        )
    return RegionRef(check.code, check.level, check.region.name)


def _kpai_children_dtsen_ids(kpai: pa.Table, links: pa.Table, pairs: pa.Table) -> list[str]:
    """DTSEN records of KPAI children, and those paired with a KPAI record (the candidates of
    the children not, or only possibly, found in DTSEN)."""
    con = duckdb.connect()
    try:
        con.register("kpai_in", kpai)
        con.register("links_in", links)
        con.register("pairs_in", pairs)
        rows = con.execute("""
            SELECT source_id FROM links_in WHERE source = 'dtsen' AND child_id IN (
                SELECT l.child_id FROM links_in l JOIN kpai_in k
                ON l.source = 'kpai' AND l.source_id = k.no_pengaduan)
            UNION
            SELECT substr(uid_l, 7) FROM pairs_in
            WHERE starts_with(uid_l, 'dtsen:') AND starts_with(uid_r, 'kpai:')
            UNION
            SELECT substr(uid_r, 7) FROM pairs_in
            WHERE starts_with(uid_r, 'dtsen:') AND starts_with(uid_l, 'kpai:')
        """).fetchall()
    finally:
        con.close()
    return [str(r[0]) for r in rows]


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite gives back naive datetimes (written in UTC), PostgreSQL aware ones.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _apart(store: Store, started_at: dt.datetime) -> pa.Table:
    """Pairs a reviewer had decided "different" when the run started (the run kept them apart).

    Later decisions wait for the next run, so that a snapshot keeps its figures.
    """
    pairs = [
        (d.uid_a, d.uid_b)
        for d in store.review_decisions()
        if d.decision == "different" and _utc(d.decided_at) <= _utc(started_at)
    ]
    return pa.table(
        {
            "uid_l": pa.array([a for a, _ in pairs], pa.string()),
            "uid_r": pa.array([b for _, b in pairs], pa.string()),
        }
    )


def load_inputs(store: Store, *, all_dtsen: bool = False) -> tuple[ReportInputs, Snapshot]:
    """The records, links and pairs of the latest linkage run, and its snapshot.

    Every DTSEN record is read for data quality, but only the DTSEN records in KPAI children's
    clusters with all their attributes, unless ``all_dtsen`` (needed to compute the report
    from another clustering, e.g. known truth). Raises :class:`InputError` when no run exists
    (``padan link`` first).
    """
    run = store.latest_link_run()
    if run is None:
        raise InputError("no linkage run in the store yet; run `padan link` first")
    if store.holds_encodings():
        return _encoded_inputs(store, run)
    kpai = snapshot_records_arrow(store, "kpai_kasus", KPAI_COLUMNS, run.batches)
    links = run_links_arrow(store, run.id)
    pairs = run_pairs_arrow(store, run.id)
    if all_dtsen:
        dtsen = snapshot_records_arrow(store, "dtsen_individu", DTSEN_COLUMNS, run.batches)
        dtsen_quality = None
    else:
        dtsen = snapshot_records_arrow(
            store,
            "dtsen_individu",
            DTSEN_COLUMNS,
            run.batches,
            record_ids=_kpai_children_dtsen_ids(kpai, links, pairs),
        )
        dtsen_quality = snapshot_records_arrow(
            store, "dtsen_individu", QUALITY_COLUMNS, run.batches
        )
    all_batches = store.list_batches()
    batches = tuple(
        BatchRef(b.id, b.source, b.file_name, b.content_sha256, b.finished_at)
        for b in all_batches
        if b.id in run.batches
    )
    linked = linked_sources(store)
    newer = tuple(b.id for b in all_batches if b.source in linked and b.id not in run.batches)
    kemensos, simfoni, lembaga = service_inputs(
        store, [b for b in all_batches if b.id in run.batches], run.finished_at
    )
    inputs = ReportInputs(
        kpai,
        dtsen,
        links,
        pairs,
        run.finished_at.date(),
        run.link_threshold,
        run.review_threshold,
        dtsen_quality,
        _apart(store, run.started_at),
        kemensos,
        simfoni,
        lembaga,
    )
    snapshot = Snapshot(
        run.id,
        run.finished_at,
        run.model_version,
        run.link_threshold,
        run.review_threshold,
        batches,
        inputs.reference_date,
        "",
        "",
        dt.datetime.now(dt.UTC),
        newer,
    )
    return inputs, snapshot


def _encoded_inputs(store: Store, run: LinkRun) -> tuple[ReportInputs, Snapshot]:
    """:func:`load_inputs` for a store of PPRL encodings (:mod:`padan.analysis.encoded`)."""
    kpai, dtsen = encoded_records(store)
    inputs = ReportInputs(
        kpai,
        dtsen,
        run_links_arrow(store, run.id),
        run_pairs_arrow(store, run.id),
        run.finished_at.date(),
        run.link_threshold,
        run.review_threshold,
        apart=_apart(store, run.started_at),
        encoded=True,
        regional=any(t.column("kode_wilayah").null_count < t.num_rows for t in (kpai, dtsen)),
    )
    all_batches = store.list_batches()
    snapshot = Snapshot(
        run.id,
        run.finished_at,
        run.model_version,
        run.link_threshold,
        run.review_threshold,
        tuple(
            BatchRef(b.id, b.source, b.file_name, b.content_sha256, b.finished_at)
            for b in all_batches
            if b.id in run.batches
        ),
        inputs.reference_date,
        "",
        "",
        dt.datetime.now(dt.UTC),
        tuple(b.id for b in all_batches if b.id not in run.batches and b.source != "lembaga"),
    )
    return inputs, snapshot


def _coverage_only(report: Report) -> Report:
    """An encoded run's report: the indicators of :data:`ENCODED_INDICATORS` only (the others
    need attributes encodings do not carry), no groups, no data quality (the NIKs are
    encoded)."""

    def kept(figures: dict[str, Figure]) -> dict[str, Figure]:
        return {k: v for k, v in figures.items() if k in ENCODED_INDICATORS}

    return replace(
        report,
        indicators=kept(report.indicators),
        regions=[replace(r, figures=kept(r.figures)) for r in report.regions],
        by_klaster=[],
        by_kategori=[],
        quality=[],
        basis={"records": "pprl"},
    )


def truth_links(truth: dict[str, str]) -> pa.Table:
    """Known truth (record ``source:id`` → person) as a links table, to compute a report from."""
    sources, ids = zip(*(uid.split(":", 1) for uid in truth), strict=True) if truth else ((), ())
    return pa.table(
        {
            "source": pa.array(sources, pa.string()),
            "source_id": pa.array(ids, pa.string()),
            "child_id": pa.array(list(truth.values()), pa.string()),
        }
    )


def compute_report(
    inputs: ReportInputs,
    snapshot: Snapshot,
    *,
    rules: Rules | None = None,
    region: RegionRef | None = None,
    worklists: bool = False,
) -> Report:
    """Every indicator, breakdown and (when asked) worklist from ``inputs``.

    Pure computation in an in-memory DuckDB: the same inputs and rules give the same figures.
    Raises :class:`InputError` for a ``region`` when the inputs carry no region (encodings
    without the regency in the clear): their national figures are not the region's.
    """
    if region is not None and not inputs.regional:
        raise refuse_regional(f"{region.code} {region.name}")
    rules = rules or default_rules()
    # Worklists name children: an encoded run has no names to give (the dashboard asks).
    worklists = worklists and not inputs.encoded
    keys = indicator_keys(rules)
    con = duckdb.connect()
    try:
        build_children(con, inputs, rules)
        scope = "TRUE"
        if region is not None:
            con.execute(
                "DELETE FROM child WHERE NOT (region = $c OR starts_with(region, $c || '.'))",
                {"c": region.code},
            )
            scope = "(kode_wilayah = $c OR starts_with(kode_wilayah, $c || '.'))"
        params = {"c": region.code} if region else {}
        median, medians = median_days(con, below=region.level if region else None)
        con.execute(f"CREATE TABLE kq AS SELECT * FROM k WHERE {scope}", params)
        # Every DTSEN record of the snapshot, not only the KPAI children's ones read into d.
        con.execute(f"CREATE TABLE dq AS SELECT * FROM dq_all WHERE {scope}", params)
        report = Report(
            snapshot=Snapshot(
                **{
                    **{f: getattr(snapshot, f) for f in snapshot.__dataclass_fields__},
                    "rules_source": rules.source,
                    "rules_digest": rules.digest,
                }
            ),
            region=region,
            indicators=overall(con, keys),
            regions=[
                replace(r, median_days=medians.get((r.level, r.parent, r.code)))
                for r in by_region(con, keys, below=region.level if region else None)
            ],
            by_klaster=by_group(con, "klaster", group_labels("klaster")),
            by_kategori=by_group(con, "kategori", group_labels("kategori")),
            quality=data_quality(con),
            programs={key: rule.label for key, rule in rules.programs.items()},
            worklists=build_worklists(con, inputs, rules) if worklists else {},
            basis={
                "atensi": atensi_basis(inputs.kemensos),
                "lembaga": "lembaga" if inputs.lembaga is not None else "",
            },
            median_days=median,
        )
    finally:
        con.close()
    return _coverage_only(report) if inputs.encoded else report


def build_report(
    store: Store,
    *,
    region: str | None = None,
    rules: Rules | None = None,
    worklists: bool = False,
    actor: str | None = None,
    purpose: str = "",
) -> Report:
    """The report of the latest linkage run, for the whole country or one region.

    ``region`` is a province, regency or district code; ``worklists`` adds the named worklists
    (only for roles allowed to see names) and records the export, by ``actor``, in the store's
    export audit (counts only, no names) and in the hash-chained audit log (the children's ids
    and ``purpose``), like the web app's exports. Raises :class:`InputError` for an unknown
    region, for worklists without an actor, or when nothing has been linked yet;
    :class:`StoreError` when the store cannot be read or the audit cannot be written.
    """
    where = resolve_region(region) if region is not None else None
    if worklists and not (actor and actor.strip()):
        raise InputError("named worklists need the actor's name for the audit (actor=...)")
    inputs, snapshot = load_inputs(store)
    report = compute_report(inputs, snapshot, rules=rules, region=where, worklists=worklists)
    if worklists:
        counts = {key: len(w.rows) for key, w in report.worklists.items()}
        record_export(
            store,
            ExportAudit(
                dt.datetime.now(dt.UTC),
                str(actor),
                "report.worklists",
                where.code if where else None,
                snapshot.run_id,
                sum(counts.values()),
                {"worklists": counts},
                tuple(
                    sorted(
                        {
                            str(r[w.columns.index("child_id")])
                            for w in report.worklists.values()
                            for r in w.rows
                        }
                    )
                ),
                purpose,
            ),
        )
    return report
