"""Records of every source whose rows are about one person each, read by role.

KPAI complaints and the person-level sources declared in the store (``links = true`` in their
definition, docs/manual/sources.md) are matched the same way: each is read into one layout,
a column per role (name, birth date, NIK, mother, region, ...), whatever its columns are
called. DTSEN, with its households, is read on its own (:mod:`padan.linkage.features`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

import pyarrow as pa

from padan.ingest import Extract, declared_extracts
from padan.ingest.definitions import KPAI
from padan.ingest.schema import Role
from padan.store import Store

__all__ = [
    "EXTRA_ROLES",
    "PERSON_COLUMNS",
    "earlier_regions",
    "extra_roles",
    "kpai_records",
    "linked_declared",
    "linked_sources",
    "person_records",
    "persons",
]

#: The layout: column → (role, or None for the record id / batch; Arrow type).
_LAYOUT: Final[dict[str, tuple[str | None, pa.DataType]]] = {
    "src": ("", pa.string()),
    "record_id": (None, pa.string()),
    "event_date": ("event_date", pa.date32()),
    "nik": ("nik", pa.string()),
    "nik_status": ("nik:status", pa.string()),
    "kk": ("kk", pa.string()),
    "name_norm": ("name:norm", pa.string()),
    "sex": ("sex", pa.string()),
    "birth_date": ("birth_date", pa.date32()),
    "age": ("age", pa.int64()),
    "mother_norm": ("mother:norm", pa.string()),
    "father_norm": ("father:norm", pa.string()),
    "kode_wilayah": ("region", pa.string()),
    "address": ("address", pa.string()),
    "identifier": ("identifier", pa.string()),
    "postcode": ("postcode", pa.string()),
    "locality": ("locality", pa.string()),
    "batch_id": (None, pa.int64()),
}
#: The columns of :func:`person_records`.
PERSON_COLUMNS: Final = tuple(_LAYOUT)
#: Roles only declared sources have today; the model compares them where a source has them.
EXTRA_ROLES: Final[tuple[Role, ...]] = ("identifier", "postcode", "locality")


def extra_roles(store: Store) -> list[str]:
    """The :data:`EXTRA_ROLES` the linked declared sources of ``store`` have."""
    declared = {c.role for e in linked_declared(store) for c in e.columns}
    return [role for role in EXTRA_ROLES if role in declared]


def linked_sources(store: Store) -> list[str]:
    """The sources whose records a linkage run of ``store`` reads: KPAI, DTSEN and the
    declared person-level ones."""
    return ["kpai", "dtsen", *(e.source for e in linked_declared(store))]


def linked_declared(store: Store) -> list[Extract]:
    """The sources declared in ``store`` whose records take part in matching."""
    return [e for e in declared_extracts(store).values() if e.links]


def _stored(extract: Extract, role: str) -> str | None:
    """The stored column that holds ``role`` (``name:norm``: the role's normalised form)."""
    base, _, part = role.partition(":")
    column = extract.column_for(base)  # type: ignore[arg-type]
    if column is None:
        return None
    if part == "norm":
        return column.derived if column.kind == "name" else None
    if part == "status":
        return column.derived if column.kind in ("nik", "kk") else None
    return column.name


def person_records(
    store: Store, extract: Extract, *, only: tuple[str, Collection[Any]] | None = None
) -> pa.Table:
    """The current records of ``extract`` in the person layout (:data:`PERSON_COLUMNS`):
    every record, or ``only=(column, values)`` those whose layout ``column`` (``batch_id``,
    ``record_id``) is one of ``values``. A role the source lacks is an empty column."""
    wanted = {
        column: _stored(extract, role) if role else None for column, (role, _) in _LAYOUT.items()
    }
    wanted |= {"record_id": extract.id_column, "batch_id": "batch_id"}
    stored = sorted({c for c in wanted.values() if c})
    where = None if only is None else (wanted[only[0]] or only[0], only[1])
    table = store.records_arrow(extract.name, stored, only=where)
    rows = table.num_rows
    columns = {}
    for column, (_, kind) in _LAYOUT.items():
        source = wanted[column]
        if column == "src":
            columns[column] = pa.array([extract.source] * rows, pa.string())
        elif source is None:
            columns[column] = pa.nulls(rows, kind)
        else:
            columns[column] = table.column(source).cast(kind)
    return pa.table(columns)


def persons(store: Store, batches: Collection[int] | None) -> pa.Table:
    """KPAI's records and those of the declared person-level sources: every current one, or
    those of ``batches``."""
    only = None if batches is None else ("batch_id", batches)
    extracts = [KPAI, *linked_declared(store)]
    return pa.concat_tables([person_records(store, e, only=only) for e in extracts])


def kpai_records(store: Store, ids: Collection[str]) -> pa.Table:
    """The KPAI records ``ids`` in the person layout."""
    return person_records(store, KPAI, only=("record_id", ids))


def earlier_regions(store: Store, only: tuple[pa.Table, pa.Table] | None) -> pa.Table:
    """Every region a current record's earlier versions were in (``uid, code, event``): of
    every record, or ``only`` of those in the person and DTSEN tables given (an incremental
    run builds a few; their ids are looked up by index rather than every event read)."""
    ids: dict[str, list[str] | None] = dict.fromkeys(linked_sources(store))
    if only is not None:
        wanted: dict[str, list[str]] = {"dtsen": only[1].column("id_individu").to_pylist()}
        sources, records = only[0].column("src").to_pylist(), only[0].column("record_id")
        for source, record in zip(sources, records.to_pylist(), strict=True):
            wanted.setdefault(source, []).append(record)
        ids = {source: wanted.get(source, []) for source in ids}
    rows = [
        (f"{source}:{record}", code, event)
        for source, records_of in ids.items()
        for record, code, event in store.earlier_regions(source, records_of)
    ]
    uid, code, event = zip(*rows, strict=True) if rows else ((), (), ())
    return pa.table(
        {"uid": pa.array(uid, pa.string()), "code": pa.array(code, pa.string())}
        | {"event": pa.array(event, pa.int64())}
    )
