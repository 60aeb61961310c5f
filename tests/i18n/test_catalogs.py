"""The gettext catalogs: every message the code and templates use is translated, nothing stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from padan.i18n import LANGUAGES, gettext, label, ngettext, translations
from padan.web.i18n import KEYED, step_translator, translator

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "padan" / "i18n" / "locale"
METHODS = [("src/padan/**.py", "python"), ("src/padan/web/templates/**.html", "jinja2")]


def _extracted() -> set[tuple[str | None, str]]:
    """(context, message) of every message the source marks, as ``pybabel extract`` finds it."""
    found: set[tuple[str | None, str]] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map=METHODS,
        keywords={
            "_": None,
            "gettext": None,
            "N_": None,
            "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2),
            "label": ((1, "c"), 2),
            "C_": ((1, "c"), 2),
            "tr": None,
        },
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


def _catalog(lang: str) -> dict[tuple[str | None, str], object]:
    with (LOCALE / lang / "LC_MESSAGES" / "padan.po").open("rb") as handle:
        catalog = read_po(handle)
    return {
        (m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalog if m.id
    }


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


@pytest.fixture(scope="module")
def extracted() -> set[tuple[str | None, str]]:
    return _extracted()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_hold_every_message_the_source_uses(
    lang: str, extracted: set[tuple[str | None, str]]
) -> None:
    catalog = _catalog(lang)
    missing = sorted(str(m) for m in extracted - catalog.keys())
    assert not missing, f"not in {lang}/padan.po (run scripts/translations): {missing[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_hold_nothing_stale(lang: str, extracted: set[tuple[str | None, str]]) -> None:
    stale = sorted(str(m) for m in _catalog(lang).keys() - extracted)
    assert not stale, f"{lang}/padan.po keeps messages no code uses: {stale[:10]}"


def test_catalogs_indonesian_translates_every_message() -> None:
    untranslated = [m for m, s in _catalog("id").items() if not _translated(s)]
    assert not untranslated, f"no Indonesian for: {untranslated[:10]}"


def test_catalogs_code_values_have_a_label_in_every_language() -> None:
    # A message with a context is a code value (``label(field, code)``): its code is not text a
    # user can read, so English needs a label as much as Indonesian does.
    for lang in LANGUAGES:
        bare = [m for m, s in _catalog(lang).items() if m[0] is not None and not _translated(s)]
        assert not bare, f"code values without a {lang} label: {bare[:10]}"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("id", "Antrian tinjauan"), ("en", "Review queue"), ("xx", "Antrian tinjauan")],
)
def test_gettext_speaks_the_language_or_the_default(lang: str, expected: str) -> None:
    assert gettext("Review queue", lang) == expected


def test_gettext_leaves_an_unknown_message_as_it_is() -> None:
    assert gettext("no such message", "id") == "no such message"
    assert label("no_such_field", "x", "en") == "x"


@pytest.mark.parametrize(("n", "en"), [(1, "1 new batch"), (3, "3 new batches")])
def test_ngettext_plural_forms(n: int, en: str) -> None:
    assert ngettext("%(num)d new batch", "%(num)d new batches", n, "en") % {"num": n} == en
    assert ngettext("%(num)d new batch", "%(num)d new batches", n, "id") % {"num": n} == (
        f"{n} batch baru"
    )


def test_translations_are_read_once_per_language() -> None:
    assert translations("id") is translations("id")


def test_keyed_text_is_translated_and_unknown_keys_pass_through() -> None:
    t_id, t_en = translator("id"), translator("en")
    for key, english in KEYED.items():
        assert t_en(key) == english
        assert t_id(key) != english or english.isupper(), key
    assert t_id("not-a-key") == "not-a-key"


@pytest.mark.parametrize(
    ("lang", "step", "expected"),
    [
        ("id", "1,234 records ready", "1.234 catatan siap"),
        ("en", "1,234 records ready", "1,234 records ready"),
        ("id", "scoring 5,000 candidate pairs", "menilai 5.000 pasangan kandidat"),
        ("id", "something new", "something new"),
    ],
)
def test_step_translator_numbers_and_words(lang: str, step: str, expected: str) -> None:
    assert step_translator(lang)(step) == expected


def test_templates_use_no_key_outside_the_keyed_table() -> None:
    # Fixed text is _("English") in a template; t("key") is only for keys chosen at run time.
    templates = ROOT / "src" / "padan" / "web" / "templates"
    for page in templates.glob("*.html"):
        for key in re.findall(r"""\bt\(["']([^"']+)["']\)""", page.read_text()):
            assert key in KEYED, f"{page.name}: t({key!r}) has no entry in padan.web.i18n.KEYED"
