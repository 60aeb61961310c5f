"""Column mapping files: map any other header layout onto the exchange format.

A mapping is a small TOML file::

    sheet = "Data Anak"            # optional, XLSX only
    [columns]                      # exchange-format column = header as written in the file
    no_pengaduan = "No. Aduan"
    nama_anak = "Nama Lengkap Anak"

Headers are compared after trimming, lowercasing and turning spaces into underscores, so
``"Nama Lengkap Anak"`` matches a file header ``NAMA LENGKAP ANAK``.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from padan.errors import InputError
from padan.ingest.readers import normalise_header
from padan.ingest.schema import Extract

__all__ = ["Mapping", "load_mapping"]


@dataclass(frozen=True)
class Mapping:
    """Format column → normalised file header, plus the XLSX sheet to read."""

    columns: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    text: str | None = None  # the file as written, stored with the batch

    @property
    def sha256(self) -> str:
        return hashlib.sha256((self.text or "").encode()).hexdigest()


def load_mapping(path: Path | None, extract: Extract) -> Mapping:
    """Read and check a mapping file for ``extract``; no path gives the identity mapping.

    Raises :class:`InputError` naming the file, the bad entry and the fix.
    """
    if path is None:
        return Mapping()
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise InputError(f"mapping file {path} not found. Check the --mapping path.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"mapping file {path} is not valid TOML ({exc}). See the README, 'Mapping files'."
        ) from exc
    columns = data.get("columns", {})
    sheet = data.get("sheet")
    unknown_keys = set(data) - {"columns", "sheet"}
    if unknown_keys or not isinstance(columns, dict) or not isinstance(sheet, str | None):
        raise InputError(
            f"mapping file {path}: expected an optional 'sheet' string and a [columns] table, "
            f"found {sorted(data)}"
        )
    valid = set(extract.column_names)
    mapped: dict[str, str] = {}
    for target, header in columns.items():
        if target not in valid:
            raise InputError(
                f"mapping file {path}: {target!r} is not a column of {extract.name}; "
                f"use one of: {', '.join(extract.column_names)}"
            )
        if not isinstance(header, str) or not header.strip():
            raise InputError(f"mapping file {path}: {target} must map to a header name (text)")
        mapped[target] = normalise_header(header)
    return Mapping(mapped, sheet, text)
