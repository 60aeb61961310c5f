"""The registry's answers to each DCI request, as envelopes: search (``on-search``) and
transaction status (``txn-on-status``) here, subscribe and unsubscribe in
:mod:`padan.dci.subscriptions`. The same answer goes back at once (``sync/...``) or by
callback (the asynchronous endpoints)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from padan.access.policy import Principal
from padan.dci.envelope import DciError, Envelope, callback_header, now
from padan.dci.query import Rejected, read_criteria
from padan.dci.records import REG_RECORD_TYPE, REG_TYPE, reg_record
from padan.dci.senders import SeenMessages
from padan.dci.signatures import CLOCK_SKEW_SECONDS, MAX_WINDOW_SECONDS, Signatures
from padan.dci.transactions import Transaction, TransactionLog
from padan.services.registry_query import (
    HiddenField,
    TooManyMatches,
    find_children,
    record_exchange,
)
from padan.store import Store

__all__ = [
    "Registry",
    "envelope_of",
    "items_of",
    "search_answer",
    "transaction_of",
    "txn_status_answer",
]

LOCALE = "ind"
#: The records one search message may ask for in all (the sum of its requests' page sizes):
#: ten full pages. Without it, 100 requests of 1,000 records would build, sign and send one
#: answer of 100,000 children.
MAX_RECORDS_PER_MESSAGE = 10_000
#: The message ids remembered against replay (a few hundred bytes each, some 30 MB at most):
#: 100,000 messages in the longest signature window (an hour and the clock skew) is some 25
#: a second, more than the partners of one registry send; beyond it the oldest are forgotten
#: first.
SEEN_MESSAGES_LIMIT = 100_000


@dataclass
class Registry:
    """What the DCI endpoints share: the store, the registry's id, the partners' callback
    hosts, the signature keys, the users of each sender id (``PADAN_DCI_SENDERS``; empty: any),
    the recent transactions and the message ids already taken."""

    store: Store
    registry_id: str
    callback_hosts: frozenset[str]
    signatures: Signatures
    senders: dict[str, frozenset[str]] = field(default_factory=dict)
    seen: SeenMessages = field(
        default_factory=lambda: SeenMessages(
            MAX_WINDOW_SECONDS + CLOCK_SKEW_SECONDS, SEEN_MESSAGES_LIMIT
        )
    )
    transactions: TransactionLog = field(init=False)

    def __post_init__(self) -> None:
        self.transactions = TransactionLog(self.store)


def items_of(message: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The message's list of requests under ``key`` (1-100, each with a reference id)."""
    items = message.get(key)
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise DciError("err.request.bad", f"message.{key}: give a non-empty list of requests")
    if len(items) > 100:
        raise DciError("err.request.bad", f"message.{key}: at most 100 requests per message")
    for i, item in enumerate(items):
        if not isinstance(item.get("reference_id"), str) or not item["reference_id"]:
            raise DciError("err.request.bad", f"message.{key}[{i}].reference_id: missing")
    return items


def transaction_of(message: dict[str, Any]) -> str:
    """The message's ``transaction_id``."""
    txn = message.get("transaction_id")
    if not isinstance(txn, str) or not txn or len(txn) > 99:
        raise DciError("err.request.bad", "message.transaction_id: give a string (1-99 chars)")
    return txn


def envelope_of(
    reg: Registry, env: Envelope, action: str, message: dict[str, Any], total: int
) -> dict[str, Any]:
    """The signed answer envelope to ``env``'s sender."""
    header = callback_header(
        action, registry_id=reg.registry_id, receiver_id=env.sender_id, total=total
    )
    return reg.signatures.sign({"header": header, "message": message})


def _purpose(item: dict[str, Any], env: Envelope) -> str:
    consent = item.get("search_criteria", {}).get("consent") or {}
    purpose = consent.get("purpose") if isinstance(consent, dict) else None
    text = purpose.get("text") if isinstance(purpose, dict) else None
    return f"DCI {env.sender_id[:60]}" + (f": {str(text)[:200]}" if text else "")


