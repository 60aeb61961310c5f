"""Adding a source to a store from its definition file, and reading the store's sources back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Final, NamedTuple

from padan.errors import InputError
from padan.ingest.definitions import (
    EXTRACTS,
    SHIPPED,
    TEMPLATES,
    extract_for,
    parse_definition,
    template_text,
)
from padan.ingest.schema import Extract, Kind
from padan.store import Store

__all__ = ["SourceAdded", "add_source", "declared_extracts", "extract_of", "store_columns"]

# How the store keeps each kind of column (padan.store.declared.COLUMN_TYPES).
_STORED: Final[dict[Kind, str]] = {
    "id": "id",
    "date": "date",
    "nik": "string",
    "kk": "string",
    "name": "text",
    "text": "text",
    "sex": "string",
    "region": "string",
    "code": "string",
    "codes": "text",
    "count": "integer",
    "desil": "integer",
    "flag01": "boolean",
    "age": "integer",
}


def store_columns(extract: Extract) -> list[tuple[str, str]]:
    """The stored columns of ``extract`` (its columns and derived fields) with their types."""
    pairs: list[tuple[str, str]] = []
    for column in extract.columns:
        pairs.append((column.name, _STORED[column.kind]))
        if column.derived:
            pairs.append((column.derived, "text" if column.kind == "name" else "string"))
    return pairs


class SourceAdded(NamedTuple):
    """What :func:`add_source` did: the extract, and whether it was new to the store."""

    extract: Extract
    added: bool


def add_source(store: Store, definition: str | Path, *, name: str | None = None) -> SourceAdded:
    """Declare a source in ``store`` from a definition file, or from a shipped definition given
    by name (the ``orang`` person-list template, ``kemensos``, ``simfoni``); ``name`` names
    the source (and its table).

    Adding the same definition again changes nothing. Raises :class:`InputError` for an
    unreadable or invalid definition, :class:`padan.errors.StoreError` for a name already
    taken by another definition.
    """
    path = Path(definition)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"source definition {path}: cannot read it ({exc})") from exc
        where = str(path)
    elif str(definition) in (*TEMPLATES, *SHIPPED):
        text, where = template_text(str(definition)), f"shipped definition {definition}"
    else:
        raise InputError(
            f"source definition {definition}: no such file, nor a shipped definition "
            f"({', '.join((*TEMPLATES, *SHIPPED))}). Check the path."
        )
    shipped = str(definition) in SHIPPED and name is None
    extract = parse_definition(text, where=where, name=name, builtin=shipped)
    if extract.name in {e.name for e in EXTRACTS.values()}:
        raise InputError(f"source definition {where}: table {extract.name!r} is a built-in one")
    added = store.declare_source(
        source=extract.source,
        extract=extract.name,
        id_column=extract.id_column,
        columns=store_columns(extract),
        definition=text,
    )
    return SourceAdded(extract, added)


def declared_extracts(store: Store) -> dict[str, Extract]:
    """The sources declared in ``store``, by source name, read from their stored definitions."""
    # The source's name and table are the store's: a definition may have been added under
    # another name than the one it gives (``--name``).
    return {
        d.source: replace(
            parse_definition(
                d.definition,
                where=f"source {d.source} (stored)",
                name=d.source,
                builtin=d.source in SHIPPED,
            ),
            name=d.extract,
        )
        for d in store.declared_sources()
    }


def extract_of(store: Store, source: str) -> Extract:
    """The extract of ``source``, built in or declared in ``store``; a shipped source
    (Kemensos services, SIMFONI-PPA cases) is declared on its first file.

    Raises :class:`InputError` for a source neither knows.
    """
    if source in EXTRACTS:
        return EXTRACTS[source]
    declared = declared_extracts(store)
    if source in SHIPPED and source not in declared:
        return add_source(store, source).extract  # a built-in source's first file
    return extract_for(source, declared)
