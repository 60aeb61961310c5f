"""The DCI message envelope (``signature``, ``header``, ``message``): reading a request's,
writing an answer's header, the acknowledgement and the DCI error codes."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ERROR_CODES",
    "DciError",
    "Envelope",
    "ack",
    "callback_header",
    "error_body",
    "new_id",
    "now",
    "read_envelope",
]

#: The spec's ``Error.code`` values (``components/schemas/Error``).
ERROR_CODES = (
    "err.request.bad",
    "err.request.unauthorized",
    "err.request.forbidden",
    "err.request.not_found",
    "err.request.timeout",
    "err.version.not_supported",
    "err.request.too_many_requests",
    "err.sender_id.invalid",
    "err.sender_uri.invalid",
    "err.receiver_id.invalid",
    "err.signature.missing",
    "err.signature.invalid",
    "err.encryption.invalid",
    "err.service.unavailable",
)
VERSION = "1.0.0"


class DciError(Exception):
    """A request the registry does not take: ``code`` (:data:`ERROR_CODES`), what is wrong and
    the fix (``message``), and the HTTP status to answer with; ``reason``: the spec's header
    status reason code (``MsgHeaderStatusReasonCode``, e.g. ``rjct.message_id.duplicate``) when
    the refusal has one."""

    def __init__(
        self, code: str, message: str, status: int = 400, *, reason: str | None = None
    ) -> None:
        assert code in ERROR_CODES, code
        super().__init__(message)
        self.code, self.message, self.status, self.reason = code, message, status, reason


@dataclass(frozen=True)
class Envelope:
    """A request's envelope: ``header`` and ``message`` as sent (checked by
    :func:`read_envelope`)."""

    signature: str | None
    header: dict[str, Any]
    message: dict[str, Any]

    @property
    def sender_id(self) -> str:
        return str(self.header["sender_id"])


def now() -> str:
    """The current time as the spec writes it (ISO 8601 with the time zone)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    """A new message or correlation id."""
    return uuid.uuid4().hex


def _bad(where: str, problem: str) -> DciError:
    return DciError("err.request.bad", f"{where}: {problem}")


def _timestamp(value: Any, where: str) -> None:
    if not isinstance(value, str):
        raise _bad(where, "give an ISO 8601 timestamp with a time zone, e.g. 2026-12-06T10:00:00Z")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(where, f"{value[:40]!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise _bad(where, f"{value[:40]!r} has no time zone (add Z or +07:00)")


def read_envelope(body: Any, *, action: str) -> Envelope:
    """The envelope of a request for ``action`` (``search``, ``txn-status``, ...).

    Raises :class:`DciError` naming the field: the spec requires ``header`` (``message_id``,
    ``message_ts``, ``action``, ``sender_id``, ``total_count``) and ``message``.
    """
    if not isinstance(body, dict):
        raise _bad("body", "send a JSON object with signature, header and message")
    header, message, signature = body.get("header"), body.get("message"), body.get("signature")
    if not isinstance(header, dict):
        raise _bad("header", "missing; the envelope needs header and message")
    for field in ("message_id", "action", "sender_id"):
        if not isinstance(header.get(field), str) or not header[field]:
            raise _bad(f"header.{field}", "missing or not a string")
    _timestamp(header.get("message_ts"), "header.message_ts")
    count = header.get("total_count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise _bad("header.total_count", "missing or not a whole number")
    if header["action"] != action:
        raise _bad("header.action", f"{header['action'][:40]!r} sent to the {action} endpoint")
    if header.get("version", VERSION) != VERSION:
        raise DciError(
            "err.version.not_supported", f"header.version: Padan speaks DCI {VERSION} only"
        )
    if header.get("is_msg_encrypted") is True:
        raise DciError(
            "err.encryption.invalid", "encrypted messages are not taken yet; send it signed"
        )
    if not isinstance(message, dict):
        raise _bad("message", "missing; the envelope needs header and message")
    if signature is not None and not isinstance(signature, str):
        raise _bad("signature", "must be a string")
    return Envelope(signature, header, message)


def ack(correlation_id: str) -> dict[str, Any]:
    """The acknowledgement of an asynchronous request (the answer follows by callback)."""
    return {"message": {"ack_status": "ACK", "timestamp": now(), "correlation_id": correlation_id}}


def error_body(code: str, message: str, correlation_id: str) -> dict[str, Any]:
    """A DCI error answer: the spec's ``Response`` (``ack_status`` ERR) with its
    ``HttpErrorResponse`` list beside it, so either reading finds the code."""
    error = {"code": code, "message": message[:999]}
    return {
        "message": {
            "ack_status": "ERR",
            "timestamp": now(),
            "correlation_id": correlation_id,
            "error": error,
        },
        "errors": [error],
    }


def callback_header(
    action: str, *, registry_id: str, receiver_id: str, total: int, status: str = "succ"
) -> dict[str, Any]:
    """The header of an answer (``on-search``, ``txn-on-status``, ...) from the registry."""
    return {
        "version": VERSION,
        "message_id": new_id(),
        "message_ts": now(),
        "action": action,
        "status": status,
        "total_count": total,
        "completed_count": total,
        "sender_id": registry_id,
        "receiver_id": receiver_id,
        "is_msg_encrypted": False,
    }
