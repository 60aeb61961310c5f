"""Sending ``notify`` messages to subscribers (``padan dci notify``).

Each active subscription is taken up where it stopped: the linkage runs after its cursor,
oldest first, each run's notices (:func:`padan.services.registry_events.run_notices`, under
the subscriber's policy as it is today) in messages of at most :data:`PER_MESSAGE` children,
signed like every answer and posted to the subscription's address if its host is still in
``PADAN_DCI_CALLBACK_HOSTS`` (no redirect followed). The cursor moves only past what the
subscriber acknowledged (HTTP 2xx), and is stored after every message: a failed delivery is
sent again by the next run of the command, nothing is lost across restarts, and running it
again when nothing is new sends nothing. A message sent again keeps its ``message_id`` and
``transaction_id`` (``<code>-<run>-<part>``), so a subscriber can tell a repeat.

Every message sent is audited (``registry_notify``) with the children it showed and the
HTTP outcome; the logs name no child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from padan.access.auth import principal_for_user
from padan.access.authorise import require
from padan.access.policy import Principal
from padan.dci.callbacks import callback_url, post_callback
from padan.dci.envelope import DciError, callback_header, now
from padan.dci.query import Rejected, read_criteria
from padan.dci.records import REG_RECORD_TYPE, REG_TYPE, reg_record
from padan.dci.signatures import Signatures
from padan.errors import PadanError
from padan.services.registry_events import Notice, check_event_type, record_notify, run_notices
from padan.services.registry_query import check_query
from padan.store import Store
from padan.store.dci_events import runs_after
from padan.store.dci_state import Subscription, advance_subscription, subscriptions

__all__ = ["PER_MESSAGE", "Delivery", "deliver_notifications"]

#: Children per notify message: a record is about 1 KB, so a message stays some 200 KB.
PER_MESSAGE = 200


@dataclass(frozen=True)
class Delivery:
    """What one subscription got in this round: messages and children sent, runs completed,
    and the last outcome (``HTTP 200``, the error, or why nothing was sent)."""

    code: str
    event_type: str
    messages: int
    children: int
    runs: int
    outcome: str


def _messages(parts: Iterator[list[Notice]]) -> Iterator[list[Notice]]:
    for notices in parts:
        for start in range(0, len(notices), PER_MESSAGE):
            yield notices[start : start + PER_MESSAGE]


def _item(run_id: int, event_type: str, notice: Notice) -> dict[str, Any]:
    record = reg_record(notice.hit)
    record["additional_attributes"].append({"events": list(notice.events)})
    return {
        "reference_id": f"{run_id}-{notice.child_id}",
        "timestamp": now(),
        "data": {
            "version": "1.0.0",
            "reg_type": REG_TYPE,
            "reg_event_type": event_type,
            "reg_record_type": REG_RECORD_TYPE,
            "reg_records": record,
        },
        "locale": "ind",
    }


def _body(
    signatures: Signatures, registry_id: str, sub: Subscription, txn: str, items: list[Any]
) -> dict[str, Any]:
    header = callback_header(
        "notify", registry_id=registry_id, receiver_id=sub.sender_id, total=len(items)
    )
    header["message_id"] = txn  # the same message sent again has the same id
    return signatures.sign(
        {"header": header, "message": {"transaction_id": txn, "notify_event": items}}
    )


def _ready(store: Store, sub: Subscription, hosts: Collection[str]) -> tuple[Principal, str, Any]:
    """The subscriber's principal, address and query as they stand today; raises
    :class:`PadanError`, :class:`DciError` or :class:`Rejected` saying why not."""
    p = principal_for_user(store, sub.username, given_as="the subscriber")
    require(p, "search")
    url = callback_url({"sender_uri": sub.notify_url}, hosts)
    query = read_criteria(sub.criteria, today=dt.date.today())
    check_event_type(p, sub.event_type)
    check_query(p, identifier=query.identifier, where=query.where)
    return p, url, query


def _deliver_one(
    store: Store,
    sub: Subscription,
    hosts: Collection[str],
    signatures: Signatures,
    registry_id: str,
) -> Delivery:
    try:
        p, url, query = _ready(store, sub, hosts)
    except (PadanError, DciError, Rejected) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "code", None)
        outcome = f"not sent: {reason or type(exc).__name__}"
        advance_subscription(store, sub.code, outcome=outcome)
        return Delivery(sub.code, sub.event_type, 0, 0, 0, outcome)
    messages = children = runs = 0
    outcome = "nothing new"
    skip = sub.sent_parts
    for run_id, batches in runs_after(store, sub.run_cursor):
        notices = run_notices(
            store,
            p,
            run_id=run_id,
            batches=batches,
            event_type=sub.event_type,
            identifier=query.identifier,
            where=query.where,
        )
        for part, chunk in enumerate(_messages(notices), start=1):
            if part <= skip:  # delivered before a later message of this run failed
                continue
            txn = f"{sub.code}-{run_id}-{part}"
            items = [_item(run_id, sub.event_type, n) for n in chunk]
            outcome = post_callback(url, _body(signatures, registry_id, sub, txn, items))
            shown = [n.child_id for n in chunk]
            detail = f"{sub.code} {sub.event_type} run={run_id} part={part}: {outcome}"
            record_notify(store, p, detail, shown, sender_id=sub.sender_id)
            if not outcome.startswith("HTTP 2"):
                advance_subscription(store, sub.code, outcome=outcome, sent_parts=part - 1)
                return Delivery(sub.code, sub.event_type, messages, children, runs, outcome)
            messages, children = messages + 1, children + len(chunk)
            advance_subscription(store, sub.code, outcome=outcome, sent_parts=part, delivered=1)
        skip = 0
        runs += 1
        advance_subscription(store, sub.code, outcome=outcome, run_cursor=run_id, sent_parts=0)
    if runs == 0:
        advance_subscription(store, sub.code, outcome=outcome)
    return Delivery(sub.code, sub.event_type, messages, children, runs, outcome)


def deliver_notifications(
    store: Store,
    *,
    registry_id: str,
    callback_hosts: Collection[str],
    signatures: Signatures,
    codes: Collection[str] | None = None,
) -> list[Delivery]:
    """Send every active subscription (or those of ``codes``) what happened since its cursor;
    one :class:`Delivery` per subscription, in the order they were made."""
    found = subscriptions(store)
    if codes is not None:
        found = [s for s in found if s.code in set(codes)]
    return [_deliver_one(store, s, callback_hosts, signatures, registry_id) for s in found]
