"""The blocking rules: which pairs of records the model scores at all.

Each rule is one DuckDB condition over ``l.`` and ``r.``; :mod:`padan.linkage.blocking` joins
each on its own and scores the union. Every rule and the fact behind it:
``docs/matching-evidence.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from splink import block_on
from splink.blocking_rule_library import CustomRule

from padan.linkage.name_sql import (
    call_name,
    call_name_slipped,
    called,
    edits_within,
    slipped,
    slipped_within,
    tokens_within,
)

__all__ = ["BLOCKING_RULES"]


_SIMILAR = "jaro_winkler_similarity(l.name, r.name) >= {}"
# Names with something in common: the first or last token of their own part (not a shared
# "Muhammad" or "Putri"), a close core (Jaro-Winkler 0.8), or a call name.
# A filter on keys that many unrelated children share (a birth date in a regency, a mother's
# common name), checked after the join: it keeps the pairs to score few.
_RELATED = (
    "(l.name_first = r.name_first OR l.name_last = r.name_last"
    " OR jaro_winkler_similarity(l.name_core, r.name_core) >= 0.8"
    f" OR {call_name('l.name', 'r.name')})"
)
# One name's tokens within the other's.
_SUBSET = tokens_within("l.name", "r.name")
# The record without a birth date or an age, in the other's district and of its sex.
_NO_AGE = "l.dob IS NULL AND l.birth_year_est IS NULL AND l.kec = r.kec AND l.sex = r.sex"
_SAME_LAST = "l.name_last = r.name_last"
# The two ends of a name's own part: a slip or two rarely touches both.
_NAME_ENDS = (
    "substr(l.name_core, 1, 3) = substr(r.name_core, 1, 3)",
    "right(l.name_core, 4) = right(r.name_core, 4)",
)
# Names with something in common, or a call name with a letter wrong (Jlhan / Putri Jihan).
_NAMED_ALIKE = f"({_RELATED} OR {call_name_slipped('l.name', 'r.name')})"
# The birth date read the other way round: day and month swapped (dates come as DD-MM-YYYY and
# YYYY-MM-DD, exchange format; a day of 12 or less reads either way).
_SWAPPED = (
    "l.dob <> r.dob AND l.dob = substr(r.dob, 1, 5) || substr(r.dob, 9, 2) || '-'"
    " || substr(r.dob, 6, 2)"
)
# A birth date its source holds far too often (derived.py): only its year tells anything.
_PLACEHOLDER = "l.dob_placeholder OR r.dob_placeholder"
# Birth years at most two apart where both are known (an age given at a complaint is often a
# year off either way).
_AGE = " AND coalesce(abs(l.birth_year_est - r.birth_year_est) <= 2, true)"


def _near_years(condition: str, years: int) -> list[Any]:
    """``condition`` with birth years at most ``years`` apart, one rule per difference.

    An equality per difference lets DuckDB hash-join on the birth year too; a range condition
    would be checked only after joining every pair of the rest of the key.
    """
    return [
        CustomRule(f"{condition} AND l.birth_year_est = r.birth_year_est + ({d})")
        for d in range(-years, years + 1)
    ]


def _both_ways(condition: str) -> list[Any]:
    """``condition`` and its mirror image (``l.`` and ``r.`` swapped): a one-sided rule joins
    few records on one side; blocking looks at each pair in one order only."""
    mirrored = condition.replace("l.", "_L_.").replace("r.", "l.").replace("_L_.", "r.")
    return [CustomRule(condition), CustomRule(mirrored)]


def _age_years(condition: str) -> list[Any]:
    """``condition`` on a record ``l`` with an age, not a birth date, and its mirror image, for
    each year the age can mean: an age in whole years at the complaint (exchange format:
    ``usia`` at ``tanggal_pengaduan``) puts the birth in the year it gives (event year - age,
    ``birth_year_est``) or, the birthday not yet reached, the year before; and an age given at
    a complaint is often a year off either way (a year after to two before). One rule per year,
    the year last (an equality the join can hash; an incremental run joins them once)."""
    return _both_ways_years(condition, (-1, 0, 1, 2))


def _both_ways_years(condition: str, steps: Sequence[int]) -> list[Any]:
    """:func:`_both_ways` of ``condition`` with ``l``'s birth year ``step`` after ``r``'s, for
    each of ``steps``: one rule per year, the year last."""
    return [
        rule
        for step in steps
        for rule in _both_ways(f"{condition} AND l.birth_year_est = r.birth_year_est + ({step})")
    ]


def _one_token_off(same: str, other: str) -> str:
    """One name token written the same, the other close: same initial, Jaro-Winkler >= 0.85;
    born within about a year, and in one district or within a month.

    Jaro-Winkler on the differing token only: on the whole name the shared token alone lifts
    unrelated namesakes over any threshold. Zahra/Zehra scores 0.88 here. These rules gave
    nearly half the candidate pairs on 1M records; the birth-date and district conditions
    drop 3.0M of 7.4M pairs and 59 of 114,896 true pairs.
    """
    return (
        f"l.{same} = r.{same} AND l.kab = r.kab AND l.sex = r.sex"
        f" AND substr(l.{other}, 1, 1) = substr(r.{other}, 1, 1)"
        f" AND jaro_winkler_similarity(l.{other}, r.{other}) >= 0.85"
        " AND (l.dob IS NULL OR r.dob IS NULL OR abs(l.dob_days - r.dob_days) <= 400"
        " AND (l.kec = r.kec OR l.kec IS NULL OR r.kec IS NULL"
        " OR abs(l.dob_days - r.dob_days) <= 31))"
    )


def _nik_but(side: str, digit: int) -> str:
    """``side``'s NIK without its ``digit``-th digit (1-based)."""
    return f"substr({side}.nik, 1, {digit - 1}) || substr({side}.nik, {digit + 1})"


