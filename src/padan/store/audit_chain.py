"""The audit chain's table, row hash and configuration (keys and checkpoints), which
:mod:`~padan.store.audit`, :mod:`~padan.store.audit_checkpoint` and
:mod:`~padan.store.audit_verify` share.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import weakref
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, String, Table, Text

from padan.store.audit_keys import AuditKeys, load_keys
from padan.store.connection import as_utc
from padan.store.database import Store
from padan.store.tables import metadata

__all__ = [
    "GENESIS_HASH",
    "HASHED",
    "AuditConfig",
    "audit_config",
    "audit_log",
    "chain_hash",
    "configure_audit",
]

GENESIS_HASH = "0" * 64

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(32), nullable=False),  # search | profile | export | decision | ...
    Column("target", Text, nullable=False),  # what was asked for (query, child id, pair, file)
    Column("child_ids", Text, nullable=False),  # " id1 id2 " the children whose data was shown
    Column("purpose", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("row_hash", String(64), nullable=False),
    Column("key_id", String(16)),  # the HMAC key's id; null: a legacy (unkeyed) row
    Index("ix_audit_log_at", "at"),
    # The newest rewrite of history (retention) is read by every trend request (0017).
    Index("ix_audit_log_action", "action"),
)


#: The columns a row's hash covers (with the previous hash, and ``key_id`` when keyed).
HASHED = ("at", "username", "role", "action", "target", "child_ids", "purpose")


def chain_hash(prev_hash: str, values: dict[str, object], keys: AuditKeys | None = None) -> str:
    """The row's hash: HMAC-SHA256 under ``keys`` (legacy rows: plain SHA-256)."""
    at = values["at"]
    assert isinstance(at, dt.datetime)
    payload = {k: values[k] for k in HASHED}
    payload["at"] = as_utc(at).astimezone(dt.UTC).isoformat(timespec="microseconds")
    if keys is not None:
        payload["key_id"] = keys.key_id
    text = prev_hash + json.dumps(payload, sort_keys=True, ensure_ascii=False)
    if keys is not None:
        return keys.mac(text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditConfig:
    """Where a store's audit keys and checkpoints live, and how often checkpoints are written."""

    key_file: Path
    checkpoint_dir: Path
    checkpoint_every: int = 500

    def keys(self, *, create: bool = True) -> AuditKeys:
        """The keys (made on first need when ``create``); raises :class:`StoreError`."""
        return load_keys(self.key_file, create=create)


_configs: weakref.WeakKeyDictionary[Store, AuditConfig] = weakref.WeakKeyDictionary()


def configure_audit(store: Store, config: AuditConfig) -> None:
    """Use ``config`` for ``store``'s audit log instead of the environment's settings."""
    _configs[store] = config


def audit_config(store: Store) -> AuditConfig:
    """The store's audit configuration: as configured, else the settings (``PADAN_AUDIT_*``)."""
    found = _configs.get(store)
    if found is None:
        from padan.settings import get_settings

        s = get_settings()
        found = AuditConfig(s.audit_key_file, s.audit_checkpoint_dir, s.audit_checkpoint_every)
        _configs[store] = found
    return found
