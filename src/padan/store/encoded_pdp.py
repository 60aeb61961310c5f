"""UU PDP operations on encoded records (PPRL, issue 21): retention and the reads of a
data-subject request, by the same rules as the plaintext records of their source.

An encoded record has no dates of its own (no complaint date, no birth date in the clear), so
a retention period counted from a date column is counted from the first ingestion of the record
id (the earliest batch holding a version of it): never earlier than the plaintext rule, since a
record reaches Padan after its date. A period counted from ingestion is counted from the
version's own batch, as in plaintext. Pseudonymising blanks every filter and the block keys (all
are made from identifiers), keeping the record id, source, batch and the regency sent in the
clear; such a record blocks with nothing and stays a child of its own. Deleting removes the
versions, and the links and pairs of record ids no version of which is left.

Padan cannot find an encoded record by a name or a NIK (it holds neither); these functions work
on record ids (``source:record_id``), which the owning agency knows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    exists,
    func,
    not_,
    or_,
    select,
    update,
)

from padan.store.database import Store
from padan.store.encoded import ENCODED_FIELDS, encoded_extract, encoded_records
from padan.store.tables import batches, child_links, link_pairs

__all__ = [
    "apply_encoded_retention",
    "count_encoded_retention",
    "encoded_records_by_uid",
    "encoded_sources",
    "unlink_ids",
]


class _Rule(Protocol):
    """A source's retention rule with its cutoff (``padan.store.retention.RetentionTarget``)."""

    @property
    def source(self) -> str: ...
    @property
    def cutoff(self) -> dt.datetime: ...
    @property
    def counted_from(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def superseded_only(self) -> bool: ...


def encoded_sources(store: Store) -> frozenset[str]:
    """The sources (``kpai``, ``dtsen``) of which the store holds encoded records, current or
    superseded."""
    with store._connect() as conn:
        found = conn.execute(select(encoded_records.c.source).distinct()).scalars()
        return frozenset(str(s) for s in found)


def _not_blank() -> ColumnElement[bool]:
    """An encoded record that still holds a filter or a block key (not yet pseudonymised)."""
    er = encoded_records
    filters = [er.c[f"f_{name}"].is_not(None) for name in ENCODED_FIELDS]
    return or_(er.c.blocks != "", er.c.record.is_not(None), *filters)


def _past(target: _Rule) -> ColumnElement[bool]:
    er = encoded_records
    old_batches = select(batches.c.id).where(
        batches.c.extract == encoded_extract(target.source),
        batches.c.finished_at < target.cutoff,
    )
    when: ColumnElement[bool]
    if target.counted_from == "ingested":
        when = er.c.batch_id.in_(old_batches)
    else:  # a date column the encodings do not carry: the record id's first ingestion
        earlier = encoded_records.alias("earlier")
        when = exists().where(
            earlier.c.source == er.c.source,
            earlier.c.record_id == er.c.record_id,
            earlier.c.batch_id.in_(old_batches),
        )
    when = and_(er.c.source == target.source, when)
    if target.superseded_only:
        when = and_(when, not_(er.c.is_current))
    if target.action == "pseudonymise":
        when = and_(when, _not_blank())
    return when


def _orphaned_ids(conn: Connection, target: _Rule) -> list[str]:
    """Record ids whose every version is past retention (their links go with them)."""
    er = encoded_records
    past = _past(target)
    doomed = select(er.c.record_id).where(past).distinct()
    kept = select(er.c.record_id).where(er.c.source == target.source, not_(past))
    ids = set(conn.execute(doomed).scalars()) - set(conn.execute(kept).scalars())
    return sorted(ids)


def count_encoded_retention(conn: Connection, target: _Rule) -> tuple[int, int]:
    """What :func:`apply_encoded_retention` would do for ``target``, changing nothing:
    (records, record ids unlinked)."""
    records = conn.execute(
        select(func.count()).select_from(encoded_records).where(_past(target))
    ).scalar_one()
    links = len(_orphaned_ids(conn, target)) if target.action == "delete" else 0
    return int(records), links


def unlink_ids(conn: Connection, source: str, ids: Sequence[str]) -> None:
    """Delete the child links and scored pairs of the records ``ids`` of ``source``."""
    for start in range(0, len(ids), 2000):
        chunk = list(ids[start : start + 2000])
        uids = [f"{source}:{i}" for i in chunk]
        conn.execute(
            delete(child_links).where(
                child_links.c.source == source, child_links.c.source_id.in_(chunk)
            )
        )
        conn.execute(
            delete(link_pairs).where(
                or_(link_pairs.c.uid_l.in_(uids), link_pairs.c.uid_r.in_(uids))
            )
        )


def apply_encoded_retention(conn: Connection, target: _Rule) -> tuple[int, int]:
    """Pseudonymise (blank the filters and block keys) or delete the encoded records of
    ``target``'s source past retention, inside the caller's transaction: (records, record ids
    unlinked)."""
    er = encoded_records
    if target.action == "pseudonymise":
        blank: dict[str, Any] = {f"f_{name}": None for name in ENCODED_FIELDS}
        changed = conn.execute(
            update(er).where(_past(target)).values(record=None, blocks="", **blank)
        ).rowcount
        return int(changed), 0
    orphans = _orphaned_ids(conn, target)
    removed = conn.execute(delete(er).where(_past(target))).rowcount
    unlink_ids(conn, target.source, orphans)
    return int(removed), len(orphans)


def encoded_records_by_uid(store: Store, uids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The current encoded version of each of ``uids`` (``source:record_id``), as a subject
    access shows it: ``record_id``, ``regency`` (when sent in the clear), ``fields`` (the
    field filters it holds, by name, never their bits), ``record_filter``, ``block_keys`` (how
    many), ``pseudonymised``, ``file_name``, ``ingested_at`` and ``first_ingested_at``."""
    wanted: dict[str, list[str]] = {}
    for uid in uids:
        source, _, record_id = uid.partition(":")
        wanted.setdefault(source, []).append(record_id)
    er = encoded_records
    found: dict[str, dict[str, Any]] = {}
    with store._connect() as conn:
        for source, ids in wanted.items():
            query = (
                select(er, batches.c.file_name, batches.c.finished_at)
                .join(batches, batches.c.id == er.c.batch_id)
                .where(er.c.source == source, er.c.is_current, er.c.record_id.in_(ids))
            )
            first = dict(
                conn.execute(
                    select(er.c.record_id, func.min(batches.c.finished_at))
                    .join(batches, batches.c.id == er.c.batch_id)
                    .where(er.c.source == source, er.c.record_id.in_(ids))
                    .group_by(er.c.record_id)
                ).all()
            )
            for row in conn.execute(query).mappings():
                fields = [n for n in ENCODED_FIELDS if row[f"f_{n}"] is not None]
                keys = [k for k in str(row["blocks"]).split(" ") if k]
                found[f"{source}:{row['record_id']}"] = {
                    "record_id": row["record_id"],
                    "regency": row["regency"],
                    "fields": fields,
                    "record_filter": row["record"] is not None,
                    "block_keys": len(keys),
                    "pseudonymised": not fields and not keys and row["record"] is None,
                    "file_name": row["file_name"],
                    "ingested_at": _utc(row["finished_at"]),
                    "first_ingested_at": _utc(first.get(row["record_id"])),
                }
    return found


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
