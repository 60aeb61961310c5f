"""Ingest one extract file into the store as one atomic, idempotent batch."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from padan.domain.reasons import describe
from padan.errors import FileLevelError, InputError, PadanError
from padan.ingest.declared import extract_of
from padan.ingest.mapping import Mapping, load_mapping
from padan.ingest.readers import Cell, FileInfo, RawRow, Table, inspect_file, open_table
from padan.ingest.schema import Extract
from padan.ingest.snapshot import (
    Snapshot,
    SnapshotResult,
    apply_snapshot,
    count_in_scope,
    first_load,
    quarantined_id,
)
from padan.ingest.summary import IngestSummary
from padan.ingest.validate import Issue
from padan.ingest.workers import Judged, Rows, judges, no_cyclic_gc, result, worker_count
from padan.store import BatchInfo, BatchWriter, NewBatch, Store
from padan.version import __version__

__all__ = ["IngestSummary", "Progress", "ingest_file"]

#: Called as ``progress(done, total)`` in the units of the file (bytes or rows).
Progress = Callable[[int, int], None]


def ingest_file(
    path: Path,
    *,
    source: str,
    store: Store,
    mapping: Path | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    chunk_rows: int = 5000,
    workers: int | None = None,
    snapshot: Snapshot | None = None,
    dry_run: bool = False,
) -> IngestSummary:
    """Validate every row of ``path``; store it as one batch of ``source`` (built in or declared).

    Accepted rows keep their raw values plus normalised fields and flags; the others are
    quarantined with row number, column, value and a bilingual reason. A file whose content (and
    mapping) was ingested before is recognised by hash and not stored again. Records whose id
    appeared in an earlier batch supersede the older version, which is kept as history.

    Rows are judged ``chunk_rows`` at a time; on large files by ``workers`` processes (default:
    one per core) while this one reads the file and writes the store.

    With ``snapshot`` the file is a complete extract of its source (in ``snapshot.scope``):
    current records of that scope the file does not hold are retired, in the same transaction
    (see :mod:`padan.ingest.snapshot`); a file ingested before is then applied as a snapshot
    when it is still the newest of its source. ``dry_run`` does all of it and stores nothing:
    the summary says what would have been added, changed and retired.

    Raises :class:`InputError` (bad source or mapping, a snapshot retiring too much) or
    :class:`FileLevelError` (format, encoding, header, empty file); nothing is stored then.
    """
    extract = extract_of(store, source)
    column_map = load_mapping(mapping, extract)
    info = inspect_file(path)
    content_key = info.sha256
    if column_map.text is not None:  # the same file under another mapping is another batch
        content_key = hashlib.sha256(f"{info.sha256}:{column_map.sha256}".encode()).hexdigest()
    previous = store.find_batch(extract.source, content_key)
    if previous is not None:
        id_header = column_map.columns.get(extract.id_column, extract.id_column)
        return _again(store, previous, path, info, snapshot, dry_run, id_header)
    return _ingest_new(
        path,
        extract,
        column_map,
        info,
        content_key,
        store=store,
        today=today,
        progress=progress,
        chunk_rows=chunk_rows,
        workers=workers,
        snapshot=snapshot,
        dry_run=dry_run,
    )


class _DryRun(Exception):
    """Raised inside a batch's transaction to roll back a dry run."""


