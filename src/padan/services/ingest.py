"""Ingestion from the web: the batches a role handles, their quarantined rows, and uploads."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from padan.access.authorise import Forbidden, NotFound, audit, require
from padan.access.policy import Principal
from padan.api import Padan
from padan.errors import InputError
from padan.store import Store

__all__ = ["batches", "quarantine_rows", "upload"]


def batches(store: Store, p: Principal) -> list[dict[str, Any]]:
    """Ingestion history of the extracts the role handles."""
    if not (p.can("ingest") or p.can("quarantine")):
        raise Forbidden(f"role {p.role.name} may not see the ingestion history")
    return [
        {
            "id": b.id,
            "source": b.source,
            "file_name": b.file_name,
            "format": b.file_format,
            "read": b.rows_read,
            "accepted": b.rows_accepted,
            "quarantined": b.rows_quarantined,
            "superseded": b.rows_superseding,
            "finished_at": b.finished_at.isoformat(),
        }
        for b in reversed(store.list_batches())
        if b.source in p.role.ingest
    ]


def quarantine_rows(
    store: Store, p: Principal, batch_id: int, *, limit: int = 500, purpose: str = ""
) -> list[dict[str, Any]]:
    """Quarantined rows of one batch the role handles; audited (they hold raw personal data)."""
    require(p, "quarantine")
    known = {b["id"] for b in batches(store, p)}
    if batch_id not in known:
        raise NotFound(f"no batch {batch_id} among those you handle")
    rows = [
        {
            "row": e.row_number,
            "column": e.column,
            "value": e.value,
            "reason": e.reason,
            "reason_id": e.reason_id,
            "reason_en": e.reason_en,
            "raw": json.loads(e.raw),
        }
        for e in store.quarantine_entries(batch_id=batch_id, limit=limit)
    ]
    audit(store, p, "quarantine", f"batch {batch_id}", [], purpose)
    return rows


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def upload(
    store: Store,
    p: Principal,
    source: str,
    file_name: str,
    content: bytes,
    *,
    purpose: str = "",
) -> dict[str, Any]:
    """Ingest an uploaded file exactly as ``padan ingest`` does; returns the summary; audited."""
    require(p, "ingest")
    if source not in p.role.ingest:
        raise Forbidden(f"role {p.role.name} may not ingest {source} files")
    if not content:
        raise InputError(f"{file_name or 'the upload'}: the file is empty; choose a file")
    name = _SAFE_NAME.sub("_", Path(file_name or "upload").name)[:120] or "upload"
    with tempfile.TemporaryDirectory(prefix="padan-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        summary = Padan(store).ingest(source, path).to_json()
    summary["file"] = name  # the uploaded file's name, not the server's temporary path
    audit(store, p, "ingest", f"{source} {name} batch {summary['batch_id']}", [], purpose)
    return summary
