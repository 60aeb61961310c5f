from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from padan.errors import FileLevelError, InputError
from padan.ingest import ingest_file
from padan.store import Store, open_store
from support.extracts import KPAI_HEADER, KPAI_ROWS, WriteFile

TODAY = dt.date(2026, 11, 28)
FORMATS = ["csv", "csv-semicolon", "csv-bom", "cp1252", "xlsx", "parquet", "jsonl"]


def _rows() -> list[list[object]]:
    return [row for row, _ in KPAI_ROWS]


@pytest.mark.parametrize("fmt", FORMATS)
def test_pipeline_accounts_for_every_row_in_every_format(
    store: Store, write_extract: WriteFile, fmt: str
) -> None:
    path = write_extract(KPAI_HEADER, _rows(), fmt)
    summary = ingest_file(path, source="kpai", store=store, today=TODAY)
    expected = Counter(fate for _, fate in KPAI_ROWS)
    assert summary.read == len(KPAI_ROWS)
    assert summary.accepted == expected["accepted"] == store.count_records("kpai_kasus")
    assert summary.quarantined == len(KPAI_ROWS) - expected["accepted"]
    assert summary.quarantine_reasons == {k: v for k, v in expected.items() if k != "accepted"}
    entries = store.quarantine_entries()
    first_row = 1 if fmt in ("parquet", "jsonl") else 2  # files without a header row count from 1
    assert sorted(e.row_number for e in entries) == [
        i + first_row for i, (_, fate) in enumerate(KPAI_ROWS) if fate != "accepted"
    ]
    assert all(e.reason_id and e.reason_en and e.file_name == path.name for e in entries)


def test_pipeline_normalises_and_keeps_raw_values(store: Store, write_extract: WriteFile) -> None:
    ingest_file(write_extract(KPAI_HEADER, _rows()), source="kpai", store=store, today=TODAY)
    records = {r["no_pengaduan"]: r for r in store.fetch_records("kpai_kasus")}
    first = records["K/1"]
    assert first["tanggal_lahir"] == dt.date(2015, 1, 5)
    assert (first["nik_anak_status"], first["kode_wilayah"], first["wilayah_level"]) == (
        "valid",
        "32.01.01",
        "district",
    )
    assert first["nama_anak"] == "Siti Aminah" and first["nama_anak_norm"] == "siti aminah"
    second = records["K/2"]
    assert (second["jenis_kelamin"], second["usia"], second["tanggal_lahir"]) == ("L", 9, None)
    assert "tanggal_lahir:hanya_usia" in second["flags"]
    third = records["K/3"]  # invalid optional fields: kept as written, flagged
    assert third["nik_anak"] == "12345" and third["nik_anak_status"] == "invalid"
    assert third["tanggal_lahir"] is None and '"2014-02-30"' in third["raw"]
    assert set(third["flags"].split(";")) == {
        "tanggal_lahir:tanggal_tidak_ada",
        "kategori:kode_tidak_dikenal",
        "nik_anak:nik_format",
    }


def test_pipeline_same_content_is_recognised_and_not_stored_twice(
    store: Store, write_extract: WriteFile
) -> None:
    path = write_extract(KPAI_HEADER, _rows())
    first = ingest_file(path, source="kpai", store=store, today=TODAY)
    again = ingest_file(path, source="kpai", store=store, today=TODAY)
    assert again.already_ingested and again.batch_id == first.batch_id
    assert (again.read, again.accepted) == (first.read, first.accepted)
    assert len(store.list_batches()) == 1
    assert store.count_records("kpai_kasus", current_only=False) == first.accepted


