"""Blocking recall on the outside corpus: which true pairs the blocking rules put forward.

Reads the store a corpus was ingested into (``padan ingest``), builds the matching features as
``padan link`` does, and joins every blocking rule against DIR/truth.csv
(``padan.linkage.blocking.blocking_report``). Prints the true pairs, the share put forward by
some rule (blocking recall), the share joined through a chain of found pairs of the same child
(what clustering can bring together), the candidate pairs per record, the rules that alone find
the most true pairs, and the true pairs no rule finds by the error kinds their records carry
(DIR/errors.csv, written by ``benchmarks/outside_corpus.py``) and by record sources.

    python benchmarks/outside_corpus_blocking.py DIR --db sqlite:///DIR/padan.db [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any


def _kinds(d: Path) -> dict[str, list[str]]:
    with (d / "errors.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {
            f"{r['source']}:{r['source_id']}": [k for k in r["kinds"].split(";") if k]
            for r in csv.DictReader(handle)
        }


def analyse(d: Path, db: str) -> dict[str, Any]:
    """Blocking figures for the corpus in ``d`` ingested into the store at ``db``."""
    import duckdb

    from padan.linkage.blocking import blocking_report, candidate_pairs, rules_sql
    from padan.linkage.blocking_rules import BLOCKING_RULES
    from padan.linkage.features import load_features
    from padan.store import open_store

    con = duckdb.connect()
    records = load_features(open_store(db), con)
    con.execute(
        "CREATE TABLE truth AS SELECT source || ':' || source_id AS uid, person_id AS person "
        "FROM read_csv(?, all_varchar = true)",
        [str(d / "truth.csv")],
    )
    rules = rules_sql(BLOCKING_RULES)
    report = blocking_report(con, rules)
    candidates = candidate_pairs(con, rules)
    found = {
        tuple(sorted(p))
        for p in con.execute(
            "SELECT split_part(join_key_l, '-__-', 2), split_part(join_key_r, '-__-', 2) "
            "FROM padan_blocked_pairs"
        ).fetchall()
    }
    true_pairs = con.execute(
        "SELECT a.uid, b.uid FROM truth a JOIN truth b ON a.person = b.person AND a.uid < b.uid "
        "JOIN features x ON x.unique_id = a.uid JOIN features y ON y.unique_id = b.uid"
    ).fetchall()
    kinds = _kinds(d)
    by_kind: Counter[str] = Counter()
    by_sources: Counter[str] = Counter()
    for a, b in true_pairs:
        if (a, b) in found:
            continue
        by_sources["-".join(sorted((a.split(":")[0], b.split(":")[0])))] += 1
        for kind in set(kinds.get(a, []) + kinds.get(b, [])):
            by_kind[kind] += 1
    best = sorted(report.rules, key=lambda r: -r.only)[:10]
    return {
        "records": records,
        "true_pairs": report.true_pairs,
        "found": report.found,
        "recall": report.recall,
        "connected_recall": report.connected_recall,
        "candidates": candidates,
        "candidates_per_record": candidates / records if records else None,
        "unfound_by_sources": dict(by_sources),
        "unfound_by_kind": dict(by_kind.most_common()),
        "rules_finding_most_alone": [
            {"rule": r.rule[:120], "pairs": r.pairs, "true_pairs": r.true_pairs, "only": r.only}
            for r in best
        ],
    }


def main() -> None:
    """Command line: print the blocking figures of DIR."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--db", required=True, help="the store the corpus was ingested into")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = analyse(args.dir, args.db)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    print(
        f"records {res['records']}, true pairs {res['true_pairs']}, put forward {res['found']}:"
        f" blocking recall {res['recall']:.4f}, connected {res['connected_recall']:.4f};"
        f" candidate pairs {res['candidates']} ({res['candidates_per_record']:.2f} per record)"
    )
    print("true pairs no rule puts forward, by sources:", res["unfound_by_sources"])
    print("... by an error kind either record carries:")
    for kind, n in res["unfound_by_kind"].items():
        print(f"  {kind:32} {n:6}")
    print("rules finding the most true pairs no other rule finds (pairs, true, only):")
    for r in res["rules_finding_most_alone"]:
        print(f"  {r['pairs']:8} {r['true_pairs']:6} {r['only']:5}  {r['rule']}")


if __name__ == "__main__":
    main()
