"""The DCI Social Registry API: other systems search Padan's master child index with the
Digital Convergence Initiative's envelopes (``spec/social_api_v1.0.0.yaml`` of the conformance
suite), under the same policy as the web pages and the JSON API.

An interface only: it reads the envelope, calls :mod:`padan.services.registry_query` (which
applies the role, the regional scope, the masking and the audit) and writes the answer. Only
the app's assembly (:func:`padan.web.app.create_app`) imports it, through :func:`mount`.
"""

from __future__ import annotations

from typing import Any

from padan.dci.answers import Registry
from padan.dci.callbacks import parse_hosts
from padan.dci.routes import router
from padan.store import Store

__all__ = ["mount"]


def mount(app: Any, store: Store, *, registry_id: str, callback_hosts: str) -> None:
    """Serve the DCI endpoints under ``/registry`` on the FastAPI ``app``: ``registry_id`` is
    the registry's ``sender_id``; answers go only to ``callback_hosts`` (comma-separated)."""
    app.state.dci = Registry(store, registry_id, parse_hosts(callback_hosts))
    app.include_router(router)
