"""The Fellegi-Sunter model for Indonesian child records: comparisons, blocking, training.

Splink has no comparison for Indonesian names, NIKs or Kemendagri region codes; they are built
here from SQL levels (DuckDB dialect). First matching level wins, so each list runs from the
strongest agreement to the weakest.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

__all__ = [
    "BLOCKING_RULES",
    "NAME_OFF_LADDER",
    "NIK_AT_ODDS_SLIP",
    "NIK_BOTH_VERIFIED",
    "NIK_SAME_PREFIX",
    "NIK_SERIAL_SLIP",
    "NIK_UNSHOWN_SLIP",
    "TRAINING_RULES",
    "call_name",
    "comparisons",
    "settings",
]


#: NIK levels that imply the same district and birth-date digits (the first 12), which the
#: birth-date and region comparisons already count: their u is taken among such pairs only.
NIK_SERIAL_SLIP = "one keystroke apart in the serial number"
NIK_SAME_PREFIX = "same district and birth date"
#: One keystroke apart, one NIK at odds with its own record: a slip, or a NIK kept from the
#: district of first registration (domain.md §2.1) one digit from a neighbour's.
NIK_AT_ODDS_SLIP = "one keystroke apart, one NIK at odds with its record"
#: One keystroke apart where a record lacks the district or birth date to show its NIK right.
NIK_UNSHOWN_SLIP = "one keystroke apart where a record cannot show which is right"
#: Two different NIKs, both verified against Dukcapil (``status_padan_dukcapil = PADAN``).
NIK_BOTH_VERIFIED = "both verified by Dukcapil, different"


def _level(sql: str, label: str) -> Any:
    return cll.CustomLevel(sql, label_for_charts=label)


# DuckDB's damerau_levenshtein is slow (about 2 microseconds a pair, ten times levenshtein and
# fifty times hamming); over millions of candidate pairs it was most of the scoring time. These
# give the same answer and call it only for the few pairs the cheap distances leave open. CASE,
# not AND/OR: DuckDB may evaluate both sides of AND, and hamming fails on unequal lengths.
def _one_edit(left: str, right: str) -> str:
    """Damerau-Levenshtein distance of ``left`` and ``right`` at most 1 (strings of any length)."""
    return (
        f"CASE WHEN levenshtein({left}, {right}) <= 1 THEN true"
        f" WHEN levenshtein({left}, {right}) = 2"
        f" THEN damerau_levenshtein({left}, {right}) = 1 ELSE false END"
    )


def _one_keystroke(left: str, right: str) -> str:
    """Exactly one digit changed or two neighbours swapped, for strings of one fixed length."""
    return (
        f"CASE WHEN hamming({left}, {right}) > 2 THEN false"
        f" ELSE damerau_levenshtein({left}, {right}) = 1 END"
    )


# Leads shared by many people (I Wayan, Ni Putu, Anak Agung, Muhammad) that neither name's
# leads contain the other's: a Balinese birth-order name or caste title is part of the
# registered name, so "Ni Wayan Suciani" and "Ni Putu Suciani" are two people, often siblings.
_LEADS_DIFFER = (
    "name_lead_l IS NOT NULL AND name_lead_r IS NOT NULL"
    " AND NOT list_has_all(str_split(name_lead_l, ' '), str_split(name_lead_r, ' '))"
    " AND NOT list_has_all(str_split(name_lead_r, ' '), str_split(name_lead_l, ' '))"
)


def _tokens_within(left: str, right: str) -> str:
    """SQL: the tokens of one of two names all among the other's (Dinda / Dinda Ramadani).

    Splitting two names into lists costs about 200 ns a pair; across a district's
    thousands of neighbours that was most of a blocking rule's time. The first token of the
    shorter name must appear in the longer one as text, a check ten times cheaper, so the lists
    are compared only for the few pairs that pass it. The answer is the same.
    """
    return (
        f"(contains({right}, split_part({left}, ' ', 1))"
        f" AND list_has_all(str_split({right}, ' '), str_split({left}, ' '))"
        f" OR contains({left}, split_part({right}, ' ', 1))"
        f" AND list_has_all(str_split({left}, ' '), str_split({right}, ' ')))"
    )


def _edits_within(left: str, right: str, edits: int) -> str:
    """SQL: at most ``edits`` edits apart; lengths further apart than that need no Levenshtein."""
    return (
        f"abs(length({left}) - length({right})) <= {edits}"
        f" AND levenshtein({left}, {right}) <= {edits}"
    )


def call_name(left: str, right: str) -> str:
    """SQL: one name is a call name (nama panggilan) of the other: a single word of three
    letters or more found inside it (Kila / Shakila Raisa Putri, Siskus / Yulius Fransiskus,
    Zahra / Putri Azahra). Children are reported by the name they are called by."""
    return (
        f"strpos({left}, ' ') = 0 AND length({left}) >= 3 AND contains({right}, {left})"
        f" OR strpos({right}, ' ') = 0 AND length({right}) >= 3 AND contains({left}, {right})"
    )


#: A common name written alike is weaker evidence than a rare one, written exactly or with a
#: slip: the close levels take the name's frequency as the exact level does, so that a slip
#: on a rare name never outweighs the exact name (twins Rina and Rini, a complaint on Rini).
_NAME_TF: dict[str, Any] = {"tf_adjustment_column": "name", "tf_adjustment_weight": 1.0}

#: The name levels that are not a rung of the ladder from exact to loosely alike (for
#: :func:`padan.linkage.training.monotone_names`): a disagreement placed early, and the rest.
NAME_OFF_LADDER = ("another birth-order name or title", "All other comparisons")


def _name_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True),
            _level("name_compact_l = name_compact_r", "same name joined/split").configure(
                **_NAME_TF
            ),
            _level("name_sorted_l = name_sorted_r", "same tokens, other order").configure(
                **_NAME_TF
            ),
            _level(_LEADS_DIFFER, "another birth-order name or title"),
            _level(_one_edit("name_core_l", "name_core_r"), "one typing slip").configure(
                **_NAME_TF
            ),
            # Jaro-Winkler rewards a shared beginning: on the name's own part, not on
            # "I Wayan" or "Muhammad", which unrelated children share.
            _level(
                "jaro_winkler_similarity(name_core_l, name_core_r) >= 0.94",
                "Jaro-Winkler >= 0.94",
            ),
            # One name written short: two tokens or more within the other's, or a single one
            # (Dinda / Dinda Ramadani), which many more children share.
            _level(
                "strpos(name_l, ' ') > 0 AND strpos(name_r, ' ') > 0 AND "
                + _tokens_within("name_l", "name_r"),
                "one name's tokens within the other's",
            ),
            _level(
                _tokens_within("name_l", "name_r"),
                "a one-word name within the other",
            ),
            _level(
                "jaro_winkler_similarity(name_core_l, name_core_r) >= 0.85",
                "Jaro-Winkler >= 0.85",
            ),
            _level(call_name("name_l", "name_r"), "a call name: one name is part of the other's"),
            _level("name_first_l = name_first_r", "same first token of its own part"),
            cll.ElseLevel(),
        ],
    )


def _dob_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            _level("birth_year_est_l IS NULL OR birth_year_est_r IS NULL", "unknown").configure(
                is_null_level=True
            ),
            _level("dob_l = dob_r AND NOT dob_placeholder_l", "exact"),
            _level(
                "dob_l = dob_r", "exact, a placeholder date (a day its source holds far too often)"
            ),
            _level(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)"
                " AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
                " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                "day and month swapped",
            ),
            _level(_one_keystroke("dob_l", "dob_r"), "one character apart"),
            _level(
                "substr(dob_l, 6, 5) = substr(dob_r, 6, 5) AND abs(dob_year_l - dob_year_r) = 1",
                "same day and month, year +-1",
            ),
            # A birth date entered wrongly at registration: a day or a month off.
            _level("abs(dob_days_l - dob_days_r) <= 31", "within 31 days"),
            _level("abs(dob_days_l - dob_days_r) <= 400", "within about a year"),
            _level(
                "(dob_l IS NULL OR dob_r IS NULL)"
                " AND abs(birth_year_est_l - birth_year_est_r) <= 1",
                "age-only record, birth year +-1",
            ),
            _level("dob_placeholder_l OR dob_placeholder_r", "differs, one is a placeholder"),
            cll.ElseLevel(),
        ],
    )


def _region_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="region",
        comparison_levels=[
            cll.NullLevel("prov"),
            _level("desa_l = desa_r", "same village"),
            # A complaint coded to its district or regency only agrees as far as it goes: that is
            # not the same evidence as two villages, or two districts, that differ.
            _level(
                "kec_l = kec_r AND (desa_l IS NULL OR desa_r IS NULL)",
                "same district, as far as known",
            ),
            _level("kec_l = kec_r", "same district"),
            _level(
                "kab_l = kab_r AND (kec_l IS NULL OR kec_r IS NULL)",
                "same regency, as far as known",
            ),
            _level("kab_l = kab_r", "same regency"),
            _level(
                "prov_l = prov_r AND (kab_l IS NULL OR kab_r IS NULL)",
                "same province, as far as known",
            ),
            _level("prov_l = prov_r", "same province"),
            cll.ElseLevel(),
        ],
    )


def _parents_comparison() -> Any:
    # Mother, father and household are one piece of evidence, not three: siblings and twins
    # share all of them. Counting them separately taught an earlier model "same family".
    jw = "jaro_winkler_similarity"
    return cl.CustomComparison(
        output_column_name="parents",
        comparison_levels=[
            _level(
                "mother_l IS NULL AND father_l IS NULL OR mother_r IS NULL AND father_r IS NULL",
                "unknown",
            ).configure(is_null_level=True),
            _level("mother_l = mother_r AND father_l = father_r", "both parents exact"),
            _level("mother_l = mother_r", "mother exact"),
            _level(
                f"{jw}(mother_l, mother_r) >= 0.9 OR father_l = father_r",
                "mother similar or father exact",
            ),
            _level(
                f"{jw}(mother_l, mother_r) >= 0.75 OR {jw}(father_l, father_r) >= 0.9",
                "a parent roughly similar",
            ),
            cll.ElseLevel(),
        ],
    )


def _nik_comparison() -> Any:
    # What a difference between two NIKs means is weighed, never assumed (domain.md §2.2):
    # registries hold mistyped NIKs, a parent's or a sibling's NIK or the KK number in a
    # child's NIK field, and double registrations with a second NIK. Each such situation is a
    # level of its own, with a weight learnt from the data.
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[
            cll.NullLevel("nik"),
            _level("nik_l = nik_r AND nik_fits_l AND nik_fits_r", "exact"),
            # One record's own district or birth date contradicts the NIK: it was mistyped into
            # someone else's, or it is another family member's.
            _level("nik_l = nik_r", "exact, but it contradicts one record's region or birth date"),
            # Both verified against Dukcapil's register (status_padan_dukcapil, exchange format
            # v1.1): two registered people, unless one person holds two NIKs.
            _level("nik_padan_l AND nik_padan_r", NIK_BOTH_VERIFIED),
            # Serial numbers are given in order: children born the same day in one district have
            # NIKs one digit apart in the last four. Its u is measured among such pairs.
            _level(
                "substr(nik_l, 1, 12) = substr(nik_r, 1, 12)"
                f" AND {_one_keystroke('nik_l', 'nik_r')}",
                NIK_SERIAL_SLIP,
            ),
            # A slip in the district or birth-date digits leaves the mistyped NIK at odds with
            # its own record; two NIKs that both agree with their records are more likely two
            # children born nearby on nearby days.
            _level(
                f"{_one_keystroke('nik_l', 'nik_r')} AND NOT (nik_fits_l AND nik_fits_r)",
                NIK_AT_ODDS_SLIP,
            ),
            # Both agree with their records, but a record lacks the district or birth date to
            # show its NIK right: a slip there looks like the NIK of a child born nearby on a
            # nearby day. Its u is measured among such neighbours (padan.linkage.training).
            # Two records that both show their NIKs right differ where their records differ:
            # the NIK adds nothing to that, and the pair goes on to the levels below.
            _level(
                f"{_one_keystroke('nik_l', 'nik_r')} AND NOT (nik_proven_l AND nik_proven_r)",
                NIK_UNSHOWN_SLIP,
            ),
            _level("nik_l = kk_r OR nik_r = kk_l", "one NIK is the other record's KK number"),
            _level(
                "nik_family_l = household_r OR nik_family_r = household_l",
                "the NIK of a member of the other record's DTSEN household",
            ),
            _level("substr(nik_l, 1, 12) = substr(nik_r, 1, 12)", NIK_SAME_PREFIX),
            cll.ElseLevel(),
        ],
    )


def comparisons() -> list[Any]:
    """Every comparison of the model, in the order of the match-weight breakdown."""
    return [
        _name_comparison(),
        _dob_comparison(),
        cl.ExactMatch("sex"),
        _region_comparison(),
        _parents_comparison(),
        _nik_comparison(),
    ]


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
_SUBSET = _tokens_within("l.name", "r.name")
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
            " AND coalesce(abs(l.dob_days - r.dob_days) <= 400, true)"
            f" AND l.birth_year_est = r.birth_year_est + ({step})"
        )
        for step in (-1, 1)
    ],
    # Another spelling of the name, born the same day in the regency.
    CustomRule(f"l.dob = r.dob AND l.kab = r.kab AND {_SIMILAR.format(0.7)}"),
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
    # ... or an age-only complaint with the name written short, its birth year +-1.
    *_near_years(
        "l.dob IS NULL AND l.name_first = r.name_first AND l.kab = r.kab AND l.sex = r.sex"
        f" AND {_SUBSET}",
        1,
    ),
    *_near_years(
        "r.dob IS NULL AND l.name_first = r.name_first AND l.kab = r.kab AND l.sex = r.sex"
        f" AND {_SUBSET}",
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
    *_near_years(f"l.mother = r.mother AND l.sex = r.sex AND {_RELATED}", 1),
    # A call name taken from another part of the name (Cecep Suhendar / Hendar), or a double
    # registration in another district: born the same day, in one regency.
    CustomRule(f"l.dob = r.dob AND l.kab = r.kab AND l.sex = r.sex AND {_RELATED}"),
    # A complaint without a birth date (age only, or not even that), or coded only to its
    # province: the same name or its tokens in another order, near the age when it is known.
    # One-sided: the side without the date (or the regency) is a small share of records, which
    # keeps these joins small.
    *_both_ways(f"l.dob IS NULL AND l.name_compact = r.name_compact AND l.prov = r.prov{_AGE}"),
    *_both_ways(f"l.dob IS NULL AND l.name_sorted = r.name_sorted AND l.kab = r.kab{_AGE}"),
    # Neither a birth date nor an age: a close, short or call name in the district.
    *_both_ways(
        "l.dob IS NULL AND l.birth_year_est IS NULL AND l.kec = r.kec AND l.sex = r.sex"
        f" AND ({_SUBSET} OR {_edits_within('l.name_core', 'r.name_core', 2)}"
        f" OR {call_name('l.name', 'r.name')})"
    ),
    # An age only: a related name in the district's birth year, or the mother near the age;
    # coded only to the province: a close name near the age.
    *_both_ways(
        "l.dob IS NULL AND l.kec = r.kec AND l.sex = r.sex"
        f" AND l.birth_year_est = r.birth_year_est AND {_RELATED}"
    ),
    *_both_ways(f"l.dob IS NULL AND l.mother = r.mother AND l.sex = r.sex{_AGE} AND {_RELATED}"),
    *_both_ways(
        "l.kab IS NULL AND l.name_first = r.name_first AND l.prov = r.prov AND l.sex = r.sex"
        " AND coalesce(abs(l.birth_year_est - r.birth_year_est) <= 1, true)"
        f" AND {_edits_within('l.name_compact', 'r.name_compact', 2)}"
    ),
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
    # Tokens in another order, with a birth date: Katarina Mesakh / Mesakh Katarina.
    CustomRule("l.name_sorted = r.name_sorted AND l.kab = r.kab AND l.name <> r.name"),
]

#: EM sessions. Person-level rules only: household rules (KK, mother, address) would teach the
#: model "same family" instead of "same child". Together they leave every comparison trained.
TRAINING_RULES: list[Any] = [block_on("name_compact", "dob"), block_on("nik")]


def settings() -> SettingsCreator:
    """Splink settings for linking and deduplicating KPAI and DTSEN together."""
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["source", "source_id"],
        em_convergence=0.001,
        max_iterations=20,
    )
