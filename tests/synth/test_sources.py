"""The opt-in extra sources of the synthetic generator: Kemensos services and SIMFONI-PPA cases."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from padan.domain import values as v
from padan.domain.dates import parse_date
from padan.domain.identifiers import clean_identifier
from padan.domain.regions import check_region
from padan.domain.values import parse_sex
from padan.errors import InputError
from padan.synth import FILE_NAMES, SynthSummary, generate

REF = dt.date(2026, 6, 30)
OLD_FILES = ("dtsen", "kpai", "lembaga", "lembaga_truth")
# Per extract: required columns, coded columns with their code lists (annexes A and B).
KEMENSOS_REQUIRED = (
    "id_layanan",
    "tanggal_layanan",
    "komponen_atensi",
    "id_lembaga",
    "nama_anak",
    "jenis_kelamin",
    "kode_wilayah",
    "status_layanan",
)
KEMENSOS_CODES = {
    "komponen_atensi": v.KOMPONEN_ATENSI,
    "basis_layanan": v.BASIS_LAYANAN,
    "klaster_atensi": v.KLASTER_ATENSI,
    "jenis_ppks": v.JENIS_PPKS_ANAK,
    "jenis_lembaga": v.JENIS_LEMBAGA_LAYANAN,
    "ragam_disabilitas": v.RAGAM_DISABILITAS,
    "status_layanan": v.STATUS_LAYANAN,
}
SIMFONI_REQUIRED = (
    "id_korban",
    "no_kasus",
    "tanggal_lapor",
    "jenis_kekerasan",
    "nama_korban",
    "jenis_kelamin",
    "kode_wilayah",
    "id_unit_layanan",
    "status_penanganan",
)
SIMFONI_CODES = {
    "tempat_kejadian": v.TEMPAT_KEJADIAN,
    "hubungan_pelaku": v.HUBUNGAN_PELAKU,
    "ragam_disabilitas": v.RAGAM_DISABILITAS,
    "status_penanganan": v.STATUS_SIMFONI,
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(text: str) -> dt.date:
    value = parse_date(text, today=REF).value
    assert value is not None, text
    return value


@dataclass
class World:
    summary: SynthSummary
    kemensos: list[dict[str, str]]
    simfoni: list[dict[str, str]]
    kpai: list[dict[str, str]]
    truth: list[dict[str, str]]

    def persons(self, source: str) -> set[str]:
        return {t["person_id"] for t in self.truth if t["source"] == source}

    def person(self, source: str, source_id: str) -> str:
        return next(
            t["person_id"]
            for t in self.truth
            if t["source"] == source and t["source_id"] == source_id
        )


@pytest.fixture(scope="module", params=["standard", "intake"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    summary = generate(
        tmp_path_factory.mktemp("sources"),
        households=6000,
        seed=21,
        profile=request.param,
        sources=["kemensos", "simfoni"],
    )
    return World(
        summary,
        _rows(summary.files["kemensos"]),
        _rows(summary.files["simfoni"]),
        _rows(summary.files["kpai"]),
        _rows(summary.files["truth"]),
    )


def test_sources_reproducible_and_leave_the_other_files_unchanged(tmp_path: Path) -> None:
    plain = generate(tmp_path / "plain", households=300, seed=7)
    first = generate(tmp_path / "a", households=300, seed=7, sources=["all"])
    second = generate(tmp_path / "b", households=300, seed=7, sources=["simfoni", "kemensos"])
    other = generate(tmp_path / "c", households=300, seed=8, sources=["all"])
    assert set(first.files) == set(FILE_NAMES) | {"kemensos", "simfoni"}
    for key in first.files:
        assert first.files[key].read_bytes() == second.files[key].read_bytes(), key
    for key in ("kemensos", "simfoni"):
        assert first.files[key].read_bytes() != other.files[key].read_bytes(), key
    for key in OLD_FILES:
        assert first.files[key].read_bytes() == plain.files[key].read_bytes(), key
    old_truth = plain.files["truth"].read_bytes()
    assert first.files["truth"].read_bytes().startswith(old_truth)
    assert plain.extra_rows == {} and set(first.extra_rows) == {"kemensos", "simfoni"}


def test_sources_one_source_alone_writes_only_its_file(tmp_path: Path) -> None:
    summary = generate(tmp_path, households=300, seed=7, sources=["kemensos"])
    assert set(summary.extra_rows) == {"kemensos"}
    assert not (tmp_path / "simfoni_kasus.csv").exists()
    assert {t["source"] for t in _rows(summary.files["truth"])} == {"dtsen", "kpai", "kemensos"}


def test_sources_unknown_name_raises_before_writing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'simfony' is not an extra synthetic source"):
        generate(tmp_path / "out", households=10, sources=["simfony"])
    assert not (tmp_path / "out").exists()


def test_sources_truth_covers_every_row_once(world: World) -> None:
    keys = [(t["source"], t["source_id"]) for t in world.truth]
    assert len(keys) == len(set(keys))
    assert {k for k in keys if k[0] == "kemensos"} == {
        ("kemensos", r["id_layanan"]) for r in world.kemensos
    }
    assert {k for k in keys if k[0] == "simfoni"} == {
        ("simfoni", r["id_korban"]) for r in world.simfoni
    }
    assert world.summary.extra_rows == {
        "kemensos": len(world.kemensos),
        "simfoni": len(world.simfoni),
    }
    assert world.summary.persons == len({t["person_id"] for t in world.truth})


def _check_common(row: dict[str, str], nik_column: str) -> None:
    assert parse_sex(row["jenis_kelamin"]) is not None, row["jenis_kelamin"]
    assert check_region(row["kode_wilayah"]).ok, row["kode_wilayah"]
    for column in (nik_column, "no_kk"):
        if row.get(column):
            assert len(clean_identifier(row[column])) == 16, row[column]
            assert clean_identifier(row[column]).isdigit(), row[column]
    if row["tanggal_lahir"]:
        _date(row["tanggal_lahir"])
    if row["usia"]:
        assert 0 <= int(row["usia"]) <= 17, row["usia"]


def test_sources_kemensos_rows_are_valid_per_annex(world: World) -> None:
    assert list(world.kemensos[0])[:3] == ["id_layanan", "tanggal_layanan", "komponen_atensi"]
    for row in world.kemensos:
        assert all(row[c].strip() for c in KEMENSOS_REQUIRED), row
        for column, codes in KEMENSOS_CODES.items():
            assert not row[column] or row[column] in codes, (column, row[column])
        assert REF >= dt.date.fromisoformat(row["tanggal_layanan"]) >= dt.date(2023, 1, 1)
        _check_common(row, "nik_anak")
    assert len({r["id_layanan"] for r in world.kemensos}) == len(world.kemensos)
    # Every ATENSI component and every kind of provider occurs.
    assert {r["komponen_atensi"] for r in world.kemensos} == set(v.KOMPONEN_ATENSI)
    assert {r["jenis_lembaga"] for r in world.kemensos} >= set(v.JENIS_LEMBAGA_LAYANAN)


def test_sources_simfoni_rows_are_valid_per_annex(world: World) -> None:
    for row in world.simfoni:
        assert all(row[c].strip() for c in SIMFONI_REQUIRED), row
        for column, codes in SIMFONI_CODES.items():
            assert not row[column] or row[column] in codes, (column, row[column])
        kinds = row["jenis_kekerasan"].split(";")
        assert kinds and set(kinds) <= set(v.JENIS_KEKERASAN) and len(set(kinds)) == len(kinds)
        reported = _date(row["tanggal_lapor"])
        assert dt.date(2023, 1, 1) <= reported <= REF
        if row["tanggal_kejadian"]:
            assert _date(row["tanggal_kejadian"]) <= reported
        assert row["id_korban"].startswith(row["no_kasus"] + "-K")
        _check_common(row, "nik_korban")
    assert len({r["id_korban"] for r in world.simfoni}) == len(world.simfoni)
    several = {r["jenis_kekerasan"] for r in world.simfoni if ";" in r["jenis_kekerasan"]}
    assert several, "some victims suffered more than one form of violence"
    per_case = defaultdict(int)
    for row in world.simfoni:
        per_case[row["no_kasus"]] += 1
    assert max(per_case.values()) > 1 and sum(n > 1 for n in per_case.values()) < len(per_case) / 5


def test_sources_simfoni_overlaps_kpai_in_part(world: World) -> None:
    victims, kpai, dtsen = world.persons("simfoni"), world.persons("kpai"), world.persons("dtsen")
    both = len(victims & kpai) / len(victims)
    assert 0.1 <= both <= 0.6, both
    assert len(victims - kpai - dtsen) / len(victims) >= 0.05  # in no other file
    assert len((victims & dtsen) - kpai) / len(victims) >= 0.3  # DTSEN yes, KPAI no


def test_sources_many_kpai_abh_have_no_service_and_some_served_are_unknown(world: World) -> None:
    served = world.persons("kemensos")
    abh = {world.person("kpai", r["no_pengaduan"]) for r in world.kpai if r["kategori"] == "b"}
    share = len(abh & served) / len(abh)
    assert 0.15 <= share <= 0.7, share
    others = world.persons("kpai") | world.persons("dtsen") | world.persons("simfoni")
    assert 0.03 <= len(served - others) / len(served) <= 0.3


def test_sources_services_follow_the_first_complaint(world: World) -> None:
    first: dict[str, dt.date] = {}
    for row in world.kpai:
        person = world.person("kpai", row["no_pengaduan"])
        day = _date(row["tanggal_pengaduan"])
        first[person] = min(first.get(person, day), day)
    delays = []
    for row in world.kemensos:
        person = world.person("kemensos", row["id_layanan"])
        if person in first:
            delays.append((dt.date.fromisoformat(row["tanggal_layanan"]) - first[person]).days)
    assert delays and min(delays) >= 1
    delays.sort()
    assert 14 <= delays[len(delays) // 2] <= 150  # weeks to months, not the same day


def test_sources_lks_services_name_institutions_of_the_lembaga_file(world: World) -> None:
    lembaga = {r["id_lembaga"]: r for r in _rows(world.summary.files["lembaga"])}
    lks = {r["id_lembaga"] for r in world.kemensos if r["id_lembaga"].startswith("LMB")}
    assert lks and all(lembaga[i]["jenis"] in ("LKSA", "RPSA") for i in lks)
    assert not any(
        r["id_lembaga"] in lembaga
        for r in world.kemensos
        if r["jenis_lembaga"] != "lks" and r["jenis_lembaga"]
    )
    units = {r["id_unit_layanan"] for r in world.simfoni}
    listed = [u for u in units if u in lembaga]
    assert listed and all(lembaga[u]["jenis"] == "UPTD_PPA" for u in listed)
