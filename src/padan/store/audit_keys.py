"""The audit log's keys, kept in a file outside the database (``PADAN_AUDIT_KEY_FILE``).

One JSON file, mode 600, holds two secrets made together:

- ``hmac_key``: keys every row hash of the chain (HMAC-SHA256) and the digests of search
  queries, so that neither can be recomputed by someone who can only write to the database;
- ``signing_key``: an Ed25519 private key that signs the checkpoints
  (:mod:`padan.store.audit_checkpoint`).

The file is made by ``padan audit init-keys`` or on the first audit write; it is never
overwritten. Nothing here logs or prints a key; :attr:`AuditKeys.key_id` names the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from padan.errors import StoreError

__all__ = ["AuditKeys", "create_keys", "load_keys", "public_key_hex", "verify_signature"]

_VERSION = 1


@dataclass(frozen=True)
class AuditKeys:
    """The HMAC key of the chain and the Ed25519 key of the checkpoints (from one file)."""

    hmac_key: bytes
    signing_key: Ed25519PrivateKey
    path: Path

    @property
    def key_id(self) -> str:
        """A short public name of the HMAC key (recorded in each keyed row; reveals nothing)."""
        return hashlib.sha256(b"padan-audit-key-id:" + self.hmac_key).hexdigest()[:16]

    def mac(self, text: str) -> str:
        """HMAC-SHA256 of ``text`` under the chain key, as 64 hex digits."""
        return hmac.new(self.hmac_key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def sign(self, payload: bytes) -> str:
        """The Ed25519 signature of ``payload`` as hex."""
        return self.signing_key.sign(payload).hex()

    @property
    def public_key(self) -> str:
        """The checkpoints' verification key (Ed25519, raw, hex)."""
        return public_key_hex(self.signing_key.public_key())


def public_key_hex(key: Ed25519PublicKey) -> str:
    """An Ed25519 public key as 64 hex digits."""
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def verify_signature(public_key: str, payload: bytes, signature: str) -> bool:
    """Whether ``signature`` (hex) is the Ed25519 signature of ``payload`` under ``public_key``."""
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(signature), payload
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def create_keys(path: Path) -> AuditKeys:
    """Make a new key file at ``path`` (mode 600, parent directories 700); never overwrites.

    Raises :class:`StoreError` when the file exists or cannot be written.
    """
    path = path.expanduser()
    signing = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = signing.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    body = {
        "version": _VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "hmac_key": secrets.token_bytes(32).hex(),
        "signing_key": raw.hex(),
    }
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StoreError(
            f"audit key file {path} exists already; it is never overwritten (a new key would "
            "make the existing chain unverifiable). Move it away first if you mean to replace it"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot create the audit key file {path}: {exc.strerror}; set PADAN_AUDIT_KEY_FILE "
            "to a writable path outside the database"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle)
        handle.write("\n")
    _cached.cache_clear()
    return load_keys(path)


def load_keys(path: Path, *, create: bool = False) -> AuditKeys:
    """The keys in ``path``; with ``create``, made there first when the file is missing.

    Raises :class:`StoreError` for a missing (without ``create``), unreadable or malformed file,
    or one that others may read (mode other than 600/400).
    """
    path = path.expanduser()
    if not path.exists():
        if create:
            try:
                return create_keys(path)
            except StoreError:
                if not path.exists():  # another process may have made it at the same moment
                    raise
        else:
            raise StoreError(
                f"audit key file {path} not found; create it with: padan audit init-keys "
                "(or set PADAN_AUDIT_KEY_FILE to where it is kept)"
            )
    stat = path.stat()
    return _cached(str(path), stat.st_mtime_ns, stat.st_mode & 0o777)


@cache
def _cached(path: str, mtime: int, mode: int) -> AuditKeys:
    if mode & 0o077:
        raise StoreError(
            f"audit key file {path} has mode {mode:o}: others may read it; run: chmod 600 {path}"
        )
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
        hmac_key = bytes.fromhex(body["hmac_key"])
        signing = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(body["signing_key"]))
        if body.get("version") != _VERSION or len(hmac_key) < 32:
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError):
        raise StoreError(
            f"audit key file {path} is not a Padan audit key file (version {_VERSION}: JSON with "
            "hmac_key and signing_key); restore it from the backup of the keys"
        ) from None
    return AuditKeys(hmac_key, signing, Path(path))
