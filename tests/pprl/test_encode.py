from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from padan.errors import FileLevelError, InputError
from padan.ingest import ingest_file
from padan.pprl import (
    Encoder,
    Plain,
    candidate_pairs,
    dice,
    encode_file,
    link_encodings,
    load_schema,
    read_encodings,
    score_candidates,
)
from padan.pprl.compare import score
from padan.store import open_store
from support.extracts import KPAI_HEADER, KPAI_ROWS, WriteFile, writer_for

SECRET = b"0123456789abcdef0123456789abcdef"
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def write_extract(tmp_path: Path) -> WriteFile:
    return writer_for(tmp_path)


def _plain(record_id: str, name: tuple[str, ...], nik: str | None = "3201014501150001") -> Plain:
    return Plain(
        record_id,
        name,
        ("rahayu",),
        dt.date(2015, 1, 5),
        (2015,),
        "P",
        "32.01.02",
        nik,
        None,
        name[0],
    )


def test_encode_file_encodes_what_ingest_accepts_and_counts_what_it_quarantines(
    write_extract: WriteFile, tmp_path: Path
) -> None:
    path = write_extract(KPAI_HEADER, [row for row, _ in KPAI_ROWS])
    out = tmp_path / "kpai.parquet"
    summary = encode_file(
        path, source="kpai", schema=load_schema(), secret=SECRET, output=out, today=TODAY
    )
    expected = [row[0] for row, fate in KPAI_ROWS if fate == "accepted"]
    reasons = sorted(fate for _, fate in KPAI_ROWS if fate != "accepted")
    assert (summary.read, summary.encoded, summary.quarantined) == (9, 3, 6)
    assert sorted(summary.reasons.elements()) == reasons
    assert read_encodings(out).ids == expected
    ingested = ingest_file(
        path, source="kpai", store=open_store(f"sqlite:///{tmp_path / 'p.db'}"), today=TODAY
    )
    assert (ingested.accepted, ingested.quarantined) == (summary.encoded, summary.quarantined)


def test_encode_file_output_holds_ids_filters_and_schema_hash_but_no_plaintext(
    write_extract: WriteFile, tmp_path: Path
) -> None:
    path = write_extract(KPAI_HEADER, [row for row, _ in KPAI_ROWS[:3]])
    out = tmp_path / "kpai.parquet"
    schema = load_schema()
    encode_file(path, source="kpai", schema=schema, secret=SECRET, output=out, today=TODAY)
    table = pq.read_table(out)
    assert table.column_names == [
        "record_id",
        "name",
        "mother",
        "birth_date",
        "region",
        "nik",
        "kk",
        "record",
        "blocks",
    ]
    assert table.schema.metadata[b"padan.pprl.schema_sha256"] == schema.sha256.encode()
    raw = out.read_bytes()
    for plaintext in (b"Siti", b"siti", b"Aminah", b"3201014501150001", b"Rahayu", b"rahayu"):
        assert plaintext not in raw
    name = table.column("name").to_pylist()
    assert len(name[0]) == 2 * 512 // 8  # balanced: the complement doubles the filter
    assert table.column("kk").to_pylist() == [None, None, None]  # KPAI has no KK column
    assert out.stat().st_mode & 0o777 == 0o600  # pseudonymised personal data: owner only


def test_encoder_same_person_scores_high_and_another_low_under_one_secret() -> None:
    encoder = Encoder(load_schema(), SECRET)
    a = encoder.encode(_plain("a", ("siti", "aminah")))
    b = encoder.encode(_plain("b", ("siti", "aminah")))
    c = encoder.encode(_plain("c", ("budi", "santoso"), nik="3201010101100002"))
    assert a.fields["name"] != b.fields["name"]  # noise: no two records share a filter
    same = dice(
        int.from_bytes(a.fields["name"] or b"", "big"),
        int.from_bytes(b.fields["name"] or b"", "big"),
    )
    other = dice(
        int.from_bytes(a.fields["name"] or b"", "big"),
        int.from_bytes(c.fields["name"] or b"", "big"),
    )
    assert same > 0.95 > 0.85 > other
    assert a.blocks == b.blocks and not set(a.blocks) & set(c.blocks) - set(a.blocks)


