"""Plain data objects the store hands out and takes in (no SQLAlchemy types leak out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "BatchInfo",
    "ChildEvent",
    "ChildLink",
    "LinkRun",
    "NewBatch",
    "QuarantineEntry",
    "ReviewDecision",
]


@dataclass(frozen=True, slots=True)
class NewBatch:
    """What is known of a file before its rows are written."""

    source: str
    extract: str
    file_name: str
    file_format: str
    file_encoding: str | None
    content_sha256: str
    mapping: str | None
    started_at: dt.datetime
    padan_version: str


@dataclass(frozen=True, slots=True)
class BatchInfo:
    """A stored batch (one ingested file) and its counts."""

    id: int
    source: str
    extract: str
    file_name: str
    file_format: str
    content_sha256: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    rows_superseding: int
    flag_counts: dict[str, int]
    started_at: dt.datetime
    finished_at: dt.datetime
    #: Applied as a complete extract (``--snapshot``): True/False, ``None`` when not known (a
    #: batch stored before Padan recorded it that retired nothing).
    snapshot: bool | None = False
    snapshot_at: dt.datetime | None = None  # when it was applied as a snapshot
    snapshot_scope: str | None = None  # the snapshot's region (``None``: the whole source)
    #: The first load of its source (or of a snapshot's region): the per-child events' baseline.
    baseline: bool = False


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """One reason one row of one batch was quarantined."""

    batch_id: int
    file_name: str
    row_number: int
    column: str | None
    value: str | None
    reason: str
    reason_id: str
    reason_en: str
    raw: str


@dataclass(frozen=True, slots=True)
class LinkRun:
    """A stored linkage run: its model, thresholds and what it found."""

    id: int
    started_at: dt.datetime
    finished_at: dt.datetime
    model_version: str
    link_threshold: float
    review_threshold: float
    records: int
    children: int
    batches: list[int]


@dataclass(frozen=True, slots=True)
class ChildLink:
    """One record's child in a run."""

    source: str
    source_id: str
    child_id: str
    match_probability: float | None


@dataclass(frozen=True, slots=True)
class ChildEvent:
    """What happened to a child id in a run: new, merge, split or retired."""

    event: str
    child_id: str
    other_child_id: str | None
    records: int


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """A reviewer's decision on a pair of records (``uid_a`` < ``uid_b``)."""

    uid_a: str
    uid_b: str
    decision: str  # same | different | unsure
    reviewer: str
    reason: str
    decided_at: dt.datetime
