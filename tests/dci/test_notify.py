"""DCI subscriptions and ``notify``: partners subscribe after quarter 1 of the hand-written
children (tests/support/child_events.py), quarter 2 is ingested and linked, and
``deliver_notifications`` posts what happened to a real local receiver, under each
subscriber's policy; kept in the database, resumed after a failure, idempotent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from padan.access.auth import create_token, create_user
from padan.dci.notify import Delivery, deliver_notifications
from padan.dci.signatures import Signatures
from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.store import Store, open_store
from padan.store.audit import audit_entries
from padan.store.dci_state import subscriptions
from padan.web import create_app
from support.child_events import EventWorld, build_event_world, child_nik
from support.dci import envelope
from support.situations import KPAI_HEADER

USERS = {
    "kemensos1": ("analis_kemensos", None),  # national, NIK masked, welfare and aid
    "daerah1": ("petugas_daerah", "32.02"),  # one regency, NIK in full
    "kpai1": ("analis_kpai", None),  # no welfare or aid fields
}
REGION_32 = [
    {"expression1": {"attribute_name": "region", "operator": "eq", "attribute_value": "32"}}
]
#: name → (user, event type, filter, path prefix of the subscriber's address)
SUBSCRIPTIONS: dict[str, tuple[str, str, Any, str]] = {
    "kemensos_update": ("kemensos1", "UPDATE", REGION_32, ""),
    "kemensos_gap": ("kemensos1", "GAP_STATUS", REGION_32, ""),
    "kemensos_nik_c": ("kemensos1", "UPDATE", {"type": "NIK", "value": child_nik("C")}, ""),
    "daerah_register": ("daerah1", "REGISTER", REGION_32, ""),
    "daerah_update": ("daerah1", "UPDATE", REGION_32, ""),
    "kpai_link": ("kpai1", "LINK", REGION_32, ""),
    "kemensos_unlink": ("kemensos1", "UNLINK", REGION_32, ""),
    "flaky": ("kemensos1", "REGISTER", REGION_32, "/flaky"),
}


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, Any]]]] = []
    flaky_down: ClassVar[bool] = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        down = self.path.startswith("/flaky") and self.flaky_down
        if not down:
            self.received.append((self.path, body))
        self.send_response(503 if down else 200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"message": {"ack_status": "ACK"}}')

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class World:
    events: EventWorld
    url: str
    base: str
    tokens: dict[str, str]
    codes: dict[str, str] = field(default_factory=dict)
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def store(self) -> Store:
        return self.events.store

    def deliver(self, hosts: frozenset[str] = frozenset({"127.0.0.1"})) -> dict[str, Delivery]:
        done = deliver_notifications(
            self.store,
            registry_id="padan",
            callback_hosts=hosts,
            signatures=Signatures(self.key, "padan"),
        )
        by_code = {d.code: d for d in done}
        return {name: by_code[code] for name, code in self.codes.items() if code in by_code}

    def client(self) -> TestClient:
        app = create_app(
            self.store,
            model_path=self.events.model,
            secure_cookies=False,
            dci_callback_hosts="127.0.0.1",
        )
        return TestClient(app)


def _subscribe(
    client: TestClient, world: World, user: str, criteria: dict[str, Any], prefix: str = ""
) -> tuple[Any, dict[str, Any]]:
    """POST one subscribe request; the HTTP response and the on-subscribe answer's item."""
    message = {
        "transaction_id": f"t-sub-{len(_Receiver.received)}",
        "subscribe_request": [
            {
                "reference_id": "r-1",
                "timestamp": "2026-12-06T10:00:00Z",
                "subscribe_criteria": criteria,
            }
        ],
    }
    uri = f"{world.base}{prefix}/registry/on-subscribe"
    body = envelope("subscribe", message, sender_uri=uri)
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    response = client.post("/registry/subscribe", json=body, headers=headers)
    answers = [b for p, b in _Receiver.received if p.endswith("/on-subscribe")]
    item: dict[str, Any] = answers[-1]["message"]["subscribe_response"][0] if answers else {}
    return response, item


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received, _Receiver.flaky_down = [], False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    work = tmp_path_factory.mktemp("dci-notify")
    url = f"sqlite:///{work / 'padan.db'}"
    store = open_store(url)
    tokens = {}
    for name, (role, region) in USERS.items():
        create_user(store, name, role=role, password="rahasia-sekali-123", region=region)
        tokens[name] = create_token(store, name)
    holder: list[World] = []

    def subscribe_all() -> None:  # after quarter 1 is linked, before quarter 2
        world = holder[0]
        with world.client() as client:
            for name, (user, event_type, query, prefix) in SUBSCRIPTIONS.items():
                criteria = {
                    "reg_event_type": event_type,
                    "filter_type": "predicate" if isinstance(query, list) else "idtype-value",
                    "filter": query,
                    "notify_record_type": "Member",
                }
                response, item = _subscribe(client, world, user, criteria, prefix)
                assert response.status_code == 200 and item["status"] == "succ", item
                world.codes[name] = item["subscriptions"][0]["code"]
        _Receiver.flaky_down = True

    partial = EventWorld(store, work / "model.json", {})
    holder.append(World(partial, url, f"http://127.0.0.1:{server.server_port}", tokens))
    holder[0].events = build_event_world(store, work, between=subscribe_all)
    _Receiver.received = []
    yield holder[0]
    server.shutdown()
    server.server_close()
    store.engine.dispose()


