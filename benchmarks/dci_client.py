"""Benchmark: Padan as a DCI client (``padan.dci.client``), NIKs asked per second.

Against Padan's own registry: a synthetic store is ingested and linked, served by uvicorn on a
free loopback port, and the NIKs of its DTSEN records are asked by an admin's token, 100 per
message. With ``--mock``, against the conformance suite's mock registry as well (node; it
answers at once, with no records: the client's own cost).

    .venv/bin/python benchmarks/dci_client.py --households 1000 --niks 1000 --mock
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

from padan.access.auth import create_token, create_user
from padan.dci.client import RegistryClient
from padan.dci.signatures import Signatures, load_signing_key
from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.store import open_store
from padan.synth import generate
from padan.web import create_app


def _report(what: str, client: RegistryClient, niks: list[str]) -> None:
    client.search("NIK", niks[:50])  # warm up
    result = client.search("NIK", niks)
    print(
        f"{what}: {len(niks)} NIKs in {result.messages} messages, {result.seconds:.2f} s, "
        f"{len(niks) / result.seconds:,.0f} NIKs/s; found {result.count('found')}, "
        f"not found {result.count('not_found')}, unanswered {result.count('unanswered')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--niks", type=int, default=1000)
    parser.add_argument("--mock", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="padan-dci-client-"))
    data = generate(work / "data", households=args.households, seed=3)
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    run_linkage(store, model_path=work / "model.json")
    create_user(store, "bench", role="admin", password="rahasia-sekali-123")
    token = create_token(store, "bench")
    rows = store.fetch_records("dtsen_individu")
    niks = sorted({r["nik"] for r in rows if r["nik_status"] == "valid"})[: args.niks]
    signatures = Signatures(load_signing_key(None), "bench")
    app = create_app(store, model_path=work / "model.json", secure_cookies=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    _report("Padan's registry", RegistryClient(url, token, signatures), niks)
    server.should_exit = True
    thread.join(timeout=10)
    if args.mock:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from support.mock_registry import mock_registry

        with mock_registry() as mock:
            many = [f"3201{i:012d}" for i in range(1, 5 * len(niks) + 1)]
            _report("suite's mock", RegistryClient(mock, "t", signatures), many)


if __name__ == "__main__":
    main()
