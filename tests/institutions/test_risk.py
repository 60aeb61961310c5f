"""Every risk reason traced to its fact; ranking; accreditation expiry in the score."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from padan.institutions import (
    InstitutionFacts,
    RiskPolicy,
    assess,
    record_inspection,
    worklist,
)
from padan.store import FindingRecord, InspectionRecord, InstitutionRecord, Store
from support.institutions import TODAY, register

D = dt.date
CLEAN = InstitutionRecord(
    "L1",
    "TPA Pelita",
    "TPA",
    "32.01.01.1001",
    "Jl. Merdeka 1",
    "BERIZIN",
    "A",
    D(2024, 1, 10),
    30,
    20,
    2,
    2,
)


def _visit(when: D, *findings: FindingRecord) -> InspectionRecord:
    return InspectionRecord(
        1,
        "L1",
        "tpa-tara",
        "1",
        when,
        "rina",
        None,
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        list(findings),
    )


def _finding(
    severity: str, status: str = "terbuka", due: D | None = None, fid: int = 7
) -> FindingRecord:
    return FindingRecord(fid, 1, "TPA-06", severity, None, "fix", due, status, None)


RECENT = _visit(D(2026, 6, 1))


def test_risk_clean_institution_scores_zero() -> None:
    assessment = assess(InstitutionFacts(CLEAN, inspections=(RECENT,)), today=TODAY)
    assert (assessment.score, assessment.reasons) == (0, [])


@pytest.mark.parametrize(
    ("changes", "inspections", "complaints", "code", "points", "fact", "words"),
    [
        (
            {"status_izin": "TIDAK_BERIZIN"},
            (RECENT,),
            (),
            "unlicensed",
            25,
            {"status_izin": "TIDAK_BERIZIN"},
            ["tidak berizin"],
        ),
        (
            {"status_izin": "DALAM_PROSES"},
            (RECENT,),
            (),
            "licence_pending",
            10,
            {"status_izin": "DALAM_PROSES"},
            ["izin masih dalam proses"],
        ),
        (
            {"status_izin": None},
            (RECENT,),
            (),
            "licence_unknown",
            10,
            {"status_izin": None},
            ["tidak dilaporkan"],
        ),
        (
            {"akreditasi": "BELUM", "tanggal_akreditasi": None},
            (RECENT,),
            (),
            "accreditation_missing",
            15,
            {"akreditasi": "BELUM"},
            ["belum terakreditasi"],
        ),
        (
            {"akreditasi": "C", "tanggal_akreditasi": D(2024, 11, 27)},
            (RECENT,),
            (),
            "accreditation_expired",
            15,
            {"berlaku_sampai": "2026-11-26"},
            ["C", "2024-11-27", "2026-11-26"],
        ),
        (
            {
                "jumlah_anak": 45,
                "jumlah_pekerja_sosial": 3,
                "jumlah_pekerja_sosial_bersertifikat": 3,
            },
            (RECENT,),
            (),
            "overcrowded",
            15,
            {"jumlah_anak": 45, "kapasitas": 30},
            ["45 anak", "30 tempat", "150%"],
        ),
        (
            # No places at all: overcrowded, but no share of 0 places to print.
            {"jumlah_anak": 5, "kapasitas": 0},
            (RECENT,),
            (),
            "overcrowded",
            15,
            {"jumlah_anak": 5, "kapasitas": 0},
            ["5 anak untuk 0 tempat"],
        ),
        (
            {"jumlah_pekerja_sosial": 0, "jumlah_pekerja_sosial_bersertifikat": 0},
            (RECENT,),
            (),
            "no_social_worker",
            15,
            {"jumlah_pekerja_sosial": 0, "jumlah_anak": 20},
            ["20 anak"],
        ),
        (
            {"jumlah_pekerja_sosial": 1, "jumlah_pekerja_sosial_bersertifikat": 1},
            (RECENT,),
            (),
            "low_worker_ratio",
            10,
            {"jumlah_anak": 20, "jumlah_pekerja_sosial": 1},
            ["20.0 anak per pekerja sosial"],
        ),
        (
            {"jumlah_pekerja_sosial_bersertifikat": 0},
            (RECENT,),
            (),
            "uncertified_staff",
            5,
            {"jumlah_pekerja_sosial_bersertifikat": 0},
            ["2 dari 2"],
        ),
        (
            {},
            (),
            (),
            "inspection_overdue",
            10,
            {"kunjungan_terakhir": None},
            ["belum pernah diawasi"],
        ),
        (
            {},
            (_visit(D(2025, 10, 1)),),
            (),
            "inspection_overdue",
            10,
            {"kunjungan_terakhir": "2025-10-01", "hari": 423},
            ["2025-10-01", "423 hari"],
        ),
        (
            {},
            (_visit(D(2026, 6, 1), _finding("BERAT")),),
            (),
            "open_severe_finding",
            20,
            {"temuan": 7, "butir": "TPA-06"},
            ["#7", "TPA-06", "2026-06-01"],
        ),
        (
            {},
            (_visit(D(2026, 6, 1), _finding("RINGAN", due=D(2026, 7, 1))),),
            (),
            "overdue_action",
            5,
            {"batas_waktu": "2026-07-01"},
            ["#7", "2026-07-01"],
        ),
        (
            {},
            (RECENT,),
            (("KPAI/1", "V", "d"),),
            "complaint",
            20,
            {"no_pengaduan": "KPAI/1", "kategori": "d"},
            ["KPAI/1", "kategori d"],
        ),
        (
            {},
            (RECENT,),
            (("KPAI/2", "V", "j"),),
            "complaint",
            20,
            {"no_pengaduan": "KPAI/2", "kategori": "j"},
            ["KPAI/2"],
        ),
    ],
)
def test_risk_each_reason_traced_to_its_fact(
    changes: dict[str, Any],
    inspections: tuple[InspectionRecord, ...],
    complaints: tuple[tuple[str, str, str | None], ...],
    code: str,
    points: int,
    fact: dict[str, Any],
    words: list[str],
) -> None:
    facts = InstitutionFacts(
        replace(CLEAN, **changes), inspections=inspections, complaints=complaints
    )
    assessment = assess(facts, today=TODAY)
    assert [p.code for p in assessment.points] == [code]
    point = assessment.points[0]
    assert point.points == points == assessment.score
    assert fact.items() <= point.fact.items()
    assert assessment.reasons == [f"+{points} {point.text_id}"]
    for word in words:
        assert word in assessment.reasons[0]
    assert assessment.reasons_en[0].startswith(f"+{points} ")
    if fact.get("kapasitas") == 0:
        assert "%" not in assessment.reasons[0]  # no share of 0 places


@pytest.mark.parametrize(
    ("facts", "why"),
    [
        (
            InstitutionFacts(
                CLEAN, inspections=(_visit(D(2026, 6, 1), _finding("BERAT", status="selesai")),)
            ),
            "closed finding",
        ),
        (
            InstitutionFacts(
                CLEAN, inspections=(_visit(D(2026, 6, 1), _finding("SEDANG", due=D(2027, 1, 1))),)
            ),
            "not yet due",
        ),
        (
            InstitutionFacts(CLEAN, inspections=(RECENT,), complaints=(("KPAI/3", "I", None),)),
            "other category",
        ),
        (
            InstitutionFacts(
                replace(CLEAN, akreditasi="C", tanggal_akreditasi=D(2024, 11, 29)),
                inspections=(RECENT,),
            ),
            "last valid day",
        ),
        (
            InstitutionFacts(
                replace(CLEAN, jenis="UPTD_PPA", akreditasi="BELUM", tanggal_akreditasi=None)
            ),
            "government unit, no checklist",
        ),
    ],
)
def test_risk_no_point_without_its_fact(facts: InstitutionFacts, why: str) -> None:
    assert assess(facts, today=TODAY).points == (), why


def test_risk_policy_changes_weights_and_limits() -> None:
    facts = InstitutionFacts(
        replace(CLEAN, jumlah_pekerja_sosial_bersertifikat=1), inspections=(RECENT,)
    )
    policy = RiskPolicy(uncertified_staff=7, max_children_per_worker=5)
    assessment = assess(facts, today=TODAY, policy=policy)
    assert [(p.code, p.points) for p in assessment.points] == [
        ("low_worker_ratio", 10),
        ("uncertified_staff", 7),
    ]
    assert assessment.score == 17


def test_worklist_unlicensed_overcrowded_daycare_with_severe_finding_ranks_first(
    store: Store,
) -> None:
    register(store, "GOOD")
    register(
        store,
        "BAD",
        nama_lembaga="Daycare Ceria",
        status_izin="TIDAK_BERIZIN",
        akreditasi="BELUM",
        tanggal_akreditasi=None,
        kapasitas="20",
        jumlah_anak="35",
        jumlah_pekerja_sosial="3",
        jumlah_pekerja_sosial_bersertifikat="3",
        kode_wilayah="32.01.01.1002",
    )
    for uid, findings in (("GOOD", []), ("BAD", [{"butir": "TPA-08", "keparahan": "BERAT"}])):
        record_inspection(
            store,
            {
                "id_lembaga": uid,
                "checklist": "tpa-tara",
                "tanggal": "2026-10-01",
                "petugas": "rina",
                "temuan": findings,
            },
            today=TODAY,
        )
    ranked = worklist(store, today=TODAY)
    assert [a.id_lembaga for a in ranked] == ["BAD", "GOOD"]
    bad, good = ranked
    assert (bad.rank, good.rank, good.score) == (1, 2, 0)
    assert {p.code for p in bad.points} == {
        "unlicensed",
        "accreditation_missing",
        "overcrowded",
        "open_severe_finding",
    }
    assert bad.score == sum(p.points for p in bad.points) > good.score


def test_worklist_by_region_and_complaint_links(store: Store, tmp_path: Any) -> None:
    register(store, "BOGOR")
    register(store, "BANDUNG", kode_wilayah="32.04", status_izin="TIDAK_BERIZIN")
    assert [a.id_lembaga for a in worklist(store, region="3201", today=TODAY)] == ["BOGOR"]
    assert [a.id_lembaga for a in worklist(store, region="32", today=TODAY)] == ["BANDUNG", "BOGOR"]
    assert worklist(store, region="33", today=TODAY) == []