@dataclass
class Round:
    deliveries: dict[str, Delivery]
    messages: list[tuple[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def first(world: World) -> Round:
    """The first delivery after quarter 2 (the flaky subscriber is down)."""
    start = len(_Receiver.received)
    done = world.deliver()
    return Round(done, _Receiver.received[start:])


def _notified(world: World, rnd: Round, name: str) -> dict[str, dict[str, Any]]:
    """The children a subscription was notified of: child id → its notify item."""
    txn = world.codes[name]
    found = {}
    for path, body in rnd.messages:
        if body["message"]["transaction_id"].startswith(txn):
            assert path.endswith("/registry/notify") and body["header"]["action"] == "notify"
            for item in body["message"]["notify_event"]:
                record = item["data"]["reg_records"]
                found[record["identifier"]["identifier_value"]] = item
    return found


def _children(world: World, *names: str) -> set[str]:
    return {world.events.child[n] for n in names}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("kemensos_update", "ABCDE"),  # B-E changed; A's DTSEN record retired
        ("kemensos_gap", "ABCF"),  # left DTSEN, became eligible, stopped PKH, entered DTSEN
        ("kemensos_nik_c", "C"),  # the filter names one child
        ("daerah_register", "F"),  # B's new complaint is in 32.01, outside 32.02
        ("daerah_update", "CD"),  # D moved into 32.02; B and E stay outside
        ("kpai_link", "BF"),  # F is a new child, B's new complaint joined B
        ("kemensos_unlink", "A"),  # A's DTSEN record is gone; A stays by its complaint
    ],
)
def test_notify_sends_each_subscription_the_children_of_its_events(
    world: World, first: Round, name: str, expected: str
) -> None:
    got = set(_notified(world, first, name))
    wanted = _children(world, *expected)
    assert got == wanted
    assert first.deliveries[name].outcome == "HTTP 200"
    assert first.deliveries[name].children == len(wanted)


def test_notify_items_say_what_happened(world: World, first: Round) -> None:
    gap = _notified(world, first, "kemensos_gap")
    events = {
        c: item["data"]["reg_records"]["additional_attributes"][-1]["events"]
        for c, item in gap.items()
    }
    assert events[world.events.child["A"]] == ["left_dtsen"]
    assert events[world.events.child["C"]] == ["stopped_receiving:penerima_pkh"]
    assert events[world.events.child["F"]] == ["entered_dtsen"]
    assert events[world.events.child["B"]][0].startswith("became_eligible:")
    item = gap[world.events.child["B"]]
    assert (
        item["data"]["reg_event_type"] == "GAP_STATUS"
        and item["data"]["reg_record_type"] == "SRPerson"
    )
    update = _notified(world, first, "kemensos_update")
    d = update[world.events.child["D"]]["data"]["reg_records"]["additional_attributes"][-1]
    assert d["events"] == ["record_changed:dtsen:kode_wilayah"]


def test_notify_masks_as_a_search_does(world: World, first: Round) -> None:
    masked = _notified(world, first, "kemensos_update")[world.events.child["C"]]
    full = _notified(world, first, "daerah_update")[world.events.child["C"]]
    nik_c = child_nik("C")

    def nik(item: dict[str, Any]) -> str:
        return str(item["data"]["reg_records"]["additional_identifiers"][0]["identifier_value"])

    assert nik(full) == nik_c
    assert nik(masked) != nik_c and nik(masked).startswith(nik_c[:6]) and "*" in nik(masked)
    kemensos = tuple(world.codes[n] for n, sub in SUBSCRIPTIONS.items() if sub[0] == "kemensos1")
    for _, body in first.messages:
        if body["message"]["transaction_id"].startswith(kemensos):
            assert nik_c not in json.dumps(body)


