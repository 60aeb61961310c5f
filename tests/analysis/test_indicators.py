"""Every indicator's rule on a hand-made population whose answers are known."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from padan.analysis import (
    ReportInputs,
    Snapshot,
    compute_report,
    default_rules,
    load_rules,
)
from padan.analysis.children import DTSEN_COLUMNS, KPAI_COLUMNS
from padan.errors import InputError

REF = dt.date(2026, 6, 30)

# (no_pengaduan, child, nik, status, kode_wilayah, klaster, kategori, disability)
KPAI = [
    (
        "K1",
        "A",
        "3201014501150001",
        "valid",
        "32.01.01",
        "V",
        "b",
        None,
    ),  # ABH, in DTSEN, no ATENSI
    ("K2", "A", None, "missing", "32.01", "II", None, None),  # same child, second complaint
    ("K3", "B", None, "missing", "32.01.02", "V", "j", "FISIK"),  # victim, not in DTSEN
    ("K4", "C", "123", "invalid", "33", "I", None, "MENTAL"),  # in DTSEN, disability differs
    ("K5", "E", None, "missing", "32.01.01", "V", "i", None),  # victim with ATENSI
]
# (id_individu, child, desil, dob, pkh, sembako, pbi, pip, atensi, disability, kode_wilayah)
DTSEN = [
    ("D1", "A", 3, dt.date(2015, 1, 5), False, True, True, False, False, None, "32.01.01.2001"),
    (
        "D2",
        "A",
        5,
        dt.date(2015, 1, 5),
        True,
        None,
        None,
        None,
        None,
        None,
        "32.01.01.2001",
    ),  # double registration
    ("D3", "C", 7, dt.date(2019, 8, 1), True, False, False, False, False, None, "33.01.01.2001"),
    ("D4", None, 2, dt.date(1980, 1, 1), False, False, False, False, False, None, "32.01.01.2001"),
    ("D5", "E", 2, dt.date(2008, 1, 1), False, False, False, False, True, None, "32.01.01.2002"),
]


def _inputs(
    pairs: list[tuple[str, str, float, str, str]] | None = None,
    apart: list[tuple[str, str]] | None = None,
) -> ReportInputs:
    kpai = {c: [] for c in KPAI_COLUMNS}  # type: dict[str, list[object]]
    for no, _, nik, status, kode, klaster, kategori, dis in KPAI:
        row = dict.fromkeys(KPAI_COLUMNS)
        row.update(
            no_pengaduan=no,
            tanggal_pengaduan=dt.date(2025, 3, 1),
            nik_anak=nik,
            nik_anak_status=status,
            nama_anak=f"Anak {no}",
            kode_wilayah=kode,
            klaster=klaster,
            kategori=kategori,
            ragam_disabilitas=dis,
        )
        for c in KPAI_COLUMNS:
            kpai[c].append(row[c])
    dtsen = {c: [] for c in DTSEN_COLUMNS}  # type: dict[str, list[object]]
    for idv, _, desil, dob, pkh, sem, pbi, pip, atensi, dis, kode in DTSEN:
        row = dict.fromkeys(DTSEN_COLUMNS)
        row.update(
            id_individu=idv,
            id_keluarga="F" + idv,
            nama=f"Orang {idv}",
            nik_status="missing",
            tanggal_lahir=dob,
            kode_wilayah=kode,
            desil=desil,
            penerima_pkh=pkh,
            penerima_sembako=sem,
            penerima_pbi_jk=pbi,
            penerima_pip=pip,
            penerima_atensi=atensi,
            ragam_disabilitas=dis,
        )
        for c in DTSEN_COLUMNS:
            dtsen[c].append(row[c])
    links = [("kpai", no, child) for no, child, *_ in KPAI] + [
        ("dtsen", idv, child or idv) for idv, child, *_ in DTSEN
    ]
    types = {
        "tanggal_pengaduan": pa.date32(),
        "tanggal_lahir": pa.date32(),
        "usia": pa.int64(),
        "desil": pa.int64(),
        **{c: pa.bool_() for c in DTSEN_COLUMNS if c.startswith("penerima")},
    }
    pairs = pairs or []
    return ReportInputs(
        kpai=pa.table({c: pa.array(v, types.get(c, pa.string())) for c, v in kpai.items()}),
        dtsen=pa.table({c: pa.array(v, types.get(c, pa.string())) for c, v in dtsen.items()}),
        links=pa.table(
            {
                "source": [x[0] for x in links],
                "source_id": [x[1] for x in links],
                "child_id": [x[2] for x in links],
            }
        ),
        pairs=pa.table(
            {
                "uid_l": pa.array([p[0] for p in pairs], pa.string()),
                "uid_r": pa.array([p[1] for p in pairs], pa.string()),
                "match_probability": pa.array([p[2] for p in pairs], pa.float64()),
                "rule": pa.array([p[3] for p in pairs], pa.string()),
                "decision": pa.array([p[4] for p in pairs], pa.string()),
            }
        ),
        reference_date=REF,
        link_threshold=0.9,
        review_threshold=0.5,
        apart=None
        if apart is None
        else pa.table(
            {
                "uid_l": pa.array([a for a, _ in apart], pa.string()),
                "uid_r": pa.array([b for _, b in apart], pa.string()),
            }
        ),
    )


def _snapshot() -> Snapshot:
    now = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)
    return Snapshot(1, now, "m1", 0.9, 0.5, (), REF, "", "", now)


EXPECTED = {
    "kpai_children": 4,  # A, B, C, E
    "kpai_children_in_dtsen": 3,  # A, C, E
    "kpai_children_not_in_dtsen": 1,  # B
    "kpai_children_maybe_in_dtsen": 0,  # no DTSEN pair waits for a reviewer
    "eligible_pkh": 2,  # A (lowest desil 3), E (2); C is desil 7
    "eligible_not_receiving_pkh": 1,  # E; A receives through its second registration
    "eligible_sembako": 2,
    "eligible_not_receiving_sembako": 1,  # E
    "eligible_pbi_jk": 2,
    "eligible_not_receiving_pbi_jk": 1,  # E
    "eligible_pip": 2,  # A is 11, E is 18 on the reference date
    "eligible_not_receiving_pip": 2,
    "abh_without_atensi": 1,  # A
    "victims_without_atensi": 1,  # B (not in DTSEN); E receives ATENSI
    "disability_mismatch": 1,  # C: KPAI MENTAL, DTSEN none; B is not in DTSEN
    "inclusion_signals": 1,  # C receives PKH in desil 7
    # No service or case source in these inputs: KPAI children only, no service figures.
    "known_children": 4,
    "simfoni_children": 0,
    "simfoni_not_in_kpai": 0,
    "served_after_complaint": 0,
    "served_within_30_days": 0,
    "served_within_90_days": 0,
    "served_children": 0,
    "served_by_unlicensed": 0,
}


def test_indicators_count_children_by_their_rules() -> None:
    report = compute_report(_inputs(), _snapshot(), worklists=True)
    assert report.values() == EXPECTED
    assert {w: len(x.rows) for w, x in report.worklists.items()} == {
        "usulan_dtsen": 1,
        "mungkin_terdaftar": 0,
        "layak_belum_menerima": 5,
        "tanpa_atensi": 2,
        "verifikasi_disabilitas": 1,
        "sinyal_inklusi": 1,
        "tanpa_layanan_atensi": 0,
        "simfoni_belum_di_kpai": 0,
        "layanan_lembaga_tak_berizin": 0,
    }
    assert report.basis["atensi"] == "dtsen_penerima_atensi"


def test_indicators_count_review_band_children_as_uncertain() -> None:
    pairs = [("dtsen:D4", "kpai:K3", 0.7, "model", "review")]
    report = compute_report(_inputs(pairs), _snapshot())
    assert report.indicators["kpai_children_maybe_in_dtsen"].uncertain == 1  # B
    assert report.indicators["kpai_children_in_dtsen"].uncertain == 0


def test_indicators_maybe_through_a_complaint_of_a_child_in_dtsen() -> None:
    # K3 (B, no DTSEN record) waits for review with K5, whose child E is in DTSEN (D5).
    pairs = [("kpai:K3", "kpai:K5", 0.7, "model", "review")]
    report = compute_report(_inputs(pairs), _snapshot(), worklists=True)
    assert report.indicators["kpai_children_maybe_in_dtsen"].value == 1
    assert report.indicators["kpai_children_in_dtsen"].uncertain == 1  # E
    (row,) = report.worklists["mungkin_terdaftar"].rows
    assert "D5" in str(row[-2]) and row[-1] == "padan explain kpai:K3 kpai:K5"


def test_indicators_child_with_only_a_review_band_dtsen_match_is_maybe_not_missing() -> None:
    pairs = [("dtsen:D4", "kpai:K3", 0.7, "model", "review")]
    report = compute_report(_inputs(pairs), _snapshot(), worklists=True)
    maybe = report.indicators["kpai_children_maybe_in_dtsen"]
    assert (maybe.value, maybe.uncertain) == (1, 1)
    assert report.indicators["kpai_children_not_in_dtsen"].value == 0
    assert report.worklists["usulan_dtsen"].rows == []  # B is not proposed to DTSEN as missing
    (row,) = report.worklists["mungkin_terdaftar"].rows
    assert row[0] == "B" and "D4" in str(row[-2]) and "menunggu tinjauan" in str(row[-2])
    assert row[-1] == "padan explain kpai:K3 dtsen:D4"


# Which pairs make child B (K3, no DTSEN record) "possibly in DTSEN" rather than missing.
@pytest.mark.parametrize(
    ("pairs", "apart", "maybe"),
    [
        ([], [], 0),
        ([("dtsen:D4", "kpai:K3", 0.7, "model", "review")], [], 1),
        ([("dtsen:D4", "kpai:K3", 0.95, "model", "refused")], [], 1),  # the guard stopped it
        ([("kpai:K3", "dtsen:D4", 0.7, "model", "review")], [], 1),  # either order
        # A reviewer said "different" before the run: nothing awaits review any more.
        ([("dtsen:D4", "kpai:K3", 0.7, "model", "review")], [("dtsen:D4", "kpai:K3")], 0),
        ([("dtsen:D4", "kpai:K3", 0.95, "model", "link")], [], 0),  # linked elsewhere, not open
        ([("kpai:K3", "kpai:K5", 0.7, "model", "review")], [], 1),  # E, K5's child, is in DTSEN
        ([("kpai:K3", "kpai:K5", 0.7, "model", "review")], [("kpai:K3", "kpai:K5")], 0),
        # A review pair of a child already in DTSEN changes nothing for B.
        ([("dtsen:D4", "kpai:K1", 0.7, "model", "review")], [], 0),
    ],
)
def test_indicators_maybe_in_dtsen_only_for_open_dtsen_pairs(
    pairs: list[tuple[str, str, float, str, str]], apart: list[tuple[str, str]], maybe: int
) -> None:
    report = compute_report(_inputs(pairs, apart), _snapshot(), worklists=True)
    v = report.values()
    assert v["kpai_children_maybe_in_dtsen"] == maybe
    assert v["kpai_children_not_in_dtsen"] == 1 - maybe
    assert v["kpai_children_in_dtsen"] == 3
    assert len(report.worklists["usulan_dtsen"].rows) == 1 - maybe
    assert len(report.worklists["mungkin_terdaftar"].rows) == maybe
    coverage = (
        "kpai_children_in_dtsen",
        "kpai_children_not_in_dtsen",
        "kpai_children_maybe_in_dtsen",
    )
    for figures in [
        report.indicators,
        *(r.figures for r in report.regions),
        *(g.figures for g in (*report.by_klaster, *report.by_kategori)),
    ]:
        assert sum(figures[k].value for k in coverage) == figures["kpai_children"].value


def test_indicators_follow_overridden_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = tmp_path / "r.toml"
    default = default_rules()
    body = """
