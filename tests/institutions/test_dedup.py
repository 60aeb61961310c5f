"""Deduplication against the synthetic generator's truth, and reviewers' decisions."""

from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

import pytest

from padan.errors import InputError
from padan.ingest import ingest_file
from padan.institutions import (
    decide_institutions,
    dedup_institutions,
    evaluate_dedup,
    institution_review_queue,
    read_lembaga_truth,
    sync_from_extract,
    worklist,
)
from padan.linkage.institutions import address_key, name_core
from padan.store import InstitutionStore, Store
from padan.synth.institutions import LEMBAGA_COLUMNS, cross_agency_duplicates, institutions
from padan.synth.places import Geography
from support.institutions import TODAY, register


def _synthetic(tmp_path: Path, count: int, seed: int) -> tuple[Path, dict[str, str]]:
    rng = random.Random(seed)
    originals = list(institutions(rng, Geography(None), count * 500))
    repeated = list(cross_agency_duplicates(rng, originals))
    path = tmp_path / "lembaga.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LEMBAGA_COLUMNS)
        writer.writerows(originals + [row for row, _ in repeated])
    truth = {row[0]: row[0] for row in originals} | {row[0]: original for row, original in repeated}
    return path, truth


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    by_entity: dict[str, list[str]] = {}
    for uid, entity in groups.items():
        by_entity.setdefault(entity, []).append(uid)
    return {
        tuple(sorted(p))
        for members in by_entity.values()
        for p in itertools.combinations(members, 2)
    }  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("Panti Asuhan Al-Ikhlas", "al ikhlas"),
        ("YAYASAN PANTI ASUHAN Kasih Bunda", "kasih bunda"),
        ("Taman Penitipan Anak Ceria", "ceria"),
        ("UPTD PPA Kab. Bogor", "kabupaten bogor"),
        ("TPA", "tpa"),
    ],
)
def test_name_core_drops_generic_words(name: str, core: str) -> None:
    assert name_core(name) == core


def test_address_key_unifies_jalan_and_number() -> None:
    assert (
        address_key("Jalan Merdeka 5")[1:]
        == address_key("Jl. Merdeka No. 5, Kec. X")[1:]
        == ("merdeka", "5")
    )
    assert address_key("  ") == (None, None, None)


def test_dedup_finds_cross_agency_duplicates_of_synthetic_truth(
    store: Store, tmp_path: Path
) -> None:
    path, truth = _synthetic(tmp_path, 150, seed=4)
    ingest_file(path, source="lembaga", store=store, today=TODAY)
    sync_from_extract(store)
    summary = dedup_institutions(store)
    true_pairs = _pairs(truth)
    assert len(true_pairs) >= 25  # the generator repeated about a quarter
    registry = InstitutionStore(store)
    clusters = registry.dedup_clusters(summary.run_id)
    found = _pairs(clusters)
    correct = len(found & true_pairs)
    precision, recall = correct / len(found), correct / len(true_pairs)
    assert precision >= 0.95, (precision, sorted(found - true_pairs))
    # Merged without a person: most; the rest (a region coded only to the regency and no
    # address, a typo) wait for review.
    assert recall >= 0.75, (recall, sorted(true_pairs - found))
    queue = institution_review_queue(store)
    assert all(0.2 <= item.match_probability < 0.9 for item in queue)
    queued = {(i.id_a, i.id_b) for i in queue}
    assert len((found | queued) & true_pairs) / len(true_pairs) >= 0.95
    assert summary.institutions == len(set(clusters.values()))
    counts = evaluate_dedup(store, truth)
    assert (counts.true_pairs, counts.merged_pairs, counts.correct_pairs) == (
        len(true_pairs),
        len(found),
        correct,
    )
    assert counts.review_true_pairs == len((true_pairs - found) & queued)
    # The worklist counts each institution once.
    assert len(worklist(store, today=TODAY)) == summary.institutions


def test_dedup_respects_review_decisions(store: Store) -> None:
    register(store, "A", nama_lembaga="TPA Ceria", alamat="Jl. Raya No. 7")
    register(store, "B", nama_lembaga="Daycare Ceria", alamat="Jalan Raya 7")
    register(store, "C", nama_lembaga="TPA Ceria", alamat=None, kode_wilayah="32.01")
    register(store, "D", nama_lembaga="TPA Mekar Sari", kode_wilayah="32.04", alamat="Jl. Sosial 3")
    first = dedup_institutions(store)
    assert ["A", "B"] in first.groups
    queued = {(i.id_a, i.id_b) for i in institution_review_queue(store)}
    assert ("A", "C") in queued and ("B", "C") in queued

    decide_institutions(store, "B", "A", "different", reviewer="rina", reason="dua lembaga")
    decide_institutions(
        store, "A", "C", "same", reviewer="rina", reason="alamat sama saat kunjungan"
    )
    second = dedup_institutions(store)
    clusters = InstitutionStore(store).dedup_clusters(second.run_id)
    assert clusters["A"] == clusters["C"] != clusters["B"]
    assert clusters["D"] == "D"
    earlier = InstitutionStore(store).dedup_clusters(first.run_id)  # earlier runs are kept
    assert earlier["A"] == earlier["B"] != earlier["C"]
    assert ("A", "C") not in {(i.id_a, i.id_b) for i in institution_review_queue(store)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("A", "A", "same"), "both ids are A"),
        (("A", "NOPE", "same"), "no institution 'NOPE'"),
        (("A", "B", "maybe"), "decision 'maybe' is not one of same, different, unsure"),
    ],
)
def test_dedup_bad_decisions_are_refused(
    store: Store, args: tuple[str, str, str], message: str
) -> None:
    register(store, "A")
    register(store, "B")
    with pytest.raises(InputError, match=message):
        decide_institutions(store, *args, reviewer="rina", reason="x")
    assert store.review_decisions() == []
    with pytest.raises(InputError, match="thresholds must satisfy"):
        dedup_institutions(store, link_threshold=0.5, review_threshold=0.8)


def test_dedup_evaluation_needs_a_run_and_a_truth_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no deduplication run yet"):
        evaluate_dedup(store, {})
    bad = tmp_path / "t.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs the columns id_lembaga and institution_id"):
        read_lembaga_truth(bad)
    with pytest.raises(InputError, match="cannot be read"):
        read_lembaga_truth(tmp_path / "missing.csv")
