"""The match evidence in words: every comparison level of the model, in Indonesian and English."""

from __future__ import annotations

import pytest

from padan.i18n import LANGUAGES, gettext
from padan.linkage.model import comparisons
from padan.services.explanations import EVIDENCE, evidence_text, guard_text, hold_text

#: (comparison, level label) of every level the model has, as Splink labels them.
MODEL_LEVELS = [
    (c.output_column_name, level.label_for_charts)
    for c in (made.get_comparison("duckdb") for made in comparisons())
    for level in c.comparison_levels
]

#: Words a data officer should never read: the model's own labels and statistics.
JARGON = ("Exact match on", "Jaro-Winkler", "is NULL", "All other comparisons", "gamma", "prior")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("comparison", "level"), MODEL_LEVELS)
def test_evidence_text_words_every_level_of_the_model(
    comparison: str, level: str, lang: str
) -> None:
    assert (comparison, level) in EVIDENCE, "a model level without wording"
    said = evidence_text(comparison, level, lang)
    assert said == gettext(EVIDENCE[(comparison, level)], lang)
    assert not any(word in said for word in JARGON), said
    if lang == "id":
        # Translated: the Indonesian catalog gives other words than the English message.
        assert said != EVIDENCE[(comparison, level)], said


def test_evidence_text_words_are_distinct_within_a_comparison() -> None:
    # Two levels of one comparison in the same words would hide what the model saw.
    for lang in LANGUAGES:
        seen: dict[tuple[str, str], str] = {}
        for comparison, level in MODEL_LEVELS:
            said = evidence_text(comparison, level, lang)
            assert (comparison, said) not in seen, (level, seen.get((comparison, said)))
            seen[(comparison, said)] = level


@pytest.mark.parametrize(
    ("comparison", "level", "id_text", "en_text"),
    [
        ("name", "Exact match on name", "nama sama", "same name"),
        (
            "name",
            "Jaro-Winkler >= 0.85",
            "nama mirip (ejaan berbeda)",
            "name similar (spelling differs)",
        ),
        (
            "dob",
            "day and month swapped",
            "tanggal lahir tertukar hari/bulan",
            "date of birth with day and month swapped",
        ),
        (
            "nik",
            "one keystroke apart in the serial number",
            "NIK berbeda satu digit (pada nomor urut)",
            "NIK one digit apart (in the serial number)",
        ),
        (
            "nik",
            "nik is NULL",
            "NIK tidak ada di salah satu catatan",
            "NIK missing in one of the records",
        ),
        ("parents", "mother exact", "ibu kandung sama", "same mother"),
        ("region", "same village", "desa/kelurahan sama", "same village"),
    ],
)
def test_evidence_text_reads_as_a_data_officer_says_it(
    comparison: str, level: str, id_text: str, en_text: str
) -> None:
    assert evidence_text(comparison, level, "id") == id_text
    assert evidence_text(comparison, level, "en") == en_text


@pytest.mark.parametrize(
    ("level", "mother", "father", "en_text"),
    [
        # The level "mother similar or father exact" leaves open which: the values tell.
        (
            "mother similar or father exact",
            ("neng", None),
            ("cecep", "cecep"),
            "same father; mother's name in one record only",
        ),
        (
            "mother similar or father exact",
            ("siti aisyah", "siti aisya"),
            (None, None),
            "mother's name similar",
        ),
        (
            "mother exact",
            ("sri", "sri"),
            (None, "joko"),
            "same mother; father's name in one record only",
        ),
        ("both parents exact", ("sri", "sri"), ("joko", "joko"), "same mother and father"),
        ("unknown", ("sri", None), (None, None), "parents' names missing in one of the records"),
    ],
)
def test_evidence_text_compares_mother_with_mother_and_father_with_father(
    level: str,
    mother: tuple[str | None, str | None],
    father: tuple[str | None, str | None],
    en_text: str,
) -> None:
    details = (("mother", *mother), ("father", *father))
    assert evidence_text("parents", level, "en", details=details) == en_text
    assert evidence_text("parents", level, "id", details=details) != en_text


def test_evidence_text_names_a_level_it_does_not_know_after_its_comparison() -> None:
    assert (
        evidence_text("name", "a level of a newer model", "id") == "name: a level of a newer model"
    )


@pytest.mark.parametrize(
    ("reason", "id_start", "en_start"),
    [
        (
            "two different NIKs, both verified by Dukcapil",
            "Dipisahkan: dua NIK berbeda",
            "Kept apart: two different NIKs",
        ),
        (
            "the heads of two DTSEN households",
            "Dipisahkan: keduanya kepala keluarga",
            "Kept apart: these are the heads",
        ),
        (
            "two members of one DTSEN household (twins or siblings)",
            "Dipisahkan: dua anggota",
            "Kept apart: two members",
        ),
        (
            "two DTSEN birth dates further apart than a typing slip",
            "Dipisahkan: DTSEN mencatat",
            "Kept apart: DTSEN gives",
        ),
        ("a rule of a newer guard", "Dipisahkan: a rule", "Kept apart: a rule"),
    ],
)
def test_guard_text_says_why_a_merge_is_refused(reason: str, id_start: str, en_start: str) -> None:
    assert (guard_text(reason, "id") or "").startswith(id_start)
    assert (guard_text(reason, "en") or "").startswith(en_start)


def test_guard_and_hold_text_give_every_wait_a_reason() -> None:
    assert guard_text(None, "id") is None
    assert hold_text("review", "id").startswith("Menunggu tinjauan petugas")
    assert hold_text("refused", "en").startswith("Merge refused by the safeguard")
