"""Padan as a DCI client: ask another social registry (e.g. a DTSEN service) about children by
identifier, with the same signed envelopes Padan's own registry API takes.

:class:`RegistryClient` sends ``sync/search`` messages of ``idtype-value`` requests (NIK or
KK), up to :data:`MAX_REQUESTS_PER_MESSAGE` per message, follows each request's pages, checks
the ``on-search`` answer (and its signature when the registry's keys are configured), and says
for each value asked whether it was found (with the records), not found, rejected (with the
spec's reason code) or left unanswered. Nothing here logs or raises with an identifier: the
messages name the registry, the field, the code or status seen and the fix.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from padan.dci.envelope import VERSION, DciError, new_id, now
from padan.dci.records import REG_TYPE
from padan.dci.signatures import Signatures
from padan.errors import PadanError

__all__ = [
    "MAX_REQUESTS_PER_MESSAGE",
    "Lookup",
    "RegistryAnswerInvalid",
    "RegistryClient",
    "RegistryError",
    "RegistryRefused",
    "RegistryUnreachable",
    "SearchResult",
]

#: The spec's and Padan's own limit of requests in one search message.
MAX_REQUESTS_PER_MESSAGE = 100
#: Pages followed for one value at most: a NIK names one person, a KK a family; more pages
#: than this means the registry's paging does not end.
MAX_PAGES = 50
#: Identifier types this client asks by (the spec's ``idtype-value`` ``type``).
ID_TYPES = ("NIK", "KK")
#: A run of digits as long as a NIK or KK: masked in what a registry says back, in case it
#: repeats the value asked.
_DIGITS = re.compile(r"\d{12,}")
#: Called with a line about each exchange (no identifier in it), for the audit log.
Exchange = Callable[[str], None]


class RegistryError(PadanError):
    """The external registry could not be asked, or its answer cannot be used; ``code`` is the
    DCI error code or a short name of the failure."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class RegistryUnreachable(RegistryError):
    """No answer: the URL is wrong, the registry is down or it did not answer in time."""


class RegistryRefused(RegistryError):
    """The registry refused the message (HTTP error or ``ack_status`` ERR with a code)."""


class RegistryAnswerInvalid(RegistryError):
    """The registry answered something that is not an ``on-search`` envelope of the spec, or
    whose signature does not verify."""


@dataclass
class Lookup:
    """What the registry said about one value asked: ``status`` is ``found``, ``not_found``,
    ``rejected`` (``reason``: the spec's reason code) or ``unanswered``."""

    id_type: str
    value: str
    status: str = "unanswered"
    reason: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SearchResult:
    """The lookups in the order asked, the messages sent, the answers to references never
    asked (``stray``, not used) and the seconds taken."""

    lookups: list[Lookup]
    messages: int = 0
    stray: int = 0
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for lookup in self.lookups if lookup.status == status)


