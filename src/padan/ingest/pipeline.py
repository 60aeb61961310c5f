"""Ingest one extract file into the store as one atomic, idempotent batch."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from padan import __version__
from padan.domain.reasons import describe
from padan.errors import FileLevelError, PadanError
from padan.ingest.mapping import Mapping, load_mapping
from padan.ingest.readers import FileInfo, RawRow, inspect_file, open_table
from padan.ingest.schema import Extract, extract_for
from padan.ingest.validate import Issue, validate_row
from padan.store import NewBatch, Store

__all__ = ["IngestSummary", "Progress", "ingest_file"]

#: Called as ``progress(done, total)`` in the units of the file (bytes or rows).
Progress = Callable[[int, int], None]


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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def ingest_file(
    path: Path,
    *,
    source: str,
    store: Store,
    mapping: Path | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    chunk_rows: int = 5000,
) -> IngestSummary:
    """Validate every row of ``path`` and store it as one batch of ``source`` (kpai|dtsen|lembaga).

    Accepted rows keep their raw values plus normalised fields and flags; the others are
    quarantined with row number, column, value and a bilingual reason. A file whose content (and
    mapping) was ingested before is recognised by hash and not stored again. Records whose id
    appeared in an earlier batch supersede the older version, which is kept as history.

    Raises :class:`InputError` (bad source or mapping) or :class:`FileLevelError` (format,
    encoding, header, empty file); nothing is stored then.
    """
    extract = extract_for(source)
    column_map = load_mapping(mapping, extract)
    info = inspect_file(path)
    content_key = info.sha256 if column_map.text is None else _combined(info, column_map)
    previous = store.find_batch(extract.source, content_key)
    if previous is not None:
        return IngestSummary(
            extract.source, str(path), info.format, info.encoding, content_key, previous.id,
            previous.rows_read, previous.rows_accepted, previous.rows_quarantined,
            previous.rows_superseding, True, 0, previous.flag_counts,
        )  # fmt: skip
    table = open_table(info, sheet=column_map.sheet)
    sources = _resolve_columns(extract, table.header, column_map, path)
    today = today or dt.date.today()
    new = NewBatch(
        extract.source, extract.name, path.name, info.format, info.encoding, content_key,
        column_map.text, dt.datetime.now(dt.UTC), __version__,
    )  # fmt: skip
    with store.write_batch(new) as writer:
        run = _Run(extract, sources, today)
        for raw in table.rows:
            run.take(raw)
            if len(run.records) >= chunk_rows or len(run.quarantined) >= chunk_rows:
                writer.add_records(run.records)
                writer.add_quarantine(run.quarantined)
                run.records, run.quarantined = [], []
                if progress:
                    progress(table.done[0], table.total)
        writer.add_records(run.records)
        writer.add_quarantine(run.quarantined)
        if run.read == 0:
            raise FileLevelError(
                str(path),
                "the file has a header but no data rows",
                "Export the data again, with its rows.",
            )
        if run.accepted + run.rejected != run.read:  # pragma: no cover - a bug, never data
            raise PadanError(
                f"row accounting broke on {path}: {run.accepted}+{run.rejected}!={run.read}"
            )
        superseded = writer.finish(
            read=run.read, accepted=run.accepted, quarantined=run.rejected, flags=dict(run.flags)
        )
        if progress:
            progress(table.total, table.total)
    return IngestSummary(
        extract.source, str(path), info.format, info.encoding, content_key, writer.batch_id,
        run.read, run.accepted, run.rejected, superseded, False, table.blank[0],
        dict(sorted(run.flags.items())), dict(sorted(run.reasons.items())),
    )  # fmt: skip


def _combined(info: FileInfo, mapping: Mapping) -> str:
    import hashlib

    return hashlib.sha256(f"{info.sha256}:{mapping.sha256}".encode()).hexdigest()


def _resolve_columns(
    extract: Extract, header: list[str], mapping: Mapping, path: Path
) -> dict[str, str]:
    """Format column → header of the file that provides it. Raises on a missing required column."""
    present = set(header)
    sources: dict[str, str] = {}
    for name in extract.column_names:
        wanted = mapping.columns.get(name, name)
        if wanted in present:
            sources[name] = wanted
        elif name in mapping.columns:
            raise FileLevelError(
                str(path), f"the mapping names column {wanted!r} for {name}, but the file has no "
                f"such header (headers: {', '.join(header)})", "Correct the mapping file.",
            )  # fmt: skip
    missing = [c for c in extract.required if c not in sources]
    if missing:
        raise FileLevelError(
            str(path),
            f"required column(s) missing for {extract.name}: {', '.join(missing)} "
            f"(headers found: {', '.join(header)})",
            "Rename the headers to the exchange format or pass --mapping FILE.toml.",
        )
    return sources


class _Run:
    """Counters and buffers of one ingest; ``take`` decides the fate of one row."""

    def __init__(self, extract: Extract, sources: dict[str, str], today: dt.date) -> None:
        self.extract, self.sources, self.today = extract, sources, today
        self.read = self.accepted = self.rejected = 0
        self.flags: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.seen_ids: set[str] = set()
        self.records: list[dict[str, Any]] = []
        self.quarantined: list[dict[str, Any]] = []

    def take(self, raw: RawRow) -> None:
        self.read += 1
        raw_json = (
            json.dumps(raw.values, ensure_ascii=False, default=str)
            if raw.text is None
            else raw.text
        )
        if raw.problem is not None:
            self._reject(raw.number, [Issue("", (raw.text or "")[:200], raw.problem)], raw_json)
            return
        row = {name: raw.values.get(header) for name, header in self.sources.items()}
        verdict = validate_row(self.extract, row, today=self.today)
        if verdict.record is None:
            self._reject(raw.number, verdict.issues, raw_json)
            return
        record_id = str(verdict.record[self.extract.id_column])
        if record_id in self.seen_ids:
            issue = Issue(self.extract.id_column, record_id, "id_ganda_dalam_file")
            self._reject(raw.number, [issue], raw_json)
            return
        self.seen_ids.add(record_id)
        self.accepted += 1
        self.flags.update(verdict.flags)
        self.records.append({
            **verdict.record, "row_number": raw.number, "is_current": True,
            "flags": ";".join(verdict.flags), "raw": raw_json,
        })  # fmt: skip

    def _reject(self, number: int, issues: list[Issue], raw_json: str) -> None:
        self.rejected += 1
        for issue in issues:
            reason = describe(issue.reason)
            self.reasons[f"{issue.column}:{issue.reason}" if issue.column else issue.reason] += 1
            self.quarantined.append({
                "row_number": number, "column_name": issue.column or None,
                "value": issue.value[:1000], "reason": issue.reason, "reason_id": reason.id,
                "reason_en": reason.en, "raw": raw_json,
            })  # fmt: skip
