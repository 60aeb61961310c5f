"""The DCI Social Registry endpoints (``/registry/...``): bearer token, envelope, answer.

Each request is checked in the same order: the bearer token (401), the JSON body and envelope
(400, ``err.request.bad`` naming the field), then the answer, at once for ``sync/...`` or as
an acknowledgement followed by a callback to ``sender_uri``. Errors come back as the spec's
``Response`` with ``ack_status`` ERR and an error code of ``Error.code``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from padan.access.auth import TokenRejected, principal_for_token
from padan.access.authorise import Forbidden, require
from padan.access.policy import Principal
from padan.dci.answers import Registry, search_answer, txn_status_answer
from padan.dci.callbacks import callback_url, post_callback
from padan.dci.envelope import (
    DciError,
    Envelope,
    ack,
    callback_header,
    error_body,
    new_id,
    read_envelope,
)
from padan.dci.senders import check_sender
from padan.dci.subscriptions import subscribe_answer, unsubscribe_answer
from padan.errors import InputError
from padan.services.registry_query import record_exchange

__all__ = ["PREFIX", "body_refusal", "router", "well_known"]

_log = logging.getLogger("padan.dci")
PREFIX = "/registry"
router = APIRouter(prefix=PREFIX, include_in_schema=False)
well_known = APIRouter(include_in_schema=False)
Answer = Callable[[Registry, Principal, Envelope, str], dict[str, Any]]
#: The permission each action needs besides a valid token.
_PERMISSION = {"search": "search", "subscribe": "search"}
#: The action of the answer to each request, for the header of a refusal.
_ANSWER_ACTION = {
    "search": "on-search",
    "txn-status": "txn-on-status",
    "subscribe": "on-subscribe",
    "unsubscribe": "on-unsubscribe",
}
#: The largest request body taken (1 MiB): a message holds at most 100 requests, each a
#: criteria of at most 100 comparisons, a few KB; the app's own limit is sized for uploads of
#: extracts (hundreds of MB), far too much to read and parse as one JSON message.
MAX_BODY_BYTES = 2**20


def _too_large() -> DciError:
    return DciError(
        "err.request.bad",
        f"the body is over {MAX_BODY_BYTES // 1024} KiB; send fewer requests per message",
        413,
    )


def body_refusal(content_length: str | None, transfer_encoding: str | None) -> JSONResponse | None:
    """The DCI error for a request body refused before it is read (for the app's body check,
    which runs before the endpoints): one over :data:`MAX_BODY_BYTES` (413) or one without a
    length (411: a chunked body could only be measured by reading it); ``None``: go on."""
    if content_length is None and transfer_encoding:
        error = DciError(
            "err.request.bad",
            "send the message with a Content-Length header; chunked bodies are not taken",
            411,
        )
    elif content_length is not None and (
        not content_length.isdigit() or int(content_length) > MAX_BODY_BYTES
    ):
        error = _too_large()
    else:
        return None
    return JSONResponse(error_body(error.code, error.message, new_id()), error.status)


def _principal(reg: Registry, authorization: str | None) -> Principal:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise DciError(
            "err.request.unauthorized",
            "send Authorization: Bearer TOKEN with a token from padan token create",
            401,
        )
    try:
        return principal_for_token(reg.store, authorization[7:].strip())
    except TokenRejected as exc:
        raise DciError("err.request.unauthorized", str(exc), 401) from None


def _answer_in_background(
    reg: Registry, p: Principal, env: Envelope, correlation: str, answer: Answer, url: str
) -> None:
    """Work out the answer and send it to ``url``; the callback is audited with its outcome."""
    try:
        body = answer(reg, p, env, correlation)
    except DciError as exc:
        body = error_body(exc.code, exc.message, correlation)
    except Exception as exc:  # the error's type only: its text may hold a value
        _log.error("DCI %s answer failed (%s)", env.header["action"], type(exc).__name__)
        return
    outcome = post_callback(url, body)
    action = body.get("header", {}).get("action", "error")
    record_exchange(reg.store, p, "callback", f"{action} to {url.split('?')[0][:200]}: {outcome}")


async def _handle(
    request: Request,
    action: str,
    answer: Answer,
    *,
    background: BackgroundTasks | None = None,
) -> JSONResponse:
    correlation = new_id()
    reg: Registry = request.app.state.dci
    p: Principal | None = None
    reason: str | None = None
    sender = ""
    try:
        p = await run_in_threadpool(_principal, reg, request.headers.get("authorization"))
        if action in _PERMISSION:
            require(p, _PERMISSION[action])
        length = request.headers.get("content-length") or "0"
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            raise _too_large()
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise DciError("err.request.bad", "the body is not JSON") from None
        except RecursionError:  # nested deeper than the parser goes: no envelope is
            raise DciError("err.request.bad", "the body is nested too deeply") from None
        env = read_envelope(body, action=action)
        sender = env.sender_id
        receiver = env.header.get("receiver_id")
        if receiver is not None and receiver != reg.registry_id:
            raise DciError(
                "err.receiver_id.invalid",
                f"header.receiver_id: this registry is {reg.registry_id!r} (PADAN_DCI_REGISTRY_ID)",
            )
        check_sender(reg.senders, env.sender_id, p.username)
        reg.signatures.check(env.signature, env.header, env.message)
        url = None if background is None else callback_url(env.header, reg.callback_hosts)
        # Only a message that passed the checks is remembered: a forged one cannot use up an
        # honest sender's message_id, and a refused one may be sent again once put right.
        reg.seen.take(env.sender_id, env.header["message_id"])
        if background is None or url is None:
            return JSONResponse(await run_in_threadpool(answer, reg, p, env, correlation))
        background.add_task(_answer_in_background, reg, p, env, correlation, answer, url)
        return JSONResponse(ack(correlation))
    except DciError as exc:
        code, message, status, reason = exc.code, exc.message, exc.status, exc.reason
    except Forbidden as exc:
        code, message, status = "err.request.forbidden", str(exc), 403
    except InputError as exc:
        code, message, status = "err.request.bad", str(exc), 400
    except Exception as exc:  # the error's type only: its text may hold a value
        _log.error("DCI %s failed (%s)", action, type(exc).__name__)
        code, status = "err.service.unavailable", 500
        message = f"the registry could not answer ({type(exc).__name__}); try again later"
    if p is not None:  # a refusal of a known caller is audited (by its code, not its text)
        await run_in_threadpool(record_exchange, reg.store, p, "refused", f"{action}: {code}")
    refusal = error_body(code, message, correlation)
    if reason is not None:  # the spec's header status reason code, beside the Error
        header = callback_header(
            _ANSWER_ACTION[action],
            registry_id=reg.registry_id,
            receiver_id=sender,
            total=0,
            status="rjct",
        )
        header |= {"status_reason_code": reason, "status_reason_message": message[:999]}
        refusal = {"header": header} | refusal
    return JSONResponse(refusal, status)


@router.post("/sync/search")
async def sync_search(request: Request) -> JSONResponse:
    """Search the master child index; the ``on-search`` envelope comes back at once."""
    return await _handle(request, "search", search_answer)


@router.post("/search")
async def search(request: Request, background: BackgroundTasks) -> JSONResponse:
    """Search asynchronously: ACK now, ``on-search`` to the sender's ``sender_uri``."""
    return await _handle(request, "search", search_answer, background=background)


@router.post("/sync/txn/status")
async def sync_txn_status(request: Request) -> JSONResponse:
    """The status of an earlier transaction of the caller, at once."""
    return await _handle(request, "txn-status", txn_status_answer)


@router.post("/txn/status")
async def txn_status(request: Request, background: BackgroundTasks) -> JSONResponse:
    """The status of an earlier transaction, by ``txn/on-status`` callback."""
    return await _handle(request, "txn-status", txn_status_answer, background=background)


@router.post("/subscribe")
async def subscribe(request: Request, background: BackgroundTasks) -> JSONResponse:
    """Subscribe to events, answered by ``on-subscribe`` callback."""
    return await _handle(request, "subscribe", subscribe_answer, background=background)


@router.post("/unsubscribe")
async def unsubscribe(request: Request, background: BackgroundTasks) -> JSONResponse:
    """End subscriptions, answered by ``on-unsubscribe`` callback."""
    return await _handle(request, "unsubscribe", unsubscribe_answer, background=background)


@well_known.get("/.well-known/jwks.json")
def jwks(request: Request) -> JSONResponse:
    """The registry's public key, to verify the signatures of its answers."""
    reg: Registry = request.app.state.dci
    return JSONResponse(reg.signatures.jwks())