def test_encoder_another_secret_gives_unrelated_filters_and_block_keys() -> None:
    a = Encoder(load_schema(), SECRET, seed=1).encode(_plain("a", ("siti", "aminah")))
    b = Encoder(load_schema(), SECRET[::-1], seed=1).encode(_plain("a", ("siti", "aminah")))
    assert not set(a.blocks) & set(b.blocks)
    assert a.record is not None and b.record is not None
    assert dice(int.from_bytes(a.record, "big"), int.from_bytes(b.record, "big")) < 0.5


def test_encode_file_then_link_finds_the_same_child_in_both_extracts(
    write_extract: WriteFile, tmp_path: Path
) -> None:
    kpai = write_extract(KPAI_HEADER, [row for row, _ in KPAI_ROWS[:3]], name="kpai")
    dtsen_header = [
        "id_individu",
        "id_keluarga",
        "no_kk",
        "nik",
        "nama",
        "jenis_kelamin",
        "tanggal_lahir",
        "hubungan_keluarga",
        "nama_ibu_kandung",
        "kode_wilayah",
    ]
    rows = [
        [
            "D1",
            "F1",
            "3201010101200001",
            "3201014501150001",
            "Siti Aminah",
            "P",
            "2015-01-05",
            "ANAK",
            "Rahayu",
            "3201022010",
        ],
        [
            "D2",
            "F2",
            "3201010101200002",
            "3201010307140003",
            "Dewi Lestari",
            "P",
            "2014-07-03",
            "ANAK",
            "Sri",
            "3201022010",
        ],
    ]
    dtsen = write_extract(dtsen_header, rows, name="dtsen")
    schema = load_schema()
    for source, path in (("kpai", kpai), ("dtsen", dtsen)):
        encode_file(
            path,
            source=source,
            schema=schema,
            secret=SECRET,
            output=tmp_path / f"{source}.parquet",
            today=TODAY,
        )
    left, right = (
        read_encodings(tmp_path / "kpai.parquet"),
        read_encodings(tmp_path / "dtsen.parquet"),
    )
    assert (0, 0) in candidate_pairs(left, right)
    matches = link_encodings(left, right, threshold=0.75)
    assert [(m.left, m.right) for m in matches] == [("K/1", "D1")]
    for i, j, value in score_candidates(left, right):  # the fast loop scores as score() does
        assert value == pytest.approx(score(left, right, i, j, "fields"))


def test_link_encodings_refuses_files_of_different_schemas(
    write_extract: WriteFile, tmp_path: Path
) -> None:
    path = write_extract(KPAI_HEADER, [row for row, _ in KPAI_ROWS[:1]])
    other = tmp_path / "other.toml"
    other.write_text(load_schema_text().replace("length = 1024", "length = 2048"), encoding="utf-8")
    for name, schema in (("a", load_schema()), ("b", load_schema(other))):
        encode_file(
            path,
            source="kpai",
            schema=schema,
            secret=SECRET,
            output=tmp_path / f"{name}.parquet",
            today=TODAY,
        )
    with pytest.raises(InputError, match="different schema files"):
        link_encodings(
            read_encodings(tmp_path / "a.parquet"),
            read_encodings(tmp_path / "b.parquet"),
            threshold=0.7,
        )


