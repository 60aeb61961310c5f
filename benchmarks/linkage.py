"""Benchmark: Padan's linkage against a generic Splink setup, on the same synthetic data.

For each: pairwise precision, recall and F1 over all records, blocking recall (true pairs that
any blocking rule puts forward), wall time and peak memory of the linking process.

    .venv/bin/python benchmarks/linkage.py --households 25000      # ~100k DTSEN + KPAI records
    .venv/bin/python benchmarks/linkage.py --households 250000     # ~1M + 25k (issue 3 target)

The recordlinkage-toolkit comparison of issue 3 is not here yet.
"""

from __future__ import annotations

import argparse
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

_BLOCKING = """
import json, sys
from pathlib import Path
import duckdb
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
found = {}
pairs = ("FROM truth a JOIN truth b ON a.person = b.person AND a.uid < b.uid "
         "JOIN features l ON l.unique_id = a.uid JOIN features r ON r.unique_id = b.uid")
total = con.execute("SELECT count(*) " + pairs).fetchone()[0]
any_rule = " OR ".join(f"({r})" for r in rules)
kept = con.execute(f"SELECT count(*) {pairs} WHERE coalesce({any_rule}, false)").fetchone()[0]
print(json.dumps({"true_pairs": total, "kept": kept, "recall": kept / total if total else 1.0}))
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
    args = parser.parse_args()

    from padan.ingest import ingest_file
    from padan.store import open_store
    from padan.synth import generate

    with tempfile.TemporaryDirectory(prefix="padan-linkbench-") as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        data = generate(work / "data", households=args.households, seed=args.seed)
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
            f"Padan blocking recall: {blocking['recall']:.4f} "
            f"({int(blocking['kept']):,} of {int(blocking['true_pairs']):,} true pairs)"
        )
        results = {
            "padan": _child(_PADAN, url, truth, str(work / "model.json")),
            "generic splink": _child(_GENERIC, url, truth),
        }
        print(
            f"{'setup':<15} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8} {'peak MiB':>9}"
        )
        for name, r in results.items():
            print(
                f"{name:<15} {r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} "
                f"{r['seconds']:>8.1f} {r['peak_mib']:>9.0f}"
            )
        print("padan parts (s):", json.dumps(results["padan"].get("parts", {})))


if __name__ == "__main__":
    main()
