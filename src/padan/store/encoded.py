"""Encoded records (PPRL, issue 21): the keyed Bloom filters and block keys an agency sent
instead of its extract, stored batch by batch. Never the secret, never a plaintext identifier.

A store holds either encodings or plaintext person records, not both: one linkage run cannot
compare a name with a Bloom filter, and keeping them apart keeps an encoded store free of
plaintext (:meth:`EncodedStore.save_encoded_batch`, :func:`refuse_plaintext_into_encoded`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import pyarrow as pa
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    func,
    select,
    update,
)

from padan.errors import InputError
from padan.store.connection import Connected, bulk_insert
from padan.store.tables import RECORD_TABLES, batches, metadata

__all__ = [
    "ENCODED_FIELDS",
    "EncodedBatch",
    "EncodedStore",
    "encoded_extract",
    "encoded_records",
    "refuse_plaintext_into_encoded",
]

#: The field filters an encoding file can hold (``padan.pprl.schema.FIELDS``), one column each.
ENCODED_FIELDS: Final = ("name", "mother", "birth_date", "sex", "region", "nik", "kk")

encoded_records = Table(
    "encoded_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", ForeignKey(batches.c.id, ondelete="CASCADE"), nullable=False),
    Column("source", String(16), nullable=False),  # kpai | dtsen
    Column("record_id", String(128), nullable=False),  # the agency's own id
    Column("is_current", Boolean, nullable=False),
    Column("superseded_by", Integer),
    Column("schema_sha256", String(64), nullable=False),
    *(Column(f"f_{name}", LargeBinary) for name in ENCODED_FIELDS),
    Column("record", LargeBinary),  # the record-level filter
    Column("blocks", Text, nullable=False),  # keyed block keys, space-joined
    # The one attribute the schema may let travel in the clear ([clear] in the schema file):
    # the regency code, for indicators by regency. NULL when the schema keeps it encoded.
    Column("regency", String(16)),
    # The check value of the secret the file was encoded with (migration 0020): a file of
    # another secret is refused. NULL for records stored before Padan kept it.
    Column("secret_check", String(64)),
    Index("ix_encoded_records_record", "source", "record_id"),
    Index("ix_encoded_records_batch", "batch_id"),
)


def encoded_extract(source: str) -> str:
    """The ``batches.extract`` of an encoded batch of ``source`` (``kpai_encoded``)."""
    return f"{source}_encoded"


@dataclass(frozen=True, slots=True)
class EncodedBatch:
    """One encoding file to store: where it came from and its records, column by column."""

    source: str
    file_name: str
    content_sha256: str
    schema_sha256: str
    started_at: dt.datetime
    padan_version: str
    record_ids: Sequence[str]
    fields: dict[str, Sequence[bytes | None]]  # of ENCODED_FIELDS
    record: Sequence[bytes | None]
    blocks: Sequence[Sequence[str]]
    regency: Sequence[str | None]
    secret_check: str = ""  # :func:`padan.pprl.secret.secret_check` of the file's secret


def _person_tables() -> list[Table]:
    return [table for extract, (table, _) in RECORD_TABLES.items() if extract != "lembaga"]


def refuse_plaintext_into_encoded(conn: Connection, extract: str) -> None:
    """Raise :class:`InputError` when a plaintext batch of person records (``extract``) is
    about to go into a store that holds encodings."""
    if extract == "lembaga":  # institutions are not personal data: allowed beside encodings
        return
    if conn.execute(select(encoded_records.c.id).limit(1)).first() is not None:
        raise InputError(
            f"this store holds PPRL encodings; a plaintext {extract} file cannot join them "
            "(one store links either encodings or plaintext). Ingest it into another store "
            "(--db), or encode it with padan encode and ingest it with --encoded."
        )


def _other_secret(file_name: str, stored: str | None) -> str:
    """The refusal of a file whose secret check value differs from the store's encodings."""
    if stored is None:
        return (
            f"{file_name}: the encodings in this store were ingested before Padan recorded the "
            "secret's check value, so whether this file used the same secret cannot be "
            "checked. Ingest both agencies' files, encoded again with this version of padan "
            "encode, into a new store (--db)."
        )
    return (
        f"{file_name} was encoded with a different secret from the encodings in this store "
        "(their secret check values differ): its records would match none of them. Both "
        "agencies must encode with the same secret: encode the extract again with the secret "
        "the other agency used. A new secret (e.g. for a new exchange) needs a new store (--db) "
        "with both agencies' files encoded with it."
    )


