"""Spreadsheet safety: text that a spreadsheet program would run as a formula is neutralised."""

from __future__ import annotations

from typing import Final, TypeVar

__all__ = ["FORMULA_PREFIXES", "neutralise"]

#: A cell starting with one of these is a formula (or becomes one) to a spreadsheet program.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def neutralise(value: T) -> T | str:
    """``value`` unchanged unless it is text starting like a formula; then prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
