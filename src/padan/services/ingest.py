"""Ingestion from the web: the batches a role handles, their quarantined rows, and uploads."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from padan.access.authorise import Forbidden, NotFound, audit, require
from padan.access.policy import Principal
from padan.api import Padan
from padan.errors import FileLevelError, InputError, PadanError
from padan.store import QuarantineEntry, Store

__all__ = [
    "DEFAULT_UPLOAD_MAX_BYTES",
    "UploadTooLarge",
    "batches",
    "quarantine_entries",
    "quarantine_rows",
    "size_text",
    "too_large_message",
    "upload",
]


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
            # True / False / None (ingested before Padan recorded snapshots, retired nothing)
            "snapshot": b.snapshot,
            "snapshot_scope": b.snapshot_scope,
            "snapshot_at": b.snapshot_at.isoformat() if b.snapshot_at else None,
            "baseline": b.baseline,
        }
        for b in reversed(store.list_batches())
        if b.source in p.role.ingest
    ]


def quarantine_entries(
    store: Store,
    p: Principal,
    *,
    batch_id: int | None = None,
    limit: int | None = None,
    purpose: str = "",
) -> list[QuarantineEntry]:
    """Quarantined rows of one batch the role handles (``None``: of each, oldest batch first),
    at most ``limit``; each batch read is audited (the rows hold raw personal data).

    Raises :class:`NotFound` for a batch the role does not handle (or that does not exist)."""
    require(p, "quarantine")
    known = [b["id"] for b in reversed(batches(store, p))]
    if batch_id is not None and batch_id not in known:
        raise NotFound(f"no batch {batch_id} among those you handle")
    entries: list[QuarantineEntry] = []
    for batch in [batch_id] if batch_id is not None else known:
        left = None if limit is None else limit - len(entries)
        if left is not None and left <= 0:
            break
        entries += store.quarantine_entries(batch_id=batch, limit=left)
        audit(store, p, "quarantine", f"batch {batch}", [], purpose)
    return entries


def quarantine_rows(
    store: Store, p: Principal, batch_id: int, *, limit: int = 500, purpose: str = ""
) -> list[dict[str, Any]]:
    """Quarantined rows of one batch the role handles; audited (they hold raw personal data)."""
    rows = [
        {
            "row": e.row_number,
            "column": e.column,
            "value": e.value,
            "reason": e.reason,
            "reason_id": e.reason_id,
            "reason_en": e.reason_en,
            "raw": _raw(e.raw),
        }
        for e in quarantine_entries(store, p, batch_id=batch_id, limit=limit, purpose=purpose)
    ]
    return rows


def _raw(text: str) -> Any:
    """A quarantined row as read: its columns (stored as JSON), or its text when the row could
    not be read into columns at all (a broken quote, a field over the size limit)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK = 1 << 20
#: The largest upload by default (``PADAN_UPLOAD_MAX_BYTES``): well above a provincial extract.
DEFAULT_UPLOAD_MAX_BYTES = 512 * 2**20


class UploadTooLarge(InputError):
    """An upload over the configured size limit (nothing was stored)."""


def upload(
    store: Store,
    p: Principal,
    source: str,
    file_name: str,
    content: bytes | BinaryIO,
    *,
    purpose: str = "",
    max_bytes: int = DEFAULT_UPLOAD_MAX_BYTES,
    snapshot: bool = False,
    snapshot_scope: str | None = None,
    allow_large_removal: bool = False,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Ingest an uploaded file exactly as ``padan ingest`` does; returns the summary; audited.

    ``snapshot``, ``snapshot_scope``, ``allow_large_removal`` and ``dry_run`` are those of
    ``padan ingest`` (:meth:`padan.Padan.ingest`): a complete extract retires what it lacks.

    ``content`` is the file's bytes or a binary file to stream from (copied to a private
    temporary folder a chunk at a time, never whole in memory). Raises :class:`UploadTooLarge`
    past ``max_bytes``, :class:`InputError` for an empty or unusable file; its message names
    the uploaded file, never the server's temporary path.
    """
    require(p, "ingest")
    if source not in p.role.ingest:
        raise Forbidden(f"role {p.role.name} may not ingest {source} files")
    name = _SAFE_NAME.sub("_", Path(file_name or "upload").name)[:120] or "upload"
    with tempfile.TemporaryDirectory(prefix="padan-upload-") as folder:
        path = Path(folder) / name
        size = _save(content, path, name, max_bytes)
        if size == 0:
            raise InputError(f"{name}: the file is empty (0 bytes); choose a file with data")
        try:
            summary = (
                Padan(store)
                .ingest(
                    source,
                    path,
                    snapshot=snapshot,
                    snapshot_scope=snapshot_scope or None,
                    allow_large_removal=allow_large_removal,
                    dry_run=dry_run,
                )
                .to_json()
            )
        except PadanError as exc:
            raise _without_paths(exc, folder, name) from None
    summary["file"] = name  # the uploaded file's name, not the server's temporary path
    what = f"{source} {name} batch {summary['batch_id']}"
    if snapshot:
        what += f" snapshot {summary['snapshot_scope'] or 'all'} retired {summary['retired']}"
    if dry_run:
        what += " dry run"
    audit(store, p, "ingest", what, [], purpose)
    return summary


def _save(content: bytes | BinaryIO, path: Path, name: str, max_bytes: int) -> int:
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    size = 0
    with path.open("wb") as out:
        os.chmod(path, 0o600)  # personal data
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(too_large_message(name, max_bytes))
            out.write(chunk)
    return size


def too_large_message(name: str, max_bytes: int) -> str:
    """What an upload over ``max_bytes`` is told (the web app and API say the same)."""
    return (
        f"{name}: the file is larger than the upload limit of {size_text(max_bytes)} "
        "(PADAN_UPLOAD_MAX_BYTES); split it, or ingest it on the server with padan ingest"
    )


def size_text(n: int) -> str:
    """A number of bytes for people (``512 MiB``)."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= factor:
            return f"{n / factor:g} {unit}"
    return f"{n} bytes"


def _without_paths(exc: PadanError, folder: str, name: str) -> PadanError:
    """The same error with the server's temporary folder taken out of its message."""
    if isinstance(exc, FileLevelError):
        return FileLevelError(name, exc.problem.replace(folder + os.sep, ""), exc.fix)
    return type(exc)(str(exc).replace(folder + os.sep, "").replace(folder, ""))
