"""Quality floors per synthetic error profile at demo scale (issue 14).

Issue 14: CI keeps quality floors at F1 >= 0.97 on each profile at demo scale, with blocking
recall >= 0.99 and at most 0.5 % of records' worth of pairs left for review. The floors are the
issue's targets, not values fitted to today's matcher: a failure means the matcher fell short
of a target on that profile, and its message gives every figure measured. The same figures,
on the same data (households and seed below), are printed by
``benchmarks/linkage.py --households 2000 --seed 7``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from padan.ingest import ingest_file
from padan.linkage import evaluate_run, read_truth
from padan.linkage.blocking import blocking_report
from padan.linkage.blocking_rules import BLOCKING_RULES
from padan.linkage.features import load_features
from padan.registry import run_linkage
from padan.store import open_store
from padan.synth import PROFILES, generate

pytestmark = pytest.mark.slow

# Issue 14's targets.
F1_FLOOR = 0.97
BLOCKING_RECALL_FLOOR = 0.99
REVIEW_SHARE_CEILING = 0.005  # pairs in review / records

# Demo scale: `padan synth`'s default size and the benchmark's quick run.
HOUSEHOLDS = 2000
SEED = 7


@dataclass(frozen=True)
class _Measured:
    profile: str
    records: int
    precision: float
    recall: float
    f1: float
    kpai_recall: float
    kpai_precision: float
    blocking_recall: float
    true_pairs: int
    blocked_true_pairs: int
    review: int

    @property
    def review_share(self) -> float:
        return self.review / self.records if self.records else 0.0

    def __str__(self) -> str:
        return (
            f"{self.profile} ({HOUSEHOLDS} households, seed {SEED}, {self.records} records): "
            f"precision {self.precision:.4f}, recall {self.recall:.4f}, F1 {self.f1:.4f}; "
            f"KPAI-in-DTSEN recall {self.kpai_recall:.4f}, precision {self.kpai_precision:.4f}; "
            f"blocking recall {self.blocking_recall:.4f} ({self.blocked_true_pairs} of "
            f"{self.true_pairs} true pairs); review {self.review} pairs "
            f"({100 * self.review_share:.2f} % of records)"
        )


def _measure(profile: str, work: Path) -> _Measured:
    data = generate(work / "data", households=HOUSEHOLDS, seed=SEED, profile=profile)
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    run = run_linkage(store, model_path=work / "model.json", retrain=True)
    truth = read_truth(data.files["truth"])
    metrics = evaluate_run(store, run.run_id, truth)
    con = duckdb.connect()
    load_features(store, con)
    con.execute("CREATE TABLE truth (uid VARCHAR, person VARCHAR)")
    con.executemany("INSERT INTO truth VALUES (?, ?)", list(truth.items()))
    rules = [rule.get_blocking_rule("duckdb").blocking_rule_sql for rule in BLOCKING_RULES]
    report = blocking_report(con, rules)
    con.close()
    store.engine.dispose()
    return _Measured(
        profile=profile,
        records=run.records,
        precision=metrics.precision,
        recall=metrics.recall,
        f1=metrics.f1,
        kpai_recall=metrics.kpai_recall,
        kpai_precision=metrics.kpai_precision,
        blocking_recall=report.recall if report.recall is not None else 1.0,
        true_pairs=report.true_pairs,
        blocked_true_pairs=report.found,
        review=run.review,
    )


@pytest.mark.parametrize("profile", ["standard", "registry", "intake"])
def test_quality_floors_hold_on_each_profile_at_demo_scale(profile: str, tmp_path: Path) -> None:
    assert profile in PROFILES
    measured = _measure(profile, tmp_path)
    print(measured)  # shown with -s or -rA, also when the floors hold
    assert measured.true_pairs > 100, f"too little truth to judge: {measured}"
    failures = [
        what
        for what, ok in (
            (f"F1 {measured.f1:.4f} < {F1_FLOOR}", measured.f1 >= F1_FLOOR),
            (
                f"blocking recall {measured.blocking_recall:.4f} < {BLOCKING_RECALL_FLOOR}",
                measured.blocking_recall >= BLOCKING_RECALL_FLOOR,
            ),
            (
                f"review {100 * measured.review_share:.2f} % of records > "
                f"{100 * REVIEW_SHARE_CEILING:.1f} %",
                measured.review_share <= REVIEW_SHARE_CEILING,
            ),
        )
        if not ok
    ]
    assert not failures, f"{'; '.join(failures)} (issue 14 targets). Measured: {measured}"
