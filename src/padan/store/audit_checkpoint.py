"""Signed checkpoints of the audit chain, written outside the store.

A checkpoint is a small JSON file in ``PADAN_AUDIT_CHECKPOINT_DIR``: the store's id, the chain's
head (row id and hash), its row count, the last legacy (unkeyed) row, the time, and an Ed25519
signature over all of these made with the key in ``PADAN_AUDIT_KEY_FILE``. Someone who can
change the database but not the key file cannot make a valid checkpoint, so deleting the newest
rows (truncation) or recomputing the chain (rewriting) shows against the latest checkpoint
(:mod:`padan.store.audit_verify`). Written every ``PADAN_AUDIT_CHECKPOINT_EVERY`` rows and on
``padan audit checkpoint``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, select

from padan.errors import StoreError
from padan.store.audit_chain import audit_config, audit_log
from padan.store.audit_keys import verify_signature
from padan.store.database import Store
from padan.store.identity import store_id

__all__ = ["Checkpoint", "checkpoints", "latest_checkpoint", "write_checkpoint"]

_VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    """One signed checkpoint (``signature`` covers every other field)."""

    store_id: str
    at: str  # ISO 8601, UTC
    rows: int
    head_id: int  # 0 for an empty chain
    head_hash: str
    legacy_up_to: int  # the last unkeyed (legacy) row id, 0 for none
    key_id: str
    public_key: str
    signature: str = ""
    version: int = _VERSION

    def payload(self) -> bytes:
        """The signed bytes: every field but the signature, as sorted JSON."""
        body = asdict(self)
        del body["signature"]
        return json.dumps(body, sort_keys=True).encode("utf-8")


def write_checkpoint(store: Store) -> tuple[Checkpoint, Path]:
    """Sign the chain's current head and write it to the checkpoint directory.

    Raises :class:`StoreError` when the keys cannot be read or the file cannot be written.
    """
    config = audit_config(store)
    keys = config.keys()
    # One statement, so one snapshot: in separate statements (PostgreSQL reads each in its own
    # snapshot) another writer's row could be counted but not be the head, and the checkpoint
    # would not describe any state the chain was ever in.
    counted = select(func.count()).select_from(audit_log).scalar_subquery()
    legacy_up_to = (
        select(func.max(audit_log.c.id)).where(audit_log.c.key_id.is_(None)).scalar_subquery()
    )
    with store._connect() as conn:
        found = conn.execute(
            select(audit_log.c.id, audit_log.c.row_hash, counted, legacy_up_to)
            .order_by(audit_log.c.id.desc())
            .limit(1)
        ).first()
    head = (found[0], found[1]) if found else None
    rows, legacy = (found[2], found[3]) if found else (0, None)
    now = dt.datetime.now(dt.UTC)
    unsigned = Checkpoint(
        store_id=store_id(store),
        at=now.isoformat(timespec="microseconds"),
        rows=int(rows),
        head_id=int(head[0]) if head else 0,
        head_hash=str(head[1]) if head else "0" * 64,
        legacy_up_to=int(legacy or 0),
        key_id=keys.key_id,
        public_key=keys.public_key,
    )
    signed = Checkpoint(**{**asdict(unsigned), "signature": keys.sign(unsigned.payload())})
    directory = config.checkpoint_dir.expanduser()
    name = f"audit-{signed.store_id[:8]}-{now:%Y%m%dT%H%M%S%f}Z-{signed.head_id}.json"
    path = directory / name
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(signed), indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise StoreError(
            f"cannot write the audit checkpoint {path}: {exc.strerror}; set "
            "PADAN_AUDIT_CHECKPOINT_DIR to a writable directory outside the database"
        ) from None
    return signed, path


def checkpoints(store: Store) -> list[tuple[Path, Checkpoint | None]]:
    """This store's checkpoint files, oldest first; ``None`` for a file that is not one."""
    directory = audit_config(store).checkpoint_dir.expanduser()
    ident = store_id(store)
    found: list[tuple[str, Path, Checkpoint | None]] = []
    for path in sorted(directory.glob(f"audit-{ident[:8]}-*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            checkpoint = Checkpoint(**body)
        except (OSError, ValueError, TypeError):
            found.append(("", path, None))
            continue
        if checkpoint.store_id == ident:
            found.append((checkpoint.at, path, checkpoint))
    found.sort(key=lambda item: (item[0], item[1].name))
    return [(path, checkpoint) for _, path, checkpoint in found]


def latest_checkpoint(store: Store, public_key: str) -> tuple[Checkpoint | None, list[str]]:
    """The newest checkpoint whose signature holds under ``public_key``, and a problem line
    for every checkpoint file that is malformed or wrongly signed (the file name, never a key).
    """
    problems: list[str] = []
    latest: Checkpoint | None = None
    for path, checkpoint in checkpoints(store):
        if checkpoint is None:
            problems.append(f"checkpoint {path.name} is not a Padan checkpoint (unreadable JSON)")
        elif checkpoint.public_key != public_key or not verify_signature(
            public_key, checkpoint.payload(), checkpoint.signature
        ):
            problems.append(
                f"checkpoint {path.name} is not signed by this store's audit key (forged, "
                "edited, or signed with another key file)"
            )
        else:
            latest = checkpoint
    return latest, problems
