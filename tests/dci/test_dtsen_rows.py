"""A DCI ``reg_record`` as a DTSEN row: each field where the format wants it, nothing made
up, and a DTSEN extract published as records comes back through the ingest unchanged."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from padan.dci.dtsen_rows import dtsen_row, write_rows
from padan.ingest import ingest_file
from padan.store import open_store
from padan.synth import generate

_FLAGS = {
    "penerima_pkh": "PKH",
    "penerima_sembako": "Sembako",
    "penerima_pbi_jk": "PBI-JK",
    "penerima_pip": "PIP",
    "penerima_atensi": "ATENSI",
}


def _published(row: dict[str, str]) -> dict[str, Any]:
    """A DTSEN row as a DTSEN service would publish it: an ``SRPerson``."""
    attributes: list[dict[str, Any]] = [
        {k: row[k]}
        for k in ("hubungan_keluarga", "nama_ibu_kandung", "alamat", "desil", "status_sekolah")
        if row[k]
    ]
    if row["ragam_disabilitas"]:
        attributes.append({"name": "ragam_disabilitas", "value": row["ragam_disabilitas"]})
    attributes.append({"programs": [p for c, p in _FLAGS.items() if row[c] == "1"]})
    return {
        "@type": "SRPerson",
        "identifier": {
            "identifier_type": "DTSEN_ID_INDIVIDU",
            "identifier_value": row["id_individu"],
        },
        "additional_identifiers": [
            {"identifier_type": "UIN", "identifier_value": row["nik"]},
            {"identifier_type": "KK", "identifier_value": row["no_kk"]},
            {"identifier_type": "DTSEN_ID_KELUARGA", "identifier_value": row["id_keluarga"]},
        ],
        "name": {"@type": "Name", "given_name": row["nama"]},
        "sex": {"L": "male", "P": "female"}[row["jenis_kelamin"]],
        "birth_date": row["tanggal_lahir"],
        "birth_place": row["tempat_lahir"],
        "address": {"@type": "Address", "region_code": row["kode_wilayah"]},
        "additional_attributes": attributes,
    }


def test_dtsen_rows_a_published_extract_is_ingested_as_the_file_itself(tmp_path: Path) -> None:
    data = generate(tmp_path / "data", households=40, seed=7)
    with data.files["dtsen"].open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    converted = [dtsen_row(_published(r)) for r in reversed(rows)]
    assert [{k: c[k] for k in rows[0]} for c in converted] == list(reversed(rows))
    assert {c["status_padan_dukcapil"] for c in converted} == {""}  # the file has no such column
    path = tmp_path / "answer.jsonl"
    assert write_rows(converted + converted[:3], path) == len(rows)  # the same person once
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    from_answer = ingest_file(path, source="dtsen", store=store)
    other = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    from_file = ingest_file(data.files["dtsen"], source="dtsen", store=other)
    assert (from_answer.read, from_answer.accepted) == (len(rows), from_file.accepted)
    assert from_answer.quarantine_reasons == from_file.quarantine_reasons
    write_rows(list(reversed(converted)), path)  # the same answers, in another order
    assert ingest_file(path, source="dtsen", store=store).already_ingested
    store.engine.dispose()
    other.engine.dispose()


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"sex": "FEMALE"}, {"jenis_kelamin": "P"}),
        ({"sex": "unknown"}, {"jenis_kelamin": ""}),
        ({"name": "Siti Aminah"}, {"nama": "Siti Aminah"}),
        ({"name": {"given_name": "Siti", "surname": "Aminah"}}, {"nama": "Siti Aminah"}),
        (
            {"identifier": {"identifier_type": "PADAN_CHILD_ID", "identifier_value": "C-1"}},
            {"id_individu": "C-1", "id_keluarga": ""},
        ),
        (
            {"additional_identifiers": [{"identifier_type": "kk", "identifier_value": "32"}]},
            {"no_kk": "32", "id_keluarga": "32"},  # the family card names the family
        ),
        (
            {"additional_identifiers": [{"identifier_type": "NIN", "identifier_value": "3201"}]},
            {"nik": "3201"},
        ),
        (
            {"additional_attributes": [{"programs": ["pkh", "PIP"]}]},
            {"penerima_pkh": "1", "penerima_pip": "1", "penerima_atensi": "0"},
        ),
        ({"additional_attributes": [{"desil": 3}]}, {"desil": 3, "penerima_pkh": ""}),
        ({"additional_attributes": [{"in_dtsen": True, "desil": True}]}, {"desil": ""}),
        ({"birth_date": "2015-02-03T00:00:00Z"}, {"tanggal_lahir": "2015-02-03"}),
        ({"address": "Jl. Merdeka"}, {"kode_wilayah": "", "alamat": ""}),
    ],
    ids=[
        "sex-word",
        "sex-unknown",
        "name-text",
        "name-parts",
        "other-main-id",
        "kk-family",
        "nin-is-nik",
        "programs",
        "no-programs-said",
        "not-a-value",
        "date-time",
        "address-text",
    ],
)
def test_dtsen_rows_each_field_from_its_place(
    record: dict[str, Any], expected: dict[str, Any]
) -> None:
    row = dtsen_row(record)
    assert set(row) >= set(expected)
    assert {k: row[k] for k in expected} == expected
