"""Benchmark: Padan's linkage on each synthetic error profile, worst profile first.

For each profile (``padan synth --profile``; ``--dense`` for the dense population): generate,
ingest into a fresh SQLite store, link (a full run with training, ``run_linkage(retrain=True)``,
in its own process) and evaluate against the truth. Printed per profile: pairwise precision,
recall and F1; KPAI-in-DTSEN recall (KPAI records of children in DTSEN found there) and
precision (KPAI records linked to DTSEN linked to their own child); blocking recall (true pairs
any blocking rule puts forward) and "joined" (also counting true pairs whose records a chain of
put-forward true pairs joins, as two complaints about a child that each meet its DTSEN record)
and candidate pairs per record; pairs left for review (between
the thresholds or refused by the guard) and as % of records; link seconds and peak MiB of the
linking process. The table is ordered by F1, worst first, followed by the blocking rules of the
worst profile (``--all-rules``: of every profile) and a last line ``worst: <profile> F1 ...``.

    .venv/bin/python benchmarks/linkage.py --households 2000           # about a minute
    .venv/bin/python benchmarks/linkage.py --households 250000 --rows-per-complaint 10 --dense
                                                                       # ~1M DTSEN + 100k KPAI

``--compare`` also runs, on the same data of each profile, a generic Splink setup (as in
Splink's tutorial) and the recordlinkage toolkit (PyPI ``recordlinkage``; ``scripts/setup --dev
--bench``) as in its tutorial: blocking, string comparisons, the unsupervised ECM classifier,
connected components. The toolkit is slow on many pairs, so above ``--rl-max-records`` it runs
on a subsample of whole people (every record of a sampled person), evaluated on that subsample.
Without the package its row says so and the rest runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_PADAN = """
import json, resource, sys, time
from pathlib import Path
from padan.linkage import evaluate_run, read_truth
from padan.registry import run_linkage
from padan.store import open_store
store = open_store(sys.argv[1])
start = time.perf_counter()
run = run_linkage(store, model_path=Path(sys.argv[3]), retrain=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
m = evaluate_run(store, run.run_id, read_truth(Path(sys.argv[2])))
print(json.dumps({"seconds": seconds, "precision": m.precision, "recall": m.recall, "f1": m.f1,
                  "kpai_recall": m.kpai_recall, "kpai_precision": m.kpai_precision,
                  "records": run.records, "pairs": run.pairs, "review": run.review,
                  "peak_mib": peak, "parts": run.seconds}))
"""

# A generic setup as in Splink's tutorial: Jaro-Winkler names, dates, sex, NIK by edit
# distance, no Indonesian handling, plain connected components.
_GENERIC = """
import json, logging, resource, sys, time
from pathlib import Path
import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from padan.linkage import evaluate_clusters, read_truth
from padan.store import open_store
store = open_store(sys.argv[1])
start = time.perf_counter()
con = duckdb.connect()
kpai = store.records_arrow("kpai_kasus", ["no_pengaduan", "nama_anak", "tanggal_lahir", "jenis_kelamin", "nik_anak"])
dtsen = store.records_arrow("dtsen_individu", ["id_individu", "nama", "tanggal_lahir", "jenis_kelamin", "nik"])
con.register("k", kpai); con.register("d", dtsen)
con.execute("CREATE TABLE gk AS SELECT 'kpai:' || no_pengaduan AS unique_id, lower(nama_anak) AS name, "
            "strftime(tanggal_lahir, '%Y-%m-%d') AS dob, jenis_kelamin AS sex, nik_anak AS nik FROM k")
con.execute("CREATE TABLE gd AS SELECT 'dtsen:' || id_individu AS unique_id, lower(nama) AS name, "
            "strftime(tanggal_lahir, '%Y-%m-%d') AS dob, jenis_kelamin AS sex, nik FROM d")
db = DuckDBAPI(con)
settings = SettingsCreator(
    link_type="link_and_dedupe",
    comparisons=[cl.JaroWinklerAtThresholds("name", [0.9, 0.7]),
                 cl.DateOfBirthComparison("dob", input_is_string=True),
                 cl.ExactMatch("sex"), cl.LevenshteinAtThresholds("nik", [1, 2])],
    blocking_rules_to_generate_predictions=[block_on("name"), block_on("dob"), block_on("nik")],
)
linker = Linker([db.register("gk", dataset_display_name="kpai"), db.register("gd", dataset_display_name="dtsen")],
                settings, log_level=logging.ERROR)
linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall=0.7)
linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
pred = linker.inference.predict(threshold_match_probability=0.5)
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.9)
table = clusters.as_pyarrow_table()
predicted = dict(zip(table.column("unique_id").to_pylist(), map(str, table.column("cluster_id").to_pylist())))
seconds = time.perf_counter() - start
m = evaluate_clusters(predicted, read_truth(Path(sys.argv[2])))
print(json.dumps({"seconds": seconds, "precision": m.precision, "recall": m.recall, "f1": m.f1,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The recordlinkage toolkit as in its tutorial (FEBRL example): block, compare with string
# similarities at thresholds (binary features), classify with ECM (unsupervised).
_RECORDLINKAGE = """
import json, resource, sys, time, zlib
from pathlib import Path
import pandas as pd
import recordlinkage
from padan.linkage import evaluate_clusters, read_truth
from padan.store import open_store
store = open_store(sys.argv[1])
truth = read_truth(Path(sys.argv[2]))
max_records = int(sys.argv[3])
start = time.perf_counter()
kpai = store.records_arrow("kpai_kasus", ["no_pengaduan", "nama_anak", "tanggal_lahir", "jenis_kelamin", "nik_anak", "nama_ibu", "kode_wilayah"])
dtsen = store.records_arrow("dtsen_individu", ["id_individu", "nama", "tanggal_lahir", "jenis_kelamin", "nik", "nama_ibu_kandung", "kode_wilayah"])
def frame(table, source, cols):
    d = {new: table.column(old).to_pylist() for new, old in zip(["id", "name", "dob", "sex", "nik", "mother", "region"], cols)}
    d["id"] = [f"{source}:{x}" for x in d["id"]]
    return pd.DataFrame(d)
df = pd.concat([frame(kpai, "kpai", kpai.column_names), frame(dtsen, "dtsen", dtsen.column_names)])
df["name"] = df["name"].str.lower(); df["mother"] = df["mother"].str.lower()
df["dob"] = df["dob"].astype(str); df["kab"] = df["region"].str[:4]
total = len(df)
if total > max_records:  # whole people, so every true pair of a sampled person stays
    keep = max_records / total
    df = df[[zlib.crc32(truth.get(i, i).encode()) % 10_000 < keep * 10_000 for i in df["id"]]]
df = df.set_index("id")
indexer = recordlinkage.Index()
indexer.block("dob"); indexer.block("name"); indexer.block("nik")
candidates = indexer.index(df)
compare = recordlinkage.Compare()
compare.string("name", "name", method="jarowinkler", threshold=0.85, label="name")
compare.exact("dob", "dob", label="dob")
compare.exact("sex", "sex", label="sex")
compare.string("nik", "nik", method="levenshtein", threshold=0.85, label="nik")
compare.string("mother", "mother", method="jarowinkler", threshold=0.85, label="mother")
compare.exact("kab", "kab", label="kab")
features = compare.compute(candidates, df)
matches = recordlinkage.ECMClassifier(binarize=None).fit_predict(features)
parent = {uid: uid for uid in df.index}
def find(u):
    while parent[u] != u:
        parent[u] = parent[parent[u]]; u = parent[u]
    return u
for a, b in matches:
    parent[find(a)] = find(b)
predicted = {uid: find(uid) for uid in df.index}
seconds = time.perf_counter() - start
m = evaluate_clusters(predicted, truth)
print(json.dumps({"seconds": seconds, "precision": m.precision, "recall": m.recall, "f1": m.f1,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "records": len(df), "of": total, "candidates": len(candidates)}))
"""

# Blocking against the truth: per rule (padan.linkage.blocking.blocking_report) and the
# deduplicated candidate pairs the run scores (candidate_pairs).
_BLOCKING = """
import json, sys
import duckdb
from padan.linkage.blocking import blocking_report, candidate_pairs
from padan.linkage.features import load_features
from padan.linkage.blocking_rules import BLOCKING_RULES
from padan.store import open_store
con = duckdb.connect()
records = load_features(open_store(sys.argv[1]), con)
con.execute("CREATE TABLE truth AS SELECT source || ':' || source_id AS uid, person_id AS person "
            "FROM read_csv(?, all_varchar = true)", [sys.argv[2]])
rules = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in BLOCKING_RULES]
report = blocking_report(con, rules)
candidates = candidate_pairs(con, rules)
print(json.dumps({"records": records, "true_pairs": report.true_pairs, "found": report.found,
                  "recall": report.recall, "connected": report.connected,
                  "connected_recall": report.connected_recall, "candidates": candidates,
                  "rules": [{"rule": r.rule, "pairs": r.pairs, "true_pairs": r.true_pairs,
                             "only": r.only} for r in report.rules]}))
"""


def _s(value: float | None) -> str:
    """A share to 4 places, ``n/a`` when the child printed ``null`` (nothing to measure)."""
    from padan.cli.common import share_text

    return share_text(value)


def _rank(f1: float | None) -> float:
    return -1.0 if f1 is None else f1


def _child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _failure(exc: subprocess.CalledProcessError) -> str:
    why = (exc.stderr or "").strip().splitlines()[-1:] or [f"exit code {exc.returncode}"]
    return why[0][:120]


def _profile_names(values: list[str], known: dict[str, str]) -> list[str]:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown profile {unknown[0]!r}; profiles: {', '.join(known)}")
    return list(dict.fromkeys(names))


def _run_profile(
    profile: str, args: argparse.Namespace, work: Path
) -> tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, Any]]]:
    """Generate, ingest, link and evaluate one profile; the link, blocking and other setups."""
    from padan.ingest import ingest_file
    from padan.store import open_store
    from padan.synth import generate

    start = time.perf_counter()
    data = generate(
        work / "data",
        households=args.households,
        seed=args.seed,
        rows_per_complaint=args.rows_per_complaint,
        profile=profile,
        dense=args.dense,
    )
    url = f"sqlite:///{work / 'bench.db'}"
    store = open_store(url)
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    store.engine.dispose()
    print(
        f"{profile}: {data.dtsen_rows:,} DTSEN + {data.kpai_rows:,} KPAI rows "
        f"({time.perf_counter() - start:.0f} s to generate and ingest)",
        flush=True,
    )
    truth = str(data.files["truth"])
    link = _child(_PADAN, url, truth, str(work / "model.json"))
    blocking = _child(_BLOCKING, url, truth)
    others: dict[str, dict[str, Any]] = {}
    if args.compare:
        contestants = [("generic splink", _GENERIC, [url, truth])]
        if importlib.util.find_spec("recordlinkage") is not None:
            contestants.append(
                ("recordlinkage", _RECORDLINKAGE, [url, truth, str(args.rl_max_records)])
            )
        for name, code, child_args in contestants:
            # A contestant that fails (the generic setup can run out of memory at 1M records)
            # is reported and the others still run.
            try:
                others[name] = _child(code, *child_args)
            except subprocess.CalledProcessError as exc:
                others[name] = {"failed": _failure(exc)}
    return link, blocking, others


