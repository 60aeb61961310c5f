"""The secret the agencies share: read from a file or an environment variable, never stored,
never logged, and turned into one key per field so that no two fields share hash positions.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import Final

from padan.errors import InputError

__all__ = ["MIN_SECRET_BYTES", "derive_key", "read_secret"]

#: A shorter secret could be guessed by trying every value against a known record.
MIN_SECRET_BYTES: Final = 16
_CONTEXT: Final = b"padan-pprl/1/"


def read_secret(*, file: Path | None = None, env: str | None = None) -> bytes:
    """The shared secret from ``file`` or the environment variable ``env`` (exactly one).

    A trailing newline is dropped. Raises :class:`InputError` when neither or both are given,
    the file or variable is missing, or the secret is shorter than :data:`MIN_SECRET_BYTES`;
    the message names the file or variable, never the secret.
    """
    if (file is None) == (env is None):
        raise InputError(
            "give the shared secret with exactly one of --secret-file FILE or --secret-env NAME "
            "(the variable's name, not its value). The agencies agree on it under the PKS."
        )
    if file is not None:
        try:
            secret = file.read_bytes()
        except FileNotFoundError:
            raise InputError(
                f"secret file {file} not found. Check the --secret-file path."
            ) from None
        except OSError as exc:
            raise InputError(
                f"secret file {file} cannot be read ({exc.strerror}). Check its permissions."
            ) from None
        where = f"secret file {file}"
    else:
        assert env is not None
        value = os.environ.get(env)
        if value is None:
            raise InputError(
                f"environment variable {env} is not set. Export it with the shared secret, or "
                "pass --secret-file."
            )
        secret, where = value.encode(), f"environment variable {env}"
    secret = secret.rstrip(b"\r\n")
    if len(secret) < MIN_SECRET_BYTES:
        raise InputError(
            f"{where} holds {len(secret)} bytes; a shared secret needs at least "
            f"{MIN_SECRET_BYTES} (e.g. 32 random bytes: `openssl rand -hex 32`)."
        )
    return secret


def derive_key(secret: bytes, purpose: str) -> bytes:
    """The key for one ``purpose`` (a field's name, ``record``, ``block``): HMAC-SHA256 of the
    purpose under the secret, so a key for one field tells nothing about another's."""
    return hmac.new(secret, _CONTEXT + purpose.encode(), hashlib.sha256).digest()
