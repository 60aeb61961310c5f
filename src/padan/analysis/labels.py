"""Labels of indicators and groups in the report's language, from the gettext catalogs.

The fixed indicators, the klaster and the Pasal 59 kategori are code values labelled in the
catalogs (``label("indicator", key)``, ``label("klaster", "II")``, marked in
:mod:`padan.i18n.codes`); a programme's indicators are named after its eligibility rule.
"""

from __future__ import annotations

from padan.analysis.rules import Rules
from padan.i18n import DEFAULT_LANGUAGE, gettext, label
from padan.i18n.codes import CODES

__all__ = ["group_labels", "indicator_labels"]

_FIXED = (
    "kpai_children",
    "kpai_children_in_dtsen",
    "kpai_children_not_in_dtsen",
    "kpai_children_maybe_in_dtsen",
    "abh_without_atensi",
    "victims_without_atensi",
    "disability_mismatch",
    "inclusion_signals",
    "known_children",
    "simfoni_children",
    "simfoni_not_in_kpai",
    "served_after_complaint",
    "served_children",
    "served_by_unlicensed",
    "median_days_to_service",
)


def group_labels(field: str, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The label of every code of ``field`` (``klaster``, ``kategori``) in ``lang``."""
    return {code: label(field, code, lang) for code in CODES[field]}


def indicator_labels(
    rules: Rules, *, english: bool = False, lang: str | None = None
) -> dict[str, str]:
    """Label of every indicator key of :func:`padan.analysis.children.indicator_keys` in
    ``lang`` (``english=True`` is ``lang="en"``; the default is Bahasa Indonesia)."""
    lang = lang or ("en" if english else DEFAULT_LANGUAGE)
    labels = {key: label("indicator", key, lang) for key in _FIXED}
    for key, rule in rules.programs.items():
        values = {"name": rule.label.split(" (")[0], "low": rule.desil_min, "high": rule.desil_max}
        labels[f"eligible_{key}"] = (
            gettext("Eligible for %(name)s (desil %(low)s-%(high)s)", lang) % values
        )
        labels[f"eligible_not_receiving_{key}"] = (
            gettext("Eligible, not receiving %(name)s", lang) % values
        )
    for days in rules.atensi.service_within_days:
        labels[f"served_within_{int(days)}_days"] = gettext(
            "First service within %(days)s days of the complaint", lang
        ) % {"days": days}
    return labels