def _print_table(rows: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> None:
    head = (
        f"{'profile':<10} {'precision':>9} {'recall':>7} {'F1':>7} {'KPAI rec':>8} "
        f"{'KPAI prec':>9} {'block rec':>9} {'joined':>7} {'cand/rec':>8} {'review':>7} "
        f"{'review %':>8} "
        f"{'link s':>7} {'peak MiB':>8}"
    )
    print(head)
    for profile, r, b in rows:
        print(
            f"{profile:<10} {_s(r['precision']):>9} {_s(r['recall']):>7} {_s(r['f1']):>7} "
            f"{_s(r['kpai_recall']):>8} {_s(r['kpai_precision']):>9} {_s(b['recall']):>9} "
            f"{_s(b['connected_recall']):>7} "
            f"{b['candidates'] / b['records']:>8.2f} {r['review']:>7,} "
            f"{100 * r['review'] / r['records']:>7.2f}% {r['seconds']:>7.1f} "
            f"{r['peak_mib']:>8.0f}"
        )


def _print_rules(profile: str, blocking: dict[str, Any], *, width: int) -> None:
    print(
        f"\nblocking rules, {profile}: {blocking['candidates']:,} candidate pairs, "
        f"{blocking['found']:,} of {blocking['true_pairs']:,} true pairs "
        f"(recall {_s(blocking['recall'])}; with those joined through found pairs "
        f"{blocking['connected']:,}, {_s(blocking['connected_recall'])})"
    )
    print(
        "(pairs: as the rule is joined, l.rowid < r.rowid; true: true pairs it gives either way"
        " round, so a one-sided rule and its mirror show the same; only: true pairs no other"
        " rule gives)"
    )
    print(f"{'#':>2} {'pairs':>10} {'true':>8} {'only':>6}  rule")
    for number, rule in enumerate(blocking["rules"]):
        text = " ".join(rule["rule"].split())
        if width and len(text) > width:
            # Head and tail: rules that differ only in their birth-year window end differently.
            tail = max(width // 4, 24)
            text = text[: max(width - tail - 3, 1)] + " … " + text[-tail:]
        print(
            f"{number:>2} {rule['pairs']:>10,} {rule['true_pairs']:>8,} {rule['only']:>6,}  {text}"
        )


def _print_compare(profile: str, padan: dict[str, Any], others: dict[str, dict[str, Any]]) -> None:
    print(f"\n{profile}: Padan against generic setups")
    print(f"{'setup':<15} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8} {'peak MiB':>9}")
    if importlib.util.find_spec("recordlinkage") is None:
        others = {**others, "recordlinkage": {"failed": "not installed: scripts/setup --bench"}}
    for name, r in {"padan": padan, **others}.items():
        if "failed" in r:
            print(f"{name:<15} failed: {r['failed']}")
            continue
        print(
            f"{name:<15} {_s(r['precision']):>9} {_s(r['recall']):>7} {_s(r['f1']):>7} "
            f"{r['seconds']:>8.1f} {r['peak_mib']:>9.0f}"
        )
        if "records" in r and "of" in r and r["records"] < r["of"]:
            print(
                f"{'':<15} on a subsample: {r['records']:,} of {r['of']:,} records "
                "(whole people; --rl-max-records)"
            )


def main() -> None:
    from padan.synth import PROFILES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profiles",
        nargs="+",
        default=list(PROFILES),
        metavar="PROFILE",
        help=f"error profiles, space or comma separated (default: all: {', '.join(PROFILES)})",
    )
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rows-per-complaint",
        type=int,
        default=40,
        help="one KPAI complaint per this many DTSEN rows (10: 100k KPAI per 1M DTSEN)",
    )
    parser.add_argument(
        "--dense", action="store_true", help="the dense population (padan synth --dense)"
    )
    parser.add_argument(
        "--all-rules",
        action="store_true",
        help="the per-rule blocking table of every profile, not only of the worst",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also a generic Splink setup and the recordlinkage toolkit on each profile's data",
    )
    parser.add_argument(
        "--rl-max-records",
        type=int,
        default=50_000,
        help="recordlinkage toolkit: subsample of whole people above this many records",
    )
    parser.add_argument(
        "--rule-width", type=int, default=120, help="characters of rule SQL shown (0: all)"
    )
    args = parser.parse_args()
    profiles = _profile_names(args.profiles, PROFILES)

    results: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, Any]]]] = {}
    failed: dict[str, str] = {}
    for profile in profiles:
        # One directory per profile, removed before the next: at 1M records each holds a
        # few hundred MiB of CSV and store.
        with tempfile.TemporaryDirectory(prefix=f"padan-linkbench-{profile}-") as tmp:
            try:
                results[profile] = _run_profile(profile, args, Path(tmp))
            except subprocess.CalledProcessError as exc:
                failed[profile] = _failure(exc)
                print(f"{profile}: failed: {failed[profile]}", flush=True)
    if not results:
        raise SystemExit("no profile finished")

    # F1 with nothing to measure (null: no true or no predicted pairs) counts as the worst.
    ranked = sorted(results, key=lambda p: _rank(results[p][0]["f1"]))
    scale = f"{args.households:,} households, 1 complaint per {args.rows_per_complaint} rows"
    print(
        f"\nper profile, worst F1 first ({scale}{', dense' if args.dense else ''}, seed {args.seed})"
    )
    _print_table([(p, results[p][0], results[p][1]) for p in ranked])
    for profile in ranked if args.all_rules else ranked[:1]:
        _print_rules(profile, results[profile][1], width=args.rule_width)
    print("\nlink parts (s):")
    for profile in ranked:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in results[profile][0]["parts"].items())
        print(f"  {profile}: {parts}")
    if args.compare:
        for profile in ranked:
            _print_compare(profile, results[profile][0], results[profile][2])
    worst = results[ranked[0]][0]
    if failed:  # a profile that did not finish is worse than any F1
        print(f"\nfailed: {', '.join(f'{p} ({why})' for p, why in failed.items())}")
    print(
        f"\nworst: {ranked[0]} F1 {_s(worst['f1'])} (precision {_s(worst['precision'])}, "
        f"recall {_s(worst['recall'])})"
    )


if __name__ == "__main__":
    main()