def load_schema_text() -> str:
    from padan.pprl import default_schema_path

    return default_schema_path().read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("header", "source", "error", "match"),
    [
        (["no_pengaduan", "nama_anak"], "kpai", FileLevelError, "required column"),
        (KPAI_HEADER, "lembaga", InputError, "cannot be encoded"),
    ],
)
def test_encode_file_bad_input_raises_and_leaves_no_output(
    write_extract: WriteFile,
    tmp_path: Path,
    header: list[str],
    source: str,
    error: type[Exception],
    match: str,
) -> None:
    path = write_extract(header, [["K/1"] + [""] * (len(header) - 1)])
    out = tmp_path / "out.parquet"
    with pytest.raises(error, match=match):
        encode_file(
            path, source=source, schema=load_schema(), secret=SECRET, output=out, today=TODAY
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extract.csv"]


def test_encode_file_failure_midway_removes_the_partial_file(
    write_extract: WriteFile, tmp_path: Path
) -> None:
    path = write_extract(KPAI_HEADER, [row for row, _ in KPAI_ROWS[:3]])
    out = tmp_path / "kpai.parquet"

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        encode_file(
            path,
            source="kpai",
            schema=load_schema(),
            secret=SECRET,
            output=out,
            today=TODAY,
            progress=stop,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extract.csv"]


def test_encode_file_output_not_parquet_or_missing_folder_is_refused(
    write_extract: WriteFile, tmp_path: Path
) -> None:
    path = write_extract(KPAI_HEADER, [row for row, _ in KPAI_ROWS[:1]])
    for out, match in (
        (tmp_path / "k.csv", r"\*\.parquet"),
        (tmp_path / "no" / "k.parquet", "does not exist"),
    ):
        with pytest.raises(InputError, match=match):
            encode_file(
                path, source="kpai", schema=load_schema(), secret=SECRET, output=out, today=TODAY
            )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extract.csv"]


def test_read_encodings_refuses_a_parquet_file_not_written_by_encode(tmp_path: Path) -> None:
    import pyarrow as pa

    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"a": [1]}), path)
    with pytest.raises(InputError, match="not written by `padan encode`"):
        read_encodings(path)
    with pytest.raises(InputError, match="not found"):
        read_encodings(tmp_path / "none.parquet")


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "jsonl", "csv-semicolon"])
def test_encode_file_reads_every_format_ingest_reads(tmp_path: Path, fmt: str) -> None:
    path = writer_for(tmp_path)(KPAI_HEADER, [row for row, _ in KPAI_ROWS], fmt=fmt)
    out = tmp_path / "kpai.parquet"
    summary = encode_file(
        path, source="kpai", schema=load_schema(), secret=SECRET, output=out, today=TODAY
    )
    assert (summary.encoded, summary.quarantined) == (3, 6)


def test_encode_file_with_a_mapping_reads_other_headers(tmp_path: Path) -> None:
    header = ["NOMOR" if h == "no_pengaduan" else h for h in KPAI_HEADER]
    path = writer_for(tmp_path)(header, [row for row, _ in KPAI_ROWS[:3]])
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nno_pengaduan = "NOMOR"\n', encoding="utf-8")
    out = tmp_path / "kpai.parquet"
    summary = encode_file(
        path,
        source="kpai",
        schema=load_schema(),
        secret=SECRET,
        output=out,
        mapping=mapping,
        today=TODAY,
    )
    assert summary.encoded == 3 and read_encodings(out).ids == ["K/1", "K/2", "K/3"]


def test_encoder_salted_name_matches_only_within_the_same_birth_year(tmp_path: Path) -> None:
    path = tmp_path / "salted.toml"
    path.write_text(
        "version = 1\n[fields.name]\nlength = 512\nhashes = 20\nrecord_hashes = 4\nsalt = 'birth_year'\n",
        encoding="utf-8",
    )
    encoder = Encoder(load_schema(path), SECRET)

    def name_bits(year: int) -> int:
        plain = Plain("x", ("siti", "aminah"), (), None, (year,), "P", None, None, None, "siti")
        return int.from_bytes(encoder.encode(plain).fields["name"] or b"", "big")

    assert dice(name_bits(2015), name_bits(2015)) == 1.0  # no noise in this schema
    assert dice(name_bits(2015), name_bits(2016)) < 0.5  # as unrelated as two random filters
