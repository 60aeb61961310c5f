"""``padan dci notify`` and ``padan dci subscriptions``: a subscription made between two
quarters is notified once to a real local receiver; a host no longer allowed is reported
and exits 1; the listing shows the cursor and no filter."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from padan.access.auth import create_user
from padan.cli.main import app
from padan.store import open_store
from padan.store.dci_state import add_subscription
from support.child_events import build_event_world, child_nik

runner = CliRunner()


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str]]]:
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = tmp_path_factory.mktemp("dci-cli")
    url = f"sqlite:///{work / 'padan.db'}"
    store = open_store(url)
    create_user(store, "wati", role="analis_kemensos", password="rahasia-sekali-123")
    nik_c = {"query_type": "idtype-value", "query": {"type": "NIK", "value": child_nik("C")}}

    def subscribe() -> None:
        add_subscription(
            store,
            code="sub-c",
            username="wati",
            sender_id="dinsos",
            event_type="UPDATE",
            criteria=nik_c,
            notify_url=f"http://127.0.0.1:{server.server_port}/registry/notify",
        )

    built = build_event_world(store, work, between=subscribe)
    store.engine.dispose()
    yield url, work / "padan-dci.key", built.child
    server.shutdown()
    server.server_close()


def _run(db: str, key: Path, hosts: str, *args: str) -> tuple[int, str]:
    env = {"COLUMNS": "200", "PADAN_DCI_CALLBACK_HOSTS": hosts, "PADAN_DCI_KEY_FILE": str(key)}
    result = runner.invoke(app, ["dci", *args, "--db", db], env=env)
    return result.exit_code, result.output


def test_cli_dci_notify_sends_once_and_lists_the_cursor(
    world: tuple[str, Path, dict[str, str]],
) -> None:
    db, key, child = world
    code, output = _run(db, key, "127.0.0.1", "notify", "--json")
    assert code == 0, output
    (row,) = json.loads(output)["subscriptions"]
    assert (row["code"], row["messages"], row["children"], row["outcome"]) == (
        "sub-c",
        1,
        1,
        "HTTP 200",
    )
    (sent,) = _Receiver.received
    item = sent["message"]["notify_event"][0]
    assert item["data"]["reg_records"]["identifier"]["identifier_value"] == child["C"]
    assert key.stat().st_mode & 0o077 == 0  # the signing key was made, readable by its owner
    code, output = _run(db, key, "127.0.0.1", "notify")
    assert code == 0 and "nothing new" in output and len(_Receiver.received) == 1
    code, output = _run(db, key, "", "subscriptions", "--json")
    (listed,) = json.loads(output)["subscriptions"]
    assert (listed["delivered"], listed["run_cursor"], listed["last_outcome"]) == (
        1,
        2,
        "nothing new",
    )
    assert "filter" not in listed and child_nik("C") not in output


def test_cli_dci_notify_reports_a_host_no_longer_allowed(
    world: tuple[str, Path, dict[str, str]],
) -> None:
    db, key, _ = world
    code, output = _run(db, key, "partner.example.go.id", "notify")
    assert code == 1
    assert "err.sender_uri.invalid" in output
