"""A DTSEN household's roster: whether two of its members can be one person entered twice.

A household lists each member once; DTSEN, merged from DTKS, Regsosek and P3KE, still holds some
twice (domain.md §3, §8.5). The clustering (:mod:`padan.linkage.cluster`) asks these rules
before it puts two members of one roster in one child.
"""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher

__all__ = ["Member", "date_slip", "entered_twice"]

#: A roster member: name, birth date, sex, the NIK if the record shows it right, the NIK as
#: written.
Member = tuple[str | None, str | None, str | None, str | None, str | None]


def entered_twice(a: Member, b: Member) -> bool | None:
    """Whether two members of one household roster can be one person entered twice: True,
    False, or None when only a person can tell (twins, or one child with a name slip).

    A household lists each member once; DTSEN, merged from DTKS, Regsosek and P3KE, still holds
    some twice (domain.md §3, §8.5), the second time with the name written short or slightly
    differently, or a birth date mistyped. Two people instead:
    - sexes that differ;
    - birth dates further apart than a typing slip (:func:`date_slip`): siblings;
    - on one birth date, names that differ other than by one written short or two letters
      swapped: twins are given names a letter or a token apart (Rina/Rini, Hasan/Husein);
    - on one birth date, names one slip apart under two NIKs that each agree with their
      records: the roster and Dukcapil both count two people, the twin signature (one child
      registered twice would need a second NIK and a slip in its name as well).
    One NIK on both is one person, and so is one name written the same (twins are not given
    one name), on birth dates a slip apart; one name and one NIK together, whatever the dates.
    For a person to decide (None): names one slip apart on one birth date where a NIK is
    missing or at odds with its record (twins, or one child mistyped); names written alike (one
    written short, two letters swapped) under two NIKs that each agree with their records (twins
    get consecutive serials; so does one person recorded twice); and close names under two such
    NIKs on birth dates a slip apart.
    """
    (name_a, dob_a, sex_a, nik_a, written_a), (name_b, dob_b, sex_b, nik_b, written_b) = a, b
    if sex_a and sex_b and sex_a != sex_b:
        return False
    same_name = bool(name_a and name_b and name_a.replace(" ", "") == name_b.replace(" ", ""))
    if same_name and written_a and written_a == written_b:
        # One name and one NIK: no two people share both, whatever dates were typed (a date
        # mistyped leaves the NIK at odds with its record, so the NIK as written counts).
        return True
    if same_name or (nik_a and nik_a == nik_b):
        # Parents do not give twins one name: the same name, or the same NIK, on one birth
        # date is one person registered twice, even under a second NIK (SIAK gives it the next
        # serial).
        return not (dob_a and dob_b) or date_slip(dob_a, dob_b)
    if dob_a and dob_b and not date_slip(dob_a, dob_b):
        return False
    if not name_a or not name_b:
        return True
    # Two NIKs that each agree with their records: twins (consecutive serials), or one person
    # recorded twice under the next serial. Names written alike cannot tell which: ask.
    second_nik = bool(nik_a and nik_b)
    if _written_short(name_a, name_b) or _swapped_letters(name_a, name_b):
        return None if second_nik else True
    if not _one_name(name_a, name_b):
        return False
    if second_nik and dob_a == dob_b:
        # The twin signature: close names on one birth date, each under a NIK of its own
        # that fits its record.
        return False
    return None if dob_a == dob_b or second_nik else True


def _swapped_letters(a: str, b: str) -> bool:
    """Two neighbouring letters swapped (Sopiah/Soipah): a typing slip, never a name choice."""
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and (a[diff[1]] == b[diff[0]])
    )


def date_slip(a: str, b: str) -> bool:
    """Two ISO dates one typing slip apart (or equal): the slips the birth-date comparison
    knows: one character, day and month swapped, the year ±1, within a month."""
    if a == b or sum(x != y for x, y in zip(a, b, strict=False)) == 1:
        return True
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    if a[4:] == b[4:] and abs(int(a[:4]) - int(b[:4])) == 1:
        return True
    try:
        return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days) <= 31
    except ValueError:
        return False


def _written_short(a: str, b: str) -> bool:
    """One name is the other, perhaps written short (Sarah / Sarah Aisyah) or joined."""
    short, long = sorted((a.split(), b.split()), key=len)
    return set(short) <= set(long) or a.replace(" ", "") == b.replace(" ", "")


def _one_name(a: str, b: str) -> bool:
    """The two names can be one written twice: one is the other written short (Sarah / Sarah
    Aisyah), or they are close (Herman / Hermam, Muhamad Rizki / Muhammad Rizky)."""
    return _written_short(a, b) or SequenceMatcher(None, a, b).ratio() >= _TWIN_NAME_RATIO


# Above this similarity two names can be one written twice (Herman/Hermam, Muhamad Rizki/
# Muhammad Rizky): a common ratio for "close" (difflib's own get_close_matches uses 0.6).
_TWIN_NAME_RATIO = 0.75
