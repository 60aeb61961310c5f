"""Web text chosen at run time by a key (an action, an outcome), and the linkage
run's progress steps, in the user's language.

Fixed text is written in the templates as ``_("English")``; the catalogs are in
:mod:`padan.i18n`. These keys come from the code (a redirect's ``?done=saved``, a user action,
a field of the model's metadata), so their English is kept here, marked with ``N_`` for the
catalogs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context

from padan.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, gettext, label, ngettext, pgettext
from padan.i18n.codes import shown

__all__ = [
    "KEYED",
    "LANGUAGES",
    "reason_text",
    "shown",
    "step_translator",
    "template_environment",
    "translator",
]

#: Text chosen by key at run time (templates: ``t(key)``).
KEYED: dict[str, str] = {
    "purpose_case": N_("Case handling"),
    "purpose_aid": N_("Social aid verification"),
    "purpose_analysis": N_("Analysis & reporting"),
    "purpose_review": N_("Match review"),
    "impact_gap": N_(
        "Changes a gap indicator: a KPAI child not yet found in DTSEN would be found if same"
    ),
    "impact_kpai": N_(
        "Changes a KPAI child's figures (two KPAI children merge, or its DTSEN records change)"
    ),
    "impact_other": N_("Changes no KPAI child's indicator (e.g. a double registration in DTSEN)"),
    "impact_inside": N_(
        "Already one child through other records: only 'different' changes it, by splitting it"
    ),
    "purpose_dtsen": N_("DTSEN proposal"),
    "token_active": N_("Active"),
    "token_revoked": N_("Revoked"),
    "token_expired": N_("Expired"),
    "deactivate": N_("Deactivate"),
    "reactivate": N_("Reactivate"),
    "require-password-change": N_("Require password change"),
    "saved": N_("Saved."),
    "inspection_saved": N_("Inspection recorded."),
    "inspection_again": N_("The same inspection was already recorded; not stored twice."),
}


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` for the language (``id`` or ``en``); an unknown key comes back as it is."""

    def t(key: str) -> str:
        message = KEYED.get(key)
        return gettext(message, lang) if message else key

    return t


#: The linkage run's progress steps (``padan.linkage.run`` reports them in English).
_STEPS = (
    (re.compile(r"([\d,]+) records ready"), N_("{0} records ready")),
    (re.compile(r"training the model \(EM\)"), N_("training the model (EM)")),
    (re.compile(r"finding candidate pairs"), N_("finding candidate pairs")),
    (re.compile(r"scoring ([\d,]+) candidate pairs"), N_("scoring {0} candidate pairs")),
    (re.compile(r"scoring candidate pairs"), N_("scoring candidate pairs")),
    (re.compile(r"clustering"), N_("clustering")),
)


def step_translator(lang: str) -> Callable[[str], str]:
    """A linkage run's progress step in the language; an unknown step comes back as it is."""

    def step(text: str) -> str:
        for pattern, message in _STEPS:
            found = pattern.fullmatch(text)
            if found:
                numbers = found.groups()
                if lang != "en":  # Indonesian groups thousands with a point
                    numbers = tuple(g.replace(",", ".") for g in numbers)
                return gettext(message, lang).format(*numbers)
        return text

    return step


def reason_text(key: str, lang: str) -> str:
    """An ingestion count's key (``"tanggal_pengaduan:tanggal_tidak_ada"`` or a bare reason) as
    text: the column's label, then the reason's."""
    column, _, code = key.rpartition(":")
    reason = label("reason", code, lang)
    return f"{shown('column', column, lang)}: {reason}" if column else reason


def template_environment(directory: Path) -> Environment:
    """The pages' Jinja2 environment: autoescaped, with Jinja2's i18n extension giving the
    templates ``_``, ``gettext``, ``ngettext`` and ``pgettext`` (new style: autoescaped,
    ``%(name)s`` placeholders) in the page's ``lang``, plus ``label(field, code)`` (a code
    value's label, :func:`shown`) and ``reason_text("column:reason")`` (:func:`reason_text`)."""
    env = Environment(
        loader=FileSystemLoader(directory), autoescape=True, extensions=["jinja2.ext.i18n"]
    )

    @pass_context
    def _gettext(context: Context, message: str) -> str:
        return gettext(message, context.get("lang", "id"))

    @pass_context
    def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n, context.get("lang", "id"))

    @pass_context
    def _pgettext(context: Context, where: str, message: str) -> str:
        return pgettext(where, message, context.get("lang", "id"))

    @pass_context
    def _label(context: Context, field: str, code: object) -> str:
        return shown(field, code, context.get("lang", "id"))

    @pass_context
    def _reason(context: Context, key: str) -> str:
        return reason_text(key, context.get("lang", "id"))

    @pass_context
    def _model_facts(context: Context, meta: Any) -> list[tuple[str, str]]:
        from padan.web.model_text import model_facts

        return model_facts(meta, context.get("lang", "id"))

    @pass_context
    def _message(context: Context, text: str) -> str:
        from padan.web.messages import message_text

        return message_text(text, context.get("lang", "id"))

    def _stored_text(key: str) -> str:
        message = KEYED.get(key)
        return gettext(message, DEFAULT_LANGUAGE) if message else key

    env.globals.update(
        stored_text=_stored_text,
        label=_label,
        reason_text=_reason,
        model_facts=_model_facts,
        message_text=_message,
    )

    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, newstyle=True
    )
    return env