def _again(
    store: Store,
    previous: BatchInfo,
    path: Path,
    info: FileInfo,
    snapshot: Snapshot | None,
    dry_run: bool,
    id_header: str,
) -> IngestSummary:
    """A file ingested before: nothing stored again; as a snapshot, what left since is retired
    (nothing, on a re-run), if the file is still the newest of its source."""
    done: SnapshotResult | None = None
    newest = max(
        (b for b in store.list_batches() if b.source == previous.source), key=lambda b: b.id
    )
    if snapshot is not None and newest.id != previous.id:
        # Retiring what this older file lacks would undo records a newer batch brought back.
        raise InputError(
            f"{path}: this file is already stored as batch {previous.id} "
            f"({previous.file_name}), but batch {newest.id} ({newest.file_name}) of "
            f"{previous.source} was ingested after it, so it cannot be applied as a snapshot "
            "now (it would retire records the newer batch holds); nothing was changed. "
            "Re-export the complete extract from the source and ingest that export with "
            "--snapshot, so that the snapshot is the newest batch"
        )
    if snapshot is not None:
        keep = {
            found
            for e in store.quarantine_entries(batch_id=previous.id)
            if (found := quarantined_id(e.raw, id_header)) is not None
        }
        try:
            with store.reopen_batch(previous) as writer:
                current = count_in_scope(writer, snapshot.scope)
                done = apply_snapshot(
                    writer, snapshot, keep=keep, current=current, file=str(path), dry_run=dry_run
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return IngestSummary(
        previous.source,
        str(path),
        info.format,
        info.encoding,
        previous.content_sha256,
        previous.id,
        previous.rows_read,
        previous.rows_accepted,
        previous.rows_quarantined,
        previous.rows_superseding,
        True,
        0,
        previous.flag_counts,
        **_snapshot_fields(snapshot, done, dry_run=dry_run),
    )


def _snapshot_fields(
    snapshot: Snapshot | None, done: SnapshotResult | None, *, dry_run: bool
) -> dict[str, Any]:
    """The snapshot's part of an :class:`IngestSummary`."""
    return {
        "retired": done.retired if done else 0,
        "snapshot": snapshot is not None,
        "snapshot_scope": snapshot.scope if snapshot else None,
        "kept_quarantined": done.kept_quarantined if done else 0,
        "dry_run": dry_run,
        "over_limit": done.over_limit if done else False,
    }


def _ingest_new(
    path: Path,
    extract: Extract,
    column_map: Mapping,
    info: FileInfo,
    content_key: str,
    *,
    store: Store,
    today: dt.date | None,
    progress: Progress | None,
    chunk_rows: int,
    workers: int | None,
    snapshot: Snapshot | None,
    dry_run: bool,
) -> IngestSummary:
    table = open_table(info, sheet=column_map.sheet)
    sources = _resolve_columns(extract, table.header, column_map, path)
    today = today or dt.date.today()
    new = NewBatch(
        extract.source,
        extract.name,
        path.name,
        info.format,
        info.encoding,
        content_key,
        column_map.text,
        dt.datetime.now(dt.UTC),
        __version__,
    )
    workers = worker_count(info) if workers is None else workers
    done: SnapshotResult | None = None
    try:
        with (
            no_cyclic_gc(),
            store.write_batch(new) as writer,
            judges(extract, sources, today, workers, writer.batch_id) as judge,
        ):
            current = count_in_scope(writer, snapshot.scope) if snapshot else 0
            id_header = sources[extract.id_column] if snapshot else None
            run = _read(
                table, _Run(extract, writer, id_header), judge, workers, progress, chunk_rows
            )
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
                read=run.read,
                accepted=run.accepted,
                quarantined=run.rejected,
                flags=dict(run.flags),
                baseline=first_load(writer, snapshot, current),
            )
            if snapshot is not None:
                keep = run.quarantined_ids
                done = apply_snapshot(
                    writer, snapshot, keep=keep, current=current, file=str(path), dry_run=dry_run
                )
            if dry_run:
                raise _DryRun
            if progress:
                progress(table.total, table.total)
    except _DryRun:
        pass
    return IngestSummary(
        extract.source,
        str(path),
        info.format,
        info.encoding,
        content_key,
        0 if dry_run else writer.batch_id,
        run.read,
        run.accepted,
        run.rejected,
        superseded,
        False,
        table.blank[0],
        dict(sorted(run.flags.items())),
        dict(sorted(run.reasons.items())),
        added=writer.added,
        changed=writer.changed,
        **_snapshot_fields(snapshot, done, dry_run=dry_run),
    )


