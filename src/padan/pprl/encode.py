"""Encode an agency's extract at the agency: validated rows in, keyed Bloom filters out.

The rows are read and judged exactly as ``padan ingest`` judges them (:mod:`padan.ingest`):
what ingest would quarantine is not encoded, and is counted with its reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from padan.errors import FileLevelError, InputError
from padan.ingest import extract_for
from padan.ingest.mapping import load_mapping
from padan.ingest.readers import Cell, RawRow, inspect_file, open_table
from padan.ingest.validate import Validator
from padan.pprl.bloom import TokenHasher, balance, keyed_permutation, randomise, to_bytes
from padan.pprl.fields import COLUMNS, Plain, block_values, field_tokens, plain_record
from padan.pprl.output import Encoded, EncodingWriter
from padan.pprl.schema import EncodingSchema
from padan.pprl.secret import derive_key, secret_check

__all__ = ["EncodeSummary", "Encoded", "Encoder", "encode_file"]

_CHUNK_ROWS: Final = 5000


@dataclass
class EncodeSummary:
    """What :func:`encode_file` read, encoded and left out, and where it wrote."""

    source: str
    path: Path
    output: Path
    schema_sha256: str
    read: int = 0
    encoded: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)


class Encoder:
    """Encodes plain records under one schema and secret; ``seed`` fixes the noise (tests only:
    by default it comes from the operating system, so no two runs give the same filters)."""

    def __init__(self, schema: EncodingSchema, secret: bytes, *, seed: int | None = None) -> None:
        self.schema = schema
        record_length = schema.record.length
        self._hashers = {
            f.name: TokenHasher(
                derive_key(secret, f"field/{f.name}"),
                length=f.length,
                hashes=f.hashes,
                record_length=record_length,
                record_hashes=f.record_hashes,
                balanced=f.balance,
            )
            for f in schema.fields
        }
        record_key = derive_key(secret, "record")
        self._record_perm = (
            keyed_permutation(record_key, 2 * record_length) if schema.record.balance else None
        )
        self._block_key = derive_key(secret, "block")
        self._rng = random.Random(seed if seed is not None else os.urandom(32))

    def encode(self, plain: Plain) -> Encoded:
        """The encodings of one record."""
        fields: dict[str, bytes | None] = {}
        record = 0
        for spec in self.schema.fields:
            tokens = field_tokens(plain, spec.name, spec.qgrams)
            if tokens is None:
                if spec.filter:
                    fields[spec.name] = None
                continue
            if spec.salt:
                salt = _salt(plain, spec.salt)
                tokens = {f"{salt}|{t}" for t in tokens}
            own, shared = self._hashers[spec.name].bits(tokens)
            record |= shared
            if spec.filter:
                length = spec.length
                if spec.balance:  # balanced token by token: the pairs flipped from the base
                    own, length = self._hashers[spec.name].base ^ own, 2 * length
                fields[spec.name] = self._noised(own, length, spec.noise)
        encoded_record = None
        if record:
            length = self.schema.record.length
            if self._record_perm is not None:
                record, length = balance(record, length, self._record_perm), 2 * length
            encoded_record = self._noised(record, length, self.schema.record.noise)
        blocks = tuple(
            sorted(
                {
                    hmac.new(
                        self._block_key, f"{key}|{value}".encode(), hashlib.sha256
                    ).hexdigest()[:24]
                    for key in self.schema.block_keys
                    for value in block_values(plain, key)
                }
            )
        )
        regency = None
        if "regency" in self.schema.clear and plain.region:
            parts = plain.region.split(".")
            regency = ".".join(parts[:2]) if len(parts) >= 2 else None
        return Encoded(plain.record_id, fields, encoded_record, blocks, regency)

    def _noised(self, bits: int, length: int, noise: float) -> bytes:
        return to_bytes(randomise(bits, length, noise, self._rng), length)


def _salt(plain: Plain, salt: str) -> str:
    if salt == "birth_year":
        return str(plain.birth_years[0]) if plain.birth_years else ""
    return plain.sex or ""


def encode_file(
    path: Path,
    *,
    source: str,
    schema: EncodingSchema,
    secret: bytes,
    output: Path,
    mapping: Path | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    seed: int | None = None,
) -> EncodeSummary:
    """Encode every acceptable record of the ``source`` extract at ``path`` into ``output``.

    ``source`` is ``kpai`` or ``dtsen``; rows are read and validated as ``padan ingest`` does
    (``mapping`` as there), names normalised, and each accepted record's fields encoded under
    ``schema`` with keys derived from ``secret``. ``output`` is a Parquet file with the record
    id, one column per field filter, the record-level filter and the block keys; the schema's
    SHA-256 and the secret's check value (:func:`~padan.pprl.secret.secret_check`) are in its
    metadata. It is written to a temporary file and renamed at the end, so a
    failure leaves no output behind.

    Raises :class:`InputError` for a source other than kpai/dtsen, a bad mapping, or a file that
    cannot be read (:class:`FileLevelError`: format, encoding, header, emptiness).
    """
    if source not in COLUMNS:
        raise InputError(
            f"source {source!r} cannot be encoded; use one of: {', '.join(COLUMNS)} "
            "(institutions are not personal data and need no encoding)."
        )
    extract = extract_for(source)
    column_map = load_mapping(mapping, extract)
    info = inspect_file(path)
    table = open_table(info, sheet=column_map.sheet)
    sources = {c: column_map.columns.get(c, c) for c in extract.column_names}
    missing = [c for c in extract.required if sources[c] not in table.header]
    if missing:
        raise FileLevelError(
            str(path),
            f"required column(s) missing for {extract.name}: {', '.join(missing)} "
            f"(headers found: {', '.join(table.header)})",
            "Rename the headers to the exchange format or pass --mapping FILE.toml.",
        )
    summary = EncodeSummary(source, path, output, schema.sha256)
    encoder = Encoder(schema, secret, seed=seed)
    validator = Validator(extract, today=today or dt.date.today())
    seen: set[str] = set()
    with EncodingWriter(output, schema, source, secret_check(secret)) as writer:
        for rows in _chunks(table.rows, summary):
            chunk = validator.check(rows, sources)
            for _, issues in chunk.rejected:
                summary.quarantined += 1
                summary.reasons[f"{issues[0].column}:{issues[0].reason}"] += 1
            for _, values, _ in chunk.accepted:
                plain = plain_record(source, dict(zip(chunk.columns, values, strict=True)))
                if plain.record_id in seen:
                    summary.quarantined += 1
                    summary.reasons[f"{extract.id_column}:id_ganda_dalam_file"] += 1
                    continue
                seen.add(plain.record_id)
                encoded = encoder.encode(plain)
                summary.missing.update(
                    k for k, v in encoded.fields.items() if v is None and COLUMNS[source][k]
                )
                writer.write(encoded)
                summary.encoded += 1
            if progress:
                progress(table.done[0], table.total)
    return summary


def _chunks(rows: Iterator[RawRow], summary: EncodeSummary) -> Iterator[list[dict[str, Cell]]]:
    """The rows in chunks; a row the reader could not split is counted as quarantined."""
    chunk: list[dict[str, Cell]] = []
    for raw in rows:
        summary.read += 1
        if raw.problem:
            summary.quarantined += 1
            summary.reasons[f"row:{raw.problem}"] += 1
            continue
        chunk.append(raw.values)
        if len(chunk) >= _CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
