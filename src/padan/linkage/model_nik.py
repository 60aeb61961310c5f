"""The NIK comparison: what a difference between two NIKs says, a level per situation.

A NIK is 6 digits of the district of first registration, the birth date (day + 40 for girls) and
a 4-digit serial given in order from 0001 (domain.md §2.1). Registries hold mistyped NIKs, a
parent's or a sibling's NIK or the KK number in a child's NIK field, and double registrations
under a second NIK: each is a level whose weight is learnt from the data
(:mod:`padan.linkage.training`).
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from padan.linkage.name_sql import one_keystroke

__all__ = [
    "NIK_AT_ODDS_SLIP",
    "NIK_BOTH_VERIFIED",
    "NIK_SAME_PREFIX",
    "NIK_SERIAL_NEXT",
    "NIK_SERIAL_SLIP",
    "NIK_UNSHOWN_SLIP",
    "nik_comparison",
    "serials_next",
]

#: NIK levels that imply the same district and birth-date digits (the first 12), which the
#: birth-date and region comparisons already count: their u is taken among such pairs only.
NIK_SERIAL_NEXT = "serial numbers next to each other"
NIK_SERIAL_SLIP = "one keystroke apart in the serial number"
NIK_SAME_PREFIX = "same district and birth date"
#: One keystroke apart, one NIK at odds with its own record: a slip, or a NIK kept from the
#: district of first registration (domain.md §2.1) one digit from a neighbour's.
NIK_AT_ODDS_SLIP = "one keystroke apart, one NIK at odds with its record"
#: One keystroke apart where a record lacks the district or birth date to show its NIK right.
NIK_UNSHOWN_SLIP = "one keystroke apart where a record cannot show which is right"
#: Two different NIKs, both verified against Dukcapil (``status_padan_dukcapil = PADAN``).
NIK_BOTH_VERIFIED = "both verified by Dukcapil, different"


def serials_next(left: str, right: str) -> str:
    """SQL: the serials (last four digits) of two NIKs ``left`` and ``right`` at most two apart:
    twins or triplets registered together, or one person recorded twice (serials are given in
    order, domain.md §2.1). NULL where a serial is not a number."""
    return (
        f"abs(try_cast(substr({left}, 13, 4) AS INTEGER)"
        f" - try_cast(substr({right}, 13, 4) AS INTEGER)) <= 2"
    )


def _level(sql: str, label: str) -> Any:
    return cll.CustomLevel(sql, label_for_charts=label)


def nik_comparison() -> Any:
    """How two NIKs compare: a level for each situation that gives one child two NIKs."""
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
            # Serials are given in order among the NIKs of one district and birth date (domain.md
            # §2.1): twins, or one person recorded twice, hold serials next to each other
            # (0007 / 0008, 0009 / 0010); a slip changes a digit anywhere (0007 / 0107). The u
            # of both is measured among such pairs.
            _level(
                f"substr(nik_l, 1, 12) = substr(nik_r, 1, 12) AND {serials_next('nik_l', 'nik_r')}",
                NIK_SERIAL_NEXT,
            ),
            _level(
                "substr(nik_l, 1, 12) = substr(nik_r, 1, 12)"
                f" AND {one_keystroke('nik_l', 'nik_r')}",
                NIK_SERIAL_SLIP,
            ),
            # A slip in the district or birth-date digits leaves the mistyped NIK at odds with
            # its own record; two NIKs that both agree with their records are more likely two
            # children born nearby on nearby days.
            _level(
                f"{one_keystroke('nik_l', 'nik_r')} AND NOT (nik_fits_l AND nik_fits_r)",
                NIK_AT_ODDS_SLIP,
            ),
            # Both agree with their records, but a record lacks the district or birth date to
            # show its NIK right: a slip there looks like the NIK of a child born nearby on a
            # nearby day. Its u is measured among such neighbours (padan.linkage.training).
            # Two records that both show their NIKs right differ where their records differ:
            # the NIK adds nothing to that, and the pair goes on to the levels below.
            _level(
                f"{one_keystroke('nik_l', 'nik_r')} AND NOT (nik_proven_l AND nik_proven_r)",
                NIK_UNSHOWN_SLIP,
            ),
            # A KK number has a NIK's shape, its date the day the card was recorded (domain.md
            # §2.3): a KK can carry the very digits of a child born that day in that district.
            # A NIK that its own record shows right (district and birth date) is the child's
            # own, so another household's KK or member holding it is chance, not evidence.
            _level(
                "nik_l = kk_r AND NOT nik_proven_l OR nik_r = kk_l AND NOT nik_proven_r",
                "one NIK is the other record's KK number",
            ),
            _level(
                "nik_family_l = household_r AND NOT nik_proven_l"
                " OR nik_family_r = household_l AND NOT nik_proven_r",
                "the NIK of a member of the other record's DTSEN household",
            ),
            _level("substr(nik_l, 1, 12) = substr(nik_r, 1, 12)", NIK_SAME_PREFIX),
            # A NIK whose region or birth-date digits contradict its own record is likely not
            # the child's: a parent's, a KK number (one issued after the family split is in no
            # DTSEN household) or a mistyped one (domain.md 2.2). Two such NIKs differing says
            # less than two that fit their records.
            _level("NOT (nik_fits_l AND nik_fits_r)", "different, one NIK at odds with its record"),
            cll.ElseLevel(),
        ],
    )
