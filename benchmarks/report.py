"""Benchmark: the full report (indicators, breakdowns, worklists, XLSX, HTML) on a large store.

    .venv/bin/python benchmarks/report.py --households 250000 --kpai-copies 4   # 1M DTSEN + 100k KPAI
    .venv/bin/python benchmarks/report.py --households 25000                    # ~100k + 10k, quick
    .venv/bin/python benchmarks/report.py --db sqlite:///padan.db               # an existing linked store

Without ``--db`` it generates a synthetic population, ingests it and stores one linkage run whose
children are the generator's truth (the report's cost does not depend on how the clusters were
found; ``padan link`` is measured by ``benchmarks/linkage.py``). ``--kpai-copies K`` ingests the
KPAI extract K times with distinct complaint numbers (repeat complaints of the same children), to
reach 100k KPAI rows next to 1M DTSEN rows. Prints seconds per step and peak memory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _prepare(work: Path, households: int, copies: int, seed: int) -> str:
    from padan.ingest import ingest_file
    from padan.linkage import read_truth
    from padan.store import ChildLink, LinkRun, open_store
    from padan.synth import generate

    start = time.perf_counter()
    data = generate(work / "data", households=households, seed=seed)
    print(f"generate: {time.perf_counter() - start:.1f} s", flush=True)
    db = f"sqlite:///{work / 'padan.db'}"
    store = open_store(db)
    start = time.perf_counter()
    batches = [ingest_file(data.files["dtsen"], source="dtsen", store=store).batch_id]
    truth = read_truth(data.files["truth"])
    kpai_truth = {uid: p for uid, p in truth.items() if uid.startswith("kpai:")}
    for copy in range(copies):
        path = work / f"kpai_{copy}.csv"
        with (
            data.files["kpai"].open(encoding="utf-8") as src,
            path.open("w", encoding="utf-8", newline="") as dst,
        ):
            reader, writer = csv.reader(src), csv.writer(dst)
            writer.writerow(next(reader))
            for row in reader:
                row[0] = f"{row[0]}-{copy}"
                writer.writerow(row)
        batches.append(ingest_file(path, source="kpai", store=store).batch_id)
        for uid, person in kpai_truth.items():
            truth[f"{uid}-{copy}"] = person
    for uid in kpai_truth:
        del truth[uid]
    print(f"ingest: {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    links = [ChildLink(*uid.split(":", 1), person, None) for uid, person in truth.items()]
    store.save_link_run(
        LinkRun(0, now, now, "truth", 0.9, 0.5, len(links), len(set(truth.values())), batches),
        links,
        [],
    )
    print(
        f"store truth run: {time.perf_counter() - start:.1f} s ({len(links):,} links)", flush=True
    )
    store.engine.dispose()
    return db


def _report(db: str, out: Path) -> None:
    from padan.analysis import (
        build_report,
        compute_report,
        default_rules,
        indicator_labels,
        load_inputs,
    )
    from padan.analysis.html import write_html
    from padan.analysis.tables import report_tables
    from padan.analysis.xlsx import write_xlsx
    from padan.store import open_store

    store = open_store(db)
    total = time.perf_counter()
    start = time.perf_counter()
    inputs, snapshot = load_inputs(store)
    read = time.perf_counter() - start
    start = time.perf_counter()
    report = compute_report(inputs, snapshot, worklists=True)
    compute = time.perf_counter() - start
    start = time.perf_counter()
    tables = report_tables(report, indicator_labels(default_rules()))
    write_xlsx(report, tables, out / "laporan.xlsx", worklists=True)
    xlsx = time.perf_counter() - start
    start = time.perf_counter()
    write_html(report, tables, out / "laporan.html", suppressed=True)
    html = time.perf_counter() - start
    seconds = time.perf_counter() - total
    worklist_rows = sum(len(w.rows) for w in report.worklists.values())
    print(
        f"records: KPAI {inputs.kpai.num_rows:,}, DTSEN "
        f"{(inputs.dtsen_quality or inputs.dtsen).num_rows:,} "
        f"({inputs.dtsen.num_rows:,} in KPAI children); "
        f"KPAI children {report.indicators['kpai_children'].value:,}; "
        f"region rows {len(report.regions):,}; worklist rows {worklist_rows:,}"
    )
    print(
        f"read store {read:.1f} s | compute {compute:.1f} s | xlsx {xlsx:.1f} s | html {html:.1f} s"
    )
    print(f"full report: {seconds:.1f} s (target <= 60 s at 1M DTSEN + 100k KPAI)")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    start = time.perf_counter()
    build_report(store, region=report.regions[0].code if report.regions else None)
    print(f"one province (build_report --region): {time.perf_counter() - start:.1f} s")
    _as_of(store, snapshot.run_finished_at)


def _as_of(store: Any, run_finished_at: dt.datetime) -> None:
    """The same figures as of a date (issue 18): records valid then, the run in force then."""
    from padan.analysis import compute_report
    from padan.analysis.asof import end_of_day, load_inputs_as_of

    moment = end_of_day(run_finished_at.date())
    start = time.perf_counter()
    inputs, snapshot = load_inputs_as_of(store, moment)
    read = time.perf_counter() - start
    start = time.perf_counter()
    report = compute_report(inputs, snapshot)
    compute = time.perf_counter() - start
    print(
        f"as of {moment.date().isoformat()} (padan report --as-of): read store {read:.1f} s | "
        f"compute {compute:.1f} s | total {read + compute:.1f} s "
        f"(KPAI children {report.indicators['kpai_children'].value:,})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--kpai-copies", type=int, default=4)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--db", help="an existing linked store to report on")
    parser.add_argument("--keep", type=Path, help="directory to keep the data and report in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="padan-report-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        db = args.db or _prepare(work, args.households, args.kpai_copies, args.seed)
        _report(db, work)


if __name__ == "__main__":
    sys.exit(main())