[programs.pkh]
label = "PKH"
column = "penerima_pkh"
desil_max = 7
[inclusion]
min_desil = 8
programs = ["pkh"]
"""
    text.write_text(body)
    rules = load_rules(text)
    report = compute_report(_inputs(), _snapshot(), rules=rules)
    assert report.indicators["eligible_pkh"].value == 3  # C (desil 7) is now eligible
    assert "eligible_pip" not in report.indicators
    assert rules.digest != default.digest


def test_indicators_by_region_add_up_to_the_total() -> None:
    report = compute_report(_inputs(), _snapshot())
    provinces = [r for r in report.regions if r.level == "province"]
    for key, figure in report.indicators.items():
        assert sum(r.figures[key].value for r in provinces) == figure.value
    # C is only known at province level in KPAI, but its DTSEN village places it in 33.01.01.
    assert any(r.code == "33.01.01" for r in report.regions)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[programs.pkh\n", "not valid TOML"),
        (
            '[programs.pkh]\nlabel="x"\ncolumn="penerima_pkh"\ndesil_min=5\ndesil_max=2\n[inclusion]\nprograms=[]\n',
            "desil_min 5 is above desil_max 2",
        ),
        (
            '[programs.pkh]\nlabel="x"\ncolumn="penerima_bansos"\ndesil_max=2\n[inclusion]\nprograms=[]\n',
            "programs.pkh.column",
        ),
        (
            '[programs.pip]\nlabel="x"\ncolumn="penerima_pip"\ndesil_max=2\n[inclusion]\nprograms=[]\n',
            "[programs.pkh] rule is required",
        ),
        (
            '[programs.pkh]\nlabel="x"\ncolumn="penerima_pkh"\ndesil_max=2\n[inclusion]\nprograms=["pip"]\n',
            "unknown programs",
        ),
        (
            '[programs.pkh]\nlabel="x"\ncolumn="penerima_pkh"\ndesil_max=2\n[inclusion]\nprograms=[]\n[atensi]\nabh_kategori=["z"]\n',
            "unknown kategori",
        ),
    ],
)
def test_rules_bad_files_are_refused_with_the_reason(tmp_path, body: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rules.toml"
    path.write_text(body)
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_rules(path)


def test_rules_missing_file_is_an_input_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="cannot read the rules file"):
        load_rules(tmp_path / "nope.toml")


def test_rules_defaults_are_the_issue_defaults() -> None:
    rules = default_rules()
    bands = {k: (r.desil_min, r.desil_max) for k, r in rules.programs.items()}
    assert bands == {"pkh": (1, 4), "sembako": (1, 5), "pbi_jk": (1, 5), "pip": (1, 4)}
    assert rules.programs["pip"].age_min == 6 and rules.inclusion.min_desil == 6