def test_pipeline_newer_extract_supersedes_by_id_and_keeps_history(
    store: Store, write_extract: WriteFile
) -> None:
    ingest_file(
        write_extract(KPAI_HEADER, _rows(), name="jan"), source="kpai", store=store, today=TODAY
    )
    update = [
        ["K/2", "2025-04-01", "", "Budi Santoso", "L", "2016-02-01", "", "", "3201", "I", ""],
        ["K/9", "2025-04-02", "", "Ani", "P", "", "5", "", "3201", "I", ""],
    ]
    summary = ingest_file(
        write_extract(KPAI_HEADER, update, name="feb"), source="kpai", store=store, today=TODAY
    )
    assert summary.superseded == 1
    current = {r["no_pengaduan"]: r for r in store.fetch_records("kpai_kasus")}
    assert set(current) == {"K/1", "K/2", "K/3", "K/9"}
    assert current["K/2"]["tanggal_lahir"] == dt.date(2016, 2, 1)
    history = [
        r
        for r in store.fetch_records("kpai_kasus", current_only=False)
        if r["no_pengaduan"] == "K/2"
    ]
    assert len(history) == 2
    old = next(r for r in history if not r["is_current"])
    assert old["superseded_by"] == summary.batch_id and old["usia"] == 9


def _write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


HEADER_LINE = ",".join(KPAI_HEADER).encode()


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.csv", b"", "empty"),
        ("header_only.csv", HEADER_LINE + b"\n", "no data rows"),
        ("missing.csv", b"no_pengaduan,nama_anak\nK/1,Budi\n", "required column(s) missing"),
        ("binary.csv", b"\x00\x01\x02\x03" * 50 + b"\xff\xfe\x00", "binary content"),
        (
            "undecodable.csv",
            HEADER_LINE + b"\nK/1,\x81\x8d\x8f,x\n",
            "neither UTF-8 nor Windows-1252",
        ),
        ("array.json", b'[{"no_pengaduan": "K/1"}]', "JSON array"),
        ("broken.xlsx", b"PK\x03\x04garbage", "not a readable XLSX"),
        ("broken.parquet", b"PAR1garbage", "not a readable Parquet"),
        ("dupcol.csv", HEADER_LINE + b",nama_anak\nK/1\n", "appears twice"),
    ],
)
def test_pipeline_file_level_problem_stores_nothing(
    store: Store, tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = _write_bytes(tmp_path, name, data)
    with pytest.raises(FileLevelError) as caught:
        ingest_file(path, source="kpai", store=store, today=TODAY)
    assert problem in str(caught.value) and name in str(caught.value)
    assert store.list_batches() == [] and store.count_records("kpai_kasus", current_only=False) == 0


def test_pipeline_failure_midway_rolls_back_the_whole_batch(
    store: Store, write_extract: WriteFile
) -> None:
    rows = [
        [f"K/{i}", "2025-03-01", "", "Budi", "L", "", "9", "", "3201", "I", ""] for i in range(50)
    ]

    def explode(done: int, total: int) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        ingest_file(
            write_extract(KPAI_HEADER, rows),
            source="kpai",
            store=store,
            today=TODAY,
            progress=explode,
            chunk_rows=10,
        )
    assert store.list_batches() == [] and store.count_records("kpai_kasus", current_only=False) == 0


def test_pipeline_mapping_file_maps_other_headers(
    store: Store, write_extract: WriteFile, tmp_path: Path
) -> None:
    header = ["NO ADUAN", "Tgl Aduan", "Nama Lengkap", "JK", "Kode Wil", "Klaster", "Ignored"]
    path = write_extract(header, [["K/1", "2025-03-01", "Budi", "L", "3201", "V", "x"]])
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nno_pengaduan = "NO ADUAN"\ntanggal_pengaduan = "Tgl Aduan"\n'
        'nama_anak = "Nama Lengkap"\njenis_kelamin = "JK"\nkode_wilayah = "Kode Wil"\n'
    )
    summary = ingest_file(path, source="kpai", store=store, mapping=mapping, today=TODAY)
    assert (summary.read, summary.accepted) == (1, 1)
    assert store.fetch_records("kpai_kasus")[0]["nama_anak"] == "Budi"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[columns]\nnama = "X"\n', "'nama' is not a column of kpai_kasus"),
        ("[columns\n", "not valid TOML"),
        ("[columns]\nnama_anak = 3\n", "must map to a header name"),
    ],
)
def test_pipeline_bad_mapping_file_is_a_clear_input_error(
    store: Store, write_extract: WriteFile, tmp_path: Path, text: str, message: str
) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(text)
    with pytest.raises(InputError, match=message):
        ingest_file(
            write_extract(KPAI_HEADER, _rows()),
            source="kpai",
            store=store,
            mapping=mapping,
            today=TODAY,
        )
    assert store.list_batches() == []


