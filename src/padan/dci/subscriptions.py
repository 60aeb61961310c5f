"""Subscribe and unsubscribe (``on-subscribe``, ``on-unsubscribe``): a partner asks to be
told of one event type (:data:`~padan.services.registry_events.EVENT_TYPES`) for the children
a filter names (an identifier, a predicate or an expression, as in a search), within its
token's scope. The subscription is kept in the database; ``padan dci notify``
(:mod:`padan.dci.notify`) sends the events.

Notifications go to the subscribe request's ``sender_uri`` (an allowed callback host) with a
last path segment ``on-subscribe`` made ``notify`` (the spec's endpoint names: a partner
answering ``.../registry/on-subscribe`` takes notifications at ``.../registry/notify``); any
other ``sender_uri`` is used as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from padan.access.policy import Principal
from padan.dci.answers import Registry, envelope_of, items_of, transaction_of
from padan.dci.envelope import DciError, Envelope, new_id, now
from padan.dci.query import Rejected, read_criteria
from padan.dci.records import REG_RECORD_TYPE, REG_TYPE
from padan.dci.transactions import Transaction
from padan.errors import InputError
from padan.services.registry_events import check_event_type
from padan.services.registry_query import check_query, record_exchange
from padan.store import Store
from padan.store.dci_state import add_subscription, end_subscriptions

__all__ = ["notify_url", "read_subscription", "subscribe_answer", "unsubscribe_answer"]

LOCALE = "ind"
_FILTER_TYPES = ("idtype-value", "expression", "predicate")
#: Record types a subscriber may ask for: Padan notifies children (persons), not groups.
_RECORD_TYPES = re.compile(r"(^|[:/])(member|person|srperson|child)$", re.IGNORECASE)


def notify_url(sender_uri: str) -> str:
    """Where a subscription's notifications go (see the module's docstring)."""
    head, sep, query = sender_uri.partition("?")
    if head.rstrip("/").endswith("/on-subscribe"):
        head = head.rstrip("/")[: -len("on-subscribe")] + "notify"
    return head + sep + query


def _filter_type(criteria: dict[str, Any]) -> str:
    kind = criteria.get("filter_type")
    if kind is None:  # the spec leaves it optional: tell it by the filter's shape
        found = criteria.get("filter")
        if isinstance(found, list):
            return "predicate"
        return "expression" if isinstance(found, dict) and "expression" in found else "idtype-value"
    if kind not in _FILTER_TYPES:
        raise Rejected(
            "rjct.notify_details.invalid",
            f"filter_type {str(kind)[:20]!r}: use one of {', '.join(_FILTER_TYPES)}",
        )
    return str(kind)


def read_subscription(p: Principal, criteria: Any) -> tuple[str, dict[str, Any]]:
    """The event type and the filter (``{query_type, query}``) of a ``subscribe_criteria``;
    raises :class:`Rejected` with the spec's reason code saying what is wrong."""
    if not isinstance(criteria, dict):
        raise Rejected(
            "rjct.notify_details.invalid",
            "subscribe_criteria: give {reg_event_type, filter, notify_record_type}",
        )
    event_type = criteria.get("reg_event_type")
    if not isinstance(event_type, str) or not event_type:
        raise Rejected("rjct.notify_types.invalid", "subscribe_criteria.reg_event_type: missing")
    try:
        check_event_type(p, event_type.rpartition(":")[2].upper())
    except InputError as exc:
        raise Rejected("rjct.notify_types.invalid", str(exc)) from None
    record_type = criteria.get("notify_record_type", REG_RECORD_TYPE)
    if not isinstance(record_type, str) or not _RECORD_TYPES.search(record_type):
        raise Rejected(
            "rjct.notify_details.invalid",
            f"notify_record_type {str(record_type)[:40]!r}: Padan notifies children "
            "(Member, Person, SRPerson)",
        )
    if "filter" not in criteria:
        raise Rejected(
            "rjct.notify_details.invalid",
            "subscribe_criteria.filter: missing; name the children, e.g. a region: "
            '[{"expression1": {"attribute_name": "region", "operator": "eq", '
            '"attribute_value": "32"}}]',
        )
    query = {"query_type": _filter_type(criteria), "query": criteria["filter"]}
    try:
        parsed = read_criteria(query, today=dt.date.today())
        check_query(p, identifier=parsed.identifier, where=parsed.where)
    except Rejected as exc:
        raise Rejected("rjct.notify_details.invalid", exc.message) from None
    except InputError as exc:
        raise Rejected("rjct.notify_details.invalid", str(exc)) from None
    return event_type.rpartition(":")[2].upper(), query


