"""Benchmark: linkage on PPRL encodings beside Padan's plaintext linkage, on the same data.

Generates a synthetic population (``padan.synth.generate``), encodes the KPAI and the DTSEN
extract with the default schema and a random secret (``padan.pprl.encode_file``, as each agency
would), puts forward the pairs that share a keyed block key, scores them by the weighted Dice
similarity of the field filters (and, beside it, of the record-level filter) and keeps each
complaint's best DTSEN record(s) above a threshold. Measured against truth.csv as Padan measures
KPAI-in-DTSEN linkage (``padan evaluate``): precision = KPAI records linked to DTSEN that were
linked to their own child; recall = KPAI records of a child in DTSEN that were found there.

The plaintext figures come from Padan itself on the same files, in a child process: ingest both
extracts into a fresh SQLite store, a full linkage run with training, ``evaluate_run``. Then
Padan's own run on the encodings, in another: ``ingest_encodings`` of both files into a fresh
store, ``run_linkage`` (the model on Dice levels, issue 21 item 2), ``evaluate_run``.

    .venv/bin/python benchmarks/pprl.py                          # 2,000 households, ~10 s
    .venv/bin/python benchmarks/pprl.py --households 25000 --rows-per-complaint 10
                                                                 # ~100k DTSEN + 10k KPAI

Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from padan.pprl import (
    DEFAULT_THRESHOLD,
    EncodedFile,
    Match,
    encode_file,
    load_schema,
    read_encodings,
    score_candidates,
    select_matches,
)
from padan.synth import generate

_PLAINTEXT = """
import json, resource, sys, time
from pathlib import Path
from padan.ingest import ingest_file
from padan.linkage import evaluate_run, read_truth
from padan.registry import run_linkage
from padan.store import open_store
data = Path(sys.argv[1])
(data / "plain.db").unlink(missing_ok=True)  # a fresh store, also when the data is reused
store = open_store(f"sqlite:///{data / 'plain.db'}")
start = time.perf_counter()
for source, name in (("dtsen", "dtsen_individu.csv"), ("kpai", "kpai_kasus.csv")):
    ingest_file(data / name, source=source, store=store)
