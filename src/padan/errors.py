"""One exception tree for the whole library. Only the CLI and the web app translate these."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

__all__ = [
    "BusyError",
    "FieldProblem",
    "FileLevelError",
    "InputError",
    "PadanError",
    "StoreError",
]


class PadanError(Exception):
    """Base of every error Padan raises on purpose."""


@dataclasses.dataclass(frozen=True)
class FieldProblem:
    """One problem of one input field, for a form to show next to that field.

    ``message`` is English marked with ``N_`` (translated where it is shown, with ``params``
    filled in after translation); ``field`` names the input (``""``: the whole form) and
    ``item`` the repeated part it belongs to (a checklist item's code), if any.
    """

    field: str
    message: str
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    item: str = ""


class InputError(PadanError):
    """Input given to Padan (a file, a flag, a form) cannot be used as it is.

    The message says what, where, the value seen, and the fix. ``problems``, when given, are the
    same problems field by field, for a form.
    """

    def __init__(self, message: str, *, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class FileLevelError(InputError):
    """A whole file cannot be ingested (format, encoding, header, emptiness); nothing was stored."""

    def __init__(self, path: str, problem: str, fix: str) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}. {fix}")


class StoreError(PadanError):
    """The store cannot be opened or is not at the schema version this Padan expects."""


class BusyError(PadanError):
    """The work asked for is already under way on this store (one linkage run at a time)."""
