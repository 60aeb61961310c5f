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
    "builtin_table",
    "source_definitions",
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

_BUILTIN_SOURCES: Final = {"kpai": "kpai_kasus", "dtsen": "dtsen_individu", "lembaga": "lembaga"}


def builtin_table(extract: str) -> tuple[Table, str]:
    """The record table of a built-in extract and its record-id column (no store needed).

    Raises :class:`StoreError` for any other extract.
    """
    found = RECORD_TABLES.get(extract)
    if found is None:
        raise StoreError(
            f"{extract!r} is not a built-in record table; use {', '.join(RECORD_TABLES)}"
        )
    return found


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
    """Declared sources (a part of :class:`~padan.store.Store`), and the record table of any
    extract or source of this store: the built-in ones and those declared in it."""

    # Declared tables of this store by extract, with their extracts by source; read once.
    _declared: dict[str, tuple[Table, str]] | None = None
    _by_source: dict[str, str] | None = None

    def record_table(self, extract: str) -> tuple[Table, str]:
        """The record table of ``extract`` (built in or declared here) and its id column.

        Raises :class:`StoreError` for an extract this store does not hold.
        """
        found = RECORD_TABLES.get(extract) or self._tables()[0].get(extract)
        if found is None:
            known = [*RECORD_TABLES, *self._tables()[0]]
            raise StoreError(
                f"no record table {extract!r} in this store; known: {', '.join(known)}"
            )
        return found

    def source_table(self, source: str) -> tuple[Table, str] | None:
        """The record table of ``source`` (``kpai``, ``dtsen``, a declared one) and its id
        column; None for a source this store does not know."""
        extract = _BUILTIN_SOURCES.get(source) or self._tables()[1].get(source)
        return None if extract is None else self.record_table(extract)

    def source_of(self, extract: str) -> str | None:
        """The source whose records ``extract`` holds (None: not a table of this store)."""
        by_source = {**_BUILTIN_SOURCES, **self._tables()[1]}
        return next((s for s, e in by_source.items() if e == extract), None)

    def _tables(self) -> tuple[dict[str, tuple[Table, str]], dict[str, str]]:
        if self._declared is None or self._by_source is None:
            self.declared_sources()
        assert self._declared is not None and self._by_source is not None
        return self._declared, self._by_source

    def declared_sources(self) -> list[DeclaredSource]:
        """Every declared source, oldest first (their record tables are read again)."""
        with self._connect() as conn:
            if not inspect(conn).has_table(source_definitions.name):
                rows: list[Any] = []  # a store before revision 0018 (padan db upgrade)
            else:
                query = select(source_definitions).order_by(source_definitions.c.added_at)
                rows = list(conn.execute(query).mappings())
        self._declared = {
            r["extract"]: (
                _table(r["extract"], r["id_column"], json.loads(r["record_columns"])),
                r["id_column"],
            )
            for r in rows
        }
        self._by_source = {r["source"]: r["extract"] for r in rows}
        return [
            DeclaredSource(
                r["source"], r["extract"], r["definition"], r["sha256"], as_utc(r["added_at"])
            )
            for r in rows
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
        self.declared_sources()
        return True

    def remove_source(self, source: str) -> None:
        """Remove a declared source that holds no batch, with its (empty) record table.

        Raises :class:`StoreError` for an unknown source or one with stored batches.
        """
        known = {d.source: d for d in self.declared_sources()}
        if source not in known:
            raise StoreError(f"no declared source {source!r} in this store")
        table, _ = self.record_table(known[source].extract)
        with self._begin() as conn:
            held = conn.execute(
                select(func.count()).select_from(batches).where(batches.c.source == source)
            ).scalar_one()
            if held:
                raise StoreError(
                    f"source {source!r} holds {held} batches; its records stay with their "
                    "definition (remove the batches first with the retention commands)"
                )
            table.drop(conn)
            conn.execute(delete(source_definitions).where(source_definitions.c.source == source))
        self.declared_sources()
