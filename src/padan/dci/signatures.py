"""Message signatures of the DCI envelope (Ed25519), in the spec's ``MsgSignature`` form::

    Signature: namespace="spdci", kidId="{sender_id}|{key_id}|ed25519", algorithm="ed25519",
    created="1606970629", expires="1607030629", headers="(created) (expires) digest",
    signature="<base64 Ed25519 signature of the signing string>"

The signing string is ``(created): C\\n(expires): E\\ndigest: BLAKE-512=D`` where ``D`` is the
base64 BLAKE2b-512 digest of ``{"header": ..., "message": ...}`` as canonical JSON (keys sorted,
no spaces, UTF-8). The signed headers must include ``digest``: a signature that does not bind
the message would let one signature vouch for any message.

Padan signs its answers with its own key (public at ``/.well-known/jwks.json``). It checks a
partner's signature when the partner's keys are configured (a JWKS file of ``OKP``/``Ed25519``
keys whose ``kid`` is ``sender_id|key_id``); with ``require`` set, a sender without keys is
refused too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from padan.dci.envelope import DciError
from padan.errors import InputError

__all__ = ["Signatures", "load_partner_keys", "load_signing_key", "sign", "signing_string"]

#: How far a signature's ``created`` may lie in the future (clocks differ a little).
CLOCK_SKEW_SECONDS = 300
#: How long Padan's own signatures are valid.
LIFETIME_SECONDS = 600
#: The longest validity window (``created`` .. ``expires``) taken from a partner: a message is
#: sent seconds after it is signed, and a captured one can be replayed until it expires, so a
#: window of years would make a signature a standing permit. An hour leaves room for a
#: partner's queue and retries.
MAX_WINDOW_SECONDS = 3600
_PARAM = re.compile(r'(\w+)="([^"]*)"')


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _digest(header: dict[str, Any], message: Any) -> str:
    canonical = json.dumps(
        {"header": header, "message": message},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    return base64.b64encode(hashlib.blake2b(canonical, digest_size=64).digest()).decode()


def signing_string(header: dict[str, Any], message: Any, created: int, expires: int) -> bytes:
    """What is signed: the validity window and the digest of header and message."""
    digest = _digest(header, message)
    return f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}".encode()


def sign(
    key: Ed25519PrivateKey, kid: str, header: dict[str, Any], message: Any, *, now: int
) -> str:
    """The ``MsgSignature`` of an envelope by ``kid`` (``sender_id|key_id``)."""
    created, expires = now, now + LIFETIME_SECONDS
    raw = key.sign(signing_string(header, message, created, expires))
    return (
        f'Signature: namespace="spdci", kidId="{kid}|ed25519", algorithm="ed25519", '
        f'created="{created}", expires="{expires}", headers="(created) (expires) digest", '
        f'signature="{base64.b64encode(raw).decode()}"'
    )


def _public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def load_signing_key(path: Path | None) -> Ed25519PrivateKey:
    """Padan's DCI signing key from ``path`` (made there, mode 600, if absent); ``None``: a key
    for this process only (tests, a throwaway server)."""
    if path is None:
        return Ed25519PrivateKey.generate()
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes_raw().hex()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            return load_signing_key(path)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"dci_signing_key": raw}, f)
        return key
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise InputError(
            f"DCI key file {path} has mode {mode:o}: others may read it; run chmod 600 {path}"
        )
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(body["dci_signing_key"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"DCI key file {path} (PADAN_DCI_KEY_FILE) is not a Padan signing key "
            f'({type(exc).__name__}): it holds {{"dci_signing_key": "<64 hex digits>"}}; '
            "move it away and Padan makes a new one (then tell the partners the new key id)"
        ) from None


def _read_jwks(path: Path) -> list[Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"partner keys {path} (PADAN_DCI_PARTNER_KEYS) cannot be read as JSON "
            f'({type(exc).__name__}): give a JWKS file, {{"keys": [...]}}'
        ) from None
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(keys, list):
        raise InputError(
            f'partner keys {path} (PADAN_DCI_PARTNER_KEYS): give a JWKS file, {{"keys": [...]}}'
        )
    return keys


def load_partner_keys(path: Path | None) -> dict[str, Ed25519PublicKey]:
    """The partners' keys by ``kid`` (``sender_id|key_id``) from a JWKS file; raises
    :class:`~padan.errors.InputError` naming the file, or the entry that is not an Ed25519
    key."""
    if path is None:
        return {}
    keys: dict[str, Ed25519PublicKey] = {}
    for i, jwk in enumerate(_read_jwks(path)):
        kid = str(jwk.get("kid", "")) if isinstance(jwk, dict) else ""
        problem = f"{path} (PADAN_DCI_PARTNER_KEYS): keys[{i}] must be OKP/Ed25519"
        if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise InputError(f"{problem} with kid sender_id|key_id")
        if "|" not in kid:
            raise InputError(f"{problem} with kid sender_id|key_id, not {kid[:60]!r}")
        try:
            keys[kid] = Ed25519PublicKey.from_public_bytes(_from_b64url(str(jwk["x"])))
        except (KeyError, ValueError):
            raise InputError(f"{problem}: x is not a 32-byte key in base64url") from None
    return keys


def _invalid(why: str) -> DciError:
    return DciError("err.signature.invalid", f"signature: {why}", 401)


@dataclass
class Signatures:
    """Padan's signing key and id, the partners' keys, and whether every sender must sign."""

    key: Ed25519PrivateKey
    registry_id: str
    partners: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    require: bool = False

    @property
    def kid(self) -> str:
        return f"{self.registry_id}|{hashlib.sha256(_public_raw(self.key)).hexdigest()[:16]}"

    def jwks(self) -> dict[str, Any]:
        """Padan's public key as a JWKS (``/.well-known/jwks.json``)."""
        jwk = {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": self.kid}
        return {"keys": [jwk | {"x": _b64url(_public_raw(self.key))}]}

    def sign(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """``envelope`` with Padan's signature over its header and message."""
        value = sign(
            self.key, self.kid, envelope["header"], envelope["message"], now=int(time.time())
        )
        return {"signature": value, **envelope}

    def check(self, signature: str | None, header: dict[str, Any], message: Any) -> None:
        """Raise :class:`DciError` unless the envelope is signed as the sender's keys require."""
        sender = str(header.get("sender_id", ""))
        own = {kid: k for kid, k in self.partners.items() if kid.split("|")[0] == sender}
        if not own:
            if self.require:
                raise DciError(
                    "err.sender_id.invalid", f"sender_id {sender[:60]!r} has no key here", 401
                )
            return  # the bearer token authenticates; this sender has not registered a key
        if not signature:
            raise DciError("err.signature.missing", "signature: this sender must sign", 401)
        params = dict(_PARAM.findall(signature))
        if not signature.startswith("Signature:") or "signature" not in params:
            raise _invalid('use the spec\'s form: Signature: namespace="spdci", kidId=...')
        kid, _, algorithm = params.get("kidId", "").rpartition("|")
        if algorithm != "ed25519" or params.get("algorithm", "ed25519") != "ed25519":
            raise _invalid("the algorithm must be ed25519")
        if kid not in own:
            raise _invalid(f"key {kid[:80]!r} is not a key of sender {sender[:60]!r}")
        if "digest" not in params.get("headers", "").split():
            raise _invalid("the signed headers must include digest")
        try:
            created, expires = int(params["created"]), int(params["expires"])
            raw = base64.b64decode(params["signature"], validate=True)
        except (KeyError, ValueError):
            raise _invalid("created, expires (seconds) and signature (base64) are needed") from None
        now = int(time.time())
        if created > now + CLOCK_SKEW_SECONDS or expires < now:
            raise _invalid("outside its validity window (created .. expires)")
        if not 0 < expires - created <= MAX_WINDOW_SECONDS:
            raise _invalid(
                f"expires must come after created, by at most {MAX_WINDOW_SECONDS} seconds"
            )
        try:
            own[kid].verify(raw, signing_string(header, message, created, expires))
        except InvalidSignature:
            raise _invalid("does not verify for this header and message") from None