def test_pipeline_xlsx_numeric_nik_and_date_cells(store: Store, write_extract: WriteFile) -> None:
    rows: list[list[object]] = [
        [
            "K/1",
            dt.datetime(2025, 3, 1),
            3201014501150001,
            "Siti",
            "P",
            42009,
            "",
            "",
            3201,
            "V",
            "b",
        ],
    ]
    path = write_extract(KPAI_HEADER, rows, "xlsx")
    summary = ingest_file(path, source="kpai", store=store, today=TODAY)
    assert summary.accepted == 1, summary
    record = store.fetch_records("kpai_kasus")[0]
    assert record["nik_anak"] == "3201014501150001" and record["nik_anak_status"] == "valid"
    assert record["tanggal_lahir"] == dt.date(2015, 1, 5) and record["kode_wilayah"] == "32.01"
    assert record["flags"] == ""


def test_pipeline_unknown_source_is_an_input_error(store: Store, write_extract: WriteFile) -> None:
    with pytest.raises(InputError, match="unknown source 'bpjs'"):
        ingest_file(write_extract(KPAI_HEADER, _rows()), source="bpjs", store=store, today=TODAY)


def test_pipeline_worker_processes_give_the_same_result_as_inline(
    tmp_path: Path, write_extract: WriteFile
) -> None:
    rows = [row for row, _ in KPAI_ROWS] * 3  # repeated ids land in later chunks: duplicates
    path = write_extract(KPAI_HEADER, rows)
    results = []
    for workers in (0, 2):
        store = open_store(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        summary = ingest_file(
            path, source="kpai", store=store, today=TODAY, workers=workers, chunk_rows=4
        )
        records = [
            {k: v for k, v in r.items() if k != "id"} for r in store.fetch_records("kpai_kasus")
        ]
        entries = [(e.row_number, e.column, e.reason) for e in store.quarantine_entries()]
        results.append(
            (
                summary.read,
                summary.accepted,
                summary.quarantine_reasons,
                summary.flags,
                records,
                entries,
            )
        )
    assert results[0] == results[1]
    assert results[0][0] == len(rows) and results[0][1] == sum(
        f == "accepted" for _, f in KPAI_ROWS
    )


def test_pipeline_xlsx_sheet_named_in_mapping(store: Store, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi data di sheet Data"])
    data = book.create_sheet("Data")
    data.append(KPAI_HEADER)
    data.append(KPAI_ROWS[0][0])
    path = tmp_path / "kpai.xlsx"
    book.save(path)
    mapping = tmp_path / "map.toml"
    mapping.write_text('sheet = "Data"\n')
    summary = ingest_file(path, source="kpai", store=store, mapping=mapping, today=TODAY)
    assert (summary.read, summary.accepted) == (1, 1)
    mapping.write_text('sheet = "Tidak Ada"\n')
    with pytest.raises(FileLevelError, match="no sheet named 'Tidak Ada'"):
        ingest_file(path, source="kpai", store=store, mapping=mapping, today=TODAY)


def test_pipeline_jsonl_unreadable_line_is_quarantined_not_lost(
    store: Store, tmp_path: Path
) -> None:
    import json

    good = dict(zip(KPAI_HEADER, KPAI_ROWS[0][0], strict=True))
    lines = [
        json.dumps(good),
        '{"no_pengaduan": "K/2", broken',
        "[1, 2]",
        "",
        json.dumps({**good, "no_pengaduan": "K/3"}),
    ]
    path = tmp_path / "kpai.jsonl"
    path.write_text("\n".join(lines) + "\n")
    summary = ingest_file(path, source="kpai", store=store, today=TODAY)
    assert (summary.read, summary.accepted, summary.quarantined) == (4, 2, 2)
    assert [(e.row_number, e.reason) for e in store.quarantine_entries()] == [
        (2, "baris_tidak_terbaca"),
        (3, "baris_tidak_terbaca"),
    ]
