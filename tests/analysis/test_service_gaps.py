"""Indicators from service and case data (issue 20, item 3) on a hand-made population whose
answers are known: ATENSI gaps on service records, days to first service, SIMFONI-PPA victims
not known to KPAI, services by unlicensed or unregistered institutions."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pyarrow as pa

from padan.analysis import ReportInputs, Snapshot, build_report, compute_report
from padan.analysis.children import DTSEN_COLUMNS, KPAI_COLUMNS
from padan.analysis.service_gaps import KEMENSOS_COLUMNS, LEMBAGA_COLUMNS, SIMFONI_COLUMNS
from padan.analysis.tables import report_dict, report_tables
from padan.store import open_store

from .conftest import Linked

REF = dt.date(2026, 6, 30)
DAY = dt.date(2026, 1, 1)

# (no_pengaduan, child, kategori, kode_wilayah, days after DAY)
KPAI = [
    ("K1", "A", "b", "32.01.01", 0),  # ABH, served 10 days later by a licensed LKS
    ("K2", "B", "b", "32.01.01", 0),  # ABH, no service
    ("K3", "C", "j", "32.01.02", 0),  # victim, served 60 days later at a Sentra
    ("K4", "D", "i", "32.01.02", 0),  # victim, served only before the complaint
    ("K5", "E", None, "33.01.01", 0),  # no ABH/victim kategori, no service
]
# (id_korban, child, kode_wilayah, days after DAY)
SIMFONI = [
    ("S1", "C", "32.01.02", 5),  # also known to KPAI
    ("S2", "F", "32.01.01", 0),  # SIMFONI only, served 200 days later by an unlicensed LKS
    ("S3", "G", "32.01.01", 0),  # SIMFONI only, no service
]
# (id_layanan, child, id_lembaga, jenis_lembaga, days after DAY)
KEMENSOS = [
    ("L1", "A", "LKS-OK", "lks", 10),
    ("L2", "C", "SENTRA-32", "sentra", 60),  # a Sentra is not in the registry: not counted
    ("L3", "D", "LKS-OK", "lks", -30),
    ("L4", "F", "LKS-BAD", "lks", 200),
    ("L5", "H", "LKS-GONE", "lks", 0),  # served only, LKS missing from the registry
]
LEMBAGA = [("LKS-OK", "BERIZIN"), ("LKS-BAD", "TIDAK_BERIZIN")]


def _table(columns: tuple[str, ...], rows: list[dict[str, object]]) -> pa.Table:
    types = {c: pa.date32() for c in columns if c.startswith("tanggal")}
    types.update({"usia": pa.int64(), "desil": pa.int64()})
    types.update({c: pa.bool_() for c in columns if c.startswith("penerima")})
    return pa.table(
        {c: pa.array([r.get(c) for r in rows], types.get(c, pa.string())) for c in columns}
    )


def _inputs(*, services: bool = True, cases: bool = True, registry: bool = True) -> ReportInputs:
    day = dt.timedelta(days=1)
    kpai = [
        {"no_pengaduan": no, "tanggal_pengaduan": DAY + d * day, "nama_anak": f"Anak {child}",
         "kategori": kat, "kode_wilayah": kode, "nik_anak_status": "missing"}
        for no, child, kat, kode, d in KPAI
    ]  # fmt: skip
    simfoni = [
        {"id_korban": idk, "no_kasus": "C" + idk, "tanggal_lapor": DAY + d * day,
         "nama_korban": f"Korban {child}", "jenis_kekerasan": "fisik", "kode_wilayah": kode}
        for idk, child, kode, d in SIMFONI
    ]  # fmt: skip
    kemensos = [
        {"id_layanan": idl, "tanggal_layanan": DAY + d * day, "id_lembaga": lembaga,
         "jenis_lembaga": kind, "nama_anak": f"Anak {child}", "kode_wilayah": "32.01.01"}
        for idl, child, lembaga, kind, d in KEMENSOS
    ]  # fmt: skip
    links = (
        [("kpai", r[0], r[1]) for r in KPAI]
        + ([("simfoni", r[0], r[1]) for r in SIMFONI] if cases else [])
        + ([("kemensos", r[0], r[1]) for r in KEMENSOS] if services else [])
    )
    empty_pairs = {c: pa.array([], pa.string()) for c in ("uid_l", "uid_r", "rule", "decision")}
    return ReportInputs(
        kpai=_table(KPAI_COLUMNS, kpai),
        dtsen=_table(DTSEN_COLUMNS, []),
        links=pa.table(
            {k: [x[i] for x in links] for i, k in enumerate(("source", "source_id", "child_id"))}
        ),
        pairs=pa.table({**empty_pairs, "match_probability": pa.array([], pa.float64())}),
        reference_date=REF,
        link_threshold=0.9,
        review_threshold=0.5,
        kemensos=_table(KEMENSOS_COLUMNS, kemensos) if services else None,
        simfoni=_table(SIMFONI_COLUMNS, simfoni) if cases else None,
        lembaga=_table(LEMBAGA_COLUMNS, [{"id_lembaga": i, "status_izin": s} for i, s in LEMBAGA])
        if registry
        else None,
    )


def _snapshot() -> Snapshot:
    now = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)
    return Snapshot(1, now, "m1", 0.9, 0.5, (), REF, "", "", now)


def test_service_gaps_count_children_by_their_rules() -> None:
    report = compute_report(_inputs(), _snapshot(), worklists=True)
    values = report.values()
    assert values["kpai_children"] == 5  # KPAI figures do not count SIMFONI/Kemensos children
    assert values["known_children"] == 7  # A-E and F, G
    assert values["abh_without_atensi"] == 1  # B
    # D was served only before its complaint: it has a service record. F: served. G: none.
    assert values["victims_without_atensi"] == 1  # G
    assert values["simfoni_children"] == 3  # C, F, G
    assert values["simfoni_not_in_kpai"] == 2  # F, G
    assert values["served_after_complaint"] == 3  # A (10 days), C (55), F (200)
    assert values["served_within_30_days"] == 1  # A
    assert values["served_within_90_days"] == 2  # A, C: first complaint is S1 or K3, K3 first
    assert report.median_days == 60.0  # 10, 60 (from K3 on DAY), 200
    assert values["served_children"] == 5  # A, C, D, F, H
    assert values["served_by_unlicensed"] == 2  # F (TIDAK_BERIZIN), H (LKS not registered)
    assert report.basis == {"atensi": "kemensos_layanan", "lembaga": "lembaga"}
    lists = report.worklists
    assert [r[1] for r in lists["tanpa_layanan_atensi"].rows] == ["B", "G"]
    assert [r[0] for r in lists["simfoni_belum_di_kpai"].rows] == ["F", "G"]
    unlicensed = {r[0]: r[7] for r in lists["layanan_lembaga_tak_berizin"].rows}
    assert unlicensed == {"F": "TIDAK_BERIZIN", "H": "TIDAK_TERDAFTAR"}
    # tanpa_atensi keeps KPAI children only (roles without SIMFONI-PPA see it).
    assert [r[1] for r in lists["tanpa_atensi"].rows] == ["B"]


def test_service_gaps_fall_back_to_the_dtsen_flag_without_service_records() -> None:
    report = compute_report(_inputs(services=False), _snapshot(), worklists=True)
    assert report.basis["atensi"] == "dtsen_penerima_atensi"
    # KPAI ABH/victims without DTSEN's ATENSI flag (none is in DTSEN): A, B and C, D.
    assert report.values()["abh_without_atensi"] == 2
    assert report.values()["victims_without_atensi"] == 2
    assert report.values()["served_children"] == 0
    assert report.worklists["tanpa_layanan_atensi"].rows == []


def test_service_gaps_need_the_registry_to_flag_institutions() -> None:
    report = compute_report(_inputs(registry=False), _snapshot())
    assert report.values()["served_by_unlicensed"] == 0
    assert report.basis["lembaga"] == ""


def test_service_gaps_small_cells_and_medians_are_suppressed() -> None:
    report = compute_report(_inputs(), _snapshot())
    data = report_dict(report)
    assert data["indicators"]["simfoni_not_in_kpai"] == 2  # exact headline
    province = next(r for r in data["regions"] if r["code"] == "32")
    assert province["figures"]["simfoni_not_in_kpai"] == "<5"
    # Three children with a wait: the median would nearly name them.
    assert province["median_days_to_service"] == "<5"
    summary = next(t for t in report_tables(report, {}) if t.key == "ringkasan")
    row = next(r for r in summary.rows if r[1] == "median_days_to_service")
    assert row[2] == "<5"
    exact = report_dict(report, suppress_small=False)
    assert next(r for r in exact["regions"] if r["code"] == "32")["median_days_to_service"] == 60.0


def test_service_gaps_leave_kpai_figures_unchanged() -> None:
    with_services = compute_report(_inputs(), _snapshot()).values()
    without = compute_report(
        dataclasses.replace(_inputs(), kemensos=None, simfoni=None, lembaga=None), _snapshot()
    ).values()
    for key in ("kpai_children", "kpai_children_in_dtsen", "kpai_children_not_in_dtsen"):
        assert with_services[key] == without[key]


def _truth_counts(truth: Path, data: Path) -> dict[str, int]:
    """The service indicators counted straight from the generator's files and truth."""
    people = {(r["source"], r["source_id"]): r["person_id"] for r in _csv(truth)}
    kpai: dict[str, list[dict[str, str]]] = {}
    for r in _csv(data / "kpai_kasus.csv"):
        kpai.setdefault(people[("kpai", r["no_pengaduan"])], []).append(r)
    simfoni = {people[("simfoni", r["id_korban"])] for r in _csv(data / "simfoni_kasus.csv")}
    served = {people[("kemensos", r["id_layanan"])] for r in _csv(data / "kemensos_layanan.csv")}
    abh = {p for p, rs in kpai.items() if any(r["kategori"] == "b" for r in rs)}
    victims = {
        p for p, rs in kpai.items() if any(r["kategori"] in "dij" for r in rs if r["kategori"])
    }
    return {
        "known_children": len(set(kpai) | simfoni),
        "simfoni_children": len(simfoni),
        "simfoni_not_in_kpai": len(simfoni - set(kpai)),
        "abh_without_atensi": len(abh - served),
        "victims_without_atensi": len((victims | simfoni) - served),
        "served_children": len(served),
    }


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_service_gaps_on_linked_synthetic_data_match_the_truth(linked_services: Linked) -> None:
    store = open_store(linked_services.db)
    report = build_report(store, worklists=True, actor="test")
    assert report.basis == {"atensi": "kemensos_layanan", "lembaga": "lembaga"}
    expected = _truth_counts(linked_services.truth, linked_services.truth.parent)
    assert expected["simfoni_not_in_kpai"] > 20 and expected["served_children"] > 20
    for key, value in expected.items():
        got = report.indicators[key].value
        assert abs(got - value) <= max(1, 0.02 * value), (key, got, value)
    assert (
        len(report.worklists["simfoni_belum_di_kpai"].rows)
        == report.values()["simfoni_not_in_kpai"]
    )
    assert report.median_days is not None and report.median_days > 0


def test_service_gaps_store_without_services_reads_the_dtsen_flag(linked: Linked) -> None:
    report = build_report(open_store(linked.db))
    assert report.basis["atensi"] == "dtsen_penerima_atensi"
    values = report.values()
    assert values["known_children"] == values["kpai_children"]
    assert values["served_children"] == values["simfoni_children"] == 0
