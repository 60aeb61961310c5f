"""A bounded in-memory cache whose fill for one key never blocks another key (issue 18).

Every point of a trend is a full report of a past moment (seconds at 100,000 records), so the
web app keeps computed points and series. A request for a key being computed waits for that
computation and reuses it; requests for other keys go on (no process-wide lock is held while
computing). The least recently used entries leave first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["KeyedCache"]

V = TypeVar("V")


class KeyedCache(Generic[V]):
    """At most ``size`` values by key; :meth:`get_or_compute` fills a missing key once."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._filling: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts only, never held while computing

    def _get(self, key: Hashable) -> tuple[bool, V | None]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return True, self._items[key]
            return False, None

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The value of ``key``: cached, or computed by ``compute`` (once, however many threads
        ask at the same time; the others wait for it). An error is not cached."""
        found, value = self._get(key)
        if found:
            return value  # type: ignore[return-value]
        with self._lock:
            filling = self._filling.setdefault(key, threading.Lock())
        with filling:
            found, value = self._get(key)
            if found:
                return value  # type: ignore[return-value]
            try:
                computed = compute()
                with self._lock:
                    self._items[key] = computed
                    self._items.move_to_end(key)
                    while len(self._items) > self._size:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._filling.pop(key, None)
        return computed

    def clear(self) -> None:
        """Forget every value (tests; after stored history was rewritten)."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
