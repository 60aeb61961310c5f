"""Error rates of the outside corpus (benchmarks/outside_corpus.py), each with its reason.

"§n" cites the section of the domain brief the error kind comes from; the numbers are this
author's choices, not measured from any Padan component.
"""

# Rates per profile; each with the reason it was chosen (A = plain desk, B = scanned forms).
RATES = {
    "A": {
        # §2.2: children without NIK are over-represented among KPAI cases; a third-party reporter
        # (§4.3 "pelapor") often does not know it: about half missing is this author's estimate.
        "kpai_nik_missing": 0.45,
        "kpai_nik_typo": 0.06,  # §2.2 operator typing; hand-copied 16 digits, ~1 in 16 wrong
        "kpai_nik_is_kk": 0.03,  # §2.3: the KK number sits next to the NIK on the card
        "kpai_nik_is_parent": 0.03,  # §2.2: reporter gives the mother's KTP number
        "kpai_call_name": 0.18,  # §4.3 third-party reporters, §8.2.5 tokens: child known by one
        "kpai_spelling": 0.15,  # §8.2.1-2: Arabic/old-spelling variants written by ear
        "kpai_name_typo": 0.04,  # §8.5 inconsistent entry
        "kpai_bin_binti": 0.04,  # §8.2.4: Muslim records append bin/binti + father
        "kpai_age_only": 0.25,  # §4.3 KPAI reports age bands: birth date often unknown
        "kpai_age_off": 0.25,  # share of age-only rows whose age is a guess one year off
        "kpai_dmy_swap": 0.04,  # date written month-first by the person typing
        "kpai_year_off": 0.02,  # birth year misremembered by a reporter
        "kpai_region_coarse": 0.35,  # §4.3 KPAI publishes per province/regency: coarse codes
        "kpai_region_old": 0.5,  # share of Papua rows still coded before the 2022 split (§1.2)
        "kpai_moved": 0.05,  # §8.5 migration since Regsosek 2022-23 (stale DTSEN address)
        "kpai_mother_missing": 0.30,  # §4.3 parents' identity is not a required complaint field
        "kpai_father_missing": 0.45,  # §8.5 perpetrator/relative identity missing in 66 %
        "kpai_mother_call": 0.20,  # mother known by her call name to the reporter
        "kpai_sex_missing": 0.009,  # §8.5: KPAI 2025 victim sex missing 0.9 %
        "kpai_ocr": 0.0,  # no scanned forms at this desk
    },
    "B": {
        "kpai_nik_missing": 0.60,  # scanned paper forms: the NIK box is left empty more often
        "kpai_nik_typo": 0.12,  # OCR on handwritten digits (1/7, 5/6, 8/3)
        "kpai_nik_is_kk": 0.05,
        "kpai_nik_is_parent": 0.05,
        "kpai_call_name": 0.25,
        "kpai_spelling": 0.20,
        "kpai_name_typo": 0.05,
        "kpai_bin_binti": 0.05,
        "kpai_age_only": 0.40,
        "kpai_age_off": 0.35,
        "kpai_dmy_swap": 0.06,
        "kpai_year_off": 0.04,
        "kpai_region_coarse": 0.55,
        "kpai_region_old": 0.7,
        "kpai_moved": 0.08,
        "kpai_mother_missing": 0.50,
        "kpai_father_missing": 0.60,
        "kpai_mother_call": 0.25,
        "kpai_sex_missing": 0.009,
        "kpai_ocr": 0.20,  # OCR confusions (rn/m, l/I, cl/d) in names of scanned rows
    },
}
# DTSEN side, both profiles (the registry does not change with the complaint desk).
DTSEN_RATES = {
    "registered": 0.90,  # §2.2/§8.5: households or children missing from the registry
    "child_nik_missing": 0.07,  # §2.2: DTKS 2021 had 16.7 m of 97 m without NIK; fewer now
    "nik_typo": 0.02,  # §2.2 "operator input errors"
    "nik_dob_differs": 0.02,  # §2.2: DOB in NIK kept after a birth-date correction
    "name_typo": 0.02,  # §8.5 local operator errors
    "double_registration": 0.03,  # §2.2: 1.06 m duplicate NIK of 97 m (1.1 %), oversampled x3
    "double_new_nik": 0.4,  # share of double registrations made with a second NIK (§2.2)
    "shared_nik": 0.005,  # §2.2 NIK ganda: a sibling typed in with the other child's NIK
    "mother_name_missing": 0.15,  # nama_ibu_kandung left empty by the enumerator
    "parent_title": 0.10,  # §2.4/§8.2.3: H./Hj. and degrees on KK names, not on akta
    "twins": 0.02,  # twin births ~1-2 % [U]; upper end so enough pairs are measured
    "three_generations": 0.15,  # children listed under their grandparents' KK (CUCU)
    "region_dotless": 0.5,  # §1.1: databases store codes without dots
}