class EncodedStore(Connected):
    """Encoded batches and records (a part of :class:`~padan.store.Store`)."""

    def encoded_schema(self) -> str | None:
        """The schema SHA-256 of the encodings in the store (``None``: none stored)."""
        with self._connect() as conn:
            row = conn.execute(select(encoded_records.c.schema_sha256).limit(1)).first()
        return str(row[0]) if row else None

    def holds_encodings(self) -> bool:
        """Whether the store holds encoded records (it then links on them only)."""
        return self.encoded_schema() is not None

    def save_encoded_batch(self, new: EncodedBatch) -> tuple[int, int]:
        """Store one encoding file in one transaction; returns (batch id, records superseded).

        A record id stored before gets a new current version (the older one is kept,
        superseded). Raises :class:`InputError`, storing nothing, when the store holds
        plaintext person records or encodings made under another schema or with another
        secret (their check values differ, or the stored ones have none).
        """
        with self._begin() as conn:
            for table in _person_tables():
                if conn.execute(select(table.c.id).limit(1)).first() is not None:
                    raise InputError(
                        f"this store holds plaintext {table.name} records; encodings cannot "
                        "join them (one store links either encodings or plaintext). Ingest the "
                        "encodings into a store of their own (--db)."
                    )
            row = conn.execute(
                select(encoded_records.c.schema_sha256, encoded_records.c.secret_check).limit(1)
            ).first()
            if row is not None and row[1] != new.secret_check:
                raise InputError(_other_secret(new.file_name, row[1]))
            if row is not None and row[0] != new.schema_sha256:
                raise InputError(
                    f"{new.file_name} was encoded under schema {new.schema_sha256[:12]}…, the "
                    f"encodings in this store under {str(row[0])[:12]}…. Both agencies must "
                    "encode with the same schema file (and secret): encode the extract again "
                    "with the schema the others used, or start a new store for a new schema."
                )
            count = len(new.record_ids)
            values: dict[str, Any] = {
                "source": new.source,
                "extract": encoded_extract(new.source),
                "file_name": new.file_name,
                "file_format": "parquet",
                "file_encoding": None,
                "content_sha256": new.content_sha256,
                "mapping": None,
                "rows_read": count,
                "rows_accepted": count,
                "rows_quarantined": 0,
                "flag_counts": "{}",
                "started_at": new.started_at,
                "finished_at": dt.datetime.now(dt.UTC),
                "padan_version": new.padan_version,
                "snapshot": False,
                "baseline": row is None,
            }
            inserted = conn.execute(batches.insert().values(**values)).inserted_primary_key
            assert inserted is not None
            batch_id = int(inserted[0])
            columns = [
                "batch_id",
                "source",
                "record_id",
                "is_current",
                "schema_sha256",
                *(f"f_{n}" for n in ENCODED_FIELDS),
                "record",
                "blocks",
                "regency",
                "secret_check",
            ]
            empty: list[None] = [None] * count
            field_columns = [new.fields.get(n, empty) for n in ENCODED_FIELDS]
            rows = [
                (
                    batch_id,
                    new.source,
                    new.record_ids[i],
                    True,
                    new.schema_sha256,
                    *(column[i] for column in field_columns),
                    new.record[i],
                    " ".join(new.blocks[i]),
                    new.regency[i],
                    new.secret_check,
                )
                for i in range(count)
            ]
            bulk_insert(conn, encoded_records.name, columns, rows)
            newer = select(encoded_records.c.record_id).where(
                encoded_records.c.batch_id == batch_id
            )
            superseded = conn.execute(
                update(encoded_records)
                .where(
                    encoded_records.c.is_current,
                    encoded_records.c.source == new.source,
                    encoded_records.c.batch_id != batch_id,
                    encoded_records.c.record_id.in_(newer),
                )
                .values(is_current=False, superseded_by=batch_id)
            ).rowcount
            conn.execute(
                update(batches).where(batches.c.id == batch_id).values(rows_superseding=superseded)
            )
        return batch_id, int(superseded)

    def encoded_arrow(self, *, columns: Sequence[str] | None = None) -> pa.Table:
        """The current encoded records: ``source``, ``record_id``, the ``f_*`` filters,
        ``record``, ``blocks`` (space-joined) and ``regency`` (or only ``columns``)."""
        names = (
            list(columns)
            if columns
            else [
                "source",
                "record_id",
                *(f"f_{n}" for n in ENCODED_FIELDS),
                "record",
                "blocks",
                "regency",
            ]
        )
        query = (
            select(*(encoded_records.c[n] for n in names))
            .where(encoded_records.c.is_current)
            .order_by(encoded_records.c.source, encoded_records.c.record_id)
        )
        with self._connect() as conn:
            rows = conn.execute(query).all()
        types = {n: pa.binary() for n in names if n.startswith("f_") or n == "record"}
        return pa.table(
            {
                n: pa.array([r[i] for r in rows], types.get(n, pa.string()))
                for i, n in enumerate(names)
            }
        )

    def encoded_of(self, uids: Sequence[str]) -> dict[str, dict[str, bytes | None]]:
        """The current field filters (``f_*`` columns, by field name) of the records ``uids``
        (``source:record_id``); records not current are left out."""
        wanted: dict[str, list[str]] = {}
        for uid in uids:
            source, _, record = uid.partition(":")
            wanted.setdefault(source, []).append(record)
        found: dict[str, dict[str, bytes | None]] = {}
        with self._connect() as conn:
            for source, records in wanted.items():
                query = select(
                    encoded_records.c.record_id,
                    *(encoded_records.c[f"f_{n}"] for n in ENCODED_FIELDS),
                ).where(
                    encoded_records.c.is_current,
                    encoded_records.c.source == source,
                    encoded_records.c.record_id.in_(records),
                )
                for row in conn.execute(query).all():
                    found[f"{source}:{row[0]}"] = dict(zip(ENCODED_FIELDS, row[1:], strict=True))
        return found

    def encoded_counts(self) -> dict[str, int]:
        """Current encoded records per source."""
        query = (
            select(encoded_records.c.source, func.count())
            .where(encoded_records.c.is_current)
            .group_by(encoded_records.c.source)
        )
        with self._connect() as conn:
            return {str(s): int(n) for s, n in conn.execute(query).all()}
