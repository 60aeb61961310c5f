"""A child's events as a role may see them, in the user's language (issue 18).

An event is shown only when its source is one of the role's sources and its field is one the
role may see (the same :func:`~padan.access.policy.shape_record` the profile applies, NIKs
masked alike); an event of a hidden field is left out, not emptied.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from padan.access.policy import Principal, shape_record
from padan.analysis.rules import Rules, default_rules
from padan.i18n import gettext, label
from padan.services.child_events import ChildEvent

__all__ = ["shaped_events", "visible_event"]


def visible_event(p: Principal, e: ChildEvent) -> dict[str, Any] | None:
    """The event's field, old and new values as ``p`` may see them, or ``None`` to hide it."""
    if e.source not in p.role.sources:
        return None
    if e.field is None:
        return {}
    if e.field not in p.role.fields:
        return None
    old = shape_record(p, {e.field: e.old})[e.field]
    new = shape_record(p, {e.field: e.new})[e.field]
    return {"field": e.field, "old": old, "new": new}


def _text(field: str | None, value: object, lang: str) -> str | None:
    """A value as a person reads it: a code by its label, yes/no for an aid column."""
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("yes", lang) if value else gettext("no", lang)
    if field == "status_penanganan":
        return label("status_penanganan", str(value), lang)
    return str(value)


def shaped_events(
    p: Principal, events: Iterable[ChildEvent], *, lang: str = "id", newest_first: bool = True
) -> list[dict[str, Any]]:
    """Events as ``p`` may see them, each a dict: ``at`` (ISO time), ``date``, ``kind``,
    ``label`` (in ``lang``), ``source``, ``record``, ``field``, ``field_label``, ``old``,
    ``new`` (as the role sees them; none for identifiers), ``old_text``, ``new_text`` and
    ``programs`` (eligibility events)."""
    shown = []
    for e in events:
        seen = visible_event(p, e)
        if seen is None:
            continue
        field = seen.get("field")
        shown.append(
            {
                "at": e.at.isoformat(),
                "date": e.at.date().isoformat(),
                "kind": e.kind,
                "label": label("child_event", e.kind, lang),
                "source": e.source,
                "record": e.record,
                "field": field,
                "field_label": label("column", field, lang) if field else None,
                "old": seen.get("old"),
                "new": seen.get("new"),
                "old_text": _text(field, seen.get("old"), lang),
                "new_text": _text(field, seen.get("new"), lang),
                "programs": list(e.programs),
                "programs_text": ", ".join(_program_label(k) for k in e.programs),
            }
        )
    if newest_first:
        shown.reverse()
    return shown


@cache
def _rules() -> Rules:
    return default_rules()


def _program_label(key: str) -> str:
    """A program by its name in the eligibility rules (an official name, not translated)."""
    rule = _rules().programs.get(key)
    return rule.label if rule else key
