"""``padan audit verify``: recompute the keyed chain and hold it against the latest checkpoint.

What is found, with the row id and the kind:

- ``edited``: a row's content no longer matches its HMAC;
- ``deleted``: a row's link to its predecessor is broken where rows are missing;
- ``inserted``: a row not written by Padan with this key (its own hash and both links fail, it
  was appended after the latest checkpoint with a wrong hash, or it is unkeyed after keyed rows);
- ``truncated``: the chain ends before the head recorded in the latest checkpoint;
- ``rewritten``: the row at the checkpoint's head has another hash, the rows up to it are
  another number, or keyed rows became unkeyed (the chain recomputed without or with the key);
- ``key`` / ``checkpoint``: the key file is missing or another one, a checkpoint is forged.

Rows written before keying (no ``key_id``) are checked as plain SHA-256 and reported as legacy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from padan.errors import StoreError
from padan.store.audit_chain import GENESIS_HASH, HASHED, audit_config, audit_log, chain_hash
from padan.store.audit_checkpoint import Checkpoint, latest_checkpoint
from padan.store.audit_keys import AuditKeys
from padan.store.database import Store

__all__ = ["AuditReport", "Finding", "verify_chain"]

_MAX_FINDINGS = 50


@dataclass(frozen=True)
class Finding:
    """One thing wrong: its kind, the row it shows at (if any) and what to do."""

    kind: str  # edited | deleted | inserted | truncated | rewritten | key | checkpoint
    row_id: int | None
    message: str


@dataclass
class AuditReport:
    """The outcome of :func:`verify_chain`."""

    rows: int = 0
    head_id: int = 0
    legacy_up_to: int = 0  # last unkeyed row at the start of the chain (0: none)
    checkpoint: Checkpoint | None = None
    findings: list[Finding] = field(default_factory=list)
    more_findings: int = 0  # found but not listed (beyond the first 50)
    checked: int = 0  # rows before the first problem

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def first_broken(self) -> int | None:
        ids = [f.row_id for f in self.findings if f.row_id is not None]
        return min(ids) if ids else None

    def add(self, kind: str, row_id: int | None, message: str) -> None:
        if len(self.findings) < _MAX_FINDINGS:
            self.findings.append(Finding(kind, row_id, message))
        else:
            self.more_findings += 1


@dataclass
class _Row:
    id: int
    row_hash: str
    content_ok: bool
    link_in: bool
    prev_id: int
    unkeyed_after_keyed: bool
    prev_bad: bool  # the row before was reported (changed or inserted)
    before_hash: str  # the stored hash of the row before it


def _load_keys(store: Store, report: AuditReport) -> tuple[AuditKeys | None, str]:
    """The keys, or ``None`` and why not. A missing key file is a problem only once a keyed row
    is met (a store with legacy rows only has none yet); any other fault of the file is one."""
    config = audit_config(store)
    try:
        return config.keys(create=False), ""
    except StoreError as exc:
        if config.key_file.expanduser().exists():
            report.add("key", None, str(exc))
            return None, ""
        return None, str(exc)


def verify_chain(store: Store) -> AuditReport:
    """Recompute every row's hash and link, then compare with the latest valid checkpoint."""
    report = AuditReport()
    keys, missing = _load_keys(store, report)
    checkpoint = None
    if keys is not None:
        checkpoint, problems = latest_checkpoint(store, keys.public_key)
        for problem in problems:
            report.add("checkpoint", None, problem + "; keep checkpoints where only Padan writes")
    report.checkpoint = checkpoint
    head = checkpoint.head_id if checkpoint else 0
    at_head: str | None = None
    rows_to_head = last_to_head = 0
    seen_keyed = False
    wrong_key_reported = False
    prev_hash, prev_id = GENESIS_HASH, 0
    pending: _Row | None = None
    query = select(audit_log).order_by(audit_log.c.id)
    with store._connect() as conn:
        for row in conn.execution_options(yield_per=10_000).execute(query):
            m: Any = row._mapping
            row_id = int(m["id"])
            if m["key_id"] is None:
                content_ok = chain_hash(m["prev_hash"], {k: m[k] for k in HASHED}) == m["row_hash"]
                if not seen_keyed:
                    report.legacy_up_to = row_id
            else:
                seen_keyed = True
                if keys is None or m["key_id"] != keys.key_id:
                    if not wrong_key_reported and keys is None and missing:
                        report.add("key", row_id, f"row {row_id} is keyed, but {missing}")
                    elif not wrong_key_reported and keys is not None:
                        report.add(
                            "key",
                            row_id,
                            f"row {row_id} is keyed with key id {m['key_id']}, the key file "
                            f"{keys.path} holds key id {keys.key_id}: set PADAN_AUDIT_KEY_FILE "
                            "to the key file this store was written with",
                        )
                    wrong_key_reported = True
                    content_ok = True  # cannot tell; the links are still checked
                else:
                    values = {k: m[k] for k in HASHED}
                    content_ok = chain_hash(m["prev_hash"], values, keys) == m["row_hash"]
            current = _Row(
                row_id,
                str(m["row_hash"]),
                content_ok,
                m["prev_hash"] == prev_hash,
                prev_id,
                m["key_id"] is None and seen_keyed,
                pending is not None and not pending.content_ok,
                prev_hash,
            )
            if pending is not None:
                # The next row links past it: it was put between two rows that were adjacent.
                skipped = not current.link_in and m["prev_hash"] == pending.before_hash
                link_out = m["prev_hash"] == pending.row_hash
                _classify(report, pending, link_out=link_out, head=head, skipped=skipped)
                current.prev_bad = current.prev_bad or skipped
            pending = current
            if row_id <= head:
                rows_to_head += 1
                last_to_head = row_id
            if row_id == head:
                at_head = current.row_hash
            prev_hash, prev_id = current.row_hash, row_id
            report.rows += 1
    if pending is not None:
        _classify(report, pending, link_out=None, head=head, skipped=False)
    report.head_id = prev_id
    if checkpoint is not None:
        _against_checkpoint(report, checkpoint, at_head, rows_to_head, last_to_head)
    first = report.first_broken
    report.checked = report.rows if first is None else _count_before(store, first)
    return report


