"""Asynchronous answers (``on-search``, ``on-subscribe``, ...) sent to the requester's
``sender_uri``, only to the partners' hosts configured in ``PADAN_DCI_CALLBACK_HOSTS``: the
registry must not become a way to post a child's data to any address a token holder names."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from padan.dci.envelope import DciError

__all__ = ["callback_url", "parse_hosts", "post_callback"]

_log = logging.getLogger("padan.dci")
TIMEOUT_SECONDS = 15


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse to follow a redirect: it would take the answer (or a request) to a host that
    ``PADAN_DCI_CALLBACK_HOSTS`` never named; the 3xx is the callback's outcome."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def parse_hosts(text: str) -> frozenset[str]:
    """``PADAN_DCI_CALLBACK_HOSTS`` (``host`` or ``host:port``, comma-separated) as a set."""
    return frozenset(h.strip().lower() for h in text.split(",") if h.strip())


def callback_url(header: dict[str, Any], hosts: Collection[str]) -> str:
    """The request's ``sender_uri`` if it is an http(s) address on an allowed host; raises
    :class:`DciError` (``err.sender_uri.invalid``) saying why not."""
    uri = header.get("sender_uri")
    if not isinstance(uri, str) or not uri:
        raise DciError(
            "err.sender_uri.invalid", "header.sender_uri: an asynchronous request needs one"
        )
    if any(ord(c) <= 0x20 or ord(c) >= 0x7F for c in uri):
        raise DciError(
            "err.sender_uri.invalid",
            "header.sender_uri: spaces, control and non-ASCII characters must be %-encoded",
        )
    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise DciError("err.sender_uri.invalid", "header.sender_uri: give an http(s) address")
    try:
        port = parts.port
    except ValueError:
        raise DciError(
            "err.sender_uri.invalid", "header.sender_uri: the port is not a number 0-65535"
        ) from None
    allowed = host in hosts or (port is not None and f"{host}:{port}" in hosts)
    if not allowed:
        raise DciError(
            "err.sender_uri.invalid",
            f"header.sender_uri: host {host} is not a configured partner "
            "(PADAN_DCI_CALLBACK_HOSTS)",
        )
    return uri


def post_callback(url: str, body: dict[str, Any], *, token: str | None = None) -> str:
    """POST ``body`` to ``url``; the outcome as a short text for the audit log (``HTTP 200``,
    or the error's type), never the body."""
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (
        urllib.error.URLError,
        OSError,
        ValueError,
    ) as exc:  # ValueError: a URL http.client refuses
        _log.warning("DCI callback failed (%s)", type(exc).__name__)
        return type(exc).__name__