@dataclass
class RegistryClient:
    """A DCI social registry at ``url`` (its base, e.g. ``https://dtsen.example/api``; the
    client posts to ``{url}/registry/sync/search``), asked with ``token`` as bearer, signing as
    ``signatures`` (Padan's key and its ``sender_id`` there). With ``registry_keys`` (the
    registry's JWKS keys by ``kid``) every answer must carry a valid signature of the registry.
    """

    url: str
    token: str
    signatures: Signatures
    receiver_id: str | None = None
    registry_keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    timeout: float = 30.0
    batch_size: int = MAX_REQUESTS_PER_MESSAGE
    page_size: int = 100
    transport: httpx.BaseTransport | None = None
    on_exchange: Exchange | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_REQUESTS_PER_MESSAGE:
            raise ValueError(f"batch_size {self.batch_size}: 1-{MAX_REQUESTS_PER_MESSAGE}")
        if not 1 <= self.page_size <= 1000:
            raise ValueError(f"page_size {self.page_size}: 1-1000")
        self.url = self.url.rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise RegistryUnreachable(
                f"DCI registry URL {self.url[:100]!r} (PADAN_DCI_CLIENT_URL): give an http:// "
                "or https:// URL, e.g. https://dtsen.example.go.id/api",
                code="bad_url",
            )

    @property
    def endpoint(self) -> str:
        return f"{self.url}/registry/sync/search"

    def search(self, id_type: str, values: Sequence[str]) -> SearchResult:
        """Ask the registry about each of ``values`` (of ``id_type``, NIK or KK): every value
        once, all its pages. Raises :class:`RegistryUnreachable`, :class:`RegistryRefused` or
        :class:`RegistryAnswerInvalid` when a message fails: nothing of the search is returned
        then (a batch is all or nothing)."""
        if id_type not in ID_TYPES:
            raise ValueError(f"id_type {id_type!r}: one of {ID_TYPES}")
        started = time.perf_counter()
        lookups = {v: Lookup(id_type, v) for v in dict.fromkeys(values)}
        result = SearchResult(list(lookups.values()))
        pending: deque[tuple[Lookup, int]] = deque((lookup, 1) for lookup in lookups.values())
        with httpx.Client(timeout=self.timeout, transport=self.transport) as http:
            while pending:
                batch = [pending.popleft() for _ in range(min(self.batch_size, len(pending)))]
                refs = {f"r{i}": item for i, item in enumerate(batch, start=1)}
                answer = self._post(http, refs)
                result.messages += 1
                for item in answer:
                    ref = item.get("reference_id")
                    if not isinstance(ref, str) or ref not in refs:
                        result.stray += 1  # a registry's own reference: it names no question
                        continue
                    lookup, page = refs.pop(ref)
                    if self._take(lookup, page, item):
                        pending.append((lookup, page + 1))
        result.seconds = time.perf_counter() - started
        return result

    def _take(self, lookup: Lookup, page: int, item: dict[str, Any]) -> bool:
        """Record one search response in ``lookup``; ``True``: ask for the next page."""
        status = item.get("status")
        if status == "rjct":
            lookup.status, lookup.reason = "rejected", str(item.get("status_reason_code"))[:60]
            lookup.records.clear()
            return False
        if status != "succ":
            # pdng (pending) and anything else: no answer yet, which a sync search should not give.
            return False
        data = item.get("data") if isinstance(item.get("data"), dict) else {}
        records = data.get("reg_records") if isinstance(data, dict) else None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise self._invalid("search_response[].data.reg_records", "not a list of records")
        lookup.records.extend(records)
        lookup.status = "found" if lookup.records else "not_found"
        pages = item.get("pagination")
        total = pages.get("total_count") if isinstance(pages, dict) else None
        size = pages.get("page_size", self.page_size) if isinstance(pages, dict) else None
        if not isinstance(total, int) or not isinstance(size, int) or size < 1 or not records:
            return False
        if page >= MAX_PAGES and total > page * size:
            raise self._invalid(
                "search_response[].pagination", f"more than {MAX_PAGES} pages for one value"
            )
        return total > page * size

    def _envelope(self, refs: dict[str, tuple[Lookup, int]]) -> dict[str, Any]:
        stamp = now()
        requests = [
            {
                "reference_id": ref,
                "timestamp": stamp,
                "search_criteria": {
                    "version": VERSION,
                    "reg_type": REG_TYPE,
                    "query_type": "idtype-value",
                    "query": {"type": lookup.id_type, "value": lookup.value},
                    "pagination": {"page_size": self.page_size, "page_number": page},
                },
            }
            for ref, (lookup, page) in refs.items()
        ]
        header = {
            "version": VERSION,
            "message_id": new_id(),
            "message_ts": stamp,
            "action": "search",
            "sender_id": self.signatures.registry_id,
            "total_count": len(requests),
            "is_msg_encrypted": False,
        }
        if self.receiver_id:
            header["receiver_id"] = self.receiver_id
        message = {"transaction_id": new_id(), "search_request": requests}
        return self.signatures.sign({"header": header, "message": message})

    def _post(
        self, http: httpx.Client, refs: dict[str, tuple[Lookup, int]]
    ) -> list[dict[str, Any]]:
        """Send one message; its ``search_response`` items, the answer checked."""
        body = self._envelope(refs)
        where = self.endpoint.split("?")[0][:200]
        try:
            response = http.post(
                self.endpoint, json=body, headers={"Authorization": f"Bearer {self.token}"}
            )
        except httpx.TimeoutException:
            self._note(f"search to {where}: {len(refs)} requests, timed out")
            raise RegistryUnreachable(
                f"DCI registry {where} did not answer within {self.timeout:g} s; try again "
                "later or raise PADAN_DCI_CLIENT_TIMEOUT",
                code="timeout",
            ) from None
        except httpx.HTTPError as exc:
            self._note(f"search to {where}: {len(refs)} requests, {type(exc).__name__}")
            raise RegistryUnreachable(
                f"DCI registry {where} cannot be reached ({type(exc).__name__}); check "
                "PADAN_DCI_CLIENT_URL and the network",
                code="unreachable",
            ) from None
        self._note(f"search to {where}: {len(refs)} requests, HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        refused = _refusal(answer)
        if refused is not None or response.status_code >= 400:
            code, text = refused or ("http", "")
            raise RegistryRefused(
                f"DCI registry {where} refused the search: HTTP {response.status_code}, "
                f"{code} {_masked(text)[:200]!r}; {_FIX.get(code, 'see the code in the DCI spec')}",
                code=code,
            )
        return self._search_response(answer)

    def _search_response(self, answer: Any) -> list[dict[str, Any]]:
        if not isinstance(answer, dict) or not isinstance(answer.get("header"), dict):
            raise self._invalid("body", "not a JSON envelope with header and message")
        header, message = answer["header"], answer.get("message")
        if header.get("action") != "on-search":
            raise self._invalid("header.action", f"{str(header.get('action'))[:30]!r}")
        if not isinstance(message, dict) or not isinstance(message.get("search_response"), list):
            raise self._invalid("message.search_response", "missing or not a list")
        if self.registry_keys:
            checker = Signatures(self.signatures.key, "", self.registry_keys, require=True)
            signature = answer.get("signature")
            try:
                checker.check(signature if isinstance(signature, str) else None, header, message)
            except DciError as exc:
                raise self._invalid("signature", f"{exc.code}: {exc.message}") from None
        return [i for i in message["search_response"] if isinstance(i, dict)]

    def _invalid(self, where: str, seen: str) -> RegistryAnswerInvalid:
        return RegistryAnswerInvalid(
            f"DCI registry {self.endpoint[:200]} answered a search with an unusable {where} "
            f"({_masked(seen)}); it must answer with the spec's on-search envelope (and sign it "
            "with a key in PADAN_DCI_CLIENT_REGISTRY_KEYS when that is set)",
            code="answer_invalid",
        )

    def _note(self, line: str) -> None:
        if self.on_exchange is not None:
            self.on_exchange(line)


#: What to do about each refusal code.
_FIX = {
    "http": "check PADAN_DCI_CLIENT_URL (the registry's base URL, without /registry)",
    "err.request.unauthorized": "check PADAN_DCI_CLIENT_TOKEN (a valid bearer token)",
    "err.request.forbidden": "ask the registry for the search permission",
    "err.sender_id.invalid": "use the sender id agreed with the registry (PADAN_DCI_REGISTRY_ID)",
    "err.receiver_id.invalid": "set PADAN_DCI_CLIENT_RECEIVER_ID to the registry's id",
    "err.signature.missing": "send Padan's public key (/.well-known/jwks.json) to the registry",
    "err.signature.invalid": "give the registry Padan's current key (/.well-known/jwks.json)",
    "err.request.too_many_requests": "try again later",
    "err.service.unavailable": "try again later",
}


def _masked(text: str) -> str:
    return _DIGITS.sub("<digits>", text)


def _refusal(answer: Any) -> tuple[str, str] | None:
    """The error code and text of a DCI error answer, if ``answer`` is one."""
    message = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(message, dict) or message.get("ack_status") != "ERR":
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("code"))[:60], str(errors[0].get("message", ""))
        return None
    error = message.get("error")
    if not isinstance(error, dict):
        return "ERR", ""
    return str(error.get("code", "ERR"))[:60], str(error.get("message", ""))
