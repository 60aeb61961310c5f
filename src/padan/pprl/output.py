"""The encoding file: Parquet with the record id, the filters and the block keys, written to a
temporary file beside the target and renamed only when complete."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from padan.errors import InputError
from padan.pprl.schema import EncodingSchema

__all__ = [
    "FORMAT_VERSION",
    "Encoded",
    "EncodedFile",
    "EncodingWriter",
    "is_encoding_file",
    "read_encoding_table",
    "read_encodings",
]

FORMAT_VERSION: Final = "padan-pprl/1"
_BATCH: Final = 10_000
_META_SCHEMA: Final = b"padan.pprl.schema_sha256"
_META_SOURCE: Final = b"padan.pprl.source"
_META_FORMAT: Final = b"padan.pprl.format"
_META_CHECK: Final = b"padan.pprl.secret_check"


@dataclass(frozen=True, slots=True)
class Encoded:
    """One record's encodings: its field filters (``None``: value missing), its record-level
    filter and its keyed block keys."""

    record_id: str
    fields: dict[str, bytes | None]
    record: bytes | None
    blocks: tuple[str, ...]
    regency: str | None = None  # in the clear, only when the schema's [clear] lets it travel


class EncodingWriter:
    """Writes encoded records in batches; the file appears under its name only on success."""

    def __init__(self, path: Path, schema: EncodingSchema, source: str, secret_check: str) -> None:
        self.path = path
        self._fields = [f.name for f in schema.fields if f.filter]
        columns = [pa.field("record_id", pa.string(), nullable=False)]
        columns += [pa.field(name, pa.binary()) for name in self._fields]
        columns += [pa.field("record", pa.binary()), pa.field("blocks", pa.list_(pa.string()))]
        self._clear = "regency" in schema.clear
        if self._clear:
            columns.append(pa.field("regency", pa.string()))
        meta = {
            _META_SCHEMA: schema.sha256,
            _META_SOURCE: source,
            _META_FORMAT: FORMAT_VERSION,
            _META_CHECK: secret_check,  # files of different secrets are not linked (ingest)
        }
        self._schema = pa.schema(columns, metadata=meta)
        self._temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        self._writer: pq.ParquetWriter | None = None
        self._rows: list[Encoded] = []

    def __enter__(self) -> EncodingWriter:
        if not self.path.parent.is_dir():
            raise InputError(
                f"output folder {self.path.parent} does not exist. Create it or pick another path."
            )
        if self.path.suffix.lower() != ".parquet":
            raise InputError(
                f"output {self.path}: the encodings are written as Parquet; "
                "name the file *.parquet."
            )
        self._writer = pq.ParquetWriter(self._temp, self._schema)
        return self

    def write(self, encoded: Encoded) -> None:
        """Add one record (written out every few thousand)."""
        self._rows.append(encoded)
        if len(self._rows) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._rows or self._writer is None:
            return
        data: dict[str, list[Any]] = {"record_id": [r.record_id for r in self._rows]}
        for name in self._fields:
            data[name] = [r.fields.get(name) for r in self._rows]
        data["record"] = [r.record for r in self._rows]
        data["blocks"] = [list(r.blocks) for r in self._rows]
        if self._clear:
            data["regency"] = [r.regency for r in self._rows]
        self._writer.write_table(pa.table(data, schema=self._schema))
        self._rows = []

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if error is None:
                self._flush()
            if self._writer is not None:
                self._writer.close()
            if error is None:
                # Pseudonymised personal data (UU PDP): readable by the encoding operator only.
                os.chmod(self._temp, 0o600)
                os.replace(self._temp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                self._temp.unlink()


@dataclass(frozen=True)
class EncodedFile:
    """An encoding file read back: ids, field filters as ints, record filters, block keys."""

    source: str
    schema_sha256: str
    ids: list[str]
    fields: dict[str, list[int | None]]
    record: list[int | None]
    blocks: list[list[str]]
    #: The regency codes, when the schema let them travel in the clear (else ``None``).
    regency: list[str | None] | None = None
    #: The secret's check value (:func:`padan.pprl.secret.secret_check`); ``None`` in a file
    #: encoded before Padan wrote it.
    secret_check: str | None = None


def is_encoding_file(path: Path) -> bool:
    """Whether ``path`` is a Parquet file written by ``padan encode`` (read from its footer
    only; ``False`` for anything else, including a file that cannot be read)."""
    if path.suffix.lower() != ".parquet" or not path.is_file():
        return False
    try:
        meta = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException):
        return False
    return meta.get(_META_FORMAT) == FORMAT_VERSION.encode()


def read_encoding_table(path: Path) -> tuple[pa.Table, str, str, str | None]:
    """The table of an encoding file, its source, its schema's SHA-256 and its secret's check
    value (``None``: encoded before Padan wrote one), filters as bytes.

    Raises :class:`InputError` when the file is missing or is not a Padan encoding file.
    """
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise InputError(f"encoding file {path} not found. Check the path.") from None
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"encoding file {path} is not a Parquet file ({exc}).") from None
    meta = table.schema.metadata or {}
    if meta.get(_META_FORMAT) != FORMAT_VERSION.encode():
        raise InputError(
            f"encoding file {path} was not written by `padan encode` ({FORMAT_VERSION}); "
            "encode the extract again."
        )
    check = meta.get(_META_CHECK)
    return (
        table,
        meta[_META_SOURCE].decode(),
        meta[_META_SCHEMA].decode(),
        check.decode() if check else None,
    )


def read_encodings(path: Path) -> EncodedFile:
    """Read an encoding file written by :func:`padan.pprl.encode_file`.

    Raises :class:`InputError` when the file is missing or is not a Padan encoding file.
    """
    table, source, schema_sha256, check = read_encoding_table(path)
    names = [n for n in table.column_names if n not in ("record_id", "record", "blocks", "regency")]

    def ints(column: str) -> list[int | None]:
        return [
            int.from_bytes(v, "big") if v is not None else None
            for v in table.column(column).to_pylist()
        ]

    return EncodedFile(
        source=source,
        schema_sha256=schema_sha256,
        ids=[str(v) for v in table.column("record_id").to_pylist()],
        fields={name: ints(name) for name in names},
        record=ints("record"),
        blocks=table.column("blocks").to_pylist(),
        regency=(table.column("regency").to_pylist() if "regency" in table.column_names else None),
        secret_check=check,
    )
