"""Report inputs from a store of PPRL encodings: the records are their ids (and regency codes,
when the encoding schema let them travel in the clear), nothing else.

The coverage indicators (KPAI children found, not found, maybe found in DTSEN) need only which
records form one child, so the report path computes them from an encoded run as from a
plaintext one. The others need what encodings do not carry (DTSEN's desil and aid flags,
KPAI's klaster and kategori, disability, dates): they are left out of an encoded report
(:data:`ENCODED_INDICATORS`), not shown as zeros.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

from padan.analysis.children import AID_COLUMNS, DTSEN_COLUMNS, KPAI_COLUMNS
from padan.errors import InputError
from padan.store import Store

__all__ = ["ENCODED_INDICATORS", "encoded_records", "refuse_history", "refuse_regional"]

#: The indicators an encoded run gives (see the module's docstring).
ENCODED_INDICATORS: Final = (
    "kpai_children",
    "kpai_children_in_dtsen",
    "kpai_children_not_in_dtsen",
    "kpai_children_maybe_in_dtsen",
)
_TYPES: Final[dict[str, pa.DataType]] = {
    "tanggal_pengaduan": pa.date32(),
    "tanggal_lahir": pa.date32(),
    "usia": pa.int64(),
    "desil": pa.int64(),
    **dict.fromkeys(AID_COLUMNS, pa.bool_()),
}


def _table(columns: tuple[str, ...], ids: pa.Array, regency: pa.Array) -> pa.Table:
    """``columns`` with the record id first and the regency as ``kode_wilayah``; every other
    column empty (NULL)."""
    n = len(ids)
    data = {}
    for i, name in enumerate(columns):
        if i == 0:
            data[name] = ids
        elif name == "kode_wilayah":
            data[name] = regency
        else:
            data[name] = pa.nulls(n, _TYPES.get(name, pa.string()))
    return pa.table(data)


def encoded_records(store: Store) -> tuple[pa.Table, pa.Table]:
    """The KPAI and DTSEN record tables of the report (:data:`KPAI_COLUMNS`,
    :data:`DTSEN_COLUMNS`) from the store's current encoded records."""
    table = store.encoded_arrow(columns=["source", "record_id", "regency"])
    out = []
    for source, columns in (("kpai", KPAI_COLUMNS), ("dtsen", DTSEN_COLUMNS)):
        rows = table.filter(pa.compute.equal(table.column("source"), source))
        out.append(_table(columns, rows.column("record_id"), rows.column("regency")))
    return out[0], out[1]


def refuse_regional(region: str) -> InputError:
    """The refusal of a report for ``region`` from encodings that carry no region in the
    clear: the national figures must not be shown as the region's."""
    return InputError(
        f"no report for region {region}: the PPRL encodings in this store carry no region in "
        "the clear, so no figure can be given per region (only the national report, without "
        "--region, by a user whose role is not limited to a region). For regional figures the "
        "agencies can allow the regency code in the schema file (`[clear] attributes = "
        '["regency"]`), encode both extracts again and ingest them into a new store.'
    )


def refuse_history(store: Store, what: str) -> None:
    """Raise :class:`InputError` when ``store`` holds PPRL encodings: ``what`` (figures as of
    a past date, trends) is read from the records' stored history, and encodings keep none
    that the report could use (their records carry no dates, deciles or aid flags)."""
    if store.holds_encodings():
        raise InputError(
            f"{what} cannot be computed from PPRL encodings: the store holds encoded records, "
            "which keep no history of the attributes those figures follow. Run `padan report` "
            "without --as-of for the current coverage indicators."
        )
