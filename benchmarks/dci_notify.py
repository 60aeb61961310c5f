"""Benchmark: ``padan dci notify`` after a quarter's DTSEN snapshot.

A synthetic store is ingested and linked; four subscriptions of a national Kemensos analyst
(UPDATE, GAP_STATUS, REGISTER, LINK, each for the children of the most common province) are
made; then a complete DTSEN extract in which a share of the records changed decile and aid is
ingested as a snapshot and linked, and the notifications are sent to a local receiver. Prints
the record events, the seconds, messages and children per subscription, and the seconds of a
second round (nothing new).

    .venv/bin/python benchmarks/dci_notify.py --households 5000 --changed 0.1
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from padan.access.auth import create_user
from padan.dci.notify import deliver_notifications
from padan.dci.signatures import Signatures, load_signing_key
from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot
from padan.registry import run_linkage
from padan.store import open_store
from padan.store.dci_state import add_subscription
from padan.synth import generate


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def _changed_copy(source: Path, target: Path, share: float, seed: int) -> int:
    rng = random.Random(seed)
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    changed = 0
    for row in rows:
        if rng.random() < share and row.get("desil"):
            row["desil"] = str(1 + (int(row["desil"]) % 10))
            row["penerima_pkh"] = "0" if row.get("penerima_pkh") == "1" else "1"
            changed += 1
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--changed", type=float, default=0.1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="padan-notify-"))
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    data = generate(work / "data", households=args.households, seed=19)
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    model = work / "model.json"
    run_linkage(store, model_path=model)
    codes = [r["kode_wilayah"][:2] for r in store.fetch_records("dtsen_individu")]
    province = max(set(codes), key=codes.count)
    create_user(store, "wati", role="analis_kemensos", password="rahasia-sekali-123")
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    region = [
        {"expression1": {"attribute_name": "region", "operator": "eq", "attribute_value": province}}
    ]
    for event in ("UPDATE", "GAP_STATUS", "REGISTER", "LINK"):
        add_subscription(
            store,
            code=f"bench-{event.lower()}",
            username="wati",
            sender_id="bench",
            event_type=event,
            criteria={"query_type": "predicate", "query": region},
            notify_url=f"http://127.0.0.1:{server.server_port}/registry/notify",
        )
    changed = _changed_copy(data.files["dtsen"], work / "q2.csv", args.changed, seed=20)
    batch = ingest_file(work / "q2.csv", source="dtsen", store=store, snapshot=Snapshot())
    run_linkage(store, model_path=model)
    events = store.batch_event_counts(batch.batch_id)
    signatures = Signatures(load_signing_key(None), "padan")
    rounds = []
    for _ in range(2):
        start = time.perf_counter()
        done = deliver_notifications(
            store, registry_id="padan", callback_hosts={"127.0.0.1"}, signatures=signatures
        )
        rounds.append((time.perf_counter() - start, done))
    server.shutdown()
    print(
        json.dumps(
            {
                "households": args.households,
                "rows_changed": changed,
                "record_events": events,
                "province": province,
                "first_round_s": round(rounds[0][0], 2),
                "second_round_s": round(rounds[1][0], 3),
                "subscriptions": [
                    {
                        "code": d.code,
                        "messages": d.messages,
                        "children": d.children,
                        "outcome": d.outcome,
                    }
                    for d in rounds[0][1]
                ],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
