"""Behaviour of the synthetic data generator (small sizes; the full-size timing is measured by hand)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from padan.domain.dates import parse_date
from padan.domain.identifiers import check_nik
from padan.domain.regions import check_region
from padan.errors import InputError
from padan.synth import FILE_NAMES, SynthSummary, generate

REF = dt.date(2026, 6, 30)
SEX_FORMS = {"l": "L", "p": "P", "laki-laki": "L", "perempuan": "P", "lk": "L", "pr": "P"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """One default-mix run shared by the read-only tests."""
    return generate(tmp_path_factory.mktemp("world"), households=2500, seed=11)


@pytest.fixture(scope="module")
def dtsen(world: SynthSummary) -> list[dict[str, str]]:
    return _rows(world.files["dtsen"])


@pytest.fixture(scope="module")
def kpai(world: SynthSummary) -> list[dict[str, str]]:
    return _rows(world.files["kpai"])


@pytest.fixture(scope="module")
def truth(world: SynthSummary) -> list[dict[str, str]]:
    return _rows(world.files["truth"])


def test_synth_reproducible_with_same_seed_and_different_otherwise(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", households=300, seed=7)
    second = generate(tmp_path / "b", households=300, seed=7)
    other = generate(tmp_path / "c", households=300, seed=8)
    for key in FILE_NAMES:
        assert first.files[key].read_bytes() == second.files[key].read_bytes(), key
    assert first.files["dtsen"].read_bytes() != other.files["dtsen"].read_bytes()
    assert first.files["kpai"].read_bytes() != other.files["kpai"].read_bytes()


def test_synth_summary_matches_files(
    world: SynthSummary,
    dtsen: list[dict[str, str]],
    kpai: list[dict[str, str]],
    truth: list[dict[str, str]],
) -> None:
    assert set(world.files) == {"dtsen", "kpai", "lembaga", "truth", "lembaga_truth"}
    assert world.households == len({r["id_keluarga"] for r in dtsen}) == 2500
    assert world.dtsen_rows == len(dtsen)
    assert world.kpai_rows == len(kpai)
    lembaga = _rows(world.files["lembaga"])
    assert world.lembaga_rows == len(lembaga) == 10 + world.lembaga_duplicates
    assert world.lembaga_duplicates == sum(r["id_lembaga"].startswith("KPAI-L") for r in lembaga)
    assert world.persons == len({r["person_id"] for r in truth})
    assert 3.6 <= world.dtsen_rows / world.households <= 4.4


def test_synth_correct_dtsen_niks_are_valid_and_consistent(dtsen: list[dict[str, str]]) -> None:
    with_nik = [r for r in dtsen if r["nik"]]
    assert 0.01 <= 1 - len(with_nik) / len(dtsen) <= 0.07  # ~3 % empty (+ duplicates without)
    good = 0
    for row in with_nik:
        birth = parse_date(row["tanggal_lahir"], today=REF).value
        assert birth is not None, row["tanggal_lahir"]
        result = check_nik(row["nik"], today=REF, birth_date=birth, sex=row["jenis_kelamin"])
        if result.status == "valid" and not {"nik_tgl_lahir_beda", "nik_jk_beda"} & set(
            result.flags
        ):
            good += 1
    assert good / len(with_nik) >= 0.95


def test_synth_nik_belongs_to_one_person(
    dtsen: list[dict[str, str]], truth: list[dict[str, str]]
) -> None:
    person = {t["source_id"]: t["person_id"] for t in truth if t["source"] == "dtsen"}
    owners: dict[str, set[str]] = defaultdict(set)
    for row in dtsen:
        if row["nik"]:
            owners[row["nik"]].add(person[row["id_individu"]])
    assert all(len(ids) == 1 for ids in owners.values())


def test_synth_dtsen_three_date_formats_and_real_village_codes(dtsen: list[dict[str, str]]) -> None:
    styles = Counter(
        "iso" if r["tanggal_lahir"][4] == "-" else r["tanggal_lahir"][2] for r in dtsen
    )
    assert set(styles) == {"iso", "-", "/"}
    assert styles["iso"] > styles["-"] > styles["/"]
    for code in {r["kode_wilayah"] for r in dtsen}:
        check = check_region(code)
        assert check.level == "village" and check.status.value == "current", code


def test_synth_truth_covers_every_row_once(
    dtsen: list[dict[str, str]], kpai: list[dict[str, str]], truth: list[dict[str, str]]
) -> None:
    assert list(truth[0]) == ["source", "source_id", "person_id"]
    keys = [(t["source"], t["source_id"]) for t in truth]
    assert len(keys) == len(set(keys)) == len(dtsen) + len(kpai)
    assert {k for k in keys if k[0] == "dtsen"} == {("dtsen", r["id_individu"]) for r in dtsen}
    assert {k for k in keys if k[0] == "kpai"} == {("kpai", r["no_pengaduan"]) for r in kpai}
    assert len({r["id_individu"] for r in dtsen}) == len(dtsen)
    assert len({r["no_pengaduan"] for r in kpai}) == len(kpai)


def test_synth_dtsen_has_double_registrations(
    dtsen: list[dict[str, str]], truth: list[dict[str, str]]
) -> None:
    per_person = Counter(t["person_id"] for t in truth if t["source"] == "dtsen")
    twice = sum(1 for n in per_person.values() if n > 1)
    assert 0.005 <= twice / len(per_person) <= 0.03


def test_synth_kpai_rows_have_required_fields(kpai: list[dict[str, str]]) -> None:
    for row in kpai:
        for column in (
            "no_pengaduan",
            "tanggal_pengaduan",
            "nama_anak",
            "jenis_kelamin",
            "kode_wilayah",
            "klaster",
        ):
            assert row[column], (column, row)
        assert row["no_pengaduan"].startswith("KPAI/")
        day = parse_date(row["tanggal_pengaduan"], today=REF).value
        assert day is not None and dt.date(2023, 1, 1) <= day <= REF
        assert row["jenis_kelamin"].lower() in SEX_FORMS
        assert check_region(row["kode_wilayah"]).ok, row["kode_wilayah"]
        assert row["klaster"] in {"I", "II", "III", "IV", "V"}
        assert (row["kategori"] != "") == (row["klaster"] == "V")
        assert row["peran_abh"] in (
            {"pelaku", "korban", "saksi"} if row["kategori"] == "b" else {""}
        )
        assert row["status_penanganan"] in {"baru", "proses", "selesai"}
        if row["usia"]:
            assert not row["tanggal_lahir"] and 0 <= int(row["usia"]) <= 17
    missing_nik = sum(1 for r in kpai if not r["nik_anak"]) / len(kpai)
    assert 0.25 <= missing_nik <= 0.45


def test_synth_kpai_volume_is_about_one_per_40_dtsen_rows(world: SynthSummary) -> None:
    assert 1 / 55 <= world.kpai_rows / world.dtsen_rows <= 1 / 30


def test_synth_kpai_volume_follows_rows_per_complaint(tmp_path: Path) -> None:
    summary = generate(tmp_path, households=800, seed=3, rows_per_complaint=10)
    assert 1 / 14 <= summary.kpai_rows / summary.dtsen_rows <= 1 / 7
    with pytest.raises(InputError, match="rows per complaint"):
        generate(tmp_path / "no", households=10, rows_per_complaint=0)
    assert not (tmp_path / "no").exists()


def test_synth_some_children_have_several_complaints(truth: list[dict[str, str]]) -> None:
    per_child = Counter(t["person_id"] for t in truth if t["source"] == "kpai")
    several = sum(1 for n in per_child.values() if n >= 2)
    assert 0.07 <= several / len(per_child) <= 0.25
    assert max(per_child.values()) <= 3


def test_synth_some_kpai_children_are_absent_from_dtsen(truth: list[dict[str, str]]) -> None:
    in_dtsen = {t["person_id"] for t in truth if t["source"] == "dtsen"}
    children = {t["person_id"] for t in truth if t["source"] == "kpai"}
    absent = len(children - in_dtsen) / len(children)
    assert 0.12 <= absent <= 0.28


def test_synth_desil_differs_between_poorest_and_richest_region(
    dtsen: list[dict[str, str]],
) -> None:
    def poor_share(regency: str) -> float:
        ranks = [
            int(r["desil"]) for r in dtsen if r["kode_wilayah"].startswith(regency) and r["desil"]
        ]
        return sum(1 for d in ranks if d <= 3) / len(ranks)

    assert poor_share("9501") > 0.5  # Jayawijaya
    assert poor_share("3174") < 0.15  # Jakarta Selatan
    assert sum(1 for r in dtsen if not r["desil"]) / len(dtsen) < 0.05


def test_synth_children_mother_is_the_wife(dtsen: list[dict[str, str]]) -> None:
    households: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in dtsen:
        households[row["id_keluarga"]].append(row)
    same = total = 0
    for members in households.values():
        wives = [m["nama"] for m in members if m["hubungan_keluarga"] == "ISTRI"]
        if len(wives) != 1:
            continue
        for child in members:
            if child["hubungan_keluarga"] == "ANAK" and child["nama_ibu_kandung"]:
                total += 1
                same += child["nama_ibu_kandung"] == wives[0]
    assert total > 500
    assert same / total >= 0.85


def test_synth_regions_restriction_is_honoured(tmp_path: Path) -> None:
    summary = generate(tmp_path, households=200, seed=3, regions=["33.74", "5103"])
    for row in _rows(summary.files["dtsen"]):
        assert row["kode_wilayah"][:4] in {"3374", "5103"}
    for row in _rows(summary.files["kpai"]):
        assert row["kode_wilayah"].replace(".", "")[:4] in {"3374", "5103"}
    for row in _rows(summary.files["lembaga"]):
        assert row["kode_wilayah"].replace(".", "")[:4] in {"3374", "5103"}


@pytest.mark.parametrize("bad", ["99", "abc", "91.01", "32.01.99.9999"])
def test_synth_invalid_region_raises_input_error(tmp_path: Path, bad: str) -> None:
    with pytest.raises(InputError, match=bad.replace(".", r"\.")):
        generate(tmp_path, households=10, regions=[bad])
    assert not (tmp_path / FILE_NAMES["dtsen"]).exists()


def test_synth_empty_region_list_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        generate(tmp_path, households=10, regions=[])


def test_synth_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    generate(
        tmp_path,
        households=2100,
        seed=1,
        regions=["3201"],
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1000, 2100), (2000, 2100), (2100, 2100)]


def test_synth_lembaga_counts_are_consistent(world: SynthSummary) -> None:
    for row in _rows(world.files["lembaga"]):
        assert row["jenis"] in {"LKSA", "TPA", "RUMAH_AMAN", "RPSA", "UPTD_PPA"}
        total, certified = row["jumlah_pekerja_sosial"], row["jumlah_pekerja_sosial_bersertifikat"]
        if total and certified:
            assert int(certified) <= int(total)
        assert (row["tanggal_akreditasi"] == "") == (row["akreditasi"] == "BELUM")


def test_synth_school_status_and_disability_follow_age(dtsen: list[dict[str, str]]) -> None:
    by_age: dict[str, Counter[str]] = defaultdict(Counter)
    disabled = children = 0
    for row in dtsen:
        birth = parse_date(row["tanggal_lahir"], today=REF).value
        assert birth is not None
        age = (REF - birth).days // 365
        band = "0-4" if age <= 4 else "7-12" if 7 <= age <= 12 else "25+" if age >= 25 else "x"
        by_age[band][row["status_sekolah"]] += 1
        if age < 18:
            children += 1
            disabled += row["ragam_disabilitas"] != ""
    assert set(by_age["0-4"]) == {"BELUM SEKOLAH"}
    assert by_age["7-12"]["SEKOLAH"] / sum(by_age["7-12"].values()) > 0.85
    assert "BELUM SEKOLAH" not in by_age["25+"]
    assert 0.01 <= disabled / children <= 0.045


def test_synth_aid_follows_desil(dtsen: list[dict[str, str]]) -> None:
    heads = [r for r in dtsen if r["hubungan_keluarga"] == "KEPALA KELUARGA" and r["desil"]]

    def rate(column: str, low: int, high: int) -> float:
        group = [r for r in heads if low <= int(r["desil"]) <= high]
        return sum(r[column] == "1" for r in group) / len(group)

    assert 0.55 <= rate("penerima_pkh", 1, 4) <= 0.9  # exclusion error among the eligible
    assert 0.0 < rate("penerima_pkh", 6, 10) <= 0.1  # some inclusion error
    assert rate("penerima_pbi_jk", 1, 5) > 3 * rate("penerima_pbi_jk", 8, 10)
    assert rate("penerima_atensi", 1, 10) < 0.05


def test_synth_lembaga_cross_agency_duplicates_have_truth(world: SynthSummary) -> None:
    rows = {r["id_lembaga"]: r for r in _rows(world.files["lembaga"])}
    truth = {r["id_lembaga"]: r["institution_id"] for r in _rows(world.files["lembaga_truth"])}
    assert set(truth) == set(rows)
    repeated = {uid: original for uid, original in truth.items() if uid != original}
    assert len(repeated) == world.lembaga_duplicates >= 1
    for uid, original in repeated.items():
        assert uid.startswith("KPAI-L") and truth[original] == original
        copy, source = rows[uid], rows[original]
        assert copy["jenis"] == source["jenis"]
        code, source_code = (r["kode_wilayah"].replace(".", "") for r in (copy, source))
        assert source_code.startswith(code)  # same village, or only its regency
