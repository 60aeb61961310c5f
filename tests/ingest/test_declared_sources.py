"""A source declared by a definition file: added to a store, ingested like a built-in one
(accepted, quarantined, superseded, idempotent), and kept with the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from padan.errors import InputError, StoreError
from padan.ingest import add_source, declared_extracts, ingest_file
from padan.store import Store, open_store


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("id_orang,nama,tanggal_lahir,nik,kode_pos\n" + "\n".join(rows) + "\n")
    return path


def test_declared_source_ingests_like_a_builtin(store: Store, tmp_path: Path) -> None:
    added = add_source(store, "orang", name="sekolah")
    assert added.added and added.extract.source == "sekolah"
    assert not add_source(store, "orang", name="sekolah").added  # the same definition again
    first = _write(
        tmp_path / "a.csv",
        ["S1,Budi Santoso,2012-03-04,,1000", "S2,,2012-03-04,,", "S3,Siti Aminah,2012-02-30,,"],
    )
    summary = ingest_file(first, source="sekolah", store=store)
    assert (summary.read, summary.accepted, summary.quarantined) == (3, 2, 1)
    assert [k for k in summary.flags if k.startswith("tanggal_lahir:")]
    again = ingest_file(first, source="sekolah", store=store)
    assert again.already_ingested and store.count_records("sekolah") == 2
    second = _write(tmp_path / "b.csv", ["S1,Budi Santosa,2012-03-04,,1000"])
    assert ingest_file(second, source="sekolah", store=store).superseded == 1
    records = {r["id_orang"]: r for r in store.fetch_records("sekolah")}
    assert records["S1"]["nama_norm"] == "budi santosa"
    assert records["S3"]["tanggal_lahir"] is None and "tanggal_lahir:" in records["S3"]["flags"]
    events = store.record_events(source="sekolah")
    assert [e.event for e in events].count("changed") == 1
    assert all(f[1] is None and f[2] is None for e in events for f in e.fields)  # no values


def test_declared_source_is_known_when_the_store_is_opened_again(
    store_url: str, tmp_path: Path
) -> None:
    store = open_store(store_url)
    add_source(store, "orang", name="posyandu")
    ingest_file(
        _write(tmp_path / "a.csv", ["P1,Rina,2020-01-01,,"]), source="posyandu", store=store
    )
    store.engine.dispose()
    reopened = open_store(store_url)
    try:
        assert set(declared_extracts(reopened)) == {"posyandu"}
        assert reopened.count_records("posyandu") == 1
    finally:
        reopened.engine.dispose()


def test_declared_source_refusals_leave_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    add_source(store, "orang", name="posyandu")
    other = tmp_path / "other.toml"
    other.write_text(
        'name = "posyandu"\nid_column = "no"\ncolumns = [{ name = "no", kind = "id", '
        "required = true }]\n"
    )
    with pytest.raises(StoreError, match=r"already declared .* another definition"):
        add_source(store, other)
    with pytest.raises(InputError, match="built-in"):
        add_source(store, "orang", name="dtsen")
    with pytest.raises(InputError, match="no such file, nor a shipped definition"):
        add_source(store, tmp_path / "missing.toml")
    with pytest.raises(InputError, match=r"unknown source 'puskesmas'.*posyandu"):
        ingest_file(_write(tmp_path / "a.csv", ["P1,Rina,,,"]), source="puskesmas", store=store)
    assert set(declared_extracts(store)) == {"posyandu"}
    ingest_file(_write(tmp_path / "a.csv", ["P1,Rina,,,"]), source="posyandu", store=store)
    with pytest.raises(StoreError, match="holds 1 batches"):
        store.remove_source("posyandu")
    add_source(store, "orang", name="kader")
    store.remove_source("kader")
    assert set(declared_extracts(store)) == {"posyandu"}