ingested = time.perf_counter()
run = run_linkage(store, model_path=data / "model.json", retrain=True)
linked = time.perf_counter()
m = evaluate_run(store, run.run_id, read_truth(data / "truth.csv"))
print(json.dumps({"ingest_s": ingested - start, "link_s": linked - ingested,
                  "precision": m.precision, "recall": m.recall, "f1": m.f1,
                  "kpai_precision": m.kpai_precision, "kpai_recall": m.kpai_recall,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


_ENCODED = """
import json, resource, sys, time
from pathlib import Path
from padan.linkage import evaluate_run, read_truth
from padan.pprl import ingest_encodings
from padan.registry import run_linkage
from padan.store import open_store
data = Path(sys.argv[1])
(data / "encoded.db").unlink(missing_ok=True)
(data / "encoded-model.json").unlink(missing_ok=True)
store = open_store(f"sqlite:///{data / 'encoded.db'}")
start = time.perf_counter()
for source in ("dtsen", "kpai"):
    ingest_encodings(data / f"{source}.parquet", source=source, store=store)
ingested = time.perf_counter()
said = []
run = run_linkage(store, model_path=data / "encoded-model.json", progress=said.append)
linked = time.perf_counter()
m = evaluate_run(store, run.run_id, read_truth(data / "truth.csv"))
print(json.dumps({"ingest_s": ingested - start, "link_s": linked - ingested,
                  "kind": run.model_kind, "seconds": run.seconds, "said": said,
                  "precision": m.precision, "recall": m.recall, "f1": m.f1,
                  "kpai_precision": m.kpai_precision, "kpai_recall": m.kpai_recall,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(script: str, folder: Path) -> dict[str, Any]:
    """Run ``script`` on ``folder`` in a child process; its last line of output, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _f1(p: float | None, r: float | None) -> float | None:
    return 2 * p * r / (p + r) if p is not None and r is not None and p + r else None


def _truth(path: Path) -> dict[tuple[str, str], str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(r["source"], r["source_id"]): r["person_id"] for r in csv.DictReader(handle)}


def _kpai_metrics(
    matches: list[Match], kpai: EncodedFile, dtsen: EncodedFile, truth: dict[tuple[str, str], str]
) -> tuple[float, float, float | None]:
    in_dtsen = {truth[("dtsen", d)] for d in dtsen.ids}
    children = [k for k in kpai.ids if truth[("kpai", k)] in in_dtsen]
    linked: dict[str, set[str]] = {}
    for m in matches:
        linked.setdefault(m.left, set()).add(truth[("dtsen", m.right)])
    right = sum(truth[("kpai", k)] in persons for k, persons in linked.items())
    precision = right / len(linked) if linked else 0.0
    found = sum(truth[("kpai", k)] in linked.get(k, ()) for k in children)
    recall = found / len(children) if children else 0.0
    return precision, recall, _f1(precision, recall)


def _blocking_recall(
    kpai: EncodedFile, dtsen: EncodedFile, truth: dict[tuple[str, str], str]
) -> float:
    """Share of KPAI records of a child in DTSEN that share a block key with that child."""
    keys_of: dict[str, set[str]] = {}
    for d, keys in zip(dtsen.ids, dtsen.blocks, strict=True):
        keys_of.setdefault(truth[("dtsen", d)], set()).update(keys)
    children = [
        (k, keys)
        for k, keys in zip(kpai.ids, kpai.blocks, strict=True)
        if truth[("kpai", k)] in keys_of
    ]
    covered = sum(bool(keys_of[truth[("kpai", k)]] & set(keys)) for k, keys in children)
    return covered / len(children) if children else 0.0


def _pair_count(kpai: EncodedFile, dtsen: EncodedFile) -> int:
    """Candidate pairs, counted one KPAI record at a time (as the comparison makes them)."""
    index: dict[str, list[int]] = {}
    for j, keys in enumerate(dtsen.blocks):
        for key in keys:
            index.setdefault(key, []).append(j)
    total = 0
    for keys in kpai.blocks:
        found: set[int] = set()
        for key in keys:
            hits = index.get(key, [])
            if len(hits) <= 5000:  # as padan.pprl.compare skips the largest blocks
                found.update(hits)
        total += len(found)
    return total


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--rows-per-complaint", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", default="standard")
    parser.add_argument("--dense", action="store_true")
    parser.add_argument("--thresholds", default="0.65,0.7,0.75,0.8,0.85")
    parser.add_argument(
        "--no-plaintext",
        action="store_true",
        help="skip Padan's plaintext run (the encoded run still runs)",
    )
    parser.add_argument(
        "--no-encoded-run",
        action="store_true",
        help="skip Padan's own run on the encodings (ingest --encoded, link)",
    )
    parser.add_argument(
        "--no-threshold-linker",
        action="store_true",
        help="skip the threshold linker on the encodings (its compare is long at 1M)",
    )
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    parser.add_argument("--schema", type=Path, help="encoding schema (default: Padan's)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: use the data (and encodings) already there",
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="padan-pprl-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if not (args.reuse and (folder / "truth.csv").exists()):
        generate(
            folder,
            households=args.households,
            seed=args.seed,
            rows_per_complaint=args.rows_per_complaint,
            profile=args.profile,
            dense=args.dense,
        )
    print(f"synthetic data: {time.perf_counter() - start:.1f} s in {folder}")
    secret = os.urandom(32)  # the agencies' shared secret: never written anywhere
    schema = load_schema(args.schema)
    seconds: dict[str, float] = {}
    for source, name in (("dtsen", "dtsen_individu.csv"), ("kpai", "kpai_kasus.csv")):
        if args.reuse and (folder / f"{source}.parquet").exists():
            print(f"encode {source}: reusing {folder / f'{source}.parquet'}")
            continue
        start = time.perf_counter()
        summary = encode_file(
            folder / name,
            source=source,
            schema=schema,
            secret=secret,
            output=folder / f"{source}.parquet",
        )
        seconds[source] = time.perf_counter() - start
        print(
            f"encode {source}: {summary.encoded:,} records ({summary.quarantined:,} not encoded) "
            f"in {seconds[source]:.1f} s, {summary.encoded / seconds[source]:,.0f} records/s"
        )
    rows = []
    thresholds = [float(t) for t in args.thresholds.split(",")]
    if not args.no_threshold_linker:
        kpai = read_encodings(folder / "kpai.parquet")
        dtsen = read_encodings(folder / "dtsen.parquet")
        truth = _truth(folder / "truth.csv")
    for method in () if args.no_threshold_linker else ("fields", "record"):
        start = time.perf_counter()
        floor = min(thresholds)
        scored = score_candidates(kpai, dtsen, method=method, floor=floor)
        compare_s = time.perf_counter() - start
        pairs = _pair_count(kpai, dtsen)
        print(
            f"compare ({method}): {pairs:,} candidate pairs ({pairs / len(kpai.ids):,.0f} per "
            f"KPAI record) in {compare_s:.1f} s, {len(scored):,} scoring {floor} or more; "
            f"blocking recall {_blocking_recall(kpai, dtsen, truth):.4f}"
        )
        for threshold in thresholds:
            matches = select_matches(kpai, dtsen, scored, threshold=threshold)
            rows.append((method, threshold, *_kpai_metrics(matches, kpai, dtsen, truth)))
    print(f"\n{'method':8} {'threshold':>9} {'precision':>9} {'recall':>9} {'F1':>9}")
    for method, threshold, p, r, f in rows:
        mark = "  <- default" if method == "fields" and threshold == DEFAULT_THRESHOLD else ""
        print(f"{method:8} {threshold:9.2f} {_fmt(p):>9} {_fmt(r):>9} {_fmt(f):>9}{mark}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the PPRL process: {peak:,.0f} MiB")
    plain: dict[str, Any] | None = None
    kpai_f1 = None
    if not args.no_plaintext:
        start = time.perf_counter()
        plain = _child(_PLAINTEXT, folder)
        kpai_f1 = _f1(plain["kpai_precision"], plain["kpai_recall"])
        print(
            f"\nplaintext Padan (ingest {plain['ingest_s']:.1f} s, link {plain['link_s']:.1f} s): "
            f"KPAI-in-DTSEN precision {_fmt(plain['kpai_precision'])} recall "
            f"{_fmt(plain['kpai_recall'])} F1 {_fmt(kpai_f1)}; all pairs precision "
            f"{_fmt(plain['precision'])} recall {_fmt(plain['recall'])} F1 {_fmt(plain['f1'])}; "
            f"peak {plain['peak_mib']:,.0f} MiB"
        )
        default = next(
            (f for m, t, _, _, f in rows if m == "fields" and t == DEFAULT_THRESHOLD), None
        )
        if default is not None and kpai_f1:
            print(f"PPRL F1 at the default threshold / plaintext F1: {default / kpai_f1:.3f}")
        print(f"plaintext child process: {time.perf_counter() - start:.1f} s")
    if args.no_encoded_run:
        return
    start = time.perf_counter()
    enc = _child(_ENCODED, folder)
    enc_f1 = _f1(enc["kpai_precision"], enc["kpai_recall"])
    print(
        f"\nPadan on the encodings ({enc['kind']} model; ingest {enc['ingest_s']:.1f} s, link "
        f"{enc['link_s']:.1f} s): KPAI-in-DTSEN precision {_fmt(enc['kpai_precision'])} "
        f"recall {_fmt(enc['kpai_recall'])} F1 {_fmt(enc_f1)}; all pairs precision "
        f"{_fmt(enc['precision'])} recall {_fmt(enc['recall'])} F1 {_fmt(enc['f1'])}; "
        f"peak {enc['peak_mib']:,.0f} MiB"
    )
    print(f"  link steps: {', '.join(f'{k} {v:.1f}' for k, v in enc['seconds'].items())} s")
    print(f"  {'; '.join(m for m in enc['said'] if 'pairs' in m or 'records' in m)}")
    if enc_f1 and kpai_f1:
        print(f"in-Padan PPRL KPAI-in-DTSEN F1 / plaintext F1: {enc_f1 / kpai_f1:.3f}")
    if plain is not None and enc["f1"] and plain["f1"]:
        print(f"in-Padan PPRL all-pairs F1 / plaintext F1: {enc['f1'] / plain['f1']:.3f}")
    print(f"encoded child process: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
