"""The DCI conformance suite's mock registry (``common/mock-server/server.mjs``) run by node on
a free loopback port, for the DCI client tests (tests/dci/test_client_mock.py).

The suite is copied, never changed: once per machine into a folder under the temporary
directory named by the hash of its ``package-lock.json``, where ``npm ci`` runs once (later
sessions reuse its ``node_modules``; a lock file keeps two sessions from installing at once).
``PADAN_DCI_SUITE`` names the suite's folder (default: ``shared/vendor/spdci-compliance``
beside the checkout, as ``scripts/dci-compliance``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def suite_folder() -> Path:
    given = os.environ.get("PADAN_DCI_SUITE")
    return Path(given) if given else ROOT.parent / "shared" / "vendor" / "spdci-compliance"


def missing() -> str | None:
    """Why the mock registry cannot run here, or ``None``."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not installed"
    if not (suite_folder() / "package-lock.json").exists():
        return f"no DCI conformance suite in {suite_folder()} (set PADAN_DCI_SUITE)"
    return None


def prepared_suite() -> Path:
    """A copy of the suite with its ``node_modules`` installed (made once, then reused)."""
    source = suite_folder()
    lock = hashlib.sha256((source / "package-lock.json").read_bytes()).hexdigest()[:16]
    copy = Path(tempfile.gettempdir()) / f"padan-spdci-{lock}"
    with open(f"{copy}.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not (copy / ".installed").exists():
            shutil.rmtree(copy, ignore_errors=True)
            ignore = shutil.ignore_patterns("node_modules", ".git")
            shutil.copytree(source, copy, ignore=ignore)
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=copy,
                check=True,
                capture_output=True,
                timeout=600,
            )
            (copy / ".installed").write_text("ok\n", encoding="utf-8")
    return copy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def mock_registry() -> Iterator[str]:
    """Run the mock Social Registry; yields its base URL, stops it on exit."""
    folder = prepared_suite()
    port = _free_port()
    env = os.environ | {"DOMAIN": "social", "PORT": str(port)}
    log = open(folder.parent / f"padan-spdci-{port}.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        ["node", "common/mock-server/server.mjs"], cwd=folder, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if server.poll() is not None:
                raise RuntimeError(f"the mock registry stopped; see {log.name}")
            try:
                urllib.request.urlopen(f"{url}/admin/healthcheck", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"the mock registry did not start in 10 s; see {log.name}")
        yield url
    except BaseException:
        server.terminate()
        server.wait(timeout=10)
        log.close()  # kept, to see why
        raise
    server.terminate()
    server.wait(timeout=10)
    log.close()
    Path(log.name).unlink()


def admin(url: str, path: str, body: Any = None, method: str | None = None) -> Any:
    """Call the mock's admin API (``/admin/...``); its JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{url}/admin/{path}",
        data=data,
        method=method or ("POST" if data is not None else "GET"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@contextmanager
def mock_registry_or_skip() -> Iterator[str]:
    """:func:`mock_registry`, or skip the test where it cannot run: node, npm or the suite
    missing. With ``CI`` or ``PADAN_REQUIRE_NODE`` set, a missing part fails the test instead
    (``scripts/test`` installs node before the tests)."""
    import pytest

    why = missing()
    if why is not None:
        if os.environ.get("CI") or os.environ.get("PADAN_REQUIRE_NODE"):
            pytest.fail(f"the DCI mock registry must run here: {why}")
        pytest.skip(why)
    with mock_registry() as url:
        yield url
