"""Who may speak as which DCI sender, and which messages were already taken.

``PADAN_DCI_SENDERS`` ties each partner's ``sender_id`` to the Padan users whose tokens may
send as it (``sender_id=user``, comma-separated; a sender may be named more than once). Once
it is set, a message is taken only when its ``sender_id`` is listed there for the token's user:
a token holder cannot speak as another partner, whether that partner signs or not. Unset, any
``sender_id`` is taken (a single partner, or a test), except one configured with a key, which
must sign with it (:mod:`padan.dci.signatures`).

:class:`SeenMessages` refuses a ``message_id`` a sender has already used, for as long as a
signature may stay valid, in bounded memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping

from padan.dci.envelope import DciError
from padan.errors import InputError

__all__ = ["SeenMessages", "check_sender", "parse_senders"]


def parse_senders(text: str) -> dict[str, frozenset[str]]:
    """``PADAN_DCI_SENDERS`` (``sender_id=user,...``) as the users of each sender id; raises
    :class:`~padan.errors.InputError` naming the entry that is not ``sender_id=user``."""
    senders: dict[str, set[str]] = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        sender, sep, user = (part.strip() for part in entry.partition("="))
        if not sep or not sender or not user:
            raise InputError(
                f"PADAN_DCI_SENDERS: {entry.strip()[:60]!r} is not sender_id=user; "
                "write e.g. dinsos-jabar=operator1,kemensos-sp=analis2"
            )
        senders.setdefault(sender, set()).add(user)
    return {sender: frozenset(users) for sender, users in senders.items()}


def check_sender(senders: Mapping[str, frozenset[str]], sender_id: str, username: str) -> None:
    """Raise :class:`DciError` (``err.sender_id.invalid``, 403) unless the token's user may send
    as ``sender_id``; with no senders configured, every ``sender_id`` is taken."""
    if not senders:
        return
    users = senders.get(sender_id)
    if users is None:
        raise DciError(
            "err.sender_id.invalid",
            f"header.sender_id {sender_id[:60]!r} is not a partner of this registry "
            "(PADAN_DCI_SENDERS); use the sender id agreed with the registry",
            403,
        )
    if username not in users:
        raise DciError(
            "err.sender_id.invalid",
            f"header.sender_id {sender_id[:60]!r} belongs to another user's token "
            "(PADAN_DCI_SENDERS); send with your own sender id",
            403,
        )


class SeenMessages:
    """The ``(sender_id, message_id)`` pairs taken in the last ``window`` seconds, at most
    ``limit`` of them (the oldest forgotten first), shared by the threads of one process."""

    def __init__(self, window: int, limit: int) -> None:
        self.window, self.limit = window, limit
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def take(self, sender_id: str, message_id: str, *, now: float | None = None) -> None:
        """Remember the message; raise :class:`DciError` (``rjct.message_id.duplicate``, 409)
        when the sender used this ``message_id`` within the window."""
        at = time.monotonic() if now is None else now
        key = (sender_id, message_id)
        with self._lock:
            while self._seen:  # oldest first: forget what fell out of the window
                oldest, seen_at = next(iter(self._seen.items()))
                if at - seen_at <= self.window and len(self._seen) < self.limit:
                    break
                del self._seen[oldest]
            if key in self._seen:
                raise DciError(
                    "err.request.bad",
                    f"header.message_id {message_id[:60]!r} was already used by this sender "
                    f"in the last {self.window} seconds; give each message a new message_id",
                    409,
                    reason="rjct.message_id.duplicate",
                )
            self._seen[key] = at