def _one(store: Store, p: Principal, env: Envelope, item: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {"reference_id": item["reference_id"], "timestamp": now()}
    try:
        event_type, query = read_subscription(p, item.get("subscribe_criteria"))
    except Rejected as exc:
        return answer | {
            "status": "rjct",
            "status_reason_code": exc.reason,
            "status_reason_message": exc.message[:999],
            "locale": LOCALE,
        }
    stored = add_subscription(
        store,
        code=new_id(),
        username=p.username,
        sender_id=env.sender_id,
        event_type=event_type,
        criteria=query,
        notify_url=notify_url(str(env.header["sender_uri"])),
    )
    if stored is None:
        return answer | {
            "status": "rjct",
            "status_reason_code": "rjct.event.already_subscribed",
            "status_reason_message": f"you already subscribe to {event_type} with this filter "
            "and address; see the subscription you have, or unsubscribe it first",
            "locale": LOCALE,
        }
    info = {
        "version": "1.0.0",
        "code": stored.code,
        "status": "subscribe",
        "timestamp": now(),
        "reg_type": REG_TYPE,
        "reg_event_type": event_type,
        "filter_type": query["query_type"],
        "filter": query["query"],
        "notify_record_type": REG_RECORD_TYPE,
    }
    return answer | {"status": "succ", "subscriptions": [info], "locale": LOCALE}


def subscribe_answer(
    reg: Registry, p: Principal, env: Envelope, correlation_id: str
) -> dict[str, Any]:
    """The ``on-subscribe`` envelope: each request subscribed (with its code) or rejected with
    the spec's reason; audited."""
    txn = transaction_of(env.message)
    if len(env.sender_id) > 128:
        raise DciError("err.sender_id.invalid", "header.sender_id: at most 128 characters")
    answers: list[dict[str, Any]] = []
    for item in items_of(env.message, "subscribe_request"):
        if any(a["reference_id"] == item["reference_id"] for a in answers):
            answers.append(
                {
                    "reference_id": item["reference_id"],
                    "timestamp": now(),
                    "status": "rjct",
                    "status_reason_code": "rjct.reference_id.duplicate",
                    "status_reason_message": "reference_id: used twice",
                }
            )
            continue
        answers.append(_one(reg.store, p, env, item))
    statuses = {a["reference_id"]: (a["status"], a.get("status_reason_code")) for a in answers}
    reg.transactions.put(p.username, txn, Transaction("subscribe", correlation_id, statuses))
    accepted = [s["code"] for a in answers for s in a.get("subscriptions", [])]
    record_exchange(
        reg.store,
        p,
        "subscribe",
        f"requests={len(answers)} accepted={len(accepted)} codes={','.join(accepted)}",
    )
    message = {
        "transaction_id": txn,
        "correlation_id": correlation_id,
        "subscribe_response": answers,
    }
    return envelope_of(reg, env, "on-subscribe", message, len(answers))


def unsubscribe_answer(
    reg: Registry, p: Principal, env: Envelope, correlation_id: str
) -> dict[str, Any]:
    """The ``on-unsubscribe`` envelope: the caller's subscriptions ``subscription_codes``
    ended, all or none (a code that is not the caller's ends nothing); audited."""
    txn = transaction_of(env.message)
    codes = env.message.get("subscription_codes")
    if (
        not isinstance(codes, list)
        or not codes
        or len(codes) > 100
        or not all(isinstance(c, str) and 0 < len(c) <= 99 for c in codes)
    ):
        raise DciError("err.request.bad", "message.subscription_codes: give a list of 1-100 codes")
    ended = end_subscriptions(reg.store, p.username, codes)
    message: dict[str, Any] = {
        "transaction_id": txn,
        "correlation_id": correlation_id,
        "timestamp": now(),
    }
    if ended is None:
        message |= {
            "status": "rjct",
            "status_reason_code": "rjct.subscription_code.invalid",
            "status_reason_message": "one of the codes is not a subscription of yours; "
            "nothing was unsubscribed (send only codes from your on-subscribe answers)",
        }
    else:
        message |= {
            "status": "succ",
            "subscription_status": [{"code": c, "status": "unsubscribe"} for c in ended],
        }
    known = 0 if ended is None else len(ended)
    shown = ",".join(ended or [])
    record_exchange(reg.store, p, "unsubscribe", f"codes={len(codes)} ended={known} {shown}")
    return envelope_of(reg, env, "on-unsubscribe", message, len(codes))
