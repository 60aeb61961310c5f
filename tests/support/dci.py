"""DCI request envelopes as a partner system would send them (tests/dci)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

_ids = itertools.count(1)


def envelope(action: str, message: dict[str, Any], **header: Any) -> dict[str, Any]:
    """A request envelope as a partner would send it."""
    now = dt.datetime.now(dt.UTC).isoformat()
    return {
        "signature": None,
        "header": {
            "version": "1.0.0",
            "message_id": f"m-{next(_ids)}",
            "message_ts": now,
            "action": action,
            "sender_id": "test-partner",
            "receiver_id": "padan",
            "total_count": 1,
            **header,
        },
        "message": message,
    }


def search_message(query_type: str, query: Any, **criteria: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat()
    return {
        "transaction_id": f"t-{next(_ids)}",
        "search_request": [
            {
                "reference_id": "r-1",
                "timestamp": now,
                "search_criteria": {"query_type": query_type, "query": query, **criteria},
            }
        ],
    }
