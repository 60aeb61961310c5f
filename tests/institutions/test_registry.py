"""The registry: extract take-over with history, form edits, bad input leaves the store as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from padan.errors import InputError
from padan.ingest import ingest_file
from padan.institutions import (
    create_institution,
    get_institution,
    institution_history,
    link_complaint,
    list_institutions,
    sync_from_extract,
    update_institution,
)
from padan.store import InstitutionStore, Store
from support.extracts import KPAI_HEADER, KPAI_ROWS, writer_for
from support.institutions import TODAY, register, write_lembaga

ROW = {
    "id_lembaga": "LMB1",
    "nama_lembaga": "Panti Asuhan Pelita",
    "jenis": "LKSA",
    "kode_wilayah": "3201011001",
    "alamat": "Jl. Raya 1",
    "status_izin": "BERIZIN",
    "akreditasi": "B",
    "tanggal_akreditasi": "2024-01-10",
    "kapasitas": "40",
    "jumlah_anak": "30",
    "jumlah_pekerja_sosial": "3",
    "jumlah_pekerja_sosial_bersertifikat": "1",
}


def _snapshot(store: Store) -> tuple[Any, ...]:
    registry = InstitutionStore(store)
    records = registry.institutions()
    return (
        records,
        [registry.history(r.id_lembaga) for r in records],
        registry.inspections(),
        registry.complaint_links(),
    )


def test_registry_sync_takes_over_extract_once_then_only_changes(
    store: Store, tmp_path: Path
) -> None:
    first = write_lembaga(tmp_path / "a.csv", [ROW, {**ROW, "id_lembaga": "LMB2", "jenis": "TPA"}])
    first_batch = ingest_file(first, source="lembaga", store=store, today=TODAY).batch_id
    taken = sync_from_extract(store)
    assert (taken.new, taken.changed, taken.unchanged) == (2, 0, 0)
    record = get_institution(store, "LMB1")
    assert (record.kode_wilayah, record.tanggal_akreditasi, record.kapasitas) == (
        "32.01.01.1001",
        dt.date(2024, 1, 10),
        40,
    )
    assert record.origin == "extract" and record.version == 1
    again = sync_from_extract(store)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)

    # A correction in a form, then a newer extract that changes another field.
    update_institution(
        store, "LMB1", {"jumlah_anak": "28"}, by="rina", reason="kunjungan", today=TODAY
    )
    second = write_lembaga(tmp_path / "b.csv", [{**ROW, "status_izin": "TIDAK_BERIZIN"}])
    batch = ingest_file(second, source="lembaga", store=store, today=TODAY).batch_id
    result = sync_from_extract(store)
    assert (result.new, result.changed) == (0, 1)
    record = get_institution(store, "LMB1")
    assert (record.status_izin, record.jumlah_anak, record.version) == ("TIDAK_BERIZIN", 28, 3)
    history = institution_history(store, "LMB1")
    assert [(h.version, h.source, h.changed_by) for h in history] == [
        (1, f"extract:{first_batch}", "padan"),
        (2, "form", "rina"),
        (3, f"extract:{batch}", "padan"),
    ]
    assert history[0].changes["nama_lembaga"] == [None, "Panti Asuhan Pelita"]
    assert history[1].changes == {"jumlah_anak": [30, 28]} and history[1].reason == "kunjungan"
    assert history[2].changes == {"status_izin": ["BERIZIN", "TIDAK_BERIZIN"]}


def test_registry_create_and_edit_from_forms_keep_history(store: Store) -> None:
    created = create_institution(
        store,
        {"nama_lembaga": "Rumah Aman 1", "jenis": "RUMAH_AMAN", "kode_wilayah": "32.01"},
        by="dinsos",
        today=TODAY,
    )
    assert created.id_lembaga == "PDN-L000001" and created.origin == "form"
    second = register(store, "X")
    assert (
        create_institution(
            store, {"nama_lembaga": "B", "jenis": "TPA", "kode_wilayah": "32"}, by="a", today=TODAY
        ).id_lembaga
        == "PDN-L000002"
    )
    edited = update_institution(
        store,
        "X",
        {"akreditasi": "C", "tanggal_akreditasi": "2025-01-01"},
        by="b",
        expected_version=1,
        today=TODAY,
    )
    assert (edited.akreditasi, edited.version) == ("C", 2)
    assert update_institution(store, "X", {"akreditasi": "C"}, by="b", today=TODAY).version == 2
    assert institution_history(store, "X")[-1].changes == {
        "akreditasi": ["A", "C"],
        "tanggal_akreditasi": ["2024-01-10", "2025-01-01"],
    }
    assert [r.id_lembaga for r in list_institutions(store, jenis=["TPA"])] == ["PDN-L000002", "X"]
    assert second.version == 1


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda s: register(s, "X"), "already exists"),
        (lambda s: register(s, "Y", jenis="PANTI"), "jenis: 'PANTI' is not one of"),
        (
            lambda s: create_institution(
                s, {"nama_lembaga": "A", "jenis": "TPA", "kode_wilayah": "32"}, by=" "
            ),
            "who makes it",
        ),
        (
            lambda s: update_institution(s, "NOPE", {"kapasitas": "3"}, by="a"),
            "no institution 'NOPE'",
        ),
        (
            lambda s: update_institution(s, "X", {"kapasitas": "banyak"}, by="a"),
            "'banyak' is not a whole number",
        ),
        (
            lambda s: update_institution(s, "X", {"kapasitas": "3"}, by="a", expected_version=5),
            "at version 1, the form showed 5",
        ),
        (
            lambda s: update_institution(s, "X", {"jumlah_pekerja_sosial": "1"}, by="a"),
            "is more than jumlah_pekerja_sosial (1)",
        ),
        (
            lambda s: update_institution(s, "X", {"tanggal_akreditasi": "31-02-2024"}, by="a"),
            "is not a usable date",
        ),
        (
            lambda s: link_complaint(s, "X", "KPAI/NOPE", by="a"),
            "no current KPAI complaint 'KPAI/NOPE'",
        ),
        (lambda s: link_complaint(s, "NOPE", "K/1", by="a"), "no institution 'NOPE'"),
    ],
)
def test_registry_bad_input_is_refused_and_store_untouched(
    store: Store, action: Any, message: str
) -> None:
    register(store, "X")
    before = _snapshot(store)
    with pytest.raises(InputError) as caught:
        action(store)
    assert message in str(caught.value)
    assert _snapshot(store) == before


def test_registry_complaint_link_is_idempotent(store: Store, tmp_path: Path) -> None:
    register(store, "X")
    kpai = writer_for(tmp_path)(KPAI_HEADER, [row for row, _ in KPAI_ROWS])
    ingest_file(kpai, source="kpai", store=store, today=TODAY)
    assert link_complaint(store, "X", "K/1", by="rina") is True
    assert link_complaint(store, "X", "K/1", by="rina") is False
    assert [(c.id_lembaga, c.no_pengaduan) for c in InstitutionStore(store).complaint_links()] == [
        ("X", "K/1")
    ]
