"""Source definitions: the built-in ones read as the format says, bad ones refused by entry."""

from __future__ import annotations

import pytest

from padan.errors import InputError
from padan.ingest import EXTRACTS, parse_definition
from padan.ingest.definitions import TEMPLATES, template_text

_GOOD = """
name = "layanan"
extract = "layanan_anak"
owner = "Dinas Sosial"
unit = "service"
id_column = "id_layanan"
links = true
columns = [
  { name = "id_layanan", kind = "id", required = true },
  { name = "nama", kind = "name", required = true, role = "name" },
  { name = "nik", kind = "nik", role = "nik" },
  { name = "komponen", kind = "code", codes = ["terapi", "pengasuhan"] },
  { name = "klaster", kind = "code", codes = "KLASTER" },
]
"""


def test_definitions_builtin_sources_declare_roles_the_matching_reads() -> None:
    kpai, dtsen = EXTRACTS["kpai"], EXTRACTS["dtsen"]
    assert kpai.links and dtsen.links and not EXTRACTS["lembaga"].links
    assert kpai.column_for("name").name == "nama_anak"  # type: ignore[union-attr]
    assert kpai.column_for("event_date").name == "tanggal_pengaduan"  # type: ignore[union-attr]
    assert dtsen.column_for("mother").name == "nama_ibu_kandung"  # type: ignore[union-attr]
    assert dtsen.column_for("household").name == "id_keluarga"  # type: ignore[union-attr]
    assert kpai.column_for("household") is None
    assert all(e.builtin and e.text for e in EXTRACTS.values())


def test_definitions_parse_a_new_source_with_codes_inline_and_by_name() -> None:
    extract = parse_definition(_GOOD, where="layanan.toml")
    assert (extract.source, extract.name, extract.unit) == ("layanan", "layanan_anak", "service")
    codes = {c.name: c.codes for c in extract.columns}
    assert codes["komponen"] == ("terapi", "pengasuhan")
    assert codes["klaster"] == ("I", "II", "III", "IV", "V")
    assert extract.stored_columns[:4] == ("id_layanan", "nama", "nama_norm", "nik")
    renamed = parse_definition(_GOOD, where="layanan.toml", name="dinsos_b")
    assert (renamed.source, renamed.name) == ("dinsos_b", "dinsos_b")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("links = true", "links = tru"), "not valid TOML"),
        (('name = "layanan"', 'name = "Layanan Anak"'), "name"),
        (('name = "layanan"', 'name = "kpai"'), "built-in source"),
        (('unit = "service"', 'unit = "visit"'), "unit"),
        (('id_column = "id_layanan"', 'id_column = "nomor"'), "id_column 'nomor'"),
        (('kind = "nik"', 'kind = "passport"'), "columns.2.kind"),
        (('role = "nik"', 'role = "name"'), "more than once: ['name']"),
        (('codes = "KLASTER"', 'codes = "NOPE"'), "no code list named 'NOPE'"),
        (('{ name = "nik", kind = "nik"', '{ name = "nama", kind = "nik"'), "unique"),
        (('{ name = "nik", kind = "nik"', '{ name = "raw", kind = "nik"'), "raw"),
        (('{ name = "nik", kind = "nik"', '{ name = "nama_norm", kind = "nik"'), "nama_norm"),
        ((', role = "name" }', " }"), "role 'name'"),
        (("owner =", "ownr ="), "ownr"),
    ],
)
def test_definitions_bad_entries_are_refused_naming_them(
    change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in _GOOD
    with pytest.raises(InputError) as caught:
        parse_definition(_GOOD.replace(old, new, 1), where="layanan.toml")
    message = str(caught.value)
    assert "layanan.toml" in message and expected in message
    assert "docs/manual/sources.md" in message


def test_definitions_templates_parse_and_unknown_ones_are_refused() -> None:
    for name in TEMPLATES:
        assert parse_definition(template_text(name), where=name, name="mine").links
    with pytest.raises(InputError, match="no shipped source definition 'nope'"):
        template_text("nope")


@pytest.mark.parametrize(
    ("cell", "stored", "flagged"),
    [
        ("fisik", "fisik", False),
        ("Psikis; FISIK", "fisik;psikis", False),  # in the list's order, whatever was written
        ("fisik,seksual,fisik", "fisik;seksual", False),
        ("fisik; perundungan", None, True),  # one unknown code: the cell is not read
        (" ; ", None, True),
    ],
)
def test_definitions_codes_kind_reads_several_codes_of_one_list(
    cell: str, stored: str | None, flagged: bool
) -> None:
    import datetime as dt

    from padan.ingest.definitions import SHIPPED_EXTRACTS
    from padan.ingest.validate import Validator

    simfoni = SHIPPED_EXTRACTS["simfoni"]
    row = {c: "" for c in simfoni.column_names} | {
        "id_korban": "K1",
        "no_kasus": "C1",
        "tanggal_lapor": "2026-01-05",
        "jenis_kekerasan": cell,
        "nama_korban": "Rina",
        "jenis_kelamin": "P",
        "kode_wilayah": "32.01",
        "id_unit_layanan": "U1",
        "status_penanganan": "asesmen",
    }
    chunk = Validator(simfoni, today=dt.date(2026, 11, 28)).check([row])
    if flagged:  # a required column: the row is quarantined with the value seen
        assert not chunk.accepted and chunk.rejected[0][1][0].column == "jenis_kekerasan"
    else:
        values = dict(zip(chunk.columns, chunk.accepted[0][1], strict=True))
        assert values["jenis_kekerasan"] == stored
