"""Form errors shown next to their field, in the user's language.

The library raises :class:`~padan.errors.InputError` with the problems field by field
(:class:`~padan.errors.FieldProblem`, English marked for the catalogs); a page turns them into
``{input name: message}`` for its template, which puts each message under its input
(``aria-describedby``) and lists them all at the top of the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from padan.errors import FieldProblem, InputError
from padan.i18n import gettext
from padan.web.messages import error_text

__all__ = ["FormErrors", "form_errors", "inspection_input"]


@dataclass
class FormErrors:
    """Messages by input name, and the messages about the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


def form_errors(
    exc: Exception, lang: str, *, input_name: Callable[[FieldProblem], str] | None = None
) -> FormErrors:
    """The problems of ``exc`` (an :class:`InputError`'s field problems) in ``lang``;
    ``input_name`` maps a problem to its input's name (default: the problem's field). An error
    without field problems is one general message."""
    errors = FormErrors()
    if not isinstance(exc, InputError) or not exc.problems:
        errors.general.append(error_text(exc, lang))
        return errors
    for problem in exc.problems:
        text = gettext(problem.message, lang).format(**problem.params)
        name = (input_name or (lambda p: p.field))(problem) if problem.field else ""
        if not name:
            errors.general.append(text)
        elif name in errors.fields:
            errors.fields[name] += " " + text
        else:
            errors.fields[name] = text
    return errors


def inspection_input(problem: FieldProblem) -> str:
    """The inspection form's input of a problem: a finding's field is ``sev_``, ``due_``,
    ``note_`` or ``action_`` and the checklist item's code (``due_TPA-01``)."""
    prefix = {"keparahan": "sev_", "batas_waktu": "due_", "catatan": "note_", "tindakan": "action_"}
    return prefix[problem.field] + problem.item if problem.item else problem.field
