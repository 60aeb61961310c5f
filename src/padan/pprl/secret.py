"""The secret the agencies share: read from a file or an environment variable, never stored,
never logged, and turned into one key per field so that no two fields share hash positions.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import stat
from pathlib import Path
from typing import Final

from padan.errors import InputError

__all__ = [
    "MIN_DISTINCT_CHARS",
    "MIN_SECRET_BYTES",
    "derive_key",
    "read_secret",
    "secret_check",
    "secret_file_warning",
]

#: A shorter secret could be guessed by trying every value against a known record.
MIN_SECRET_BYTES: Final = 16
#: A secret of few distinct characters ("aaaa…", "1212…", "password…") is among the first an
#: attacker tries; random secrets (``openssl rand -hex 32``) have 14-16 distinct characters.
MIN_DISTINCT_CHARS: Final = 8
_CONTEXT: Final = b"padan-pprl/1/"
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BOM: Final = b"\xef\xbb\xbf"
#: The label the check value is computed of, under the key derived for ``secret-check``.
_CHECK_LABEL: Final = b"padan-pprl secret check value"


def _looks_like_secret(value: str) -> bool:
    """Whether a --secret-file value could be the secret itself (no path separator, no
    extension, long): such a value is never echoed."""
    return "/" not in value and "\\" not in value and "." not in value and len(value) >= 16


def _shown(file: Path) -> str:
    if _looks_like_secret(str(file)):
        return "the secret file (its --secret-file value is not shown: it looks like a secret)"
    return f"secret file {file}"


def _read_file(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        if _looks_like_secret(str(file)):
            raise InputError(
                "--secret-file takes the PATH of a file holding the secret, not the secret: the "
                "value given names no file (not shown, as it may be the secret). Write the "
                "secret into a file readable by you only and pass its path."
            ) from None
        raise InputError(f"secret file {file} not found. Check the --secret-file path.") from None
    except OSError as exc:
        raise InputError(
            f"{_shown(file)} cannot be read ({exc.strerror}). Check its permissions."
        ) from None


def read_secret(*, file: Path | None = None, env: str | None = None) -> bytes:
    """The shared secret from ``file`` or the environment variable ``env`` (exactly one).

    A UTF-8 byte-order mark and surrounding whitespace (a trailing newline, spaces an editor
    added) are dropped. Raises :class:`InputError` when neither or both are given, ``env`` is
    not a variable's name (it may be the secret itself: the value is not repeated), the file or
    variable is missing, the secret is shorter than :data:`MIN_SECRET_BYTES` or has fewer than
    :data:`MIN_DISTINCT_CHARS` distinct characters; the message never holds the secret.
    """
    if (file is None) == (env is None):
        raise InputError(
            "give the shared secret with exactly one of --secret-file FILE or --secret-env NAME "
            "(the variable's name, not its value). The agencies agree on it under the PKS."
        )
    if file is not None:
        secret, where = _read_file(file), _shown(file)
    else:
        assert env is not None
        # A hex secret starting with a letter is a valid name too: one that is not set and
        # looks like a secret (16+ characters, no "_" as names have) is not repeated either.
        unset_secret_like = env not in os.environ and len(env) >= 16 and "_" not in env
        if not _ENV_NAME.fullmatch(env) or unset_secret_like:
            raise InputError(
                "--secret-env takes the NAME of an environment variable, not the secret (a name "
                "is letters, digits and _, not starting with a digit; the value given is not "
                "shown). Run: export PADAN_PPRL_SECRET=... and pass --secret-env "
                "PADAN_PPRL_SECRET, or use --secret-file FILE."
            )
        value = os.environ.get(env)
        if value is None:
            raise InputError(
                f"environment variable {env} is not set. Export it with the shared secret, or "
                "pass --secret-file."
            )
        secret, where = value.encode(), f"environment variable {env}"
    secret = secret.removeprefix(_BOM).strip()
    if len(secret) < MIN_SECRET_BYTES:
        raise InputError(
            f"{where} holds {len(secret)} bytes; a shared secret needs at least "
            f"{MIN_SECRET_BYTES} (e.g. 32 random bytes: `openssl rand -hex 32`)."
        )
    distinct = len(set(secret))
    if distinct < MIN_DISTINCT_CHARS:
        raise InputError(
            f"{where} holds a weak secret: {distinct} distinct characters, fewer than "
            f"{MIN_DISTINCT_CHARS}. A secret of repeated characters is among the first an "
            "attacker tries; make a random one: `openssl rand -hex 32`."
        )
    return secret


def secret_file_warning(file: Path) -> str | None:
    """A warning when the secret ``file`` is readable by its group or by others (``None``: it
    is not, or the system has no such permissions). The path is named unless it looks like a
    secret."""
    try:
        mode = file.stat().st_mode
    except OSError:
        return None
    if os.name != "posix" or not mode & (stat.S_IRGRP | stat.S_IROTH):
        return None
    return (
        f"{_shown(file)} is readable by other users (mode {stat.filemode(mode)}); anyone who "
        f"reads it can decode the encodings. Run: chmod 600 on it."
    )


def derive_key(secret: bytes, purpose: str) -> bytes:
    """The key for one ``purpose`` (a field's name, ``record``, ``block``): HMAC-SHA256 of the
    purpose under the secret, so a key for one field tells nothing about another's."""
    return hmac.new(secret, _CONTEXT + purpose.encode(), hashlib.sha256).digest()


def secret_check(secret: bytes) -> str:
    """The secret's check value (64 hex characters), written into every encoding file so that
    files encoded with different secrets are not linked: HMAC-SHA256 of a fixed label under the
    key derived for ``secret-check``. Keyed and one-way, it tells nothing about the secret nor
    about the other keys (each derived under its own purpose)."""
    return hmac.new(derive_key(secret, "secret-check"), _CHECK_LABEL, hashlib.sha256).hexdigest()
