"""Reads for reports: the records, links and pairs of one linkage run, as Arrow tables.

A report describes a snapshot: the records as they stood when a run linked them (the run's
batches, each record in the version those batches left current), the run's record → child links
and its doubtful pairs. Reading by the run's batches rather than by ``is_current`` keeps the
figures of a snapshot the same after newer extracts are ingested.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
from sqlalchemy import Table, and_, or_, select

from padan.store.database import Store
from padan.store.record_reads import arrow_schema
from padan.store.tables import child_links, held_in_run, link_pairs

__all__ = ["run_links_arrow", "run_pairs_arrow", "snapshot_records_arrow"]


def snapshot_records_arrow(
    store: Store,
    extract: str,
    columns: Sequence[str],
    batch_ids: Sequence[int],
    *,
    record_ids: Sequence[str] | None = None,
) -> pa.Table:
    """Records of ``extract`` as the batches ``batch_ids`` left them, only ``columns``.

    A record counts when its batch is one of ``batch_ids`` and it was not superseded by another
    of them (a later batch outside the snapshot does not change it). ``record_ids`` restricts
    the read to those source ids (e.g. the DTSEN records of KPAI children).
    """
    table, id_column = store.record_table(extract)
    ids = list(batch_ids)
    schema = arrow_schema(table, columns)
    query = select(*(table.c[c] for c in columns)).where(
        and_(
            table.c.batch_id.in_(ids),
            or_(table.c.superseded_by.is_(None), table.c.superseded_by.not_in(ids)),
        )
    )
    if record_ids is None:
        return store._arrow(query, schema, bulk=True)
    return store._arrow_in(query, table.c[id_column], record_ids, schema)


def run_links_arrow(store: Store, run_id: int) -> pa.Table:
    """A run's record → child links: ``source, source_id, child_id, match_probability``."""
    return _held(
        store, child_links, run_id, ("source", "source_id", "child_id", "match_probability")
    )


def run_pairs_arrow(store: Store, run_id: int) -> pa.Table:
    """A run's stored pairs: ``uid_l, uid_r, match_probability, rule, decision``."""
    return _held(
        store, link_pairs, run_id, ("uid_l", "uid_r", "match_probability", "rule", "decision")
    )


def _held(store: Store, table: Table, run_id: int, columns: Sequence[str]) -> pa.Table:
    """The ``columns`` of the rows of ``table`` that hold in run ``run_id``."""
    query = select(*(table.c[c] for c in columns)).where(held_in_run(table, run_id))
    return store._arrow(query, arrow_schema(table, columns))