def test_notify_is_signed_by_the_registry(world: World, first: Round) -> None:
    _, body = first.messages[0]
    kid = Signatures(world.key, "padan").kid
    checker = Signatures(Ed25519PrivateKey.generate(), "other", {kid: world.key.public_key()})
    checker.check(body["signature"], body["header"], body["message"])  # raises if not
    assert (
        body["header"]["sender_id"] == "padan" and body["header"]["receiver_id"] == "test-partner"
    )


def test_notify_is_audited_with_the_children_shown_and_no_identifier(
    world: World, first: Round
) -> None:
    rows = [e for e in audit_entries(world.store, limit=200) if e.action == "registry_notify"]
    daerah = [
        e for e in rows if e.username == "daerah1" and world.codes["daerah_update"] in e.target
    ]
    assert daerah and set(daerah[-1].child_ids) == _children(world, "C", "D")
    assert all("HTTP 200" in e.target or "HTTP 503" in e.target for e in rows)
    assert not any(child_nik("C") in e.target for e in rows)


def test_notify_again_sends_nothing_twice(world: World, first: Round) -> None:
    start = len(_Receiver.received)
    again = world.deliver()
    sent = [b for p, b in _Receiver.received[start:] if not p.startswith("/flaky")]
    assert sent == []
    assert all(d.messages == 0 for n, d in again.items() if n != "flaky")
    assert again["kemensos_update"].outcome == "nothing new"


def test_a_failed_delivery_is_sent_again_until_it_is_taken(world: World, first: Round) -> None:
    assert first.deliveries["flaky"].outcome == "HTTP 503"
    assert first.deliveries["flaky"].messages == 0
    stored = {s.code: s for s in subscriptions(world.store)}[world.codes["flaky"]]
    assert stored.last_outcome == "HTTP 503"
    _Receiver.flaky_down = False
    start = len(_Receiver.received)
    done = world.deliver()
    flaky = [b for p, b in _Receiver.received[start:] if p.startswith("/flaky")]
    assert done["flaky"].outcome == "HTTP 200" and len(flaky) == 1
    records = [
        i["data"]["reg_records"]["identifier"]["identifier_value"]
        for i in flaky[0]["message"]["notify_event"]
    ]
    assert set(records) == _children(world, "B", "F")  # F's DTSEN record, B's new complaint
    assert world.deliver()["flaky"].messages == 0


def test_a_host_no_longer_allowed_gets_nothing_and_keeps_its_place(
    world: World, first: Round
) -> None:
    before = {s.code: s.run_cursor for s in subscriptions(world.store)}
    done = world.deliver(hosts=frozenset({"partner.example.go.id"}))
    assert {d.outcome for d in done.values()} == {"not sent: err.sender_uri.invalid"}
    assert {s.code: s.run_cursor for s in subscriptions(world.store)} == before


def test_subscriptions_and_transactions_survive_a_restart(world: World, first: Round) -> None:
    again = open_store(world.url)
    try:
        codes = {s.code for s in subscriptions(again)}
        assert set(world.codes.values()) <= codes
        app = create_app(again, model_path=world.events.model, secure_cookies=False)
        status = {
            "transaction_id": "t-status-restart",
            "txnstatus_request": {
                "reference_id": "r-status",
                "txn_type": "subscribe",
                "attribute_type": "transaction_id",
                "attribute_value": "t-sub-0",
            },
        }
        headers = {"Authorization": f"Bearer {world.tokens['kemensos1']}"}
        with TestClient(app) as client:
            response = client.post(
                "/registry/sync/txn/status", json=envelope("txn-status", status), headers=headers
            )
        answer = response.json()["message"]["txnstatus_response"]["txn_status"]
        assert [(i["reference_id"], i["status"]) for i in answer["search_response"]] == [
            ("r-1", "succ")
        ]
    finally:
        again.engine.dispose()


