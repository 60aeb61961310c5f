"""Inspections from files and mappings; findings, corrective actions and follow-up; bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from padan.errors import InputError
from padan.institutions import follow_up, list_inspections, read_inspection_file, record_inspection
from padan.store import InstitutionStore, Store
from support.institutions import TODAY, register

TOML = """
id_lembaga = "X"
checklist = "tpa-tara"
tanggal = "2026-10-01"
petugas = "Rina"
catatan = "Kunjungan rutin"

[[temuan]]
butir = "TPA-06"
catatan = "Belum ada kebijakan tertulis"
tindakan = "Susun kebijakan keselamatan anak"
batas_waktu = "2026-12-31"

[[temuan]]
butir = "tpa-13"
keparahan = "sedang"
"""


def test_inspection_from_toml_file_with_findings_and_defaults(store: Store, tmp_path: Path) -> None:
    register(store, "X")
    path = tmp_path / "visit.toml"
    path.write_text(TOML, encoding="utf-8")
    result = record_inspection(store, read_inspection_file(path), today=TODAY)
    assert result.created
    visit = result.inspection
    assert (visit.id_lembaga, visit.visited_on, visit.inspector, visit.checklist_id) == (
        "X",
        dt.date(2026, 10, 1),
        "Rina",
        "tpa-tara",
    )
    first, second = visit.findings
    # BERAT is TPA-06's default severity in the checklist.
    assert (first.item_code, first.severity, first.due_on, first.status) == (
        "TPA-06",
        "BERAT",
        dt.date(2026, 12, 31),
        "terbuka",
    )
    assert (second.item_code, second.severity, second.action, second.due_on) == (
        "TPA-13",
        "SEDANG",
        None,
        None,
    )
    # The same file again is the same inspection.
    again = record_inspection(store, read_inspection_file(path), today=TODAY)
    assert (again.created, again.inspection.id) == (False, visit.id)
    assert len(list_inspections(store)) == 1


def test_inspection_from_json_file(store: Store, tmp_path: Path) -> None:
    register(store, "X")
    path = tmp_path / "visit.json"
    path.write_text(
        json.dumps(
            {
                "id_lembaga": "X",
                "checklist": "tpa-tara",
                "tanggal": "01/10/2026",
                "petugas": "Rina",
                "temuan": [],
            }
        ),
        encoding="utf-8",
    )
    visit = record_inspection(store, read_inspection_file(path), today=TODAY).inspection
    assert (visit.visited_on, visit.findings) == (dt.date(2026, 10, 1), [])
    assert list_inspections(store, "X")[0].id == visit.id


def test_follow_up_moves_a_finding_to_done(store: Store) -> None:
    register(store, "X")
    visit = record_inspection(
        store,
        {
            "id_lembaga": "X",
            "checklist": "tpa-tara",
            "tanggal": "2026-10-01",
            "petugas": "Rina",
            "temuan": [{"butir": "TPA-06"}],
        },
        today=TODAY,
    ).inspection
    finding = visit.findings[0]
    follow_up(store, finding.id, "proses", by="Rina", on=dt.date(2026, 10, 15), note="draf ada")
    done = follow_up(store, finding.id, "SELESAI", by="Rina", on=dt.date(2026, 11, 1))
    assert (done.status, done.closed_on) == ("selesai", dt.date(2026, 11, 1))
    assert [(e["status"], e["on"]) for e in done.follow_up] == [
        ("proses", "2026-10-15"),
        ("selesai", "2026-11-01"),
    ]
    with pytest.raises(InputError, match="status 'beres' is not one of terbuka, proses, selesai"):
        follow_up(store, finding.id, "beres", by="Rina")
    with pytest.raises(InputError, match="no finding 999"):
        follow_up(store, 999, "selesai", by="Rina")
    with pytest.raises(InputError, match="in the future"):
        follow_up(
            store, finding.id, "selesai", by="Rina", on=dt.date.today() + dt.timedelta(days=3)
        )
    assert InstitutionStore(store).finding(finding.id) == done


GOOD: dict[str, Any] = {
    "id_lembaga": "X",
    "checklist": "tpa-tara",
    "tanggal": "2026-10-01",
    "petugas": "Rina",
    "temuan": [{"butir": "TPA-06", "batas_waktu": "2026-12-31"}],
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"temuan": [{"butir": "TPA-99"}]}, "temuan 1: checklist tpa-tara has no item 'TPA-99'"),
        ({"temuan": [{"butir": "LKSA-01"}]}, "has no item 'LKSA-01'"),
        (
            {"tanggal": "2026-02-30"},
            "tanggal '2026-02-30' is not a usable date (tanggal_tidak_ada)",
        ),
        ({"tanggal": "besok"}, "tanggal 'besok' is not a usable date (tanggal_format)"),
        ({"tanggal": "2027-01-01"}, "tanggal_masa_depan"),
        ({"tanggal": None}, "tanggal is required"),
        (
            {"temuan": [{"butir": "TPA-06", "batas_waktu": "2026-09-01"}]},
            "batas_waktu 2026-09-01 is before the visit (2026-10-01)",
        ),
        (
            {"temuan": [{"butir": "TPA-06", "batas_waktu": "31/31/2026"}]},
            "batas_waktu '31/31/2026' is not a usable date",
        ),
        (
            {"temuan": [{"butir": "TPA-06", "keparahan": "FATAL"}]},
            "keparahan 'FATAL' is not one of RINGAN, SEDANG, BERAT",
        ),
        ({"temuan": [{"butir": "TPA-06", "warna": "x"}]}, "temuan 1: unknown key(s) warna"),
        ({"temuan": "TPA-06"}, "temuan must be a list"),
        ({"petugas": " "}, "petugas (the inspector) is required"),
        ({"id_lembaga": "NOPE"}, "no institution 'NOPE'"),
        ({"checklist": "lksa-snp", "temuan": []}, "checklist lksa-snp is for LKSA, RPSA, X is TPA"),
        ({"checklist": "sni"}, "no checklist 'sni'"),
        ({"ruang": "A"}, "unknown key(s) ruang"),
    ],
)
def test_inspection_bad_input_is_refused_and_nothing_stored(
    store: Store, changes: dict[str, Any], message: str
) -> None:
    register(store, "X")
    with pytest.raises(InputError) as caught:
        record_inspection(store, {**GOOD, **changes}, today=TODAY)
    assert message in str(caught.value)
    assert InstitutionStore(store).inspections() == []


def test_inspection_unreadable_files(tmp_path: Path) -> None:
    bad_toml = tmp_path / "a.toml"
    bad_toml.write_text("tanggal = ", encoding="utf-8")
    bad_json = tmp_path / "a.json"
    bad_json.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read as an inspection file"):
        read_inspection_file(bad_toml)
    with pytest.raises(InputError, match="holds one object"):
        read_inspection_file(bad_json)
    with pytest.raises(InputError, match="cannot be read"):
        read_inspection_file(tmp_path / "missing.toml")
