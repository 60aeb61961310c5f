"""``padan dci verify``: are the KPAI children in DTSEN? Ask an external DCI social registry
about the NIKs of the current KPAI records and store what it answers as a DTSEN batch.

The answer goes through the same door as a DTSEN file: its records are written as a DTSEN
extract in JSON lines (:mod:`padan.dci.dtsen_rows`) and ingested with
:func:`padan.ingest.ingest_file`, so every record is accepted or quarantined with a reason,
the batch is atomic, and the same answer asked again is recognised by its content and not
stored twice. Each message sent is audited (``registry_request``, without identifiers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from padan.access.authorise import require
from padan.access.policy import Principal
from padan.dci.client import RegistryClient, SearchResult
from padan.dci.dtsen_rows import dtsen_row, write_rows
from padan.ingest import IngestSummary, ingest_file
from padan.services.registry_query import record_exchange
from padan.store import Store

__all__ = ["VerifyResult", "kpai_niks", "verify_children", "verify_values"]


@dataclass
class VerifyResult:
    """The search (per value: found, not found, rejected, unanswered) and the ingest of its
    records (``None`` when the registry found no one: there is nothing to store)."""

    search: SearchResult
    records: int
    summary: IngestSummary | None
    file: Path | None

    def to_json(self) -> dict[str, Any]:
        s = self.search
        counts = {k: s.count(k) for k in ("found", "not_found", "rejected", "unanswered")}
        reasons: dict[str, int] = {}
        for lookup in s.lookups:
            if lookup.reason:
                reasons[lookup.reason] = reasons.get(lookup.reason, 0) + 1
        return {
            "asked": len(s.lookups),
            **counts,
            "rejected_reasons": reasons,
            "messages": s.messages,
            "stray_answers": s.stray,
            "seconds": round(s.seconds, 3),
            "records": self.records,
            "ingest": None if self.summary is None else self.summary.to_json(),
        }


def kpai_niks(store: Store) -> list[str]:
    """The distinct valid NIKs of the current KPAI records, sorted."""
    return sorted(
        {
            str(r["nik_anak"])
            for r in store.fetch_records("kpai_kasus")
            if r.get("nik_anak") and r.get("nik_anak_status") == "valid"
        }
    )


def verify_values(
    store: Store,
    p: Principal,
    client: RegistryClient,
    *,
    id_type: str,
    values: list[str],
    work_dir: Path,
    today: dt.date | None = None,
) -> VerifyResult:
    """Ask ``client``'s registry about ``values`` (of ``id_type``) as ``p`` (who needs the
    ``ingest`` permission) and ingest the records found as one DTSEN batch (its file is kept
    in ``work_dir``). Raises the client's :class:`~padan.dci.client.RegistryError` (nothing
    is stored then) or the ingest's errors."""
    require(p, "ingest")
    purpose = f"verify {len(values)} {id_type} values against a DCI registry"

    def note(line: str) -> None:
        record_exchange(store, p, "request", f"{line} ({purpose})")

    client.on_exchange = note
    search = client.search(id_type, values)
    rows = [dtsen_row(r) for lookup in search.lookups for r in lookup.records]
    if not rows:
        return VerifyResult(search, 0, None, None)
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"dci-{id_type.lower()}-{dt.date.today():%Y%m%d}.jsonl"
    count = write_rows(rows, path)
    summary = ingest_file(path, source="dtsen", store=store, today=today, workers=1)
    return VerifyResult(search, count, summary, path)


def verify_children(
    store: Store, p: Principal, client: RegistryClient, *, work_dir: Path
) -> VerifyResult:
    """:func:`verify_values` for the NIKs of the current KPAI records."""
    return verify_values(
        store, p, client, id_type="NIK", values=kpai_niks(store), work_dir=work_dir
    )