def _search_one(
    reg: Registry, p: Principal, env: Envelope, item: dict[str, Any], room: list[int]
) -> dict[str, Any]:
    """One search request answered; ``room`` holds the records the message may still ask for
    (its page sizes are taken from it)."""
    answer: dict[str, Any] = {"reference_id": item["reference_id"], "timestamp": now()}
    try:
        query = read_criteria(item.get("search_criteria"), today=dt.date.today())
        if query.page_size > room[0]:
            raise Rejected(
                "rjct.pagination.invalid",
                f"the message's requests ask for more than {MAX_RECORDS_PER_MESSAGE} records "
                "in all (their page sizes); send the rest in another message",
            )
        room[0] -= query.page_size
        found = find_children(
            reg.store,
            p,
            identifier=query.identifier,
            where=query.where,
            page=query.page,
            page_size=query.page_size,
            purpose=_purpose(item, env),
        )
    except Rejected as exc:
        reason, text = exc.reason, exc.message
    except TooManyMatches as exc:
        reason, text = "rjct.search.too_many_records_found", str(exc)
    except HiddenField as exc:
        reason, text = "rjct.search_criteria.invalid", str(exc)
    else:
        answer.update(
            status="succ",
            data={
                "version": "1.0.0",
                "reg_type": REG_TYPE,
                "reg_record_type": REG_RECORD_TYPE,
                "reg_records": [reg_record(h) for h in found.children],
            },
            pagination={
                "page_size": found.page_size,
                "page_number": found.page,
                "total_count": found.total,
            },
            locale=LOCALE,
        )
        return answer
    return _rejected(answer, reason, text)


def _rejected(answer: dict[str, Any], reason: str, text: str) -> dict[str, Any]:
    empty = {"version": "1.0.0", "reg_type": REG_TYPE, "reg_records": []}
    answer.update(
        status="rjct",
        status_reason_code=reason,
        status_reason_message=text[:999],
        data=empty,
        locale=LOCALE,
    )
    return answer


def search_answer(
    reg: Registry, p: Principal, env: Envelope, correlation_id: str
) -> dict[str, Any]:
    """The ``on-search`` envelope answering a search message (each request found or rejected
    with its reason); remembered for ``txn/status``."""
    txn = transaction_of(env.message)
    answers: list[dict[str, Any]] = []
    statuses: dict[str, tuple[str, str | None]] = {}
    room = [MAX_RECORDS_PER_MESSAGE]
    for item in items_of(env.message, "search_request"):
        ref = item["reference_id"]
        if ref in statuses:  # its status would be ambiguous; the first one is answered
            answer = {"reference_id": ref, "timestamp": now()}
            answers.append(
                _rejected(answer, "rjct.reference_id.duplicate", "reference_id: used twice")
            )
            continue
        answers.append(_search_one(reg, p, env, item, room))
        statuses[ref] = (answers[-1]["status"], answers[-1].get("status_reason_code"))
    reg.transactions.put(p.username, txn, Transaction("search", correlation_id, statuses))
    message = {"transaction_id": txn, "correlation_id": correlation_id, "search_response": answers}
    return envelope_of(reg, env, "on-search", message, len(answers))


def txn_status_answer(
    reg: Registry, p: Principal, env: Envelope, correlation_id: str
) -> dict[str, Any]:
    """The ``txn-on-status`` envelope: the statuses of an earlier transaction of the same
    caller, or a rejection saying it is not known."""
    txn = transaction_of(env.message)
    request = env.message.get("txnstatus_request")
    if not isinstance(request, dict) or not isinstance(request.get("reference_id"), str):
        raise DciError("err.request.bad", "message.txnstatus_request.reference_id: missing")
    kind = request.get("attribute_type")
    value = request.get("attribute_value")
    txn_type = request.get("txn_type", "search")
    if kind not in ("transaction_id", "reference_id_list", "correlation_id"):
        raise DciError("err.request.bad", "txnstatus_request.attribute_type: see the spec's enum")
    asked = value if kind == "transaction_id" and isinstance(value, str) else txn
    found = reg.transactions.get(p.username, asked)
    if kind == "correlation_id":  # the transaction that was answered with this correlation id
        hit = reg.transactions.by_correlation(p.username, value) if isinstance(value, str) else None
        asked, found = hit if hit is not None else (asked, None)
    if found is not None and found.txn_type == txn_type:
        wanted = set(value) if kind == "reference_id_list" and isinstance(value, list) else None
        items = [
            {"reference_id": ref, "timestamp": now(), "status": status}
            | ({"status_reason_code": reason} if reason else {})
            for ref, (status, reason) in found.statuses.items()
            if wanted is None or ref in wanted
        ]
        status = {"transaction_id": asked, "correlation_id": found.correlation_id}
    else:
        items = [
            {
                "reference_id": request["reference_id"],
                "timestamp": now(),
                "status": "rjct",
                "status_reason_code": "rjct.reference_id.invalid",
                "status_reason_message": f"no {txn_type} transaction of yours with this "
                f"{kind} is known here (the newest 10,000 are kept)",
            }
        ]
        status = {"transaction_id": str(asked), "correlation_id": correlation_id}
    record_exchange(reg.store, p, "txn_status", f"type={txn_type} known={found is not None}")
    message = {
        "transaction_id": txn,
        "correlation_id": correlation_id,
        "txnstatus_response": {
            "txn_type": txn_type,
            "txn_status": status | {"search_response": items},
        },
    }
    return envelope_of(reg, env, "txn-on-status", message, len(items))
