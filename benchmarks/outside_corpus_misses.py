"""Which injected error kinds Padan's linkage misses on the outside corpus.

Reads DIR/truth.csv and DIR/errors.csv (written by benchmarks/outside_corpus.py) and the
clusters of a run (``padan export clusters --out DIR/clusters.csv``), then prints pairwise
precision/recall/F1 over the clustered records, KPAI-in-DTSEN recall and precision, and per
injected error kind: true pairs carrying it and how many were missed, KPAI records with a DTSEN
counterpart carrying it and how many were not found, and false links carrying it.

    python benchmarks/outside_corpus_misses.py DIR [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# Best decision a KPAI record's pair with its own DTSEN record got, best first.
_DECISION_ORDER = ["nik:link", "model:link", "nik:review", "model:review", "nik:refused",
                   "model:refused", "nik:apart", "model:apart", "unscored"]  # fmt: skip


def _relation(people: dict[str, dict[str, str]], a: str, b: str) -> str:
    """How two different true persons are related: twin, sibling, parent, or unrelated."""
    pa, pb = people.get(a), people.get(b)
    if not pa or not pb:
        return "unknown"
    if pa["mother_id"] and pa["mother_id"] == pb["mother_id"]:
        return "twin" if pa["born"] == pb["born"] else "sibling"
    if b in (pa["mother_id"], pa["father_id"]) or a in (pb["mother_id"], pb["father_id"]):
        return "parent-child"
    return "unrelated"


def analyse(d: Path) -> dict[str, object]:
    """Figures and the per-kind breakdown for one generated-and-linked corpus in ``d``."""
    truth = {f"{r['source']}:{r['source_id']}": r["person_id"] for r in _read(d / "truth.csv")}
    kinds = {
        f"{r['source']}:{r['source_id']}": [k for k in r["kinds"].split(";") if k]
        for r in _read(d / "errors.csv")
    }
    child = {f"{r['source']}:{r['source_id']}": r["child_id"] for r in _read(d / "clusters.csv")}
    uids = [u for u in child if u in truth]
    by_person: dict[str, list[str]] = defaultdict(list)
    by_child: dict[str, list[str]] = defaultdict(list)
    for u in uids:
        by_person[truth[u]].append(u)
        by_child[child[u]].append(u)
    true_pairs = {tuple(sorted(p)) for us in by_person.values() for p in combinations(us, 2)}
    pred_pairs = {tuple(sorted(p)) for us in by_child.values() for p in combinations(us, 2)}
    tp = len(true_pairs & pred_pairs)
    prec = tp / len(pred_pairs) if pred_pairs else 1.0
    rec = tp / len(true_pairs) if true_pairs else 1.0
    kind_pairs: Counter[str] = Counter()
    kind_missed: Counter[str] = Counter()
    kind_sole_missed: Counter[str] = Counter()
    type_pairs: Counter[str] = Counter()
    type_missed: Counter[str] = Counter()
    combos: Counter[str] = Counter()
    decision = {}  # scored pair → the run's decision (padan export pairs), when exported
    if (d / "pairs.csv").exists():
        for r in _read(d / "pairs.csv"):
            decision[tuple(sorted((r["record_a"], r["record_b"])))] = f"{r['rule']}:{r['decision']}"
    missed_decision: Counter[str] = Counter()
    context = {"not_in_dtsen", "twin", "sibling_same_complaint"}
    for a, b in true_pairs:
        ks = set(kinds.get(a, [])) | set(kinds.get(b, []))
        t = "-".join(sorted((a.split(":")[0], b.split(":")[0])))
        type_pairs[t] += 1
        missed = child[a] != child[b]
        type_missed[t] += missed
        for k in ks or {"(none)"}:
            kind_pairs[k] += 1
            kind_missed[k] += missed
        errs = ks - context
        if missed:
            missed_decision[decision.get((a, b), "unscored")] += 1
            combos["+".join(sorted(errs)) or "(none)"] += 1
        if missed and len(errs) <= 1:
            kind_sole_missed[next(iter(errs)) if errs else "(none)"] += 1
    people = (
        {r["person_id"]: r for r in _read(d / "people.csv")} if (d / "people.csv").exists() else {}
    )
    false_kind: Counter[str] = Counter()
    false_type: Counter[str] = Counter()
    false_rel: Counter[str] = Counter()
    for a, b in pred_pairs - true_pairs:
        false_rel[_relation(people, truth[a], truth[b])] += 1
        false_type["-".join(sorted((a.split(":")[0], b.split(":")[0])))] += 1
        for k in set(kinds.get(a, [])) | set(kinds.get(b, [])) or {"(none)"}:
            false_kind[k] += 1
    # KPAI in DTSEN: KPAI records whose child has a DTSEN record, found in that child's cluster.
    dtsen_of = defaultdict(set)
    for u in uids:
        if u.startswith("dtsen:"):
            dtsen_of[truth[u]].add(u)
    k_has = k_found = k_linked = k_linked_ok = 0
    kind_k: Counter[str] = Counter()
    k_missed_dec: Counter[str] = Counter()
    kind_k_missed: Counter[str] = Counter()
    for u in uids:
        if not u.startswith("kpai:"):
            continue
        mates = by_child[child[u]]
        linked_d = [m for m in mates if m.startswith("dtsen:")]
        if linked_d:
            k_linked += 1
            k_linked_ok += any(truth[m] == truth[u] for m in linked_d)
        if dtsen_of[truth[u]]:
            k_has += 1
            found = any(m in dtsen_of[truth[u]] for m in linked_d)
            k_found += found
            if not found:
                best = {decision.get(tuple(sorted((u, m))), "unscored") for m in dtsen_of[truth[u]]}
                k_missed_dec[min(best, key=_DECISION_ORDER.index)] += 1
            for k in kinds.get(u, []) or ["(none)"]:
                kind_k[k] += 1
                kind_k_missed[k] += not found
    return {
        "records": len(uids),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
        "true_pairs": len(true_pairs),
        "false_pairs": len(pred_pairs - true_pairs),
        "kpai_in_dtsen_recall": round(k_found / k_has, 4) if k_has else None,
        "kpai_in_dtsen_precision": round(k_linked_ok / k_linked, 4) if k_linked else None,
        "kpai_with_dtsen": k_has,
        "kpai_not_found": k_has - k_found,
        "missed_pairs": sum(type_missed.values()),
        "pairs_by_type": {t: [type_pairs[t], type_missed[t]] for t in type_pairs},
        "false_by_type": dict(false_type),
        "missed_by_kind": {k: [kind_pairs[k], kind_missed[k]] for k in kind_pairs},
        "missed_sole_kind": dict(kind_sole_missed),
        "kpai_not_found_by_kind": {k: [kind_k[k], kind_k_missed[k]] for k in kind_k},
        "false_by_kind": dict(false_kind),
        "false_by_relation": dict(false_rel),
        "missed_combos": dict(combos.most_common(12)),
        "missed_by_decision": dict(missed_decision),
        "kpai_not_found_by_decision": dict(k_missed_dec),
    }


def main() -> None:
    """Command line: print the analysis of DIR."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = analyse(args.dir)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    for key in ("records", "precision", "recall", "f1", "true_pairs", "false_pairs",
                "kpai_in_dtsen_recall", "kpai_in_dtsen_precision", "kpai_with_dtsen"):  # fmt: skip
        print(f"{key:26} {res[key]}")
    print("pairs by type (true, missed):", res["pairs_by_type"], "false:", res["false_by_type"])
    tables = (
        ("true pairs with kind", "missed_by_kind", res["true_pairs"], res["missed_pairs"]),
        ("KPAI records with a DTSEN counterpart, by kind", "kpai_not_found_by_kind",
         res["kpai_with_dtsen"], res["kpai_not_found"]),
    )  # fmt: skip
    for title, table, total, total_missed in tables:
        # excess: misses beyond what the miss rate of the records without the kind would give.
        print(f"\n{title}: count, missed, rate, rate without the kind, excess misses")
        rows = []
        for k, (n, m) in res[table].items():  # type: ignore[union-attr]
            rest = (total_missed - m) / (total - n) if total > n else 0.0  # type: ignore[operator]
            rows.append((m - n * rest, k, n, m, rest))
        for excess, k, n, m, rest in sorted(rows, reverse=True):
            print(f"  {k:28} {n:7} {m:6} {m / n:7.1%} {rest:7.1%} {excess:8.1f}")
    sole = sorted(res["missed_sole_kind"].items(), key=lambda kv: -kv[1])  # type: ignore[union-attr]
    print("\nmissed pairs whose only error is this kind:", sole)
    print("missed true pairs by the run's decision on them:", res["missed_by_decision"])
    print("KPAI not found in DTSEN, by the best decision on a pair with their own DTSEN record:",
          res["kpai_not_found_by_decision"])  # fmt: skip
    print("missed pairs by their combination of error kinds:", res["missed_combos"])
    print("false links by kinship:", res["false_by_relation"])
    print("false links by kind:", sorted(res["false_by_kind"].items(), key=lambda kv: -kv[1])[:12])  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
