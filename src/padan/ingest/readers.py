"""Stream the rows of an extract file: CSV, XLSX, Parquet or JSON lines.

Every reader yields one :class:`RawRow` per data row, in file order, without holding the file in
memory. A row the reader cannot split into the header's columns is still yielded (with
``problem`` set) so that it is counted and quarantined, never dropped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from padan.errors import FileLevelError
from padan.ingest.file_checks import check_unpacked, damage_said

__all__ = ["Cell", "FileInfo", "RawRow", "Table", "inspect_file", "normalise_header", "open_table"]

Cell = str | int | float | dt.date | dt.datetime | None

_CHUNK: Final = 1 << 20
_FIELD_LIMIT: Final = 10 * 1024 * 1024  # a field larger than this makes the row unreadable
csv.field_size_limit(_FIELD_LIMIT)
#: The longest header line (characters): hundreds of column names fit many times over.
_HEADER_LIMIT: Final = 256 * 1024


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What a first pass over the bytes learnt: format, text encoding, size and content hash."""

    path: Path
    format: str  # csv | xlsx | parquet | jsonl
    encoding: str | None
    size: int
    sha256: str


@dataclass(slots=True)
class RawRow:
    """One data row: its number in the file and its values by header name, or why it is unreadable.

    ``number`` is the line for CSV/JSON lines, the sheet row for XLSX and the record index (from 1)
    for Parquet.
    """

    number: int
    values: dict[str, Cell]
    problem: str | None = None  # reason code when the row could not be split into columns
    text: str | None = None  # the row as written, when it could not be split


@dataclass
class Table:
    """An opened file: its normalised header and a lazy iterator of rows, with a progress gauge."""

    info: FileInfo
    header: list[str]
    rows: Iterator[RawRow]
    total: int  # progress units (bytes or rows)
    done: list[int] = field(default_factory=lambda: [0])
    blank: list[int] = field(default_factory=lambda: [0])  # rows skipped: no value in any cell