def _classify(
    report: AuditReport, r: _Row, *, link_out: bool | None, head: int, skipped: bool
) -> None:
    """Name what happened to row ``r`` from its own hash and its links to both neighbours."""
    if skipped:
        report.add(
            "inserted",
            r.id,
            f"row {r.id} was put between two rows: the row after it links to the row before "
            "it; restore the audit log from a backup and find who changed the database",
        )
        return
    if r.unkeyed_after_keyed:
        report.add(
            "inserted",
            r.id,
            f"row {r.id} is unkeyed (no key id) but follows keyed rows: it was written without "
            "the key. Restore the audit log from a backup and find who wrote to the database",
        )
        return
    if r.content_ok and r.link_in:
        return
    fix = "restore the audit log from a backup and find who changed the database"
    if r.content_ok and r.prev_bad and r.id == r.prev_id + 1:
        return  # the row before was changed with its hash: reported there
    if r.content_ok:  # its own hash holds, the link before it does not
        missing = (
            f"rows {r.prev_id + 1}-{r.id - 1} are gone"
            if r.id > r.prev_id + 2
            else f"row {r.prev_id + 1} is gone"
            if r.id == r.prev_id + 2
            else "a row before it was removed"
        )
        report.add(
            "deleted",
            r.id,
            f"row {r.id} does not follow row {r.prev_id or '(start)'}: {missing}; {fix}",
        )
    elif not r.link_in and not link_out:
        report.add(
            "inserted",
            r.id,
            f"row {r.id} matches neither its own hash nor its neighbours: it was not written by "
            f"Padan; {fix}",
        )
    elif link_out is None and r.id > head:
        report.add(
            "inserted",
            r.id,
            f"row {r.id}, after the latest checkpoint, does not match its hash: it was not "
            f"written by Padan with this key (inserted, or edited since); {fix}",
        )
    else:
        report.add(
            "edited",
            r.id,
            f"row {r.id} does not match its hash: its content (or its hash fields) was changed "
            f"after it was written; {fix}",
        )


def _against_checkpoint(
    report: AuditReport, cp: Checkpoint, at_head: str | None, rows_to_head: int, last: int
) -> None:
    when = f"the checkpoint of {cp.at}"
    fix = "restore the audit log from a backup taken at or after that checkpoint"
    if cp.head_id and at_head is None:
        kind = "deleted" if any(f.kind == "deleted" for f in report.findings) else "truncated"
        report.add(
            kind,
            cp.head_id,
            f"no row {cp.head_id}, the head {when} signed with {cp.rows} rows; the chain has "
            f"{rows_to_head} rows up to row {last or '(none)'}: rows {last + 1}-{cp.head_id} "
            f"were deleted; {fix}",
        )
    elif cp.head_id and at_head != cp.head_hash:
        report.add(
            "rewritten",
            cp.head_id,
            f"row {cp.head_id} has hash {str(at_head)[:12]}…, {when} signed "
            f"{cp.head_hash[:12]}…: the chain up to it was rewritten; {fix}",
        )
    elif rows_to_head != cp.rows:
        kind = "deleted" if rows_to_head < cp.rows else "inserted"
        report.add(
            kind,
            cp.head_id,
            f"{rows_to_head} rows up to row {cp.head_id}, {when} counted {cp.rows}; {fix}",
        )
    if report.legacy_up_to > cp.legacy_up_to:
        report.add(
            "rewritten",
            cp.legacy_up_to + 1,
            f"rows {cp.legacy_up_to + 1}-{report.legacy_up_to} are unkeyed (legacy), but {when} "
            f"has keyed rows from row {cp.legacy_up_to + 1}: the chain was recomputed without "
            f"the key; {fix}",
        )


def _count_before(store: Store, row_id: int) -> int:
    from sqlalchemy import func

    with store._connect() as conn:
        query = select(func.count()).select_from(audit_log).where(audit_log.c.id < row_id)
        return int(conn.execute(query).scalar_one())
