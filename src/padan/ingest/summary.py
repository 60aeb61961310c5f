"""What one ingest did to one file (the summary the CLI, the web app and the API show)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["IngestSummary"]


@dataclass
class IngestSummary:
    """What happened to one file. ``read == accepted + quarantined`` always holds."""

    source: str
    file: str
    format: str
    encoding: str | None
    sha256: str
    batch_id: int
    read: int
    accepted: int
    quarantined: int
    superseded: int = 0
    already_ingested: bool = False
    blank_rows: int = 0  # rows with no value in any cell: skipped, and counted here
    flags: dict[str, int] = field(default_factory=dict)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    added: int = 0  # records with no current version before this file
    changed: int = 0  # records superseded with a change in a tracked field
    retired: int = 0  # current records a snapshot found absent from the file
    snapshot: bool = False
    snapshot_scope: str | None = None  # dotted region code; None: the whole source
    kept_quarantined: int = 0  # records a snapshot kept because their row was quarantined
    dry_run: bool = False  # nothing was stored: the counts are what would have happened
    over_limit: bool = False  # retires more than PADAN_SNAPSHOT_MAX_REMOVAL allows unconfirmed

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
