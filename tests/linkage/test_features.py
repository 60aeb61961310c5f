"""Features learned from the data: placeholder birth dates per source; the village a record
moved from."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from padan.ingest import ingest_file
from padan.linkage.derived import _over_represented
from padan.linkage.features import load_features
from padan.store import Store
from support.snapshots import write_dtsen


@pytest.mark.parametrize(
    ("count", "expected", "flagged"),
    [
        (8, 1.43, False),  # a small source: eight on one day is chance among 366 days
        (20, 1.43, True),  # ... twenty is not
        (2_990, 1_000, False),  # under three times the fair share, however many
        (3_000, 1_000, True),  # a large source: three times and far beyond chance
        (1_200, 1_000, False),  # seasonal swings stay well inside
        (160, 50.1, True),  # the normal approximation and the exact sum agree near 50
        (160, 49.9, True),
        (0, 0.0, False),  # an empty source flags nothing
    ],
)
def test_features_placeholder_days_are_those_far_beyond_chance(
    count: int, expected: float, flagged: bool
) -> None:
    assert _over_represented(count, expected) is flagged


def test_features_desa_before_is_the_village_a_record_moved_from(
    store: Store, tmp_path: Path
) -> None:
    first = write_dtsen(tmp_path, "q1", ["H1", "H2", "H3"])
    moved = tmp_path / "q2.csv"
    moved.write_text(first.read_text().replace("32.01.01.1001", "32.01.02.2003"))
    back = tmp_path / "q3.csv"
    back.write_text(first.read_text().replace("32.02.01.1001", "32.02.01.2002"))
    before: list[dict[str, str | None]] = []
    for path in (first, moved, back):
        ingest_file(path, source="dtsen", store=store)
        con = duckdb.connect()
        load_features(store, con)
        rows = con.execute("SELECT source_id, desa_before FROM features").fetchall()
        before.append(dict(rows))
    assert before[0] == dict.fromkeys(["D1", "D2", "D3", "D4", "D5", "D6"])
    # H1 moved: its people keep the village they left; the others did not move.
    assert before[1] == {"D1": "32.01.01.1001", "D2": "32.01.01.1001"} | dict.fromkeys(
        ["D3", "D4", "D5", "D6"]
    )
    # H1 moved back (the village it left last counts), and H3 moved.
    assert before[2]["D1"] == before[2]["D2"] == "32.01.02.2003"
    assert before[2]["D5"] == "32.02.01.1001" and before[2]["D3"] is None
    # An incremental run reads the moves of the records it builds only.
    every = store.earlier_regions("dtsen")
    assert store.earlier_regions("dtsen", ["D1", "D3"]) == [r for r in every if r[0] == "D1"]
    assert len(every) == 6 and store.earlier_regions("dtsen", []) == []


def test_features_place_is_the_village_each_address_names(store: Store, tmp_path: Path) -> None:
    dtsen = tmp_path / "dtsen.csv"
    dtsen.write_text(
        "id_individu,id_keluarga,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,"
        "alamat,kode_wilayah\n"
        'D1,H1,Asep Sunarya,L,1980-01-01,KEPALA KELUARGA,"RT 002/RW 005, Sukamaju",32.01.01.1001\n'
        "D2,H1,Lilis,P,2012-05-05,ANAK,,32.01.01.1001\n"
    )
    kpai = tmp_path / "kpai.csv"
    kpai.write_text(
        "no_pengaduan,tanggal_pengaduan,nama_anak,jenis_kelamin,usia,alamat,kode_wilayah,klaster\n"
        "K1,2024-03-01,Lilis,P,11,Desa Sukamaju,32.01,II\n"
        'K2,2024-03-02,Euis,P,13,"Jl. Melati No. 3, Kec. Cibeber",32.01,II\n'
    )
    ingest_file(dtsen, source="dtsen", store=store)
    ingest_file(kpai, source="kpai", store=store)
    con = duckdb.connect()
    load_features(store, con)
    places = dict(con.execute("SELECT source_id, place FROM features").fetchall())
    assert places == {"D1": "sukamaju", "D2": None, "K1": "sukamaju", "K2": None}
