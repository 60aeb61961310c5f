"""Text in Bahasa Indonesia (the default) and English, kept as gettext catalogs.

Messages are written in English where they are used, as gettext expects: ``_("Review queue")``
in a template, ``gettext("...", lang)`` in Python, ``N_("...")`` to mark a message that is
translated later. Code values (a column, a ``status_nik`` value, a quarantine reason) are
labelled with the code as message and the field as context: ``label("status_nik", "missing",
lang)`` is ``pgettext("status_nik", "missing")``.

Each language is one file, ``locale/<lang>/LC_MESSAGES/padan.po``, which translators edit in the
usual tools (Poedit, Weblate, Lokalise); ``padan.pot`` is the template Babel extracts
(``docs/translations.md``). A third language is a third ``.po`` file plus its code in
:data:`LANGUAGES`. The ``.po`` files are read directly (compiled in memory on first use), so
there is no build step.
"""

from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "gettext",
    "label",
    "language_or_default",
    "ngettext",
    "pgettext",
    "translations",
]

#: The languages Padan speaks; the first is the default.
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
#: The gettext domain: the catalogs are ``locale/<lang>/LC_MESSAGES/padan.po``.
DOMAIN = "padan"


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it now (gettext_noop)."""
    return message


def language_or_default(lang: str | None) -> str:
    """``lang`` when Padan speaks it, else the default language (Bahasa Indonesia)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> _gettext.GNUTranslations:
    """The catalog of ``lang`` (one of :data:`LANGUAGES`), read once from its ``.po`` file."""
    source = resources.files("padan.i18n") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def gettext(message: str, lang: str) -> str:
    """``message`` (English) in ``lang``; a message without a translation comes back as it is."""
    return translations(language_or_default(lang)).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The singular or plural form for ``n`` in ``lang``."""
    return translations(language_or_default(lang)).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: str) -> str:
    """``message`` in ``context`` (a field, a screen) in ``lang``."""
    return translations(language_or_default(lang)).pgettext(context, message)


def label(field: str, code: str, lang: str) -> str:
    """The label of the value ``code`` of ``field`` in ``lang`` (the code when none is kept)."""
    return pgettext(field, code, lang)
