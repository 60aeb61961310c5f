"""Benchmark: p95 latency of child search and child profile under 20 concurrent API clients.

Builds a synthetic store (DTSEN + KPAI, linked), serves it with ``padan serve`` in its own
process on loopback, and runs 20 client threads (httpx, Bearer token) for a fixed time, each
alternating searches (name prefixes and NIKs taken from the store) and profile views.
Prints requests, p50, p95 and max per kind. Target (issue 5): p95 <= 150 ms for both at
1M DTSEN rows (``--households 250000``; the default is small for a shared machine).

    .venv/bin/python benchmarks/web_load.py --households 5000 --seconds 20
    .venv/bin/python benchmarks/web_load.py --db sqlite:///padan.db   # an existing linked store
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PADAN = str(Path(sys.executable).parent / "padan")


def _build(work: Path, households: int) -> str:
    from padan.ingest import ingest_file
    from padan.registry import run_linkage
    from padan.store import open_store
    from padan.synth import generate

    data = generate(work / "data", households=households, seed=3)
    url = f"sqlite:///{work / 'padan.db'}"
    store = open_store(url)
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    run_linkage(store, model_path=work / "model.json")
    return url


def _samples(url: str, n: int = 400) -> tuple[list[str], list[str]]:
    from padan.store import open_store

    store = open_store(url)
    with store.engine.connect() as conn:
        from sqlalchemy import text

        names = [
            r[0]
            for r in conn.execute(
                text("SELECT nama_norm FROM dtsen_individu WHERE nama_norm IS NOT NULL LIMIT :n"),
                {"n": n},
            )
        ]
        niks = [
            r[0]
            for r in conn.execute(
                text("SELECT nik FROM dtsen_individu WHERE nik IS NOT NULL LIMIT :n"), {"n": n}
            )
        ]
    queries = [" ".join(name.split()[:2]) for name in names] + niks
    return queries, []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--db", help="use this linked store instead of building one")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=1, help="padan serve --workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="padan-web-bench-") as folder:
        work = Path(folder)
        started = time.perf_counter()
        url = args.db or _build(work, args.households)
        from padan.store import open_store
        from padan.web.auth import create_token, create_user

        store = open_store(url)
        print(
            f"store: {store.count_records('dtsen_individu'):,} DTSEN rows, "
            f"{store.count_records('kpai_kasus'):,} KPAI rows "
            f"(built in {time.perf_counter() - started:.0f} s)"
        )
        user = f"bench{random.randrange(10**6)}"
        create_user(store, user, role="peninjau", password="benchmark-password")
        token = create_token(store, user)
        queries, _ = _samples(url)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "PADAN_MODEL_PATH": str(work / "model.json")}
        server = subprocess.Popen(
            [PADAN, "serve", "--port", str(port), "--db", url, "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):  # workers start in parallel, each loading the region list
                try:
                    httpx.get(base + "/login", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers) as warm:
                children = sorted(
                    {
                        h["child_id"]
                        for q in queries[:100]
                        for h in warm.get("/api/v1/children", params={"q": q}).json()["results"]
                    }
                )
            timings: dict[str, list[float]] = {"search": [], "profile": []}
            errors: list[int] = []
            lock = threading.Lock()
            stop = time.perf_counter() + args.seconds

            def user_loop(seed: int) -> None:
                rng = random.Random(seed)
                with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                    while time.perf_counter() < stop:
                        kind = rng.choice(("search", "profile"))
                        t0 = time.perf_counter()
                        if kind == "search":
                            response = client.get(
                                "/api/v1/children", params={"q": rng.choice(queries)}
                            )
                        else:
                            response = client.get(f"/api/v1/children/{rng.choice(children)}")
                        elapsed = time.perf_counter() - t0
                        with lock:
                            timings[kind].append(elapsed)
                            if response.status_code != 200:
                                errors.append(response.status_code)

            threads = [threading.Thread(target=user_loop, args=(i,)) for i in range(args.users)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=10)
        print(
            f"{args.users} concurrent users, {args.seconds:.0f} s, server workers "
            f"{args.workers}, {len(errors)} errors"
        )
        print(f"{'kind':8} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for kind, values in timings.items():
            values.sort()
            if not values:
                continue
            p50 = values[len(values) // 2] * 1000
            p95 = values[int(len(values) * 0.95) - 1] * 1000
            print(f"{kind:8} {len(values):>9} {p50:>8.1f} {p95:>8.1f} {values[-1] * 1000:>8.1f}")
        print("target: p95 <= 150 ms for search and profile at 1M DTSEN rows")
        store.engine.dispose()


if __name__ == "__main__":
    main()
