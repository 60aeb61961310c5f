"""What the registry remembers of recent transactions, for ``txn/status``: per caller and
transaction id, each request's reference id and status, never the records it returned.

Kept in the database (:mod:`padan.store.dci_state`, the newest :data:`KEEP` per caller): a
restarted server and every worker process answer the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from padan.store import Store
from padan.store.dci_state import (
    StoredTransaction,
    get_transaction,
    put_transaction,
    transaction_by_correlation,
)

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

    def __init__(self, store: Store, keep: int = KEEP) -> None:
        self._store, self._keep = store, keep

    def put(self, username: str, transaction_id: str, txn: Transaction) -> None:
        stored = StoredTransaction(transaction_id, txn.txn_type, txn.correlation_id, txn.statuses)
        put_transaction(self._store, username, stored, keep=self._keep)

    def get(self, username: str, transaction_id: str) -> Transaction | None:
        found = get_transaction(self._store, username, transaction_id)
        return None if found is None else _plain(found)

    def by_correlation(self, username: str, correlation_id: str) -> tuple[str, Transaction] | None:
        """The caller's transaction answered with ``correlation_id``, with its transaction id."""
        found = transaction_by_correlation(self._store, username, correlation_id)
        return None if found is None else (found.transaction_id, _plain(found))


def _plain(found: StoredTransaction) -> Transaction:
    return Transaction(found.txn_type, found.correlation_id, dict(found.statuses))
