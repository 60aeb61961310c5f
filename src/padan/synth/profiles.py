"""Error profiles: which real-registry problems the synthetic extracts carry, and how often.

``standard`` is the original error model (its output is unchanged). The other profiles add the
situations listed in ``docs/domain.md`` §2.2 (duplicate and mistyped NIKs, DOB in the NIK),
§2.3 (the KK number changes when a family splits), §3 (DTSEN NIKs matched to Dukcapil only in
part: ``status_padan_dukcapil``), §1.2 (retired Papua codes) and §8 (call names, marga, Balinese
prefixes, bin/binti, old spelling, joined tokens), in different mixes, so that a matcher tuned on
one profile can be checked on another. Rates are per row unless stated; they are choices for
synthetic data, not statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from padan.errors import InputError

__all__ = ["DEFAULT_PROFILE", "PROFILES", "Profile", "profile_for"]

DEFAULT_PROFILE: Final = "standard"


@dataclass(frozen=True, slots=True)
class Profile:
    """Rates of every situation a profile injects (0 = never)."""

    name: str
    description: str
    # DTSEN: double registration and how the second record is written. Kinds: the same NIK or
    # none (the standard model), a second NIK (double e-KTP recording), the KK number typed as
    # NIK, the child registered again in the grandparents' household (other KK, often another
    # district, shortened name, mother missing).
    duplicate: float = 0.015
    duplicate_kinds: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 0.0)
    dtsen_nik_typo: float = 0.0  # one digit replaced or two neighbours swapped
    status_padan: bool = False  # write the v1.1 ``status_padan_dukcapil`` column
    padan_unknown: float = 0.0  # correct NIK, but the column is empty (not checked)
    padan_bad_checked: float = 0.0  # wrong NIK marked TIDAK_PADAN (the rest empty)
    papua_old_nik: float = 0.0  # Papua resident born before the 2022 split: retired NIK prefix
    # Families: twins (share of births), near-identical names of twins and siblings.
    twins: float = 0.015
    twin_similar: float = 0.0
    twin_no_nik: float = 0.0  # one twin written without NIK in DTSEN
    sibling_similar: float = 0.0  # a younger same-sex sibling named almost like an elder one
    ni_luh: float = 0.0  # Balinese women named "Ni Luh ..."
    # KPAI ``nik_anak``.
    kpai_nik_missing: float = 0.35
    kpai_nik_typo: float = 0.08
    kpai_nik_family: float = 0.0  # mother's, father's or a sibling's NIK
    kpai_nik_kk: float = 0.0  # the family's KK number
    kpai_kk_newer: float = 0.0  # of those: a newer KK (family split), absent from DTSEN
    # KPAI birth date.
    dob_age_only: float = 0.10
    dob_missing: float = 0.0  # neither date nor age
    dob_swapped: float = 0.05
    dob_year_off: float = 0.03
    dob_placeholder: float = 0.03
    # KPAI region code.
    region_coarse: float = 0.40  # district (60 %) or regency (40 %)
    region_province: float = 0.0
    region_retired: float = 0.0  # Papua: a pre-2022 code (share of Papua rows)
    region_moved: float = 0.0  # child moved: the new regency, DTSEN still has the old one
    # KPAI names: the standard variants, then the situations of §8 with relative weights
    # (call name, marga, Balinese prefix, bin/binti, OCR, joined/split, old spelling).
    name_variant: float = 0.30
    name_situation: float = 0.0
    name_kinds: tuple[float, float, float, float, float, float, float] = (1, 1, 1, 1, 1, 1, 1)

    @property
    def standard(self) -> bool:
        """True for the original model, whose code paths (and random draws) are untouched."""
        return self.name == DEFAULT_PROFILE


_PROFILES: Final = (
    Profile(
        DEFAULT_PROFILE,
        "the original error model: missing/mistyped NIKs, spelling variants, "
        "coarse regions, double registrations with the same or no NIK",
    ),
    Profile(
        "registry",
        "DTSEN-side problems dominate: double registrations with a second NIK, the KK as NIK or "
        "under the grandparents' KK, hand-typed NIK errors, twins and near-identical siblings, "
        "status_padan_dukcapil; KPAI moderately noisy",
        duplicate=0.035,
        duplicate_kinds=(0.25, 0.30, 0.15, 0.30),
        dtsen_nik_typo=0.02,
        status_padan=True,
        padan_unknown=0.08,
        padan_bad_checked=0.6,
        papua_old_nik=0.5,
        twins=0.03,
        twin_similar=0.8,
        twin_no_nik=0.25,
        sibling_similar=0.08,
        ni_luh=0.3,
        kpai_nik_missing=0.30,
        kpai_nik_typo=0.05,
        kpai_nik_family=0.06,
        kpai_nik_kk=0.04,
        kpai_kk_newer=0.5,
        dob_age_only=0.08,
        dob_missing=0.03,
        region_coarse=0.35,
        region_province=0.03,
        region_retired=0.2,
        region_moved=0.04,
        name_variant=0.20,
        name_situation=0.12,
        name_kinds=(3, 2, 2, 1, 1, 2, 2),
    ),
    Profile(
        "intake",
        "KPAI intake problems dominate: nik_anak holding a parent's, sibling's or (often newer) "
        "KK number, call names, dropped marga and I/Ni, bin/binti, OCR errors, age-only or no "
        "birth date, province-only, retired Papua and moved-regency codes; DTSEN fairly clean",
        duplicate=0.012,
        duplicate_kinds=(0.4, 0.3, 0.1, 0.2),
        dtsen_nik_typo=0.005,
        status_padan=True,
        padan_unknown=0.25,
        padan_bad_checked=0.3,
        papua_old_nik=0.2,
        twins=0.02,
        twin_similar=0.5,
        twin_no_nik=0.1,
        sibling_similar=0.04,
        ni_luh=0.2,
        kpai_nik_missing=0.40,
        kpai_nik_typo=0.10,
        kpai_nik_family=0.12,
        kpai_nik_kk=0.10,
        kpai_kk_newer=0.7,
        dob_age_only=0.20,
        dob_missing=0.08,
        dob_swapped=0.07,
        dob_year_off=0.06,
        dob_placeholder=0.04,
        region_coarse=0.35,
        region_province=0.10,
        region_retired=0.5,
        region_moved=0.10,
        name_variant=0.25,
        name_situation=0.35,
        name_kinds=(4, 2, 2, 2, 1, 1, 1),
    ),
)

#: Profile name → one-line description (``padan synth --profile NAME``).
PROFILES: Final[dict[str, str]] = {p.name: p.description for p in _PROFILES}
_BY_NAME: Final = {p.name: p for p in _PROFILES}


def profile_for(name: str) -> Profile:
    """The profile called ``name``; raises :class:`InputError` naming the choices otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InputError(
            f"profile: {name!r} is not a synthetic-data profile. Use one of: {', '.join(PROFILES)}."
        ) from None
