"""The DCI Social Registry API: other systems search Padan's master child index with the
Digital Convergence Initiative's envelopes (``spec/social_api_v1.0.0.yaml`` of the conformance
suite), under the same policy as the web pages and the JSON API.

An interface only: it reads the envelope, calls :mod:`padan.services.registry_query` and
:mod:`padan.services.registry_events` (which apply the role, the regional scope, the masking
and the audit) and writes the answer. Only the app's assembly
(:func:`padan.web.app.create_app`) imports it, through :func:`mount`, and ``padan dci
notify``, which sends the subscribers' notifications (:mod:`padan.dci.notify`), and ``padan dci
verify``, Padan as a client of another DCI registry (:mod:`padan.dci.client`,
:mod:`padan.dci.verify`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from padan.dci.answers import Registry
from padan.dci.callbacks import parse_hosts
from padan.dci.routes import PREFIX, body_refusal, router, well_known
from padan.dci.senders import parse_senders
from padan.dci.signatures import Signatures, load_partner_keys, load_signing_key
from padan.store import Store

__all__ = ["PREFIX", "body_refusal", "mount"]


def mount(
    app: Any,
    store: Store,
    *,
    registry_id: str,
    callback_hosts: str,
    key_file: Path | None = None,
    partner_keys: Path | None = None,
    require_signatures: bool = False,
    senders: str = "",
) -> None:
    """Serve the DCI endpoints under ``/registry`` and the registry's public key at
    ``/.well-known/jwks.json`` on the FastAPI ``app``.

    ``registry_id`` is the registry's ``sender_id``; answers go only to ``callback_hosts``
    (comma-separated); they are signed with the key in ``key_file`` (made if absent; ``None``:
    a key for this process only). A sender with keys in ``partner_keys`` (a JWKS file) must
    sign; with ``require_signatures``, every sender must. ``senders`` (``sender_id=user``,
    comma-separated) ties each sender id to the users whose tokens may use it; empty: any.
    Raises :class:`~padan.errors.InputError` naming a key file (Padan's or the partners') it
    cannot read, or a ``senders`` entry it cannot parse.
    """
    signatures = Signatures(
        load_signing_key(key_file),
        registry_id,
        load_partner_keys(partner_keys),
        require_signatures,
    )
    app.state.dci = Registry(
        store,
        registry_id,
        parse_hosts(callback_hosts),
        signatures,
        senders=parse_senders(senders),
    )
    app.include_router(router)
    app.include_router(well_known)
