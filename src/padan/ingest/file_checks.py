"""Checks on binary extracts (XLSX, Parquet) that keep a damaged or hostile file a file-level
error: a workbook that unpacks to far more than its size, a file that breaks part way through.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Final, Protocol, TypeVar

from padan.errors import FileLevelError

__all__ = ["XLSX_MAX_RATIO", "XLSX_MAX_UNPACKED", "check_unpacked", "damage_said"]

#: A workbook that unpacks to more than this, at more than ``XLSX_MAX_RATIO`` times its packed
#: size, is refused before it is read: real extracts pack 5-20 times; a zip bomb thousands.
XLSX_MAX_UNPACKED: Final = 256 * 2**20
XLSX_MAX_RATIO: Final = 100


class _Numbered(Protocol):
    @property
    def number(self) -> int: ...


_Row = TypeVar("_Row", bound=_Numbered)


def check_unpacked(path: Path, size: int) -> None:
    """Refuse a workbook that unpacks far beyond a table of data (a zip bomb) before it is
    opened. Raises :class:`FileLevelError`."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileLevelError(
            str(path),
            f"not a readable XLSX workbook ({exc})",
            "Open it in a spreadsheet program and save it again as .xlsx.",
        ) from exc
    if unpacked > XLSX_MAX_UNPACKED and unpacked > XLSX_MAX_RATIO * size:
        raise FileLevelError(
            str(path),
            f"the workbook unpacks to {unpacked // 2**20} MiB from {size // 1024} KiB, "
            "more than a table of data would",
            "Export the data again as .xlsx or CSV (UTF-8).",
        )


def damage_said(rows: Iterator[_Row], path: Path) -> Iterator[_Row]:
    """``rows``, with any error of the reading library raised as :class:`FileLevelError`."""
    # A workbook or Parquet file can open well and break further in (a damaged sheet or row
    # group); the libraries raise many unrelated types for that. The batch is then not stored.
    number = 0
    try:
        for row in rows:
            number = row.number
            yield row
    except Exception as exc:
        raise FileLevelError(
            str(path),
            f"the file is damaged after row {number} ({type(exc).__name__}: {exc})",
            "Export the data again.",
        ) from exc
