"""Putting an encoding file into a store (``padan ingest kpai FILE --encoded``): checked,
stored in one transaction, recognised when it comes again."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from padan.errors import InputError
from padan.pprl.output import read_encoding_table
from padan.store import Store
from padan.store.encoded import ENCODED_FIELDS, EncodedBatch
from padan.version import __version__

__all__ = ["ENCODED_SOURCES", "EncodedIngest", "ingest_encodings"]

#: The sources an encoding file can come from (``padan encode kpai|dtsen``).
ENCODED_SOURCES: Final = ("kpai", "dtsen")


@dataclass(frozen=True)
class EncodedIngest:
    """What :func:`ingest_encodings` stored (or found stored before)."""

    source: str
    file: Path
    batch_id: int
    records: int
    superseded: int
    schema_sha256: str
    already_ingested: bool
    regency: bool  # whether the file carries regency codes in the clear


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest_encodings(path: Path, *, source: str, store: Store) -> EncodedIngest:
    """Store the encodings of ``source`` (``kpai`` or ``dtsen``) written by ``padan encode``.

    All records are stored in one transaction, or none. The same file again is recognised by
    its content and stored once. Raises :class:`InputError`, storing nothing, when the file is
    not an encoding file, was encoded from another source, under another schema than the
    encodings already stored, with another secret than them (their secret check values
    differ), carries no secret check value (encoded before Padan wrote one: encode again),
    holds a record id twice, or the store holds plaintext records.
    """
    if source not in ENCODED_SOURCES:
        raise InputError(
            f"--encoded is for {' and '.join(ENCODED_SOURCES)} (what padan encode makes); "
            f"{source!r} cannot be ingested encoded."
        )
    started = dt.datetime.now(dt.UTC)
    table, file_source, schema_sha256, check = read_encoding_table(path)
    if file_source != source:
        raise InputError(
            f"{path} holds encodings of {file_source}, not {source}. "
            f"Run: padan ingest {file_source} {path} --encoded"
        )
    if check is None:
        # Without it, a file of another secret would be linked silently (nothing matches).
        raise InputError(
            f"{path} carries no secret check value: it was encoded by an older padan encode, "
            "so whether it used the same secret as the other agency's file cannot be checked. "
            "Encode the extract again with this version of padan encode."
        )
    content = _sha256(path)
    found = store.find_batch(source, content)
    regency = "regency" in table.column_names
    if found is not None:
        return EncodedIngest(
            source, path, found.id, found.rows_accepted, 0, schema_sha256, True, regency
        )
    ids = [str(v) for v in table.column("record_id").to_pylist()]
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise InputError(
            f"{path} holds record id {twice!r} more than once; padan encode never writes "
            "that: encode the extract again."
        )
    unknown = [
        n
        for n in table.column_names
        if n not in ("record_id", "record", "blocks", "regency", *ENCODED_FIELDS)
    ]
    if unknown:
        raise InputError(
            f"{path} has column(s) {', '.join(unknown)} that padan encode does not write; "
            "encode the extract again."
        )

    def column(name: str) -> list[bytes | None]:
        return table.column(name).to_pylist() if name in table.column_names else [None] * len(ids)

    blocks = table.column("blocks").to_pylist()
    batch = EncodedBatch(
        source=source,
        file_name=path.name,
        content_sha256=content,
        schema_sha256=schema_sha256,
        started_at=started,
        padan_version=__version__,
        record_ids=ids,
        fields={n: column(n) for n in ENCODED_FIELDS if n in table.column_names},
        record=column("record"),
        blocks=[list(b or []) for b in blocks],
        regency=(
            [str(v) if v else None for v in table.column("regency").to_pylist()]
            if regency
            else [None] * len(ids)
        ),
        secret_check=check,
    )
    batch_id, superseded = store.save_encoded_batch(batch)
    return EncodedIngest(
        source, path, batch_id, len(ids), superseded, schema_sha256, False, regency
    )
