from __future__ import annotations

import pytest

from padan.errors import InputError
from padan.institutions import dedup_institutions, record_inspection, region_indicators
from padan.store import Store
from support.institutions import TODAY, register


def _world(store: Store) -> None:
    # Bogor (32.01): a good daycare inspected recently, an unlicensed LKSA with expired
    # accreditation and a severe finding, and a safe house. Bandung (32.04): one daycare.
    register(store, "A")
    register(
        store,
        "B",
        nama_lembaga="LKSA Harapan",
        jenis="LKSA",
        kode_wilayah="32.01.02.2001",
        alamat="Jl. Sosial 9",
        status_izin="TIDAK_BERIZIN",
        akreditasi="C",
        tanggal_akreditasi="2020-01-01",
        kapasitas="50",
        jumlah_anak="60",
        jumlah_pekerja_sosial="2",
        jumlah_pekerja_sosial_bersertifikat="0",
    )
    register(
        store,
        "S",
        nama_lembaga="Rumah Aman Bogor 1",
        jenis="RUMAH_AMAN",
        alamat=None,
        akreditasi="BELUM",
        tanggal_akreditasi=None,
        kapasitas="10",
        jumlah_anak="4",
        jumlah_pekerja_sosial="0",
        jumlah_pekerja_sosial_bersertifikat="0",
    )
    register(store, "D", kode_wilayah="32.04", status_izin="DALAM_PROSES", jumlah_anak="10")
    record_inspection(
        store,
        {"id_lembaga": "A", "checklist": "tpa-tara", "tanggal": "2026-09-01", "petugas": "rina"},
        today=TODAY,
    )
    record_inspection(
        store,
        {
            "id_lembaga": "B",
            "checklist": "lksa-snp",
            "tanggal": "2026-09-01",
            "petugas": "rina",
            "temuan": [{"butir": "LKSA-07"}, {"butir": "LKSA-08"}],
        },
        today=TODAY,
    )


def test_indicators_per_regency(store: Store) -> None:
    _world(store)
    bogor, bandung = region_indicators(store, today=TODAY)
    assert (bogor.kode_wilayah, bandung.kode_wilayah) == ("32.01", "32.04")
    assert (bogor.institutions, bogor.licensed, bogor.accreditable, bogor.accredited) == (
        3,
        2,
        3,
        1,
    )
    assert bogor.share_licensed == pytest.approx(2 / 3)
    assert bogor.share_accredited == pytest.approx(1 / 3)
    assert (bogor.safe_houses, bogor.safe_houses_licensed) == (1, 1)
    assert (bogor.children, bogor.social_workers, bogor.social_workers_certified) == (84, 4, 2)
    assert bogor.children_per_social_worker == pytest.approx(21.0)
    # The safe house has no checklist, so no inspection is due; A and B were visited.
    assert (bogor.inspections_overdue, bogor.open_severe_findings) == (0, 1)
    assert (bandung.institutions, bandung.licensed, bandung.inspections_overdue) == (1, 0, 1)
    province = region_indicators(store, level="province", today=TODAY)
    assert [(p.kode_wilayah, p.institutions, p.open_severe_findings) for p in province] == [
        ("32", 4, 1)
    ]
    only = region_indicators(store, region="32.04", today=TODAY)
    assert [r.kode_wilayah for r in only] == ["32.04"]


def test_indicators_count_a_duplicate_once(store: Store) -> None:
    register(store, "A")
    register(store, "A2", nama_lembaga="Daycare Pelita", alamat="Jalan Merdeka 1")
    assert region_indicators(store, today=TODAY)[0].institutions == 2
    dedup_institutions(store)
    assert region_indicators(store, today=TODAY)[0].institutions == 1


def test_indicators_bad_level_or_region(store: Store) -> None:
    with pytest.raises(InputError, match="level 'desa' is not one of province, regency"):
        region_indicators(store, level="desa")
    with pytest.raises(InputError, match=r"region '77\.77' is not a Kemendagri region code"):
        region_indicators(store, region="77.77")
