"""The saved model's metadata for people on the runs page: labelled, with no SQL.

The model file keeps its training rules as the SQL Splink ran (``l."nik" = r."nik"``) and its
training data as a profile per source; the page says the same in words: which fields two
records had to share to be compared while training, and how many records of each source the
model learnt from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from padan.i18n import N_, gettext

__all__ = ["model_facts"]

#: The fields of the linkage features a training rule may compare (padan.linkage.features).
_FIELDS: Final = {
    "name": N_("name"),
    "name_core": N_("name"),
    "name_compact": N_("name"),
    "name_sorted": N_("name"),
    "name_first": N_("first name"),
    "name_last": N_("last name"),
    "dob": N_("birth date"),
    "dob_year": N_("birth year"),
    "sex": N_("sex"),
    "nik": N_("NIK"),
    "kk": N_("KK number"),
    "mother": N_("mother's name"),
    "father": N_("father's name"),
    "prov": N_("province"),
    "kab": N_("regency/city"),
    "kec": N_("district"),
    "desa": N_("village"),
}
_COMPARED = re.compile(r'l\."?(\w+)"?\s*=\s*r\."?\1"?')
#: The metadata keys shown, in order, with their labels. The others are the model's internals
#: (its neutral and capped comparison levels, in the linkage's own words); the model file and
#: ``padan link --json`` keep them.
_SHOWN: Final = (
    ("version", N_("Model version")),
    ("trained_at", N_("Trained at")),
    ("training_records", N_("Training records")),
    ("training_data", N_("Training data")),
    ("training_rules", N_("Training rules")),
    ("seed", N_("Random seed")),
    ("store_id", N_("Store ID")),
)


def _rule(sql: str, lang: str) -> str:
    fields = list(dict.fromkeys(_COMPARED.findall(sql)))
    if not fields:
        return gettext("another rule (see the model file)", lang)
    words = [gettext(_FIELDS[f], lang) if f in _FIELDS else f for f in fields]
    return gettext("same %(fields)s", lang) % {"fields": " + ".join(words)}


def _data(profile: Mapping[str, Any], lang: str) -> str:
    parts = []
    for source, figures in sorted(profile.items()):
        records = figures.get("records") if isinstance(figures, Mapping) else None
        count = f"{records:,}" if isinstance(records, int) else "?"
        if lang != "en":
            count = count.replace(",", ".")
        parts.append(
            gettext("%(source)s: %(count)s records", lang)
            % {"source": source.upper(), "count": count}
        )
    return "; ".join(parts)


def model_facts(meta: Mapping[str, Any] | None, lang: str) -> list[tuple[str, str]]:
    """(label, text) of the model metadata a person can read, in ``lang``."""
    meta = meta or {}
    facts = []
    for key, name in _SHOWN:
        if key not in meta:
            continue
        value = meta[key]
        if key == "training_rules" and isinstance(value, list):
            text = "; ".join(_rule(str(rule), lang) for rule in value)
        elif key == "training_data" and isinstance(value, Mapping):
            text = _data(value, lang)
        elif isinstance(value, list):
            text = "; ".join(map(str, value)) or "—"
        else:
            text = "—" if value is None else str(value)
        facts.append((gettext(name, lang), text))
    return facts
