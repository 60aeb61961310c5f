"""Benchmark: Padan's linkage against a generic Splink setup and the recordlinkage toolkit.

All three run on the same synthetic data, side by side. For each: pairwise precision, recall
and F1 over all records, wall time and peak memory of the linking process; Padan's blocking
recall (true pairs that any blocking rule puts forward) too.

    .venv/bin/python benchmarks/linkage.py --households 25000      # ~100k DTSEN + KPAI records
    .venv/bin/python benchmarks/linkage.py --households 250000 --rows-per-complaint 10
                                                                   # ~1M DTSEN + 100k KPAI

The recordlinkage toolkit (PyPI ``recordlinkage``; ``scripts/setup --dev --bench``) runs as in
its tutorial: blocking, string comparisons, the unsupervised ECM classifier, connected
components. It is slow on many pairs, so above ``--rl-max-records`` it runs on a subsample of
whole people (every record of a sampled person), evaluated on that subsample. Without the
package its row says so and the rest runs.
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
m = evaluate_run(store, run.run_id, read_truth(Path(sys.argv[2])))
print(json.dumps({"seconds": seconds, "precision": m.precision, "recall": m.recall, "f1": m.f1,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "parts": run.seconds}))
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

_BLOCKING = """
import json, sys
from pathlib import Path
import duckdb
from padan.linkage.blocking import candidate_pairs
from padan.linkage.features import load_features
from padan.linkage.model import BLOCKING_RULES
from padan.linkage import read_truth
from padan.store import open_store
con = duckdb.connect()
load_features(open_store(sys.argv[1]), con)
truth = read_truth(Path(sys.argv[2]))
con.execute("CREATE TABLE truth (uid VARCHAR, person VARCHAR)")
con.executemany("INSERT INTO truth VALUES (?, ?)", list(truth.items()))
rules = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in BLOCKING_RULES]
candidates = candidate_pairs(con, rules)
pairs = ("FROM truth a JOIN truth b ON a.person = b.person AND a.uid < b.uid "
         "JOIN features l ON l.unique_id = a.uid JOIN features r ON r.unique_id = b.uid")
total = con.execute("SELECT count(*) " + pairs).fetchone()[0]
any_rule = " OR ".join(f"({r})" for r in rules)
kept = con.execute(f"SELECT count(*) {pairs} WHERE coalesce({any_rule}, false)").fetchone()[0]
print(json.dumps({"true_pairs": total, "kept": kept, "recall": kept / total if total else 1.0,
                  "candidates": candidates}))
"""


def _child(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rows-per-complaint",
        type=int,
        default=40,
        help="one KPAI complaint per this many DTSEN rows (10: 100k KPAI per 1M DTSEN)",
    )
    parser.add_argument(
        "--rl-max-records",
        type=int,
        default=50_000,
        help="recordlinkage toolkit: subsample of whole people above this many records",
    )
    args = parser.parse_args()

    from padan.ingest import ingest_file
    from padan.store import open_store
    from padan.synth import generate

    with tempfile.TemporaryDirectory(prefix="padan-linkbench-") as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        data = generate(
            work / "data",
            households=args.households,
            seed=args.seed,
            rows_per_complaint=args.rows_per_complaint,
        )
        url = f"sqlite:///{work / 'bench.db'}"
        store = open_store(url)
        for source in ("dtsen", "kpai"):
            ingest_file(data.files[source], source=source, store=store)
        print(
            f"data: {data.dtsen_rows:,} DTSEN + {data.kpai_rows:,} KPAI rows "
            f"({time.perf_counter() - start:.0f} s to generate and ingest)"
        )
        truth = str(data.files["truth"])
        blocking = _child(_BLOCKING, url, truth)
        print(
            f"Padan blocking: {int(blocking['candidates']):,} candidate pairs, recall "
            f"{blocking['recall']:.4f} ({int(blocking['kept']):,} of "
            f"{int(blocking['true_pairs']):,} true pairs)"
        )
        print(
            f"{'setup':<15} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8} {'peak MiB':>9}"
        )
        contestants = [
            ("padan", _PADAN, [url, truth, str(work / "model.json")]),
            ("generic splink", _GENERIC, [url, truth]),
        ]
        if importlib.util.find_spec("recordlinkage") is None:
            print(f"{'recordlinkage':<15} not installed: scripts/setup --dev --bench")
        else:
            contestants.append(
                ("recordlinkage", _RECORDLINKAGE, [url, truth, str(args.rl_max_records)])
            )
        results: dict[str, dict[str, float]] = {}
        for name, code, child_args in contestants:
            # Each row as it finishes; a contestant that fails (the generic setup can run out of
            # memory at 1M records) is reported and the others still run.
            try:
                r = results[name] = _child(code, *child_args)
            except subprocess.CalledProcessError as exc:
                why = (exc.stderr or "").strip().splitlines()[-1:] or [
                    f"exit code {exc.returncode}"
                ]
                print(f"{name:<15} failed: {why[0][:120]}", flush=True)
                continue
            print(
                f"{name:<15} {r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} "
                f"{r['seconds']:>8.1f} {r['peak_mib']:>9.0f}",
                flush=True,
            )
        rl = results.get("recordlinkage")
        if rl and rl["records"] < rl["of"]:
            print(
                f"recordlinkage ran on a subsample: {int(rl['records']):,} of "
                f"{int(rl['of']):,} records (whole people; --rl-max-records)"
            )
        if "padan" in results:
            print("padan parts (s):", json.dumps(results["padan"].get("parts", {})))


if __name__ == "__main__":
    main()