def normalise_header(name: object) -> str:
    """``" Nama Anak "`` → ``"nama_anak"``: trimmed, lowercase, spaces and dashes as underscores."""
    text = str(name if name is not None else "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def inspect_file(path: Path) -> FileInfo:
    """Hash the file and decide its format and, for text, its encoding (UTF-8, BOM, Windows-1252).

    Raises :class:`FileLevelError` for a missing, empty, binary or undecodable file.
    """
    if not path.is_file():
        raise FileLevelError(str(path), "file not found", "Check the path and try again.")
    size = path.stat().st_size
    if size == 0:
        raise FileLevelError(str(path), "the file is empty (0 bytes)", "Export the data again.")
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, nul = True, False
    with path.open("rb") as handle:
        head = handle.read(8)
        handle.seek(0)
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            nul = nul or b"\x00" in chunk
            if utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    sha = digest.hexdigest()
    if head.startswith(b"PK\x03\x04"):
        return FileInfo(path, "xlsx", None, size, sha)
    if head.startswith(b"PAR1"):
        return FileInfo(path, "parquet", None, size, sha)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif utf8_ok:
        encoding = "utf-8-sig"  # also reads plain UTF-8; drops a BOM if there is one
    elif nul:
        raise FileLevelError(
            str(path),
            "binary content, not a CSV, XLSX, Parquet or JSON lines file",
            "Export the data as CSV (UTF-8), XLSX, Parquet or JSON lines.",
        )
    elif _is_cp1252(path):
        encoding = "cp1252"
    else:
        raise FileLevelError(
            str(path),
            "the text is neither UTF-8 nor Windows-1252",
            "Save the file as CSV UTF-8 (in Excel: Save As > CSV UTF-8).",
        )
    with path.open(encoding=encoding, newline="") as text:
        first = text.read(4096).lstrip()
    if first.startswith("["):
        raise FileLevelError(
            str(path),
            "a JSON array, not JSON lines",
            "Write one JSON object per line (JSON lines / .jsonl).",
        )
    fmt = "jsonl" if first.startswith("{") else "csv"
    return FileInfo(path, fmt, encoding, size, sha)


def _is_cp1252(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return False
    return True


def open_table(info: FileInfo, *, sheet: str | None = None) -> Table:
    """Open the file described by ``info`` and read its header.

    Raises :class:`FileLevelError` for a file with no header, a duplicate column name, an
    unreadable workbook or Parquet file, or a missing sheet.
    """
    opener = {"csv": _open_csv, "jsonl": _open_jsonl, "xlsx": _open_xlsx, "parquet": _open_parquet}
    table = opener[info.format](info, sheet)
    if info.format in ("xlsx", "parquet"):
        table.rows = damage_said(table.rows, info.path)
    seen: set[str] = set()
    for name in table.header:
        if name in seen and not name.startswith("_kolom_"):
            raise FileLevelError(
                str(info.path),
                f"column {name!r} appears twice in the header",
                "Rename or remove the duplicate column.",
            )
        seen.add(name)
    return table


def _header(names: list[object], path: Path) -> list[str]:
    header = [normalise_header(n) or f"_kolom_{i + 1}" for i, n in enumerate(names)]
    if all(h.startswith("_kolom_") for h in header):
        raise FileLevelError(str(path), "no header row", "The first row must name the columns.")
    return header


class _Lines:
    """Line iterator that remembers the lines the CSV parser took for the current record."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self.taken.append(line)
        return line


def _open_csv(info: FileInfo, sheet: str | None) -> Table:
    handle = info.path.open(encoding=info.encoding, newline="")
    first = handle.readline(_HEADER_LIMIT + 1)
    problem = "" if first.strip() else "no header row"
    if len(first) > _HEADER_LIMIT:
        problem = (
            f"the first line is longer than {_HEADER_LIMIT // 1024} KiB characters, too long "
            "for a header row (is it a table with line breaks?)"
        )
    if problem:
        handle.close()
        raise FileLevelError(str(info.path), problem, "The first row must name the columns.")
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    try:
        names = next(csv.reader([first], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration) as exc:
        handle.close()
        raise FileLevelError(
            str(info.path),
            f"the header row cannot be read as CSV ({exc})",
            "The first row must name the columns, separated by commas or semicolons.",
        ) from exc
    header = _header(list(names), info.path)
    table = Table(info, header, iter(()), info.size)
    table.rows = _csv_rows(handle, header, delimiter, table)
    return table


def _csv_rows(handle: IO[str], header: list[str], delimiter: str, table: Table) -> Iterator[RawRow]:
    lines = _Lines(handle)
    number = 2  # physical line of the next record; the header is line 1
    with handle:
        reader = csv.reader(lines, delimiter=delimiter)
        while True:
            try:
                fields = next(reader)
                error = None
            except StopIteration:
                break
            except csv.Error:
                fields, error = None, "baris_tidak_terbaca"
                reader = csv.reader(lines, delimiter=delimiter)
            taken, lines.taken = lines.taken, []
            table.done[0] += len(taken[0]) if len(taken) == 1 else sum(map(len, taken))
            if fields is None:
                yield RawRow(number, {}, error, "".join(taken))
            elif len(taken) > 1 and _swallowed(fields, taken, header, delimiter):
                # A stray quote swallowed the following lines: judge each line on its own.
                for offset, line in enumerate(taken):
                    if line.strip():
                        yield _split_line(line, header, delimiter, number + offset)
            elif not "".join(fields).strip():
                table.blank[0] += bool(fields)
            else:
                yield _fit(fields, header, number, taken)
            number += len(taken)


def _swallowed(fields: list[str], taken: list[str], header: list[str], delimiter: str) -> bool:
    # A quoted field may legitimately span lines (an address); it is a stray quote when the
    # columns no longer fit, or when a continuation line holds a whole row's worth of delimiters.
    if len(fields) != len(header):
        return True
    return any(line.count(delimiter) >= len(header) - 1 for line in taken[1:])


def _split_line(line: str, header: list[str], delimiter: str, number: int) -> RawRow:
    try:
        fields = next(csv.reader([line], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        return RawRow(number, {}, "baris_tidak_terbaca", line)
    return _fit(fields, header, number, [line])


def _fit(fields: list[str], header: list[str], number: int, lines: list[str]) -> RawRow:
    if len(fields) == len(header):
        return RawRow(number, dict(zip(header, fields, strict=True)))
    if len(fields) < len(header):
        return RawRow(number, {}, "kolom_kurang", "".join(lines))
    if "".join(fields[len(header) :]).strip():
        return RawRow(number, {}, "kolom_berlebih", "".join(lines))
    return RawRow(number, dict(zip(header, fields, strict=False)))


def _open_jsonl(info: FileInfo, sheet: str | None) -> Table:
    handle = info.path.open(encoding=info.encoding, newline="")
    header: list[str] = []
    for line in handle:
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            header = _header(list(obj), info.path)
            break
    handle.seek(0)
    if not header:
        handle.close()
        raise FileLevelError(
            str(info.path), "no JSON object on any line", "Write one object per line."
        )
    table = Table(info, header, iter(()), info.size)
    table.rows = _jsonl_rows(handle, table)
    return table


def _jsonl_rows(handle: IO[str], table: Table) -> Iterator[RawRow]:
    with handle:
        for number, line in enumerate(handle, start=1):
            table.done[0] += len(line)
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if not isinstance(obj, dict):
                yield RawRow(number, {}, "baris_tidak_terbaca", line)
                continue
            yield RawRow(number, {normalise_header(k): _cell(v) for k, v in obj.items()})


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | dt.date):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _open_xlsx(info: FileInfo, sheet: str | None) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_unpacked(info.path, info.size)
    try:
        book = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
    # InvalidFileException: a workbook's bytes under another name (kpai.csv starting "PK").
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileLevelError(
            str(info.path),
            f"not a readable XLSX workbook ({exc})",
            "Open it in a spreadsheet program and save it again as .xlsx.",
        ) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise FileLevelError(
            str(info.path),
            f"no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)})",
            "Give an existing sheet name in the mapping file.",
        )
    ws = book[sheet] if sheet else book.worksheets[0]
    rows = enumerate(ws.iter_rows(values_only=True), start=1)
    header: list[str] = []
    for _, header_row in rows:
        if any(c not in (None, "") for c in header_row):
            header = _header(list(header_row), info.path)
            break
    if not header:
        raise FileLevelError(str(info.path), "the sheet is empty", "Export the data again.")
    table = Table(info, header, iter(()), int(ws.max_row or 0))
    table.rows = _xlsx_rows(rows, header, table, book)
    return table


def _xlsx_rows(
    rows: Iterator[tuple[int, tuple[object, ...]]], header: list[str], table: Table, book: object
) -> Iterator[RawRow]:
    for number, values in rows:
        table.done[0] = number
        if all(v is None or str(v).strip() == "" for v in values):
            table.blank[0] += 1
            continue
        cells = [_cell(v) for v in values]
        if len(cells) > len(header) and any(c not in (None, "") for c in cells[len(header) :]):
            yield RawRow(number, {}, "kolom_berlebih", json.dumps(cells, default=str))
            continue
        yield RawRow(number, dict(zip(header, cells, strict=False)))
    book.close()  # type: ignore[attr-defined]


def _open_parquet(info: FileInfo, sheet: str | None) -> Table:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(info.path)
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise FileLevelError(
            str(info.path), f"not a readable Parquet file ({exc})", "Export the data again."
        ) from exc
    header = _header(list(parquet.schema_arrow.names), info.path)
    table = Table(info, header, iter(()), int(parquet.metadata.num_rows))
    table.rows = _parquet_rows(parquet, header, table)
    return table


def _parquet_rows(parquet: object, header: list[str], table: Table) -> Iterator[RawRow]:
    number = 0
    for batch in parquet.iter_batches(batch_size=10_000):  # type: ignore[attr-defined]
        for record in batch.to_pylist():
            number += 1
            table.done[0] = number
            yield RawRow(
                number, {h: _cell(v) for h, v in zip(header, record.values(), strict=True)}
            )
