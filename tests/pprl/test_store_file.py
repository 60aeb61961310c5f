"""Putting encoding files into a store: atomic, idempotent, one schema, no plaintext beside."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from padan.errors import InputError
from padan.ingest import ingest_file
from padan.pprl import encode_file, ingest_encodings, load_schema
from padan.store import Store, open_store
from support.encoded import Population, encode_with, encoded_population


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    return encoded_population(tmp_path_factory.mktemp("pprl-store") / "data", households=150)


def _counts(store: Store) -> tuple[int, dict[str, int]]:
    return len(store.list_batches()), store.encoded_counts()


def test_ingest_encodings_stores_every_record_and_the_same_file_again_is_recognised(
    population: Population, store: Store
) -> None:
    first = ingest_encodings(population.dtsen, source="dtsen", store=store)
    again = ingest_encodings(population.dtsen, source="dtsen", store=store)
    rows = pq.read_table(population.dtsen).num_rows
    assert (first.records, first.already_ingested, first.regency) == (rows, False, True)
    assert (again.batch_id, again.already_ingested) == (first.batch_id, True)
    assert _counts(store) == (1, {"dtsen": rows})
    assert store.encoded_schema() == population.schema.sha256
    stored = store.encoded_arrow()
    assert set(stored.column("regency").to_pylist()) - {None} <= {
        ".".join(code.split(".")[:2]) for code in stored.column("regency").to_pylist() if code
    }
    assert stored.column("f_name").type == pa.binary()


def test_ingest_encodings_new_file_of_the_same_records_supersedes_them(
    population: Population, store: Store
) -> None:
    ingest_encodings(population.kpai, source="kpai", store=store)
    kpai, _ = encode_with(population, population.schema, "fresh-noise", seed=2)
    done = ingest_encodings(kpai, source="kpai", store=store)
    rows = pq.read_table(kpai).num_rows
    assert (done.already_ingested, done.superseded) == (False, rows)
    assert _counts(store) == (2, {"kpai": rows})


def _other_schema(population: Population) -> Path:
    path = population.folder / "other.toml"
    path.write_text(
        (population.folder / "schema-regency.toml")
        .read_text()
        .replace("noise = 0.02", "noise = 0.03")
    )
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other schema", "encoded under schema"),
        ("other secret", "encoded with a different secret"),
        ("no secret check", "carries no secret check value"),
        ("plaintext csv", "not a Parquet file"),
        ("plain parquet", "not written by `padan encode`"),
        ("wrong source", "holds encodings of kpai, not dtsen"),
        ("missing", "not found"),
        ("lembaga", "--encoded is for kpai and dtsen"),
    ],
)
def test_ingest_encodings_refuses_bad_input_and_leaves_the_store_untouched(
    population: Population, store: Store, tmp_path: Path, case: str, message: str
) -> None:
    ingest_encodings(population.dtsen, source="dtsen", store=store)
    before = _counts(store)
    source, path = "kpai", population.kpai
    if case == "other schema":
        path, _ = encode_with(population, load_schema(_other_schema(population)), "other")
    elif case == "other secret":
        path = tmp_path / "other-secret.parquet"
        encode_file(
            population.kpai_csv,
            source="kpai",
            schema=population.schema,
            secret=b"another-secret-9876543210fedcba",
            output=path,
            seed=1,
        )
    elif case == "no secret check":  # a file encoded before Padan wrote the check value
        table = pq.read_table(population.kpai)
        meta = dict(table.schema.metadata)
        del meta[b"padan.pprl.secret_check"]
        path = tmp_path / "old.parquet"
        pq.write_table(table.replace_schema_metadata(meta), path)
    elif case == "plaintext csv":
        path = population.kpai_csv
    elif case == "plain parquet":
        path = tmp_path / "plain.parquet"
        pq.write_table(pa.table({"record_id": ["a"], "name": [b"x"]}), path)
    elif case == "wrong source":
        source = "dtsen"
    elif case == "missing":
        path = tmp_path / "nowhere.parquet"
    else:
        source = "lembaga"
    with pytest.raises(InputError, match=message):
        ingest_encodings(path, source=source, store=store)
    assert _counts(store) == before


def test_a_store_holds_encodings_or_plaintext_person_records_never_both(
    population: Population, tmp_path: Path
) -> None:
    encoded = open_store(f"sqlite:///{tmp_path / 'encoded.db'}")
    ingest_encodings(population.kpai, source="kpai", store=encoded)
    before = _counts(encoded)
    with pytest.raises(InputError, match="holds PPRL encodings"):
        ingest_file(population.dtsen_csv, source="dtsen", store=encoded)
    assert _counts(encoded) == before
    plain = open_store(f"sqlite:///{tmp_path / 'plain.db'}")
    ingest_file(population.kpai_csv, source="kpai", store=plain)
    with pytest.raises(InputError, match="holds plaintext kpai_kasus records"):
        ingest_encodings(population.dtsen, source="dtsen", store=plain)
    assert len(plain.list_batches()) == 1 and not plain.holds_encodings()
