"""Benchmark: latency of child search and child profile under 20 concurrent users (issue 5).

Serves a linked store with ``padan serve`` on loopback and runs a load generator in a separate
process. Users are modelled like locust users: each of the ``--users`` users waits a random
think time (uniform ``--think-min``..``--think-max`` seconds, default 0.5-1.5 s) between its
requests, and each request is a search (a name prefix or a NIK drawn at random from the store)
or a profile view (a random child of the latest linkage run), half and half, with a Bearer
token of a ``peninjau`` user (national scope, full NIK: the widest reads). Every request is
audited by the server, as in production. The load generator is a minimal asyncio HTTP/1.1
client (one keep-alive connection per user), so it takes little CPU from the server.

Prints requests, errors, p50/p95/p99/max per endpoint, the server's CPU per request (from
/proc, all worker processes) and the load generator's CPU. Target: p95 <= 150 ms for both at
1M DTSEN rows.

    .venv/bin/python benchmarks/web_load.py --households 5000 --seconds 30
    .venv/bin/python benchmarks/web_load.py --db sqlite:////tmp/big/padan.db --workers 2
    .venv/bin/python benchmarks/web_load.py --db ... --think-min 0 --think-max 0  # saturation

A 1M-row store: ``padan synth --households 250000 --out DIR``, ``padan ingest dtsen`` and
``padan ingest kpai`` its files, ``padan link`` (about 15 minutes on 2 cores), then ``--db``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

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


def _samples(url: str, n: int = 500) -> tuple[list[str], list[str]]:
    """Search queries (name prefixes of one or two words, NIKs) and child ids, at random."""
    from sqlalchemy import text

    from padan.domain.names import normalise_name
    from padan.store import open_store

    store = open_store(url)
    with store.engine.connect() as conn:
        names = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT nama_norm FROM dtsen_individu WHERE nama_norm IS NOT NULL "
                    "AND is_current ORDER BY random() LIMIT :n"
                ),
                {"n": n},
            )
        ]
        niks = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT nik FROM dtsen_individu WHERE nik IS NOT NULL AND is_current "
                    "ORDER BY random() LIMIT :n"
                ),
                {"n": n // 2},
            )
        ]
        children = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT child_id FROM child_links WHERE run_id = "
                    "(SELECT max(id) FROM link_runs) ORDER BY random() LIMIT :n"
                ),
                {"n": n},
            )
        ]
    store.engine.dispose()
    rng = random.Random(5)
    # A person is looked up by the first word of the name, or the first two (a query the
    # server would refuse, under 2 letters, is left out: it would measure the error path).
    prefixes = [" ".join(name.split()[: rng.choice((1, 2, 2))]) for name in names]
    queries = [q for q in prefixes if len(normalise_name(q).text) >= 2] + niks
    return queries, children


# -- load generator (its own process) ---------------------------------------------------------


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, headers: bytes
) -> tuple[int, bytes]:
    writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n")
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length)
    return status, body


async def _user(
    seed: int,
    port: int,
    token: str,
    work: dict[str, list[str]],
    args: dict[str, float],
    stop: float,
    results: list[tuple[str, float, int]],
) -> None:
    rng = random.Random(seed)
    headers = f"Authorization: Bearer {token}\r\nAccept: application/json\r\n".encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    # Users arrive over the first think time, not all in the same millisecond.
    await asyncio.sleep(rng.uniform(0, args["think_max"]))
    while time.perf_counter() < stop:
        if rng.random() < 0.5:
            kind = "search"
            q = urllib.parse.quote(rng.choice(work["queries"]))
            path = f"/api/v1/children?q={q}&purpose=benchmark"
        else:
            kind = "profile"
            path = f"/api/v1/children/{rng.choice(work['children'])}?purpose=benchmark"
        t0 = time.perf_counter()
        status, _ = await _get(reader, writer, path, headers)
        results.append((kind, time.perf_counter() - t0, status))
        await asyncio.sleep(rng.uniform(args["think_min"], args["think_max"]))
    writer.close()


async def _load(
    port: int, token: str, work: dict[str, list[str]], args: dict[str, float]
) -> list[tuple[str, float, int]]:
    results: list[tuple[str, float, int]] = []
    stop = time.perf_counter() + args["seconds"]
    users = [_user(i, port, token, work, args, stop, results) for i in range(int(args["users"]))]
    await asyncio.gather(*users)
    return results


def _load_process(
    port: int, token: str, work: dict[str, list[str]], args: dict[str, float], out: str
) -> None:
    results = asyncio.run(_load(port, token, work, args))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    Path(out).write_text(
        json.dumps({"results": results, "cpu": usage.ru_utime + usage.ru_stime}),
        encoding="utf-8",
    )


# -- server CPU -------------------------------------------------------------------------------


def _cpu_seconds(root: int) -> float:
    """User + system CPU of a process and its descendants (Linux /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    wanted, total = {root}, 0.0
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    for pid in wanted:
        total += stats.get(pid, (0, 0.0))[1]
    return total


def _percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values``."""
    rank = max(1, int(-(-q * len(values) // 100)))
    return values[min(rank, len(values)) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--db", help="use this linked store instead of building one")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think-min", type=float, default=0.5, help="seconds between requests")
    parser.add_argument("--think-max", type=float, default=1.5)
    parser.add_argument("--workers", type=int, default=2, help="padan serve --workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="padan-web-bench-") as folder:
        work = Path(folder)
        started = time.perf_counter()
        url = args.db or _build(work, args.households)
        from padan.access.auth import create_token, create_user
        from padan.store import open_store

        store = open_store(url)
        print(
            f"store: {store.count_records('dtsen_individu'):,} DTSEN rows, "
            f"{store.count_records('kpai_kasus'):,} KPAI rows "
            f"(ready in {time.perf_counter() - started:.0f} s)"
        )
        user = f"bench{random.randrange(10**6)}"
        create_user(store, user, role="peninjau", password="benchmark-password")
        token = create_token(store, user)
        store.engine.dispose()
        queries, children = _samples(url)
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
        try:
            for _ in range(1200):  # workers start in parallel, each loading the region list
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2):
                        break
                except OSError:
                    time.sleep(0.1)
            settings = {
                "users": float(args.users),
                "seconds": args.seconds,
                "think_min": args.think_min,
                "think_max": args.think_max,
            }
            sample = {"queries": queries, "children": children}
            # Warm-up: a few requests per worker, not measured.
            warm = {**settings, "users": float(args.workers * 2), "seconds": 3.0}
            out = str(work / "load.json")
            ctx = multiprocessing.get_context("spawn")
            warmer = ctx.Process(target=_load_process, args=(port, token, sample, warm, out))
            warmer.start()
            warmer.join()
            cpu_before = _cpu_seconds(server.pid)
            wall = time.perf_counter()
            loader = ctx.Process(target=_load_process, args=(port, token, sample, settings, out))
            loader.start()
            loader.join()
            wall = time.perf_counter() - wall
            server_cpu = _cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        done = json.loads(Path(out).read_text(encoding="utf-8"))
        results = done["results"]
        errors = [r for r in results if r[2] != 200]
        print(
            f"{args.users} users, each waiting {args.think_min:g}-{args.think_max:g} s (random) "
            f"between requests; {args.seconds:.0f} s; padan serve --workers {args.workers}; "
            f"loopback"
        )
        print(
            f"{len(results)} requests ({len(results) / wall:.1f}/s), {len(errors)} errors "
            f"{dict(Counter(r[2] for r in errors)) or ''}; "
            f"server CPU {server_cpu / max(len(results), 1) * 1000:.1f} ms per request; "
            f"load generator CPU {done['cpu']:.1f} s in {wall:.0f} s"
        )
        print(
            f"{'endpoint':8} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        )
        for kind in ("search", "profile"):
            values = sorted(r[1] * 1000 for r in results if r[0] == kind)
            if not values:
                continue
            p50, p95, p99 = (_percentile(values, q) for q in (50, 95, 99))
            print(
                f"{kind:8} {len(values):>9} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {values[-1]:>8.1f}"
            )
        print("target: p95 <= 150 ms for search and profile at 1M DTSEN rows")


if __name__ == "__main__":
    main()
