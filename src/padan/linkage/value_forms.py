"""Forms of the features computed once per distinct value in Python: those that need Indonesian
rules (:mod:`padan.domain`), for names and addresses."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from padan.domain.addresses import village_named
from padan.domain.names import normalise_name

__all__ = ["name_forms", "places"]


def places(*columns: pa.ChunkedArray) -> pa.Table:
    """The village each distinct address names (:func:`padan.domain.addresses.village_named`)."""
    chunks = [chunk for column in columns for chunk in column.chunks]
    addresses = pc.unique(pa.chunked_array(chunks, type=pa.string())).drop_null().to_pylist()
    places = [village_named(a) for a in addresses]
    return pa.table(
        {"address": pa.array(addresses, pa.string()), "place": pa.array(places, pa.string())}
    )


def name_forms(names: list[str]) -> pa.Table:
    """The forms matching compares of each distinct name
    (:func:`padan.domain.names.normalise_name`): core, compact, token-sorted, first and last
    token, lead."""
    rows = []
    for name in names:
        form = normalise_name(name)
        core = form.core  # computed on each use: once here, for 200,000 names
        rows.append(
            (
                " ".join(core) or None,
                form.compact or None,
                form.sorted_text or None,
                core[0] if core else None,
                form.tokens[-1] if len(form.tokens) > 1 else None,
                " ".join(form.lead) or None,
            )
        )
    columns = ("core", "compact", "sorted", "first", "last", "lead")
    by_column = zip(*rows, strict=True) if rows else ([] for _ in columns)
    return pa.table({"name": names, **dict(zip(columns, by_column, strict=True))})
