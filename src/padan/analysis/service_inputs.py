"""Reading a snapshot's service records, SIMFONI-PPA cases and institution registry.

Service records and cases are person records a linkage run links: a report reads them as the
run's batches left them, like KPAI and DTSEN (:func:`padan.store.snapshot_records_arrow`).
The institution registry (``lembaga``) is not linked: a report reads the registry records
current when the run finished (:func:`padan.store.records_as_of_arrow`), so the same snapshot
gives the same figures; a registry extract ingested after the run counts from the next run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa

from padan.analysis.service_gaps import KEMENSOS_COLUMNS, LEMBAGA_COLUMNS, SIMFONI_COLUMNS
from padan.store import BatchInfo, Store, records_as_of_arrow, snapshot_records_arrow

__all__ = ["SERVICE_EXTRACTS", "service_inputs"]

#: Source → (extract, columns read) of the service and case sources.
SERVICE_EXTRACTS = {
    "kemensos": ("kemensos_layanan", KEMENSOS_COLUMNS),
    "simfoni": ("simfoni_kasus", SIMFONI_COLUMNS),
}


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite gives back naive datetimes (written in UTC), PostgreSQL aware ones.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def service_inputs(
    store: Store,
    batches: Sequence[BatchInfo],
    moment: dt.datetime,
    *,
    as_of: bool = False,
) -> tuple[pa.Table | None, pa.Table | None, pa.Table | None]:
    """``(kemensos, simfoni, lembaga)`` of a snapshot; ``None`` for a source it lacks.

    ``batches`` are the snapshot's batches (a run's, or those ingested by ``moment`` when
    ``as_of``): a service or case source counts when one of them is of that source. With
    ``as_of`` the records are the versions current at ``moment``
    (:func:`padan.analysis.asof.load_inputs_as_of`), else those the batches left.
    """
    ids = [b.id for b in batches]
    found: list[pa.Table | None] = []
    for source, (extract, columns) in SERVICE_EXTRACTS.items():
        if not any(b.source == source for b in batches):
            found.append(None)
        elif as_of:
            found.append(records_as_of_arrow(store, extract, columns, moment))
        else:
            found.append(snapshot_records_arrow(store, extract, columns, ids))
    at = _aware(moment)
    registry = [b for b in store.list_batches() if b.source == "lembaga"]
    if any(_aware(b.finished_at) <= at for b in registry):
        found.append(records_as_of_arrow(store, "lembaga", LEMBAGA_COLUMNS, at))
    else:
        found.append(None)
    return found[0], found[1], found[2]
