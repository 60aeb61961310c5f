"""The same linkage on Splink's Spark backend (pyspark local[2], Java 17), against the truth.

Marked ``spark``; CI runs it (scripts/test installs Java when missing). Small seeded data: a
Spark job costs about a second whatever its size.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from padan.ingest import ingest_file
from padan.linkage import (
    LinkResult,
    evaluate_clusters,
    frequencies_path,
    link_records,
    open_engine,
    read_truth,
)
from padan.linkage.name_sql import slipped_within
from padan.linkage.spark_sql import to_spark_sql
from padan.registry import run_linkage
from padan.store import Store, open_store
from padan.synth import generate

pyspark = pytest.importorskip("pyspark")

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path, Path]]:
    """A store with a small synthetic population, its truth file, and a work directory."""
    work = tmp_path_factory.mktemp("spark")
    data = generate(work / "data", households=120, seed=11)
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    yield store, data.files["truth"], work
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def _f1(result: LinkResult, truth: Path) -> float:
    predicted = {uid: str(i) for i, members in enumerate(result.clusters) for uid in members}
    predicted.update((uid, uid) for uid in result.alone.to_pylist())
    return evaluate_clusters(predicted, read_truth(truth)).f1


def _model_pairs(result: LinkResult) -> dict[tuple[str, str], float]:
    return {(a, b): p for a, b, p, rule in result.pairs if rule == "model"}


def test_spark_trains_a_model_that_duckdb_reuses(population: tuple[Store, Path, Path]) -> None:
    store, truth, work = population
    model = work / "spark-model.json"
    spark = link_records(
        store,
        model_path=model,
        retrain=True,
        engine=open_engine("spark", spark_exchange_dir=work, spark_partitions=2),
    )

    assert spark.trained
    assert _f1(spark, truth) >= 0.85
    # The name frequencies are frozen with the model, and Spark scored with them too.
    assert spark.frequencies == "frozen" and frequencies_path(model).exists()
    saved = json.loads(model.read_text())
    conditions = [
        lv["sql_condition"] for c in saved["comparisons"] for lv in c["comparison_levels"]
    ]
    # Saved in DuckDB SQL, with the parameters Spark estimated.
    assert any(c.startswith("jaro_winkler_similarity(") for c in conditions)
    levels = [lv for c in saved["comparisons"] for lv in c["comparison_levels"]]
    trained = [lv for lv in levels if "m_probability" in lv and "u_probability" in lv]
    assert len(trained) >= 10  # levels seen in the EM sessions of this small population
    assert saved["probability_two_random_records_match"] != 0.0001  # Splink's default
    assert saved["padan"]["training_records"] == spark.records
    duck = link_records(store, model_path=model, engine=open_engine("duckdb"))
    assert not duck.trained and duck.frequencies == "frozen"
    # Both engines block with the same rules, each rule a join of its own.
    assert spark.candidate_pairs == duck.candidate_pairs
    # Same model on both engines: same scores, up to the implementations of the similarity
    # functions (Splink's Scala Jaro-Winkler, DuckDB's own).
    duck_pairs, spark_pairs = _model_pairs(duck), _model_pairs(spark)
    assert len(duck_pairs) > 10
    agree = duck_pairs.keys() & spark_pairs.keys()
    assert len(agree) >= 0.95 * len(duck_pairs.keys() | spark_pairs.keys())
    assert max(abs(duck_pairs[k] - spark_pairs[k]) for k in agree) < 0.02
    assert abs(_f1(duck, truth) - _f1(spark, truth)) < 0.02
    assert not list(work.glob("padan-spark-*")), "the run's Parquet exchange was not removed"


def test_spark_links_a_new_batch_incrementally(
    population: tuple[Store, Path, Path], tmp_path: Path
) -> None:
    _, _, work = population
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    for source, name in (("dtsen", "dtsen_individu.csv"), ("kpai", "kpai_kasus.csv")):
        ingest_file(work / "data" / name, source=source, store=store)
    spark = open_engine("spark", spark_exchange_dir=tmp_path, spark_partitions=2)
    model = tmp_path / "model.json"
    first = run_linkage(store, model_path=model, engine=spark)
    child = {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(first.run_id)}
    # A repeat complaint about a child of two records or more.
    with (work / "data" / "kpai_kasus.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    repeat = next(
        r
        for r in rows
        if r["nik_anak"]
        and sum(c == child.get(f"kpai:{r['no_pengaduan']}") for c in child.values()) >= 2
    )
    batch = tmp_path / "kpai_batch.csv"
    with batch.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow({**repeat, "no_pengaduan": "KPAI/2026/999001"})
    ingest_file(batch, source="kpai", store=store)

    second = run_linkage(store, model_path=model, engine=spark)

    assert second.incremental and second.scored_records == 1
    after = {f"{x.source}:{x.source_id}": x.child_id for x in store.child_links(second.run_id)}
    assert after["kpai:KPAI/2026/999001"] == child[f"kpai:{repeat['no_pengaduan']}"]


_PAIRS = [
    ("3201011205990001", "3201011205990001"),  # equal
    ("3201011205990001", "3201011205990002"),  # one digit
    ("3201011205990001", "3201011250990001"),  # two adjacent digits swapped
    ("3201011205990001", "3201011205990010"),  # swapped at the end
    ("3201011205990001", "2301011205990001"),  # swapped at the start
    ("3201011205990001", "3201011205990100"),  # two apart, not a swap
    ("3201011205990001", "320101120599001"),  # one deleted
    ("2011-05-12", "2011-12-05"),
    ("2011-05-12", "2011-05-21"),
    ("muhammad rizki", "rizki muhammad"),
    ("muhammad rizki", "muhammad rizki pratama"),
    ("siti", "siti aminah"),
    ("tiwo", "nurulpratiwi"),  # a syllable of the name, a letter wrong
    ("nsia", "khairunisa"),  # ... two letters swapped
    ("ab", "ba"),
    ("", ""),
    (None, "abc"),
]


@pytest.mark.parametrize(
    "condition",
    [
        "damerau_levenshtein(a_l, a_r) <= 1",
        "damerau_levenshtein(a_l, a_r) = 1",
        "hamming(a_l, a_r) = 1",
        "hamming(a_l, a_r) = 2",
        "list_has_all(str_split(a_l, ' '), str_split(a_r, ' '))"
        " OR list_has_all(str_split(a_r, ' '), str_split(a_l, ' '))",
        slipped_within("a_l", "a_r"),
    ],
)
def test_spark_rewrites_give_duckdbs_answers(
    population: tuple[Store, Path, Path], condition: str
) -> None:
    from pyspark.sql import SparkSession

    session = SparkSession.builder.master("local[2]").getOrCreate()
    frame = session.createDataFrame(_PAIRS, "a_l string, a_r string")
    spark = [
        row[0] for row in frame.selectExpr(f"coalesce({to_spark_sql(condition)}, false)").collect()
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, a_l VARCHAR, a_r VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, *p) for i, p in enumerate(_PAIRS)])
    # DuckDB's hamming refuses empty strings and strings of different lengths.
    guard = "length(a_l) = length(a_r) AND length(a_l) > 0 AND " if "hamming" in condition else ""
    expected = [
        bool(v)
        for (v,) in con.execute(
            f"SELECT coalesce(CASE WHEN {guard}true THEN {condition} END, false) FROM t ORDER BY i"
        ).fetchall()
    ]
    assert spark == expected
    assert any(expected)
