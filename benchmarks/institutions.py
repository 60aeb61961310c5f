"""Benchmark: institution deduplication and the risk worklist on synthetic registries.

For each size: institutions (Kemensos-style rows plus about a quarter repeated by KPAI with
variant names, addresses and coarse region codes), seconds to score the pairs, pairwise
precision and recall of the merged pairs (link threshold 0.9), and the share of true pairs
merged or waiting for review (from 0.2), then seconds for the whole store path (take-over,
dedup, worklist) on SQLite.

    .venv/bin/python benchmarks/institutions.py --institutions 500 2000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import random
import tempfile
import time
from pathlib import Path

from padan.cli.common import share_text
from padan.domain.regions import check_region
from padan.ingest import ingest_file
from padan.institutions import dedup_institutions, sync_from_extract, worklist
from padan.linkage.institutions import InstitutionRow, score_institution_pairs
from padan.store import open_store
from padan.synth.institutions import LEMBAGA_COLUMNS, cross_agency_duplicates, institutions
from padan.synth.places import Geography


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for uid, group in groups.items():
        members.setdefault(group, []).append(uid)
    return {p for ids in members.values() for p in itertools.combinations(sorted(ids), 2)}


def _share(part: int, whole: int) -> str:
    """``part / whole`` to 3 places; ``n/a`` for 0/0 (nothing merged, or no duplicates)."""
    return share_text(part / whole if whole else None, 3)


def run(count: int, seed: int) -> None:
    rng = random.Random(seed)
    originals = list(institutions(rng, Geography(None), count * 500))
    repeated = list(cross_agency_duplicates(rng, originals))
    rows = originals + [row for row, _ in repeated]
    truth = {r[0]: r[0] for r in originals} | {r[0]: o for r, o in repeated}
    records = [
        InstitutionRow(r[0], r[1], r[2], check_region(r[3]).code or r[3], r[4] or None)
        for r in rows
    ]
    start = time.perf_counter()
    scored = score_institution_pairs(records, threshold=0.2)
    seconds = time.perf_counter() - start
    true_pairs = _pairs(truth)
    merged = {(a, b) for a, b, p in scored if p >= 0.9}
    review = {(a, b) for a, b, _ in scored}
    correct = len(merged & true_pairs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lembaga.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(LEMBAGA_COLUMNS)
            writer.writerows(rows)
        store = open_store(f"sqlite:///{tmp}/b.db")
        ingest_file(path, source="lembaga", store=store)
        start = time.perf_counter()
        sync_from_extract(store)
        dedup_institutions(store)
        ranked = worklist(store, today=dt.date(2026, 11, 28))
        store_seconds = time.perf_counter() - start
    print(
        f"{len(records):>6} records  {len(true_pairs):>5} true pairs  score {seconds:5.1f} s  "
        f"precision {_share(correct, len(merged))}  recall {_share(correct, len(true_pairs))}  "
        f"merged or in review {_share(len(review & true_pairs), len(true_pairs))}  "
        f"take-over+dedup+worklist {store_seconds:5.1f} s ({len(ranked)} institutions)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--institutions", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for count in args.institutions:
        run(count, args.seed)


if __name__ == "__main__":
    main()
