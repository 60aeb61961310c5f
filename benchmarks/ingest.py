"""Benchmark: ingest a synthetic DTSEN extract into SQLite and into PostgreSQL.

Prints, per backend: rows, wall time, rows/s and the peak memory (max RSS) of the ingesting
process. Targets (issue 2): 1M rows into SQLite <= 60 s, into PostgreSQL <= 120 s, <= 1 GiB.

    .venv/bin/python benchmarks/ingest.py --households 250000     # about 1M DTSEN rows
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from padan.ingest import ingest_file
from padan.store import open_store
store = open_store(sys.argv[1])
start = time.perf_counter()
summary = ingest_file(Path(sys.argv[2]), source="dtsen", store=store, workers=int(sys.argv[3]))
seconds = time.perf_counter() - start
# Peak of this process plus each worker process at its own peak (an upper bound of the sum).
main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
workers = int(sys.argv[3])
print(json.dumps({"read": summary.read, "accepted": summary.accepted,
                  "quarantined": summary.quarantined, "seconds": seconds,
                  "peak_mib": main + workers * worker}))
"""


def _ingest(url: str, path: Path, workers: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, url, str(path), str(workers)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="reuse this synth output directory")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from padan.synth import generate
    from support.postgres import create_database, throwaway_postgres

    with tempfile.TemporaryDirectory(prefix="padan-bench-") as tmp:
        work = Path(tmp)
        data_dir = args.data or work / "data"
        dtsen = data_dir / "dtsen_individu.csv"
        if not dtsen.exists():
            start = time.perf_counter()
            generate(data_dir, households=args.households, seed=args.seed)
            print(f"synth: {args.households:,} households in {time.perf_counter() - start:.1f} s")
        size_mib = dtsen.stat().st_size / 2**20
        print(f"input: {dtsen} ({size_mib:.0f} MiB), {args.workers} worker processes")
        results = {"sqlite": _ingest(f"sqlite:///{work / 'bench.db'}", dtsen, args.workers)}
        if not args.skip_postgres:
            with throwaway_postgres() as base:
                url = create_database(base, "bench")
                results["postgresql"] = _ingest(url, dtsen, args.workers)
        heading = ("backend", "rows", "accepted", "seconds", "rows/s", "peak MiB")
        print("{:<11} {:>10} {:>10} {:>8} {:>9} {:>9}".format(*heading))
        for name, r in results.items():
            print(
                f"{name:<11} {int(r['read']):>10,} {int(r['accepted']):>10,} {r['seconds']:>8.1f} "
                f"{r['read'] / r['seconds']:>9,.0f} {r['peak_mib']:>9.0f}"
            )


if __name__ == "__main__":
    main()
