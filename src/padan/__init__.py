"""Padan: pemadanan data perlindungan anak (KPAI x Kemensos x DTSEN).

The public API: open a store with :meth:`Padan.open`, then ``ingest``, ``link``, ``report``,
``review`` and ``institutions``; :func:`demo` runs the main job on synthetic data. Errors
come from one tree (:class:`PadanError`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from padan.errors import BusyError, InputError, PadanError, StoreError
from padan.version import __version__

if TYPE_CHECKING:
    from padan.api import DataChanges, DemoResult, Padan, demo
    from padan.ingest import IngestSummary
    from padan.registry import RunSummary
    from padan.settings import Settings, get_settings

__all__ = [
    "BusyError",
    "DataChanges",
    "DemoResult",
    "IngestSummary",
    "InputError",
    "Padan",
    "PadanError",
    "RunSummary",
    "Settings",
    "StoreError",
    "__version__",
    "demo",
    "get_settings",
]

#: Names loaded on first use: every ``import padan.x`` runs this file, and :mod:`padan.api`
#: brings the store, linkage and analysis along, which ``import padan.errors`` should not pay.
_LAZY = {
    "DataChanges": "padan.api",
    "DemoResult": "padan.api",
    "Padan": "padan.api",
    "demo": "padan.api",
    "IngestSummary": "padan.ingest",
    "RunSummary": "padan.registry",
    "Settings": "padan.settings",
    "get_settings": "padan.settings",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'padan' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
