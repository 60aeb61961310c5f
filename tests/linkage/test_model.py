from __future__ import annotations

from typing import Any

import duckdb
import pytest

from padan.linkage.model import AGE_AGREES, AGE_YEAR_OFF, settings
from padan.linkage.model_nik import (
    NIK_BOTH_VERIFIED,
    NIK_SAME_PREFIX,
    NIK_SERIAL_NEXT,
    NIK_SERIAL_SLIP,
    NIK_UNSHOWN_SLIP,
)

_NIK = "5103030305080001"  # district 51.03.03, born 3 May 2008, a boy, serial 0001


def _levels(comparison: str) -> list[dict[str, Any]]:
    """The levels of ``comparison`` in the model's Splink settings, in order."""
    model = settings().get_settings("duckdb").as_dict()  # type: ignore[no-untyped-call]
    (levels,) = [
        c["comparison_levels"]
        for c in model["comparisons"]
        if c["output_column_name"] == comparison
    ]
    return list(levels)


def _level(comparison: str, left: dict[str, Any], right: dict[str, Any]) -> str:
    """The label of the first level of ``comparison`` the two records reach, as Splink does."""
    levels = _levels(comparison)
    values = {f"{k}_l": v for k, v in left.items()} | {f"{k}_r": v for k, v in right.items()}
    con = duckdb.connect()
    columns = ", ".join(f"? AS {name}" for name in values)
    con.execute(f"CREATE TABLE pair AS SELECT {columns}", list(values.values()))
    for level in levels:
        condition = "true" if level["sql_condition"] == "ELSE" else level["sql_condition"]
        row = con.execute(f"SELECT coalesce(({condition}), false) FROM pair")
        if row.fetchone() == (True,):
            return str(level["label_for_charts"])
    raise AssertionError("no level matched")


def _name(text: str, lead: str | None, core: str) -> dict[str, Any]:
    tokens = text.split()
    return {
        "name": text,
        "name_compact": "".join(tokens),
        "name_sorted": " ".join(sorted(tokens)),
        "name_lead": lead,
        "name_core": core,
        "name_first": core.split()[0],
    }


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        # Balinese birth-order names: a first-born and a first-born synonym are two people.
        (
            ("ni wayan suciani", "ni wayan", "suciani"),
            ("ni putu suciani", "ni putu", "suciani"),
            "another birth-order name or title",
        ),
        # One lead within the other (a token dropped) is still one name written short.
        (
            ("ni wayan suciani", "ni wayan", "suciani"),
            ("ni suciani", "ni", "suciani"),
            "one typing slip",
        ),
        (("muhammad rizki", "muhammad", "rizki"), ("rizki", None, "rizki"), "one typing slip"),
        (
            ("i made sudarma", "i made", "sudarma"),
            ("i made sudarma", "i made", "sudarma"),
            "Exact match on name",
        ),
        # A call name typed or read with a letter wrong; a three-letter word one letter from
        # another is too often another name (Ana / Ani).
        (
            ("davina utami", None, "davina utami"),
            ("utomi", None, "utomi"),
            "a call name with a letter wrong",
        ),
        (("siti ani rahayu", "siti", "ani rahayu"), ("ana", None, "ana"), "All other"),
        # One slip in the name joined, the space dropped as well.
        (
            ("dafa hidayat", None, "dafa hidayat"),
            ("dofahidayat", None, "dofahidayat"),
            "one typing slip",
        ),
        # Two slips spread over a long name (read from a scan), where Jaro-Winkler is 0.83;
        # not in a short one, where two letters are half the name.
        (
            ("haikal maulana", None, "haikal maulana"),
            ("halkal maulaua", None, "halkal maulaua"),
            "two slips in a long name",
        ),
        (("omar", None, "omar"), ("ornar", None, "ornar"), "All other"),
    ],
)
def test_model_name_levels(
    left: tuple[str, str | None, str], right: tuple[str, str | None, str], level: str
) -> None:
    assert _level("name", _name(*left), _name(*right)).startswith(level)


