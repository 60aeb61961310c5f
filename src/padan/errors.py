"""One exception tree for the whole library. Only the CLI and the web app translate these."""

from __future__ import annotations

__all__ = ["BusyError", "FileLevelError", "InputError", "PadanError", "StoreError"]


class PadanError(Exception):
    """Base of every error Padan raises on purpose."""


class InputError(PadanError):
    """Input given to Padan (a file, a flag, a form) cannot be used as it is.

    The message says what, where, the value seen, and the fix.
    """


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
