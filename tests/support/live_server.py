"""The web app served by uvicorn on a thread, on a free loopback port, for browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from padan.store import open_store
from padan.web import create_app


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve an ASGI ``app`` on a free loopback port; yields its base URL, stops it on exit."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def live_server(url: str, model: Path) -> Iterator[str]:
    """Serve the app over the store at ``url``; yields its base URL, stops it on exit."""
    store = open_store(url)
    app = create_app(store, model_path=model, secure_cookies=False)
    try:
        with serve_app(app) as base:
            yield base
    finally:
        store.engine.dispose()