#: Candidate pairs: the union of these (:mod:`padan.linkage.blocking`). Each is person-level and
#: keeps blocks small as the population grows: a rule on the regency also needs a name or
#: birth-date key, a birth-year window and a name similarity, which drop most unrelated
#: namesakes. Measured on 1.09M synthetic records (1M DTSEN, 100k KPAI): 4.4M pairs, 99.63 %
#: of true pairs kept.
BLOCKING_RULES: list[Any] = [
    block_on("nik"),
    block_on("name_first", "dob"),
    block_on("name_compact", "birth_year_est", "prov"),
    # The same name, the birth date a slip across a new year (Juli 2023 / Juli 2024 typed).
    # (The birth-year step comes last, so that an incremental run joins a family once.)
    *[
        CustomRule(
            "l.name_compact = r.name_compact AND l.prov = r.prov"
            f" AND coalesce(abs(l.dob_days - r.dob_days) <= 400 OR {_PLACEHOLDER}, true)"
            f" AND l.birth_year_est = r.birth_year_est + ({step})"
        )
        for step in (-1, 1)
    ],
    # Another spelling of the name, or a call name with a letter wrong (Jlhan / Putri Jihan),
    # born the same day in the regency.
    CustomRule(
        f"l.dob = r.dob AND l.kab = r.kab AND ({_SIMILAR.format(0.7)}"
        f" OR {call_name_slipped('l.name', 'r.name')})"
    ),
    # A typo in one name token and a birth year off by one.
    *_near_years(_one_token_off("name_first", "name_last"), 1),
    *_near_years(_one_token_off("name_last", "name_first"), 1),
    # A name written short (Reza / Reza Pratama, a marga dropped), born within a month: two
    # 62-day buckets of the birth date, one shifted by half, so that dates up to 31 days apart
    # always share one (a key the join can hash, unlike a date window).
    *[
        CustomRule(
            "l.name_first = r.name_first AND l.kab = r.kab AND l.sex = r.sex"
            f" AND (l.dob_days + {shift}) // 62 = (r.dob_days + {shift}) // 62"
            f" AND l.name <> r.name AND {_SUBSET}"
        )
        for shift in (0, 31)
    ],
    # ... or an age-only complaint (or a placeholder date, which tells only the year) with the
    # name written short, its birth year +-1.
    *_near_years(
        "(l.dob IS NULL OR l.dob_placeholder) AND l.name_first = r.name_first AND l.kab = r.kab"
        f" AND l.sex = r.sex AND {_SUBSET}",
        1,
    ),
    *_near_years(
        "(r.dob IS NULL OR r.dob_placeholder) AND l.name_first = r.name_first AND l.kab = r.kab"
        f" AND l.sex = r.sex AND {_SUBSET}",
        1,
    ),
    # The birth year wrong, with the last name close or missing.
    CustomRule(
        "l.name_first = r.name_first AND l.kab = r.kab"
        " AND substr(l.dob, 6, 5) = substr(r.dob, 6, 5)"
        " AND coalesce(jaro_winkler_similarity(l.name_last, r.name_last) >= 0.8, true)"
    ),
    # A NIK field holding a parent's or a sibling's NIK, or the KK number (domain.md §2.2):
    # the record meets the household that number belongs to.
    *_both_ways("l.nik_family = r.household AND l.sex = r.sex"),
    CustomRule("l.nik_family = r.nik_family AND l.sex = r.sex"),
    # A call name, a dropped marga or a move to another regency: the same mother and birth
    # date, or the same mother, sex and birth year +-1 with names that have something in common.
    CustomRule("l.mother = r.mother AND l.dob = r.dob"),
    # Both parents named alike, born within a year: the family is the key, so the sex need not
    # be (written wrong or left out: KPAI's 2025 data miss a victim's sex in 0.9 % of cases,
    # domain.md §8.5; the model weighs it). On the dense 1.09M: 54k pairs, 62 true pairs no
    # other rule gave.
    *_near_years("l.mother = r.mother AND l.father = r.father", 1),
    *_near_years(f"l.mother = r.mother AND l.sex = r.sex AND {_RELATED}", 1),
    # The same father's name (the complaint's nama_ayah, the head of the child's DTSEN
    # household): a call name, a move and a birth date written differently at once leave
    # little else in common. Born within a year with names that have something in common, or
    # of unknown age on one side. (Without the names: 3M pairs on the dense 1.09M, where
    # fathers' names are as concentrated as real ones; with them, 0.4M.)
    *_near_years(f"l.father = r.father AND l.sex = r.sex AND {_RELATED}", 1),
    *_both_ways("l.birth_year_est IS NULL AND l.father = r.father AND l.sex = r.sex"),
    # A call name taken from another part of the name (Cecep Suhendar / Hendar), or a double
    # registration in another district: born the same day, in one regency.
    CustomRule(f"l.dob = r.dob AND l.kab = r.kab AND l.sex = r.sex AND {_RELATED}"),
    # ... and the same born anywhere: a call name or a name written short, on the record of a
    # child who moved or of a complaint without a district (docs/matching-evidence.md). One
    # birth date holds a few dozen people of a million, so the check after the join must be
    # cheap: one name found inside the other as text (Kila / Shakila, Kusuma / Alya Kusuma).
    # Short names that keep the first token are the name_first + dob rule's. On the dense
    # 1.09M: 89k pairs, 3.5 s of blocking, 247 true pairs no other rule gave.
    CustomRule(
        "l.dob = r.dob AND l.name <> r.name"
        " AND (contains(l.name, r.name) OR contains(r.name, l.name))"
    ),
    # ... or a slip in the name (Nayla / Nyla, Parulian / Perulian). Jaro-Winkler weighs the
    # first letters most: names it finds close begin alike, a key the join can hash.
    # Jaro's matching pairs a repeated letter with its first occurrence in the other name, so
    # one letter changed in a long name can score low (Parulian Tua Situmorang / Perulian Tua
    # Situmorang: 0.85): two edits or fewer count too.
    CustomRule(
        "l.dob = r.dob AND l.sex = r.sex AND substr(l.name, 1, 1) = substr(r.name, 1, 1)"
        f" AND l.name <> r.name AND ({_SIMILAR.format(0.9)} OR levenshtein(l.name, r.name) <= 2)"
    ),
    # A complaint without a birth date (age only, or not even that), or coded only to its
    # province: the same name or its tokens in another order, near the age when it is known.
    # One-sided: the side without the date (or the regency) is a small share of records, which
    # keeps these joins small.
    *_both_ways(f"l.dob IS NULL AND l.name_compact = r.name_compact AND l.prov = r.prov{_AGE}"),
    *_both_ways(f"l.dob IS NULL AND l.name_sorted = r.name_sorted AND l.kab = r.kab{_AGE}"),
    # Neither a birth date nor an age: a close, short or call name in the district. Such a
    # record meets every child of its sex in its district (27M pairs to check on the dense
    # 1.09M, a quarter of all blocking time), so the join also keys on the first letter of
    # the core name or on the last name, and a call name (one word) is found as text on its
    # own. On the dense 1.09M this keeps 465 of the 466 true pairs only these rules give.
    *[
        rule
        for key in ("substr(l.name_first, 1, 1) = substr(r.name_first, 1, 1)", _SAME_LAST)
        for rule in _both_ways(
            f"{_NO_AGE} AND {key}"
            f" AND ({_SUBSET} OR {edits_within('l.name_core', 'r.name_core', 2)})"
        )
    ],
    *_both_ways(f"{_NO_AGE} AND {called('l.name', 'r.name')}"),
    *_both_ways(f"{_NO_AGE} AND {called('r.name', 'l.name')}"),
    # An age only: a related name in the district's birth year, or the mother near the age;
    # coded only to the province: a close name near the age.
    *_age_years(f"l.dob IS NULL AND l.kec = r.kec AND l.sex = r.sex AND {_RELATED}"),
    # An age, no NIK and a one-word call name (written right or with a letter wrong), the
    # district not given or another one: in the regency. (A call name that is the other's
    # first name meets it by the rules above.)
    *_age_years(
        "l.dob IS NULL AND l.nik IS NULL AND strpos(l.name, ' ') = 0"
        " AND l.kab = r.kab AND l.sex = r.sex AND l.name <> coalesce(r.name_first, '')"
        f" AND ({called('l.name', 'r.name')} OR {slipped('l.name', 'r.name')})"
    ),
    *_both_ways(f"l.dob IS NULL AND l.mother = r.mother AND l.sex = r.sex{_AGE} AND {_RELATED}"),
    # An age, the regency, and a slip or two in a name (Mvhamad Irsyad / Muhammad Irsyad, Ni
    # Kaclek Ayu / Ni Kadek Ayu), which the rules above need written right: the last name in
    # the regency, born within two years (an age is often a year off), the names two edits
    # apart at most. On corpus B (written outside the project, two seeds), 10 and 9 true pairs
    # no other rule gave; on the dense 1.09M, 48k pairs, 38k of them no other rule gives.
    *_both_ways_years(
        "l.dob IS NULL AND l.kab = r.kab AND l.sex = r.sex AND l.name_last = r.name_last"
        " AND l.name_compact <> r.name_compact"
        f" AND {edits_within('l.name_compact', 'r.name_compact', 2)}",
        (-2, -1, 0, 1, 2),
    ),
    # A record coded above its village whose address names the village (domain.md §8.6): the
    # village in the province, the same sex, born within a year, names with something in
    # common (a call name, or one with a letter wrong); or born the same day, whatever the
    # names. One-sided: the side coded above its village is the small one.
    *_both_ways_years(
        "l.desa IS NULL AND l.place = r.place AND l.prov = r.prov AND l.sex = r.sex"
        f" AND {_NAMED_ALIKE}",
        (-1, 0, 1),
    ),
    # ... and two years apart when one of the two gives an age, not a birth date (an age is
    # often a year off, on top of the year the birthday may not have come yet).
    *_both_ways_years(
        "l.desa IS NULL AND l.place = r.place AND l.prov = r.prov AND l.sex = r.sex"
        f" AND (l.dob IS NULL OR r.dob IS NULL) AND {_NAMED_ALIKE}",
        (-2, 2),
    ),
    # ... and an age, no NIK and a one-word call name slipped from inside the other name
    # (Tiwo / Nurul Pratiwi): a syllable of the name, typed or read with
    # a letter wrong, which neither shares a word with the name nor starts it.
    *_age_years(
        "l.dob IS NULL AND l.nik IS NULL AND strpos(l.name, ' ') = 0"
        " AND (l.desa IS NULL OR r.desa IS NULL) AND l.place = r.place AND l.prov = r.prov"
        f" AND l.sex = r.sex AND {slipped_within('l.name_compact', 'r.name_compact')}"
    ),
    *_both_ways("l.desa IS NULL AND l.dob = r.dob AND l.place = r.place AND l.prov = r.prov"),
    *_both_ways(
        "l.kab IS NULL AND l.name_first = r.name_first AND l.prov = r.prov AND l.sex = r.sex"
        " AND coalesce(abs(l.birth_year_est - r.birth_year_est) <= 1, true)"
        f" AND {edits_within('l.name_compact', 'r.name_compact', 2)}"
    ),
    # An age only and the province only: one name's tokens within the other's (I Made Astawa /
    # Astawa), one sex, born in the years the age can mean.
    *_age_years(
        f"l.dob IS NULL AND l.kab IS NULL AND l.prov = r.prov AND l.sex = r.sex AND {_SUBSET}"
    ),
    # A name typed or read with a letter or two wrong (Pvtri Elvina / Putri Elvina, Azohra /
    # Azahra) on a record coded only to its province: in the province, born within two years.
    # Slips rarely touch both ends of a name: the first three letters of its own part (not a
    # shared Muhammad or I Wayan) or its last four are the key, with two four-year buckets of the
    # birth year, one shifted by half, so that years up to two apart always share one.
    *[
        rule
        for key in _NAME_ENDS
        for shift in (0, 2)
        for rule in _both_ways(
            f"l.kab IS NULL AND l.prov = r.prov AND l.sex = r.sex AND {key}"
            f" AND (l.birth_year_est + {shift}) // 4 = (r.birth_year_est + {shift}) // 4"
            " AND abs(l.birth_year_est - r.birth_year_est) <= 2"
            " AND l.name_compact <> r.name_compact"
            f" AND {edits_within('l.name_compact', 'r.name_compact', 2)}"
        )
    ],
    # An age-only complaint about a child who moved far away: the same name, near the age.
    *_both_ways(
        "l.dob IS NULL AND l.birth_year_est IS NOT NULL AND l.name_compact = r.name_compact"
        " AND abs(l.birth_year_est - coalesce(r.birth_year_est, l.birth_year_est)) <= 1"
    ),
    # Tokens in another order and a move (Niko Alua / Alua Niko): the birth year.
    CustomRule(
        "l.name_sorted = r.name_sorted AND l.birth_year_est = r.birth_year_est AND l.name <> r.name"
    ),
    # A move far away and the birth year mistyped: the name, and the day and month of birth.
    CustomRule("l.name_compact = r.name_compact AND substr(l.dob, 6, 5) = substr(r.dob, 6, 5)"),
    # ... or day and month swapped: the name and the date read the other way (dates come as
    # DD-MM-YYYY and YYYY-MM-DD, exchange format; a day of 12 or less reads either way).
    CustomRule(f"l.name_compact = r.name_compact AND {_SWAPPED}"),
    # The date read the other way round with a call name or a name written short, in the
    # province (a complaint coded to its province only): one sex, names with something in
    # common. The swapped date is a key the join can hash, as the date itself.
    CustomRule(f"{_SWAPPED} AND l.prov = r.prov AND l.sex = r.sex AND {_NAMED_ALIKE}"),
    # The year typed or counted a year off, the day and month right, with a call name or a
    # name written short (Cantika Pertiwi / Pertiwi), in the regency: one name found inside the
    # other as text, or one word a letter off. (Names with merely something in common, as
    # above: 207k pairs on the dense 1.09M; these: 25k, and the same true pairs on corpus B.)
    *[
        CustomRule(
            "substr(l.dob, 6, 5) = substr(r.dob, 6, 5) AND l.kab = r.kab AND l.sex = r.sex"
            f" AND l.dob_year = r.dob_year + ({step}) AND l.name <> r.name"
            " AND (contains(l.name, r.name) OR contains(r.name, l.name)"
            f" OR {call_name_slipped('l.name', 'r.name')})"
        )
        for step in (-1, 1)
    ],
    # A placeholder birth date (only the year was known) and a move: the name and birth year.
    *_both_ways(
        "l.dob_placeholder AND l.name_compact = r.name_compact"
        " AND l.birth_year_est = r.birth_year_est"
    ),
    # A NIK mistyped in its serial, its province or regency digits, or its district digits:
    # the rest of the number agrees.
    CustomRule("substr(l.nik, 1, 12) = substr(r.nik, 1, 12)"),
    CustomRule(f"substr(l.nik, 5, 12) = substr(r.nik, 5, 12) AND {_RELATED}"),
    CustomRule(
        "substr(l.nik, 1, 4) || substr(l.nik, 7, 10) = substr(r.nik, 1, 4) || substr(r.nik, 7, 10)"
        f" AND {_RELATED}"
    ),
    # ... or in its birth-date digits (7-12): the rest of the number agrees, on the side whose
    # record cannot vouch for those digits (no full birth date or district, or at odds with
    # them; a NIK that agrees with its record's birth date is not mistyped there). Same sex,
    # near the age. Serials are small numbers given in order, so a district's NIKs share all
    # but one date digit often: on the dense 1.09M these add 117k pairs and 2.2 s.
    *[
        rule
        for digit in range(7, 13)
        for rule in _both_ways(
            f"NOT l.nik_proven AND {_nik_but('l', digit)} = {_nik_but('r', digit)}"
            f" AND l.nik <> r.nik AND l.sex = r.sex{_AGE}"
        )
    ],
    # Tokens in another order (Katarina Mesakh / Mesakh Katarina), born within two years or of
    # unknown age. Names from a small stock of words often come in both orders: without the
    # years, 443k pairs on the dense 1.09M; with them 59k, and the same true pairs. The year
    # is part of the key: a regency's namesakes written the same way (37M pairs there) are
    # never joined.
    *_near_years("l.name_sorted = r.name_sorted AND l.kab = r.kab AND l.name <> r.name", 2),
    *_both_ways(
        "l.birth_year_est IS NULL AND l.name_sorted = r.name_sorted AND l.kab = r.kab"
        " AND l.name <> r.name"
    ),
]