@pytest.mark.parametrize(
    ("level", "weighed_by_frequency"),
    [
        ("Exact match on name", True),
        ("one typing slip", True),
        # Dinda / Nur Dinda Aprilia: as strong as Dinda is rare (a call name of many children,
        # or a name common in a dense village, says little).
        ("a one-word name within the other", True),
        # Two tokens or more written short: weighed by frequency, corpus A lost F1 (B gained none).
        ("one name's tokens within the other's", False),
        ("a call name: one name is part of the other's", False),
    ],
)
def test_model_name_levels_weigh_the_names_frequency(
    level: str, weighed_by_frequency: bool
) -> None:
    (found,) = [lv for lv in _levels("name") if lv.get("label_for_charts") == level]
    assert (found.get("tf_adjustment_column") == "name") is weighed_by_frequency


def _region(code: str, place: str | None = None) -> dict[str, Any]:
    parts = code.split(".")
    return {
        "prov": parts[0],
        "kab": ".".join(parts[:2]) if len(parts) > 1 else None,
        "kec": ".".join(parts[:3]) if len(parts) > 2 else None,
        "desa": code if len(parts) > 3 else None,
        "desa_before": None,
        "place": place,
    }


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("32.01.05.2001", "32.01.05.2001", "same village (now, or before one record's move)"),
        ("32.01.05.2001", "32.01.05.2002", "same district"),
        ("32.01.05.2001", "32.01.05", "same district, as far as known"),
        ("32.01.05.2001", "32.01.06.2001", "same regency"),
        ("32.01.05.2001", "32.01", "same regency, as far as known"),
        ("32.01", "32.01", "same regency, as far as known"),
        ("32.01.05.2001", "32", "same province, as far as known"),
        ("32.01.05.2001", "32.02.05.2001", "same province"),
    ],
)
def test_model_region_levels_count_a_coarse_code_as_far_as_it_goes(
    left: str, right: str, level: str
) -> None:
    assert _level("region", _region(left), _region(right)) == level


_ADDRESS_VILLAGE = "same village named in the address, the codes agreeing as far as they go"


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        # A complaint coded to its regency or province only, naming the village in its address.
        (("32.01", "sukamaju"), ("32.01.05.2001", "sukamaju"), _ADDRESS_VILLAGE),
        (("32", "sukamaju"), ("32.01.05.2001", "sukamaju"), _ADDRESS_VILLAGE),
        (("32.01", "sukamaju"), ("32.01", "sukamaju"), _ADDRESS_VILLAGE),
        # Another village of that name elsewhere: the codes, where both go, disagree.
        (("32.02", "sukamaju"), ("32.01.05.2001", "sukamaju"), "same province"),
        (("33", "sukamaju"), ("32.01.05.2001", "sukamaju"), "All other comparisons"),
        # Both coded to the village: the codes say it, the address adds nothing.
        (("32.01.05.2001", "sukamaju"), ("32.01.05.2002", "sukamaju"), "same district"),
        # Another village, or none named.
        (("32.01", "cibeber"), ("32.01.05.2001", "sukamaju"), "same regency, as far as known"),
        (("32.01", None), ("32.01.05.2001", "sukamaju"), "same regency, as far as known"),
    ],
)
def test_model_region_levels_count_the_village_an_address_names(
    left: tuple[str, str | None], right: tuple[str, str | None], level: str
) -> None:
    assert _level("region", _region(*left), _region(*right)) == level
    assert _level("region", _region(*right), _region(*left)) == level


@pytest.mark.parametrize(
    ("moved_from", "level"),
    [
        # The DTSEN record moved from the village the complaint names: one child.
        ("32.01.05.2001", "same village (now, or before one record's move)"),
        # It moved, but from elsewhere: the villages differ as before.
        ("32.01.07.2003", "same regency"),
        (None, "same regency"),
    ],
)
@pytest.mark.parametrize("moved_left", [False, True])
def test_model_region_levels_count_the_village_a_record_moved_from(
    moved_from: str | None, level: str, moved_left: bool
) -> None:
    complaint = _region("32.01.05.2001")
    moved = _region("32.01.09.2004") | {"desa_before": moved_from}
    left, right = (moved, complaint) if moved_left else (complaint, moved)
    assert _level("region", left, right) == level


def _nik(
    nik: str,
    source: str = "kpai",
    *,
    fits: bool = True,
    proven: bool = True,
    padan: bool = False,
    kk: str | None = None,
    household: str | None = None,
    family: str | None = None,
) -> dict[str, Any]:
    return {
        "nik": nik,
        "source": source,
        "nik_valid": True,
        "nik_fits": fits,
        "nik_proven": proven,
        "nik_padan": padan,
        "kk": kk,
        "household": household,
        "nik_family": family,
    }


