"""The Fellegi-Sunter model for Indonesian child records: comparisons and training sessions.

Splink has no comparison for Indonesian names, NIKs or Kemendagri region codes; they are built
here from SQL levels (DuckDB dialect). First matching level wins, so each list runs from the
strongest agreement to the weakest.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator

from padan.linkage.blocking_rules import BLOCKING_RULES
from padan.linkage.model_extra import EXTRA_COMPARISONS, EXTRA_RULES
from padan.linkage.model_nik import nik_comparison
from padan.linkage.name_sql import (
    call_name,
    call_name_slipped,
    edits_within,
    one_edit,
    one_keystroke,
    tokens_within,
)

__all__ = [
    "AGE_AGREES",
    "AGE_YEAR_OFF",
    "NAME_OFF_LADDER",
    "TRAINING_KEYS",
    "compared",
    "comparisons",
    "settings",
]


#: An age-only record whose age fits the other's birth date (born in the year the age gives or
#: the year before).
AGE_AGREES = "age-only record, the birth year the age gives"
#: An age-only record whose age is a year off the other's birth date (or age).
AGE_YEAR_OFF = "age-only record, the age a year off"


def _level(sql: str, label: str) -> Any:
    return cll.CustomLevel(sql, label_for_charts=label)


# Leads shared by many people (I Wayan, Ni Putu, Anak Agung, Muhammad) that neither name's
# leads contain the other's: a Balinese birth-order name or caste title is part of the
# registered name, so "Ni Wayan Suciani" and "Ni Putu Suciani" are two people, often siblings.
_LEADS_DIFFER = (
    "name_lead_l IS NOT NULL AND name_lead_r IS NOT NULL"
    " AND NOT list_has_all(str_split(name_lead_l, ' '), str_split(name_lead_r, ' '))"
    " AND NOT list_has_all(str_split(name_lead_r, ' '), str_split(name_lead_l, ' '))"
)


#: A common name written alike is weaker evidence than a rare one, written exactly or with a
#: slip: the close levels take the name's frequency as the exact level does, so that a slip
#: on a rare name never outweighs the exact name (twins Rina and Rini, a complaint on Rini).
_NAME_TF: dict[str, Any] = {"tf_adjustment_column": "name", "tf_adjustment_weight": 1.0}

#: The name levels that are not a rung of the ladder from exact to loosely alike (for
#: :func:`padan.linkage.training.cap_name_likenesses`): a disagreement placed early, and the rest.
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
            # One slip in the name's own part, or in the whole name joined (Dafa Hidayat /
            # Dofahidayat; a slip in a lead, Mvhamad, leaves it out of the core).
            _level(
                f"{one_edit('name_core_l', 'name_core_r')}"
                f" OR {one_edit('name_compact_l', 'name_compact_r')}",
                "one typing slip",
            ).configure(**_NAME_TF),
            # Jaro-Winkler rewards a shared beginning: on the name's own part, not on
            # "I Wayan" or "Muhammad", which unrelated children share.
            _level(
                "jaro_winkler_similarity(name_core_l, name_core_r) >= 0.94",
                "Jaro-Winkler >= 0.94",
            ),
            # One name written short: two tokens or more within the other's, or a single one
            # (Dinda / Dinda Ramadani), many children's: weighed, as the exact name, by its rarity.
            _level(
                "strpos(name_l, ' ') > 0 AND strpos(name_r, ' ') > 0 AND "
                + tokens_within("name_l", "name_r"),
                "one name's tokens within the other's",
            ),
            _level(
                # Two names of two tokens or more were settled on the level above.
                "(strpos(name_l, ' ') = 0 OR strpos(name_r, ' ') = 0) AND "
                + tokens_within("name_l", "name_r"),
                "a one-word name within the other",
            ).configure(**_NAME_TF),
            _level(
                "jaro_winkler_similarity(name_core_l, name_core_r) >= 0.85",
                "Jaro-Winkler >= 0.85",
            ),
            # Two slips in a long name (Haikal Maulana / Halkal Maulaua: letters misread from a
            # scan): Jaro-Winkler weighs a shared beginning and misses slips spread over the
            # name. Eight letters or more, so that three in four letters at least agree.
            _level(
                "length(name_compact_l) >= 8 AND length(name_compact_r) >= 8 AND "
                + edits_within("name_compact_l", "name_compact_r", 2),
                "two slips in a long name",
            ),
            _level(call_name("name_l", "name_r"), "a call name: one name is part of the other's"),
            _level(
                call_name_slipped("name_l", "name_r"),
                "a call name with a letter wrong: one edit from a word of the other's",
            ),
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
            # Neither side's date a placeholder: the same either way round (a pair is put to
            # the model with either record on the left).
            _level(
                "dob_l = dob_r AND NOT coalesce(dob_placeholder_l OR dob_placeholder_r, false)",
                "exact",
            ),
            _level(
                "dob_l = dob_r", "exact, a placeholder date (a day its source holds far too often)"
            ),
            _level(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)"
                " AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
                " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                "day and month swapped",
            ),
            # The year one off, whether its digits differ by one (2016/2017) or more
            # (2019/2020): a year counted from an age, or slipped, is one kind of evidence.
            _level(
                "substr(dob_l, 6, 5) = substr(dob_r, 6, 5) AND abs(dob_year_l - dob_year_r) = 1",
                "same day and month, year +-1",
            ),
            _level(one_keystroke("dob_l", "dob_r"), "one character apart"),
            # A birth date entered wrongly at registration: a day or a month off.
            _level("abs(dob_days_l - dob_days_r) <= 31", "within 31 days"),
            _level("abs(dob_days_l - dob_days_r) <= 400", "within about a year"),
            # An age in whole years at the complaint (exchange format: ``usia`` at
            # ``tanggal_pengaduan``) puts the birth in the year it gives (event year - age) or,
            # the birthday not yet reached, the year before: both agree with the age.
            _level(
                "dob_l IS NULL AND dob_r IS NOT NULL"
                " AND birth_year_est_l - birth_year_est_r IN (0, 1)"
                " OR dob_r IS NULL AND dob_l IS NOT NULL"
                " AND birth_year_est_r - birth_year_est_l IN (0, 1)"
                " OR dob_l IS NULL AND dob_r IS NULL AND birth_year_est_l = birth_year_est_r",
                AGE_AGREES,
            ),
            # ... and an age a year off (a guess by whoever reports the child): a year too
            # many puts the birth in the year after the year the age gives, a year too few (the
            # birthday not yet reached) two years before it; between two ages, one or two years.
            _level(
                "dob_l IS NULL AND dob_r IS NOT NULL"
                " AND birth_year_est_l - birth_year_est_r IN (-1, 2)"
                " OR dob_r IS NULL AND dob_l IS NOT NULL"
                " AND birth_year_est_r - birth_year_est_l IN (-1, 2)"
                " OR dob_l IS NULL AND dob_r IS NULL"
                " AND abs(birth_year_est_l - birth_year_est_r) IN (1, 2)",
                AGE_YEAR_OFF,
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
            # A record's earlier village counts: one child, who moved since the other record.
            _level(
                "desa_l = desa_r OR desa_before_l = desa_r OR desa_l = desa_before_r",
                "same village (now, or before one record's move)",
            ),
            # The village an address names (domain.md §8.6), where a code stops above the
            # village (a complaint coded to its regency or province only): the codes, as far
            # as both go, agree.
            _level(
                "place_l = place_r AND (desa_l IS NULL OR desa_r IS NULL) AND prov_l = prov_r"
                " AND coalesce(kab_l = kab_r, true) AND coalesce(kec_l = kec_r, true)",
                "same village named in the address, the codes agreeing as far as they go",
            ),
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
            # Unknown unless one parent is named on both records: a mother on one and only a
            # father on the other compare nothing.
            _level(
                "(mother_l IS NULL OR mother_r IS NULL) AND (father_l IS NULL OR father_r IS NULL)",
                "unknown",
            ).configure(is_null_level=True),
            _level("mother_l = mother_r AND father_l = father_r", "both parents exact"),
            _level("mother_l = mother_r", "mother exact"),
            # A slip in the mother's name is one edit or two letters swapped: Jaro-Winkler
            # would also find "Siti Rahmah" and "Siti Hasnah" alike, two common first names.
            _level(
                f"{one_edit('mother_l', 'mother_r')} OR father_l = father_r",
                "mother similar or father exact",
            ),
            # A parent named short on one record (Hendra / Hendra Gunawan): names are written
            # short for parents as for children.
            _level(
                tokens_within("mother_l", "mother_r")
                + " OR "
                + tokens_within("father_l", "father_r"),
                "a parent's name within the other's",
            ),
            # ... or by the name she or he is called by (Idah / Zubaidah): whoever reports a
            # child writes its mother as the neighbours call her, as the child itself.
            _level(
                # (Typed text: a record compared on its own has untyped NULLs.)
                call_name("coalesce(mother_l, '')", "coalesce(mother_r, '')")
                + " OR "
                + call_name("coalesce(father_l, '')", "coalesce(father_r, '')"),
                "a parent's call name within the other's name",
            ),
            _level(
                f"{jw}(mother_l, mother_r) >= 0.75 OR {jw}(father_l, father_r) >= 0.9",
                "a parent roughly similar",
            ),
            cll.ElseLevel(),
        ],
    )


def comparisons(roles: Collection[str] = ()) -> list[Any]:
    """Every comparison of the model, in the order of the match-weight breakdown; ``roles``
    adds those of the extra roles the linked sources declare."""
    return [
        _name_comparison(),
        _dob_comparison(),
        cl.ExactMatch("sex"),
        _region_comparison(),
        _parents_comparison(),
        nik_comparison(),
        *(make() for role, make in EXTRA_COMPARISONS.items() if role in roles),
    ]


#: The keys of the EM sessions. Person-level rules only: household rules (KK, mother, address)
#: would teach the model "same family" instead of "same child". Together they leave every
#: comparison trained. A session runs where its key pairs some records (a person list has no
#: NIK; KPAI and DTSEN have no other identifier): :func:`padan.linkage.training.training_sessions`.
TRAINING_KEYS: list[tuple[str, ...]] = [("name_compact", "dob"), ("nik",), ("other_id",)]


def compared(roles: Collection[str] = ()) -> list[str]:
    """The names of the comparisons of :func:`comparisons` (``roles``), as a model file has them."""
    return [c.get_comparison("duckdb").output_column_name for c in comparisons(roles)]


def settings(roles: Collection[str] = ()) -> SettingsCreator:
    """Splink settings for linking and deduplicating KPAI, DTSEN and the declared person-level
    sources together; ``roles``: the extra roles those sources declare."""
    extra = [rule for role, rules in EXTRA_RULES.items() if role in roles for rule in rules]
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=comparisons(roles),
        blocking_rules_to_generate_predictions=[*BLOCKING_RULES, *extra],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["source", "source_id"],
        em_convergence=0.001,
        max_iterations=20,
    )
