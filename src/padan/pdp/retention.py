"""Retention per source (``padan retention apply``): records past their keep period are
pseudonymised or deleted as the policy says, and export files past theirs are deleted.

A plan (a dry run) counts what would change and changes nothing; applying does the records of
every source in one transaction, then the export files, then writes one audit row with the
counts. Re-running changes nothing more: pseudonymised records are marked, deleted ones gone.

A store of PPRL encodings (issue 21) holds no plaintext records: there the rule of each source
applies to its encoded records (:mod:`padan.store.encoded_pdp`), a period counted from a date
column then counted from the first ingestion of the record id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from padan.errors import InputError, StoreError
from padan.pdp.policy import PdpPolicy, SourceRule
from padan.store import Store
from padan.store.audit import CLI_ROLE, append_audit
from padan.store.encoded_pdp import encoded_sources
from padan.store.retention import (
    RetentionTarget,
    apply_retention,
    count_retention,
)

__all__ = [
    "EXPORT_SUFFIXES",
    "FIRST_INGESTED",
    "RetentionPlan",
    "SourcePlan",
    "apply_retention_plan",
    "plan_retention",
]

#: Files in an export directory that retention deletes (what Padan's exports are written as).
EXPORT_SUFFIXES = (".csv", ".xlsx", ".html", ".json", ".jsonl", ".md", ".parquet")


@dataclass(frozen=True)
class SourcePlan:
    """One source: its rule, its cutoff and how many rows it touches."""

    source: str
    label: str
    action: str
    applies_to: str
    keep_years: int
    counted_from: str
    cutoff: dt.datetime
    records: int
    quarantine_rows: int
    unlinked_ids: int  # record ids with no version left, whose links and pairs go too
    events: int = 0  # record events deleted (delete) or whose changed values are blanked
    encoded: bool = False  # the source's encoded records (PPRL), not its record table


@dataclass(frozen=True)
class RetentionPlan:
    """What retention would do (``applied`` false) or did (true) on ``as_of``."""

    as_of: dt.datetime
    applied: bool
    sources: tuple[SourcePlan, ...]
    exports_dir: Path | None
    exports_cutoff: dt.datetime
    export_files: tuple[Path, ...]


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year - years, day=28)


#: How an encoded record's period is counted when its source's rule names a date column.
FIRST_INGESTED = "first_ingested"


def _target(rule: SourceRule, as_of: dt.datetime, *, encoded: bool = False) -> RetentionTarget:
    counted_from = rule.counted_from
    if encoded and counted_from != "ingested":
        counted_from = FIRST_INGESTED  # encodings carry no dates (padan.store.encoded_pdp)
    return RetentionTarget(
        source=rule.name,
        extract=rule.extract,
        cutoff=_years_before(as_of, rule.keep_years),
        counted_from=counted_from,
        action=rule.action,
        superseded_only=rule.applies_to == "superseded",
        identifying=rule.identifying,
        encoded=encoded,
    )


def _targets(
    store: Store, policy: PdpPolicy, moment: dt.datetime
) -> list[tuple[SourceRule, RetentionTarget]]:
    """The rules that apply to the store: to the record table of each source it holds, or to
    the encoded records of a source it holds as encodings (its record table is then empty)."""
    encoded = encoded_sources(store)
    return [
        (rule, _target(rule, moment, encoded=rule.name in encoded))
        for rule in policy.sources.values()
        if rule.name in encoded or _held(store, rule)
    ]


def _as_of(as_of: dt.datetime | None) -> dt.datetime:
    if as_of is None:
        return dt.datetime.now(dt.UTC)
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.UTC)


def _export_files(directory: Path | None, cutoff: dt.datetime) -> tuple[Path, ...]:
    if directory is None:
        return ()
    if not directory.is_dir():
        raise InputError(
            f"export directory {directory} does not exist or is not a directory; "
            "give the directory exports are written to"
        )
    limit = cutoff.timestamp()
    found = [
        path
        # The directory's own files only: a folder below it (or a directory given by mistake,
        # such as a checkout) is not Padan's to clean.
        for path in sorted(directory.iterdir())
        if path.suffix.lower() in EXPORT_SUFFIXES
        and path.is_file()
        and not path.is_symlink()
        and path.stat().st_mtime < limit
    ]
    return tuple(found)


def _held(store: Store, rule: SourceRule) -> bool:
    """Whether the store has the rule's record table (a shipped source has none before its
    first file)."""
    return store.source_of(rule.extract) is not None


def plan_retention(
    store: Store,
    policy: PdpPolicy,
    *,
    as_of: dt.datetime | None = None,
    exports_dir: Path | None = None,
) -> RetentionPlan:
    """Count, per source the store holds, the records past retention on ``as_of`` (default
    now) and the export files in ``exports_dir`` past theirs; changes nothing."""
    moment = _as_of(as_of)
    sources = []
    for rule, target in _targets(store, policy, moment):
        counted = count_retention(store, target)
        sources.append(
            SourcePlan(
                rule.name,
                rule.label,
                rule.action,
                rule.applies_to,
                rule.keep_years,
                target.counted_from,
                target.cutoff,
                counted.records,
                counted.quarantine_rows,
                counted.links,
                counted.events,
                target.encoded,
            )
        )
    exports_cutoff = moment - dt.timedelta(days=policy.exports_keep_days)
    return RetentionPlan(
        moment,
        False,
        tuple(sources),
        exports_dir,
        exports_cutoff,
        _export_files(exports_dir, exports_cutoff),
    )


def apply_retention_plan(
    store: Store,
    policy: PdpPolicy,
    *,
    actor: str,
    as_of: dt.datetime | None = None,
    exports_dir: Path | None = None,
) -> RetentionPlan:
    """Pseudonymise or delete what :func:`plan_retention` finds, in one transaction for the
    records, then delete the export files, then audit the counts (action ``retention.apply``).

    ``as_of`` may not lie in the future (that would remove records still within their period).
    Raises :class:`InputError` for a bad ``as_of`` or export directory (nothing changed), and
    :class:`StoreError` when an export file cannot be deleted (the records are done; a re-run
    finishes the files).
    """
    moment = _as_of(as_of)
    if moment > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1):
        raise InputError(
            f"as-of {moment:%Y-%m-%d} is in the future: applying retention counts back from "
            "today or an earlier day (a dry run may look ahead)"
        )
    if not actor.strip():
        raise InputError("retention needs the name of who applies it (for the audit log)")
    plan = plan_retention(store, policy, as_of=moment, exports_dir=exports_dir)
    done = apply_retention(store, [target for _, target in _targets(store, policy, moment)])
    sources = tuple(
        replace(
            s,
            records=d.records,
            quarantine_rows=d.quarantine_rows,
            unlinked_ids=d.links,
            events=d.events,
        )
        for s, d in zip(plan.sources, done, strict=True)  # both in the order of _targets
    )
    for path in plan.export_files:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(
                f"export file {path.name} past retention could not be deleted ({exc.strerror}); "
                "fix its permissions and run padan retention apply again"
            ) from exc
    counts = "; ".join(
        f"{s.source}{' encoded' if s.encoded else ''}: {s.action} {s.records} records, "
        f"{s.quarantine_rows} quarantined rows, "
        f"{s.events} record events"
        for s in sources
    )
    append_audit(
        store,
        username=actor[:64],
        role=CLI_ROLE,
        action="retention.apply",
        target=f"as_of={moment:%Y-%m-%d} {counts}; exports: {len(plan.export_files)} files"[:500],
        child_ids=[],
        purpose="retensi menurut policy.toml (UU 27/2022)",
    )
    return replace(plan, applied=True, sources=sources)