_KK = "5103030101200003"


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (_nik(_NIK, "dtsen"), _nik(_NIK), "exact"),
        (
            _nik(_NIK, "dtsen"),
            _nik(_NIK, fits=False),
            "exact, but it contradicts one record's region or birth date",
        ),
        # District digits mistyped: the complaint's NIK is at odds with its own record.
        (
            _nik(_NIK, "dtsen"),
            _nik("5103010305080001", fits=False, proven=False),
            "one keystroke apart, one NIK at odds with its record",
        ),
        # Two DTSEN NIKs are not all verified: a slip there is weighed too.
        (
            _nik(_NIK, "dtsen"),
            _nik("5103010305080001", "dtsen", fits=False, proven=False),
            "one keystroke apart, one NIK at odds with its record",
        ),
        # The complaint has only the regency: it cannot show which NIK is right.
        (_nik(_NIK, "dtsen"), _nik("5103010305080001", proven=False), NIK_UNSHOWN_SLIP),
        # Both records show their NIKs right: they differ because the records do.
        (_nik(_NIK, "dtsen"), _nik("5103010305080001"), "All other comparisons"),
        # Both verified by Dukcapil: two registered people, whatever the digits.
        (
            _nik(_NIK, "dtsen", padan=True),
            _nik("5103010305080001", "dtsen", padan=True),
            NIK_BOTH_VERIFIED,
        ),
        # Serials next to each other (given in order: twins), also across a ten.
        (_nik(_NIK, "dtsen"), _nik("5103030305080002"), NIK_SERIAL_NEXT),
        (_nik(_NIK, "dtsen"), _nik("5103030305080002", "dtsen"), NIK_SERIAL_NEXT),
        (_nik("5103030305080009", "dtsen"), _nik("5103030305080010"), NIK_SERIAL_NEXT),
        (_nik(_NIK, "dtsen"), _nik("5103030305080003"), NIK_SERIAL_NEXT),  # triplets
        # One digit of the serial changed elsewhere: a slip, not the next serial.
        (_nik(_NIK, "dtsen"), _nik("5103030305080101"), NIK_SERIAL_SLIP),
        (_nik(_NIK, "dtsen"), _nik("5103030305080004"), NIK_SERIAL_SLIP),
        (_nik(_NIK, "dtsen"), _nik("5103030305080012"), NIK_SAME_PREFIX),
        # The complaint's NIK field holds the family's KK number (its date the day the card
        # was recorded, not the child's birth date).
        (
            _nik(_NIK, "dtsen", kk=_KK),
            _nik(_KK, fits=False, proven=False),
            "one NIK is the other record's KK number",
        ),
        (
            _nik(_KK, fits=False, proven=False),
            _nik(_NIK, "dtsen", kk=_KK),
            "one NIK is the other record's KK number",
        ),
        # A KK recorded on the day a boy was born in his district, with his serial: his own
        # NIK, shown right by his record, has the KK's digits by chance.
        (_nik(_NIK, "dtsen", kk=_KK), _nik(_KK), "All other comparisons"),
        # ... or the NIK of a parent or a sibling in the child's DTSEN household.
        (
            _nik("5103035505800001", family="KLG7", fits=False, proven=False),
            _nik(_NIK, "dtsen", household="KLG7"),
            "the NIK of a member of the other record's DTSEN household",
        ),
        (
            _nik("5103035505800001", family="KLG7", fits=False, proven=False),
            _nik(_NIK, "dtsen", household="KLG8"),
            "different, one NIK at odds with its record",
        ),
        # A child's own NIK, shown right, that is another household's KK number (the family
        # the NIK points to) says nothing of the members of that household.
        (
            _nik("5103035505800001", family="KLG7"),
            _nik(_NIK, "dtsen", household="KLG7"),
            "All other comparisons",
        ),
        # A NIK at odds with its own record (a KK issued after the family split, in no DTSEN
        # household): not the child's, so its difference weighs less.
        (
            _nik("5103031406250001", fits=False),
            _nik(_NIK, "dtsen", kk=_KK, household="KLG7"),
            "different, one NIK at odds with its record",
        ),
    ],
)
def test_model_nik_levels_weigh_what_registries_hold(
    left: dict[str, Any], right: dict[str, Any], level: str
) -> None:
    assert _level("nik", left, right) == level


