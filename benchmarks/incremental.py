"""Benchmark: an incremental batch of new KPAI complaints against an existing index.

Generates synthetic data, holds back the last complaints as two new batches, links the rest
(training included), then ingests and links each batch: the first by a library call in a
fresh process (``run_linkage``: linking only), the second with ``padan link`` from the shell
(the wall time a user sees, Python's start included). Prints the seconds of each step, the
peak memory, and the quality over all records at the end.

    .venv/bin/python benchmarks/incremental.py --households 25000
    .venv/bin/python benchmarks/incremental.py --households 250000 --rows-per-complaint 10
                                                           # ~1M DTSEN + 100k KPAI, 1,000 new

With ``--snapshot`` it measures the next quarter instead: a complete DTSEN extract with 5 % of records changed, 2 % removed and 2 % added, ingested as a
snapshot and linked incrementally, against a full run on the same data.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

_LINK = """
import json, resource, sys, time
from pathlib import Path
from padan.registry import run_linkage
from padan.store import open_store
store = open_store(sys.argv[1])
start = time.perf_counter()
run = run_linkage(store, model_path=Path(sys.argv[2]), retrain=sys.argv[3] == "retrain",
                  full=sys.argv[3] == "full")
print(json.dumps({"seconds": time.perf_counter() - start, "parts": run.seconds,
                  "incremental": run.incremental, "scored": run.scored_records,
                  "retired": run.retired_records, "run_id": run.run_id, "trained": run.trained,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_EVALUATE = """
import json, sys
from pathlib import Path
from padan.linkage import evaluate_run, read_truth
from padan.store import open_store
store = open_store(sys.argv[1])
run_id = int(sys.argv[3]) if len(sys.argv) > 3 else store.latest_link_run().id
m = evaluate_run(store, run_id, read_truth(Path(sys.argv[2])))
print(json.dumps({"precision": m.precision, "recall": m.recall, "f1": m.f1}))
"""


_INGEST_SNAPSHOT = """
import json, resource, sys, time
from pathlib import Path
from padan.ingest import Snapshot, ingest_file
from padan.store import open_store
store = open_store(sys.argv[1])
start = time.perf_counter()
s = ingest_file(Path(sys.argv[2]), source="dtsen", store=store, snapshot=Snapshot())
print(json.dumps({"seconds": time.perf_counter() - start, "accepted": s.accepted,
                  "added": s.added, "changed": s.changed, "retired": s.retired,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

#: The next quarter against this one: shares of records changed, of households removed and of
#: households added (issue 18).
_CHANGED, _REMOVED, _ADDED = 0.05, 0.02, 0.02
_AID = ("penerima_pkh", "penerima_sembako", "penerima_pbi_jk")


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
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="instead: the next quarter's complete DTSEN extract (5 %% of records changed, "
        "2 %% removed, 2 %% added) ingested with --snapshot and linked incrementally",
    )
    parser.add_argument(
        "--keep", type=Path, help="with --snapshot: work in this new directory and keep it"
    )
    args = parser.parse_args()
    if args.snapshot:
        _snapshot_benchmark(
            households=args.households,
            seed=args.seed,
            rows_per_complaint=args.rows_per_complaint,
            keep=args.keep,
        )
        return

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


def _write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _next_quarter(
    rows: list[dict[str, str]], held: set[str], chance: random.Random
) -> tuple[list[dict[str, str]], set[str], dict[str, int], set[str]]:
    """The next quarter's complete extract: whole households removed, records changed (decile,
    an aid, the address; half the address changes also move the person to another village of
    the same district), the ``held`` households added. Returns its rows, the households
    removed, how many records changed in which way and the records that moved village."""
    present = sorted({r["id_keluarga"] for r in rows} - held)
    removed = set(chance.sample(present, round(_REMOVED * len(present))))
    villages: dict[str, set[str]] = {}
    for r in rows:
        villages.setdefault(r["kode_wilayah"][:6], set()).add(r["kode_wilayah"])
    nearby = {district: sorted(codes) for district, codes in villages.items()}
    kept = [r for r in rows if r["id_keluarga"] not in removed]
    stay = [i for i, r in enumerate(kept) if r["id_keluarga"] not in held]
    counts = {"desil": 0, "aid": 0, "address": 0, "village": 0}
    moved: set[str] = set()
    for i in chance.sample(stay, round(_CHANGED * len(stay))):
        r = kept[i] = dict(kept[i])
        which = chance.choice(("desil", "aid", "address"))
        counts[which] += 1
        if which == "desil":
            r["desil"] = str(chance.choice([d for d in range(1, 11) if str(d) != r["desil"]]))
        elif which == "aid":
            aid = chance.choice(_AID)
            r[aid] = "0" if r[aid] == "1" else "1"
        else:
            r["alamat"] = f"{r['alamat']} (pindah, RT {chance.randrange(1, 20):03d})"
            others = [c for c in nearby[r["kode_wilayah"][:6]] if c != r["kode_wilayah"]]
            if others and chance.random() < 0.5:
                r["kode_wilayah"] = chance.choice(others)
                counts["village"] += 1
                moved.add(f"dtsen:{r['id_individu']}")
    return kept, removed, counts, moved


def _id_changes(
    before: dict[str, str], after: dict[str, str], truth: dict[str, str], left: set[str]
) -> tuple[list[list[str]], int]:
    """Of the previous children still holding a record whose true people neither lost nor
    gained a record (``left``: the true people who did), the records of those with another
    id now on some record, and how many there are in all."""
    members: dict[str, list[str]] = {}
    for uid, child in before.items():
        members.setdefault(child, []).append(uid)
    considered, changed = 0, []
    for child, uids in members.items():
        if any(truth.get(u) in left for u in uids) or not any(u in after for u in uids):
            continue
        considered += 1
        if any(after.get(u, child) != child for u in uids):
            changed.append(uids)
    return changed, considered


def _kinds(before: dict[str, str], after: dict[str, str], changed: list[list[str]]) -> Counter[str]:
    """How each of the ``changed`` children (their records before) changed: ``split`` (its
    records now in more than one child), ``merge`` (its child now holds another child's
    records) or ``same group`` (the same records under another id: the id assignment's own
    doing)."""
    members: dict[str, set[str]] = {}
    for uid, child in after.items():
        members.setdefault(child, set()).add(uid)
    kinds: Counter[str] = Counter()
    for uids in changed:
        now = {after[u] for u in uids if u in after}
        if len(now) > 1:
            kinds["split"] += 1
        elif any(before.get(u) != before[uids[0]] for child in now for u in members[child]):
            kinds["merge"] += 1
        else:
            kinds["same group"] += 1
    return kinds


def _only(links: dict[str, str], uids: list[str]) -> dict[str, str]:
    """``links`` of the records ``uids`` (those that still have one)."""
    return {u: links[u] for u in uids if u in links}


def _differing(first: dict[str, str], second: dict[str, str]) -> int:
    """Records whose child holds other records in ``first`` than in ``second``."""

    def groups(links: dict[str, str]) -> dict[str, frozenset[str]]:
        members: dict[str, set[str]] = {}
        for uid, child in links.items():
            members.setdefault(child, set()).add(uid)
        frozen = {child: frozenset(uids) for child, uids in members.items()}
        return {uid: frozen[child] for uid, child in links.items()}

    a, b = groups(first), groups(second)
    return sum(1 for uid in a.keys() | b.keys() if a.get(uid) != b.get(uid))


def _snapshot_benchmark(
    *, households: int, seed: int, rows_per_complaint: int, keep: Path | None
) -> None:
    """The next quarter's DTSEN extract as a snapshot, linked incrementally (see the module)."""
    from padan.ingest import ingest_file
    from padan.linkage import read_truth
    from padan.store import open_store
    from padan.synth import generate

    with tempfile.TemporaryDirectory(prefix="padan-snapbench-") as tmp:
        work = Path(tmp)
        if keep is not None:
            keep.mkdir(parents=True)
            work = keep
        # Households to add next quarter are generated now and held back from the first.
        data = generate(
            work / "data",
            households=households + round(_ADDED * households),
            seed=seed,
            rows_per_complaint=rows_per_complaint,
        )
        truth = read_truth(data.files["truth"])
        with data.files["dtsen"].open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        chance = random.Random(seed)
        every = sorted({r["id_keluarga"] for r in rows})
        held = set(chance.sample(every, len(every) - households))
        first = _write_rows(
            work / "dtsen_q1.csv", [r for r in rows if r["id_keluarga"] not in held]
        )
        nxt, removed, counts, moved = _next_quarter(rows, held, chance)
        second = _write_rows(work / "dtsen_q2.csv", nxt)
        del rows, nxt
        url, model = f"sqlite:///{work / 'bench.db'}", work / "model.json"
        store = open_store(url)
        ingest_file(first, source="dtsen", store=store)
        ingest_file(data.files["kpai"], source="kpai", store=store)
        full = _child(_LINK, url, str(model), "retrain")
        print(
            f"full run, {store.count_records('dtsen_individu'):,} DTSEN + "
            f"{store.count_records('kpai_kasus'):,} KPAI records: {full['seconds']:.1f} s, "
            f"peak {full['peak_mib']:.0f} MiB ({_parts(full['parts'])})",
            flush=True,
        )
        changes = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        ingest = _child(_INGEST_SNAPSHOT, url, str(second))
        print(
            f"snapshot ingest, {ingest['accepted']:,} rows ({len(removed):,} households removed, "
            f"{len(held):,} added; records changed: {changes}): {ingest['seconds']:.1f} s, "
            f"peak {ingest['peak_mib']:.0f} MiB (workers {ingest['workers_mib']:.0f} MiB); "
            f"added {ingest['added']:,}, changed {ingest['changed']:,}, "
            f"retired {ingest['retired']:,}",
            flush=True,
        )
        before = store.child_of(int(str(full["run_id"])))
        inc = _child(_LINK, url, str(model), "reuse")
        assert inc["incremental"], "the run after a snapshot should be incremental"
        print(
            f"incremental after the snapshot: {inc['seconds']:.2f} s, peak "
            f"{inc['peak_mib']:.0f} MiB, {inc['scored']:,} records scored, {inc['retired']:,} "
            f"left the index ({_parts(inc['parts'])})",
            flush=True,
        )
        after = store.child_of(int(str(inc["run_id"])))
        gone = {u for u, c in before.items() if u not in after}
        came = {u for u in after if u not in before}
        left = {truth[u] for u in gone | came if u in truth}
        changed, considered = _id_changes(before, after, truth, left)
        again = _child(_LINK, url, str(model), "full")
        print(
            f"full run on the same data: {again['seconds']:.1f} s, peak "
            f"{again['peak_mib']:.0f} MiB, trained {again['trained']} ({_parts(again['parts'])})",
            flush=True,
        )
        latest = store.child_of(int(str(again["run_id"])))
        # A child whose record moved village may rightly part from a complaint that names
        # the old one: the full run is the judge of whether the incremental one did right.
        movers = sum(1 for uids in changed if moved & set(uids))
        as_full = sum(
            1 for uids in changed if _differing(_only(after, uids), _only(latest, uids)) == 0
        )
        print(
            f"children whose id changed without a truth change: {len(changed):,} of "
            f"{considered:,} ({len(changed) / max(considered, 1):.4%}); of them with a record "
            f"that moved village {movers:,}, grouped as the full run groups them {as_full:,}"
        )
        kinds = _kinds(before, after, changed)
        print(
            f"of them split {kinds['split']:,}, merged {kinds['merge']:,}, the same records under "
            f"another id {kinds['same group']:,}"
        )
        print(f"records in another child than the full run gives: {_differing(after, latest):,}")
        for name, run in (("incremental", inc), ("full", again)):
            quality = _child(_EVALUATE, url, str(data.files["truth"]), str(run["run_id"]))
            print(
                f"quality after the {name} run: precision {_s(quality['precision'])}, "
                f"recall {_s(quality['recall'])}, F1 {_s(quality['f1'])}"
            )


if __name__ == "__main__":
    main()