@pytest.mark.parametrize(
    ("user", "criteria", "reason", "names"),
    [
        (
            "kemensos1",
            {"reg_event_type": "BIRTH", "filter": REGION_32},
            "rjct.notify_types.invalid",
            "REGISTER",
        ),
        (
            "kpai1",
            {"reg_event_type": "GAP_STATUS", "filter": REGION_32},
            "rjct.notify_types.invalid",
            "desil",
        ),
        ("kemensos1", {"reg_event_type": "UPDATE"}, "rjct.notify_details.invalid", "filter"),
        (
            "kemensos1",
            {"reg_event_type": "UPDATE", "filter": {"type": "UIN", "value": "TEST-001"}},
            "rjct.notify_details.invalid",
            "16 digits",
        ),
        (
            "kpai1",
            {
                "reg_event_type": "UPDATE",
                "filter_type": "predicate",
                "filter": [
                    {
                        "expression1": {
                            "attribute_name": "desil",
                            "operator": "lt",
                            "attribute_value": "3",
                        }
                    }
                ],
            },
            "rjct.notify_details.invalid",
            "desil",
        ),
        (
            "kemensos1",
            {"reg_event_type": "UPDATE", "filter": REGION_32, "notify_record_type": "Group"},
            "rjct.notify_details.invalid",
            "Member",
        ),
        (
            "kemensos1",
            {"reg_event_type": "UPDATE", "filter_type": "predicate", "filter": REGION_32},
            "rjct.event.already_subscribed",
            "already",
        ),
    ],
)
def test_a_subscription_padan_cannot_honour_is_rejected_saying_why(
    world: World, first: Round, user: str, criteria: dict[str, Any], reason: str, names: str
) -> None:
    before = len(subscriptions(world.store))
    with world.client() as client:
        response, item = _subscribe(client, world, user, criteria)
    assert response.status_code == 200
    assert item["status"] == "rjct" and item["status_reason_code"] == reason
    assert names in item["status_reason_message"]
    assert len(subscriptions(world.store)) == before


def test_a_role_without_search_cannot_subscribe(world: World, first: Round) -> None:
    create_user(world.store, "audit9", role="auditor", password="rahasia-sekali-123")
    world.tokens["audit9"] = create_token(world.store, "audit9")
    with world.client() as client:
        response, _ = _subscribe(
            client, world, "audit9", {"reg_event_type": "UPDATE", "filter": REGION_32}
        )
    assert response.status_code == 403
    assert response.json()["message"]["error"]["code"] == "err.request.forbidden"


def _unsubscribe(world: World, user: str, codes: Any) -> dict[str, Any]:
    message = {
        "transaction_id": "t-unsub",
        "timestamp": "2026-12-06T10:00:00Z",
        "subscription_codes": codes,
    }
    body = envelope("unsubscribe", message, sender_uri=f"{world.base}/registry/on-unsubscribe")
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    with world.client() as client:
        assert client.post("/registry/unsubscribe", json=body, headers=headers).status_code == 200
    answer: dict[str, Any] = [b for p, b in _Receiver.received if p.endswith("/on-unsubscribe")][-1]
    return answer


def test_unsubscribe_refuses_codes_that_are_not_the_callers(world: World, first: Round) -> None:
    other = _unsubscribe(world, "daerah1", [world.codes["kemensos_gap"]])
    assert other["message"]["status"] == "rjct"
    assert other["message"]["status_reason_code"] == "rjct.subscription_code.invalid"
    bad = _unsubscribe(world, "kemensos1", "not-a-list")
    assert bad["message"]["error"]["code"] == "err.request.bad"
    assert world.codes["kemensos_gap"] in {s.code for s in subscriptions(world.store)}


def test_unsubscribe_stops_delivery(world: World, first: Round, tmp_path: Path) -> None:
    answer = _unsubscribe(world, "kemensos1", [world.codes["kemensos_update"]])
    assert answer["message"]["status"] == "succ"
    assert answer["message"]["subscription_status"] == [
        {"code": world.codes["kemensos_update"], "status": "unsubscribe"}
    ]
    # Quarter 3: C's complaint is closed (an update of child C), then linked.
    row = {
        "no_pengaduan": "EV/KC/2026",
        "tanggal_pengaduan": "2026-08-02",
        "nik_anak": child_nik("C"),
        "nama_anak": "Cahya Pratama",
        "jenis_kelamin": "L",
        "tanggal_lahir": "2012-05-11",
        "nama_ibu": "Siti Rahmawati",
        "kode_wilayah": "32.02.01.1001",
        "klaster": "V",
        "kategori": "d",
        "status_penanganan": "selesai",
    }
    path = tmp_path / "k3.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        import csv

        writer = csv.DictWriter(handle, fieldnames=KPAI_HEADER, restval="")
        writer.writeheader()
        writer.writerow(row)
    ingest_file(path, source="kpai", store=world.store)
    run_linkage(world.store, model_path=world.events.model)
    start = len(_Receiver.received)
    done = world.deliver()
    rnd = Round(done, _Receiver.received[start:])
    assert world.codes["kemensos_update"] not in {c for c in (d.code for d in done.values())}
    assert set(_notified(world, rnd, "kemensos_nik_c")) == _children(world, "C")
    assert set(_notified(world, rnd, "daerah_update")) == _children(world, "C")
    assert _notified(world, rnd, "kemensos_update") == {}
