"""Benchmark: an incremental batch of new KPAI complaints against an existing index.

Generates synthetic data, holds back the last complaints as two new batches, links the rest
(training included), then ingests and links each batch: the first by a library call in a
fresh process (``run_linkage``: linking only), the second with ``padan link`` from the shell
(the wall time a user sees, Python's start included). Prints the seconds of each step, the
peak memory, and the quality over all records at the end.

    .venv/bin/python benchmarks/incremental.py --households 25000
    .venv/bin/python benchmarks/incremental.py --households 250000 --rows-per-complaint 10
                                                           # ~1M DTSEN + 100k KPAI, 1,000 new
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_LINK = """
import json, resource, sys, time
from pathlib import Path
from padan.registry import run_linkage
from padan.store import open_store
store = open_store(sys.argv[1])
start = time.perf_counter()
run = run_linkage(store, model_path=Path(sys.argv[2]), retrain=sys.argv[3] == "retrain")
print(json.dumps({"seconds": time.perf_counter() - start, "parts": run.seconds,
                  "incremental": run.incremental, "scored": run.scored_records,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_EVALUATE = """
import json, sys
from pathlib import Path
from padan.linkage import evaluate_run, read_truth
from padan.store import open_store
store = open_store(sys.argv[1])
run = store.latest_link_run()
m = evaluate_run(store, run.id, read_truth(Path(sys.argv[2])))
print(json.dumps({"precision": m.precision, "recall": m.recall, "f1": m.f1}))
"""


def _s(value: object) -> str:
    """A share to 4 places, ``n/a`` when the child printed ``null`` (nothing to measure)."""
    from padan.cli.common import share_text

    return share_text(value if isinstance(value, float | int) else None)


def _child(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _split(kpai: Path, out: Path, new: int) -> tuple[Path, Path, Path]:
    """The complaints file without its last ``2 * new`` rows, and those rows as two batches."""
    with kpai.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    parts = {"base": rows[: -2 * new], "batch1": rows[-2 * new : -new], "batch2": rows[-new:]}
    paths = []
    for name, part in parts.items():
        path = out / f"kpai_{name}.csv"
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(part)
        paths.append(path)
    return paths[0], paths[1], paths[2]


def _parts(seconds: object) -> str:
    """A run's seconds per step, as printed."""
    assert isinstance(seconds, dict)
    return ", ".join(f"{k} {v:.2f}" for k, v in seconds.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rows-per-complaint", type=int, default=40)
    parser.add_argument("--new", type=int, default=1_000, help="complaint rows in each batch")
    args = parser.parse_args()

    from padan.ingest import ingest_file
    from padan.store import open_store
    from padan.synth import generate

    with tempfile.TemporaryDirectory(prefix="padan-incbench-") as tmp:
        work = Path(tmp)
        data = generate(
            work / "data",
            households=args.households,
            seed=args.seed,
            rows_per_complaint=args.rows_per_complaint,
        )
        base, batch1, batch2 = _split(data.files["kpai"], work, args.new)
        url, model = f"sqlite:///{work / 'bench.db'}", work / "model.json"
        store = open_store(url)
        ingest_file(data.files["dtsen"], source="dtsen", store=store)
        ingest_file(base, source="kpai", store=store)
        full = _child(_LINK, url, str(model), "retrain")
        print(
            f"full run, {store.count_records('dtsen_individu'):,} DTSEN + "
            f"{store.count_records('kpai_kasus'):,} KPAI records: {full['seconds']:.1f} s, "
            f"peak {full['peak_mib']:.0f} MiB ({_parts(full['parts'])})",
            flush=True,
        )
        ingest_file(batch1, source="kpai", store=store)
        first = _child(_LINK, url, str(model), "reuse")
        assert first["incremental"], "the run after a new batch should be incremental"
        print(
            f"incremental, {args.new:,} new KPAI rows, library call: {first['seconds']:.2f} s, "
            f"peak {first['peak_mib']:.0f} MiB, {first['scored']} records scored "
            f"({_parts(first['parts'])})",
            flush=True,
        )
        ingest_file(batch2, source="kpai", store=store)
        env = {**os.environ, "PADAN_DATABASE_URL": url, "PADAN_MODEL_PATH": str(model)}
        start = time.perf_counter()
        shell = subprocess.run(
            [str(Path(sys.executable).with_name("padan")), "link", "--json"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        wall = time.perf_counter() - start
        second = json.loads(shell.stdout)
        print(
            f"incremental, {args.new:,} new KPAI rows, padan link from the shell: {wall:.2f} s "
            f"wall ({_parts(second['seconds'])})"
        )
        quality = _child(_EVALUATE, url, str(data.files["truth"]))
        print(
            f"quality after both batches: precision {_s(quality['precision'])}, "
            f"recall {_s(quality['recall'])}, F1 {_s(quality['f1'])}"
        )


if __name__ == "__main__":
    main()
