"""Sources declared in the store (``padan source add``): their definitions and record tables.

A built-in source's record table is part of the schema (Alembic revisions); a declared source's
table follows its definition file, so the store creates it when the source is added and knows
it again whenever the store is opened. The definition is kept as written: the store's data is
read with the definition it was stored under, on any machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    inspect,
    select,
)

from padan.errors import StoreError
from padan.store.connection import Connected, as_utc
from padan.store.tables import RECORD_TABLES, batches, metadata, record_table_of

__all__ = [
    "COLUMN_TYPES",
    "DeclaredSource",
    "DeclaredSources",
    "record_table",
    "source_definitions",
    "source_table",
]

source_definitions = Table(
    "source_definitions",
    metadata,
    Column("source", String(16), primary_key=True),
    Column("extract", String(40), nullable=False, unique=True),
    Column("id_column", String(63), nullable=False),
    Column("record_columns", Text, nullable=False),  # JSON [[name, type], ...]
    Column("definition", Text, nullable=False),  # the definition file as written
    Column("sha256", String(64), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

#: The column types a declared record table can have.
COLUMN_TYPES: Final[dict[str, Any]] = {
    "id": String(128),
    "string": String(64),
    "text": Text,
    "date": Date,
    "integer": Integer,
    "boolean": Boolean,
}

# Declared tables known in this process, by extract name, and their extracts by source;
# filled when a store is opened.
_DECLARED: dict[str, tuple[Table, str]] = {}
_BY_SOURCE: dict[str, str] = {"kpai": "kpai_kasus", "dtsen": "dtsen_individu", "lembaga": "lembaga"}


def record_table(extract: str) -> tuple[Table, str]:
    """The record table of ``extract`` (built in or declared) and its record-id column.

    Raises :class:`StoreError` for an extract this store does not hold.
    """
    found = RECORD_TABLES.get(extract) or _DECLARED.get(extract)
    if found is None:
        known = [*RECORD_TABLES, *_DECLARED]
        raise StoreError(f"no record table {extract!r} in this store; known: {', '.join(known)}")
    return found


def source_table(source: str) -> tuple[Table, str] | None:
    """The record table of ``source`` (``kpai``, ``dtsen``, a declared one) and its id column;
    None for a source this store does not know."""
    extract = _BY_SOURCE.get(source)
    return None if extract is None else record_table(extract)


@dataclass(frozen=True, slots=True)
class DeclaredSource:
    """A source added to the store: its name, table, definition text and when it was added."""

    source: str
    extract: str
    definition: str
    sha256: str
    added_at: dt.datetime


def _table(extract: str, id_column: str, columns: Sequence[Sequence[str]]) -> Table:
    return record_table_of(
        extract,
        id_column,
        *(Column(name, COLUMN_TYPES[kind], nullable=name != id_column) for name, kind in columns),
        meta=MetaData(),
    )


class DeclaredSources(Connected):
    """Declared sources (a part of :class:`~padan.store.Store`)."""

    def declared_sources(self) -> list[DeclaredSource]:
        """Every declared source, oldest first; their record tables become known to this process."""
        with self._connect() as conn:
            rows = conn.execute(select(source_definitions).order_by(source_definitions.c.added_at))
            found = list(rows.mappings())
        for row in found:
            columns = json.loads(row["record_columns"])
            _DECLARED[row["extract"]] = (
                _table(row["extract"], row["id_column"], columns),
                row["id_column"],
            )
            _BY_SOURCE[row["source"]] = row["extract"]
        return [
            DeclaredSource(
                r["source"], r["extract"], r["definition"], r["sha256"], as_utc(r["added_at"])
            )
            for r in found
        ]

    def declare_source(
        self,
        *,
        source: str,
        extract: str,
        id_column: str,
        columns: Sequence[tuple[str, str]],
        definition: str,
    ) -> bool:
        """Add a source and create its record table; ``False`` if the very same definition was
        added before (nothing changes then).

        ``columns`` are the stored columns in order with their types (:data:`COLUMN_TYPES`).
        Raises :class:`StoreError` when the name or table is taken by something else.
        """
        sha = hashlib.sha256(definition.encode()).hexdigest()
        known = {d.source: d for d in self.declared_sources()}
        if source in known:
            if known[source].sha256 == sha:
                return False
            raise StoreError(
                f"source {source!r} is already declared in this store with another definition. "
                f"Give the new one another name, or remove the old one (padan source remove "
                f"{source}) if it holds no batches"
            )
        bad = [k for _, k in columns if k not in COLUMN_TYPES]
        if bad:
            raise StoreError(f"unknown column types {bad}; use {', '.join(COLUMN_TYPES)}")
        table = _table(extract, id_column, columns)
        with self._begin() as conn:
            if extract in metadata.tables or inspect(conn).has_table(extract):
                raise StoreError(
                    f"a table named {extract!r} already exists in the store; choose another "
                    "'extract' name in the definition"
                )
            table.create(conn)
            conn.execute(
                source_definitions.insert().values(
                    source=source,
                    extract=extract,
                    id_column=id_column,
                    record_columns=json.dumps([list(c) for c in columns]),
                    definition=definition,
                    sha256=sha,
                    added_at=dt.datetime.now(dt.UTC),
                )
            )
        _DECLARED[extract] = (table, id_column)
        _BY_SOURCE[source] = extract
        return True

    def remove_source(self, source: str) -> None:
        """Remove a declared source that holds no batch, with its (empty) record table.

        Raises :class:`StoreError` for an unknown source or one with stored batches.
        """
        known = {d.source: d for d in self.declared_sources()}
        if source not in known:
            raise StoreError(f"no declared source {source!r} in this store")
        with self._begin() as conn:
            held = conn.execute(
                select(func.count()).select_from(batches).where(batches.c.source == source)
            ).scalar_one()
            if held:
                raise StoreError(
                    f"source {source!r} holds {held} batches; its records stay with their "
                    "definition (remove the batches first with the retention commands)"
                )
            table, _ = _DECLARED.pop(known[source].extract)
            _BY_SOURCE.pop(source, None)
            table.drop(conn)
            conn.execute(delete(source_definitions).where(source_definitions.c.source == source))
