"""What the registry remembers of recent transactions, for ``txn/status``: per sender and
transaction id, each request's reference id and status, never the records it returned.

Kept in the process's memory (the newest :data:`KEEP` transactions): a first version; a
restart or another worker process forgets them, and the status check then answers that the
transaction is unknown.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

__all__ = ["KEEP", "Transaction", "TransactionLog"]

KEEP = 10_000


@dataclass
class Transaction:
    """A transaction's type (``search``, ``subscribe``), correlation id and request statuses:
    reference id → (status, reason code or ``None``)."""

    txn_type: str
    correlation_id: str
    statuses: dict[str, tuple[str, str | None]] = field(default_factory=dict)


class TransactionLog:
    """The newest transactions by (username, transaction id): a caller sees only its own."""

    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._items: OrderedDict[tuple[str, str], Transaction] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, username: str, transaction_id: str, txn: Transaction) -> None:
        with self._lock:
            self._items[(username, transaction_id)] = txn
            self._items.move_to_end((username, transaction_id))
            while len(self._items) > self._keep:
                self._items.popitem(last=False)

    def get(self, username: str, transaction_id: str) -> Transaction | None:
        with self._lock:
            return self._items.get((username, transaction_id))

    def by_correlation(self, username: str, correlation_id: str) -> tuple[str, Transaction] | None:
        """The caller's transaction answered with ``correlation_id``, with its transaction id."""
        with self._lock:
            for (user, txn_id), txn in reversed(self._items.items()):
                if user == username and txn.correlation_id == correlation_id:
                    return txn_id, txn
        return None
