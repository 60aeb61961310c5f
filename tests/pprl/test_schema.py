from __future__ import annotations

from pathlib import Path

import pytest

from padan.errors import InputError
from padan.pprl import default_schema_path, load_schema


def test_load_schema_default_has_every_field_and_a_stable_hash() -> None:
    schema = load_schema()
    assert [f.name for f in schema.fields] == [
        "name",
        "mother",
        "birth_date",
        "sex",
        "region",
        "nik",
        "kk",
    ]
    name = schema.field("name")
    assert name is not None and name.balance and name.noise > 0 and name.qgrams == 2
    assert schema.sha256 == load_schema(default_schema_path()).sha256
    assert schema.field("nonexistent") is None
    assert schema.clear == ()  # nothing in the clear unless both agencies' schema says so


def test_load_schema_clear_regency_travels_beside_the_encodings(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(default_schema_path().read_text() + '\n[clear]\nattributes = ["regency"]\n')
    schema = load_schema(path)
    assert schema.clear == ("regency",) and schema.sha256 != load_schema().sha256


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("version = 2\n[fields.name]\n", r"version = 2; this Padan reads 1"),
        ("version = 1\n", r"\[fields\] is empty"),
        ("version = 1\n[fields.nama]\n", r"unknown field \[fields.nama\]"),
        (
            "version = 1\n[fields.name]\nlength = 100\nrecord_hashes = 1\n",
            r"length = 100; give a multiple of 8",
        ),
        (
            "version = 1\n[fields.name]\nhashes = 0\nrecord_hashes = 1\n",
            r"hashes = 0; give a whole number from 1 to 64",
        ),
        (
            "version = 1\n[fields.name]\nnoise = 0.5\nrecord_hashes = 1\n",
            r"noise = 0.5; give a share from 0 to 0.25",
        ),
        (
            "version = 1\n[fields.name]\nbalance = 'yes'\nrecord_hashes = 1\n",
            r"balance = 'yes'; give true or false",
        ),
        (
            "version = 1\n[fields.sex]\nqgrams = 2\nrecord_hashes = 1\n",
            r"qgrams is for kk, mother, name, nik",
        ),
        (
            "version = 1\n[clear]\nattributes = ['nik']\n[fields.name]\nrecord_hashes = 1\n",
            r"attributes = \['nik'\]; each must be one of regency",
        ),
        (
            "version = 1\n[clear]\nregency = true\n[fields.name]\nrecord_hashes = 1\n",
            r"unknown key\(s\) regency; allowed: attributes",
        ),
        (
            "version = 1\n[fields.name]\nsalt = 'nik'\nrecord_hashes = 1\n",
            r"salt = 'nik'; give one of birth_year, sex",
        ),
        (
            "version = 1\n[fields.birth_date]\nsalt = 'birth_year'\nrecord_hashes = 1\n",
            r"salts the field with itself",
        ),
        ("version = 1\n[fields.name]\nhash = 3\n", r"unknown key\(s\) hash"),
        ("version = 1\n[fields.name]\nrecord_hashes = 0\n", r"no field has record_hashes > 0"),
        (
            "version = 1\n[blocking]\nkeys = ['nama']\n[fields.name]\nrecord_hashes = 1\n",
            r"keys = \['nama'\]; each key must be one of",
        ),
        ("version = 1\nfields = 3\n", r"fields must be a table, found 3"),
        ("version = 1\n[fields.name\n", r"cannot be read as TOML"),
    ],
)
def test_load_schema_bad_value_names_the_file_key_value_and_fix(
    tmp_path: Path, text: str, match: str
) -> None:
    path = tmp_path / "schema.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match) as caught:
        load_schema(path)
    assert str(path) in str(caught.value)


def test_load_schema_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"schema file .*none.toml not found. Check the --schema"):
        load_schema(tmp_path / "none.toml")
