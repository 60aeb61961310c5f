"""Benchmark: the explanations of one review page (20 pairs) on a linked store.

Each way runs in a fresh process, so its peak memory is its own: first from every record's
features computed from the store (``kept_state=False``, the way before), then from the state
the latest run left beside the model. Two pages each (the review queue's first and second
twenty pairs): the first includes loading Splink's model, the second is what the next page
costs. Prints seconds, peak memory and the largest difference between the two ways' numbers.

    .venv/bin/python benchmarks/explain.py --db sqlite:///padan.db --model padan-model.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_PAGE = """
import json, resource, sys, time
from pathlib import Path
from padan.linkage import explain_pairs
from padan.store import open_store
from padan.store.children import review_pairs
store = open_store(sys.argv[1])
model, kept, size = Path(sys.argv[2]), sys.argv[3] == "state", int(sys.argv[4])
run = store.latest_link_run()
queue = [(a, b) for a, b, _, _ in review_pairs(store, run.id)][: 2 * size]
ready_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
seconds, numbers = [], []
for page in (queue[:size], queue[size:]):
    start = time.perf_counter()
    made = explain_pairs(store, page, model_path=model, kept_state=kept)
    seconds.append(time.perf_counter() - start)
    numbers += [[e.match_probability, [p.match_weight for p in e.parts],
                 [p.level for p in e.parts]] for e in made]
read = None
if kept:  # the state's part of the second page: its records' features and frequencies
    from padan.linkage.state import read_state_features, run_key, state_path
    start = time.perf_counter()
    got = read_state_features(state_path(model), run_key(store, run),
                              sorted({u for p in queue[size:] for u in p}), tf_columns=["name"])
    read = time.perf_counter() - start if got is not None else None
print(json.dumps({"seconds": seconds, "read": read, "pairs": len(queue), "ready_mib": ready_mib,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "numbers": numbers}))
"""


def _page(db: str, model: str, way: str, size: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PAGE, db, model, way, str(size)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the linked store's URL")
    parser.add_argument("--model", required=True, help="its model file (state beside it)")
    parser.add_argument("--pairs", type=int, default=20, help="pairs on a page")
    args = parser.parse_args()
    results = {}
    for way in ("store", "state"):
        results[way] = result = _page(args.db, args.model, way, args.pairs)
        seconds = result["seconds"]
        assert isinstance(seconds, list)
        first, second = seconds
        print(
            f"{way:>5}: page 1 {first:6.2f} s, page 2 {second:6.2f} s, "
            f"peak {result['peak_mib']:,.0f} MiB (after reading the queue "
            f"{result['ready_mib']:,.0f} MiB), {result['pairs']} pairs"
        )
        if isinstance(result.get("read"), float):
            print(f"       of page 2, reading the state: {result['read']:.2f} s")
    old, new = results["store"]["numbers"], results["state"]["numbers"]
    assert isinstance(old, list) and isinstance(new, list)
    same_levels = all(o[2] == n[2] for o, n in zip(old, new, strict=True))
    weights = max(
        (
            abs(a - b)
            for o, n in zip(old, new, strict=True)
            for a, b in zip(o[1], n[1], strict=True)
        ),
        default=0.0,
    )
    probability = max((abs(o[0] - n[0]) for o, n in zip(old, new, strict=True)), default=0.0)
    print(
        f"same levels: {same_levels}; largest difference: weight {weights:.3g}, "
        f"probability {probability:.3g}"
    )


if __name__ == "__main__":
    main()