def _parents(mother: str | None, father: str | None) -> dict[str, Any]:
    return {"mother": mother, "father": father}


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        # Nothing to compare: a mother on one record, only a father on the other.
        (_parents("lasma simanjuntak", None), _parents(None, "togar napitupulu"), "unknown"),
        (_parents(None, None), _parents("siti aminah", "budi"), "unknown"),
        (_parents("siti aminah", "budi"), _parents("siti aminah", "budi"), "both parents exact"),
        (_parents("siti aminah", None), _parents("siti aminah", "budi"), "mother exact"),
        # A parent named short (Hendra / Hendra Gunawan).
        (
            _parents(None, "hendra gunawan"),
            _parents("lili salim", "hendra"),
            "a parent's name within the other's",
        ),
        (
            _parents("aminah", None),
            _parents("siti aminah", None),
            "a parent's name within the other's",
        ),
        # A mother written as she is called (Idah / Zubaidah).
        (
            _parents("zubaidah", "muhammad yusuf"),
            _parents("idah", None),
            "a parent's call name within the other's name",
        ),
        (_parents("siti aminah", None), _parents("ratna dewi", None), "All other comparisons"),
    ],
)
def test_model_parents_levels_compare_only_what_both_records_name(
    left: dict[str, Any], right: dict[str, Any], level: str
) -> None:
    assert _level("parents", left, right) == level


def _dob(day: str | None, *, placeholder: bool = False, year: int | None = None) -> dict[str, Any]:
    days = None
    if day is not None:
        y, m, d = (int(part) for part in day.split("-"))
        days = (y - 1970) * 365 + (m - 1) * 31 + d  # order and gaps are all the levels use
    return {
        "dob": day,
        "dob_days": days,
        "dob_year": int(day[:4]) if day else None,
        "dob_placeholder": placeholder,
        "birth_year_est": int(day[:4]) if day else year,
    }


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (_dob("2012-05-03"), _dob("2012-05-03"), "exact"),
        # A day one source holds far too often (a placeholder) is weaker evidence, whichever
        # record carries the flag and whichever side it is put on.
        (
            _dob("2012-07-01", placeholder=True),
            _dob("2012-07-01"),
            "exact, a placeholder date (a day its source holds far too often)",
        ),
        (_dob("2012-05-03"), _dob("2012-03-05"), "day and month swapped"),
        (_dob("2012-05-03"), _dob("2012-05-08"), "one character apart"),
        (_dob("2019-05-03"), _dob("2020-05-03"), "same day and month, year +-1"),
        # One digit apart too: still the year one off, not a slip in the day or month.
        (_dob("2016-05-03"), _dob("2017-05-03"), "same day and month, year +-1"),
        (_dob("2016-05-03"), _dob("2018-05-03"), "one character apart"),
        # An age at a complaint: born in the year it gives, or the year before (the birthday
        # not yet reached); a year later is the age one off.
        (_dob(None, year=2012), _dob("2012-05-03"), AGE_AGREES),
        (_dob(None, year=2012), _dob("2011-09-30"), AGE_AGREES),
        (_dob(None, year=2012), _dob(None, year=2012), AGE_AGREES),
        # An age a year too many (born the year after the one it gives), or a year too few with
        # the birthday not yet reached (born two years before); two ages one or two apart.
        (_dob(None, year=2012), _dob("2013-05-03"), AGE_YEAR_OFF),
        (_dob(None, year=2012), _dob("2010-05-03"), AGE_YEAR_OFF),
        (_dob(None, year=2012), _dob(None, year=2013), AGE_YEAR_OFF),
        (_dob(None, year=2012), _dob(None, year=2010), AGE_YEAR_OFF),
        (_dob(None, year=2012), _dob("2014-05-03"), "All other comparisons"),
        (_dob(None, year=2012), _dob("2009-05-03"), "All other comparisons"),
        (_dob(None), _dob("2013-05-03"), "unknown"),
    ],
)
def test_model_dob_levels_the_same_either_way_round(
    left: dict[str, Any], right: dict[str, Any], level: str
) -> None:
    # Pairs reach the model with either record on the left (a full and an incremental run
    # order them differently): a level must not depend on which.
    assert _level("dob", left, right) == level
    assert _level("dob", right, left) == level