def _read(
    table: Table,
    run: _Run,
    judge: Callable[[Rows], Future[Judged] | Judged],
    workers: int,
    progress: Progress | None,
    chunk_rows: int,
) -> _Run:
    """Judge the rows of ``table`` in chunks and store them in file order."""
    in_flight: deque[Future[Judged] | Judged] = deque()
    for raw in table.rows:
        run.take(raw)
        if len(run.pending) >= chunk_rows:
            in_flight.append(judge(_taken(run)))
        while len(in_flight) > 2 * max(workers, 1) or (in_flight and not workers):
            run.store(result(in_flight.popleft()))
            if progress:
                progress(table.done[0], table.total)
    in_flight.append(judge(_taken(run)))
    while in_flight:
        run.store(result(in_flight.popleft()))
    return run


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
                str(path),
                f"the mapping names column {wanted!r} for {name}, but the file has no "
                f"such header (headers: {', '.join(header)})",
                "Correct the mapping file.",
            )
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
    """Counters of one ingest; takes rows in file order and stores judged chunks in that order."""

    def __init__(self, extract: Extract, writer: BatchWriter, id_header: str | None) -> None:
        self.extract, self.writer = extract, writer
        #: The header of the record id: set for a snapshot, which keeps the records whose row
        #: was quarantined (they are in the file, only not usable as written).
        self.id_header = id_header
        self.quarantined_ids: set[str] = set()
        self.columns = (
            "batch_id",
            *extract.stored_columns,
            "row_number",
            "is_current",
            "flags",
            "raw",
        )
        self._id_index = self.columns.index(extract.id_column)
        self.read = self.accepted = self.rejected = 0
        self.flags: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.seen_ids: set[object] = set()
        self.numbers: list[int] = []
        self.pending: list[dict[str, Cell]] = []
        self.quarantined: list[dict[str, Any]] = []

    def take(self, raw: RawRow) -> None:
        self.read += 1
        if raw.problem is None:
            self.numbers.append(raw.number)
            self.pending.append(raw.values)
        else:
            issue = Issue("", (raw.text or "")[:200], raw.problem)
            self._reject(raw.number, [issue], raw.text or "")

    def store(self, judged: Judged) -> None:
        """Write one judged chunk: ids seen earlier in the file are quarantined here."""
        for number, issues, raw_json in judged.rejected:
            self._reject(number, issues, raw_json)
        records = []
        id_index, flags_index = self._id_index, len(self.columns) - 2
        for record in judged.records:
            record_id = record[id_index]
            if record_id in self.seen_ids:
                issue = Issue(self.extract.id_column, str(record_id), "id_ganda_dalam_file")
                row_number, raw = record[-4], record[-1]
                assert isinstance(row_number, int) and isinstance(raw, str)
                self._reject(row_number, [issue], raw)
                continue
            self.seen_ids.add(record_id)
            if record[flags_index]:
                self.flags.update(str(record[flags_index]).split(";"))
            records.append(record)
        self.accepted += len(records)
        self.writer.add_records(self.columns, records)
        self.writer.add_quarantine(self.quarantined)
        self.quarantined = []

    def _reject(self, number: int, issues: list[Issue], raw_json: str) -> None:
        self.rejected += 1
        if self.id_header is not None and (found := quarantined_id(raw_json, self.id_header)):
            self.quarantined_ids.add(found)
        for issue in issues:
            reason = describe(issue.reason)
            self.reasons[f"{issue.column}:{issue.reason}" if issue.column else issue.reason] += 1
            self.quarantined.append(
                {
                    "row_number": number,
                    "column_name": issue.column or None,
                    "value": issue.value[:1000],
                    "reason": issue.reason,
                    "reason_id": reason.id,
                    "reason_en": reason.en,
                    "raw": raw_json,
                }
            )


def _taken(run: _Run) -> Rows:
    # Row numbers and values as plain lists: cheap to send to a worker process.
    rows = (run.numbers, run.pending)
    run.numbers, run.pending = [], []
    return rows
