"""The server log keeps an unexpected error's type, never its text or traceback."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from padan.store import open_store
from padan.web import create_app
from web.conftest import WebWorld


@pytest.mark.parametrize("logger", ["uvicorn.error", "padan.web"])
def test_app_logs_an_error_by_its_type_only(
    world: WebWorld, logger: str, caplog: pytest.LogCaptureFixture
) -> None:
    create_app(open_store(world.url), model_path=world.model)  # installs the filter
    secret = "NIK 3201015005140001 at /srv/padan/private"
    try:
        raise ValueError(secret)
    except ValueError:
        with caplog.at_level(logging.ERROR, logger=logger):
            logging.getLogger(logger).exception("Exception in ASGI application\n")
    assert "ValueError" in caplog.text
    assert "3201015005140001" not in caplog.text and "/srv/padan" not in caplog.text
    assert "Traceback" not in caplog.text


def test_app_unexpected_error_leaves_no_detail_in_the_log(
    world: WebWorld, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(open_store(world.url), model_path=world.model)

    @app.get("/api/v1/_fails")
    def fails() -> None:
        raise RuntimeError("Dewi Anggraini 3201015005140001")

    with caplog.at_level(logging.DEBUG), TestClient(app, raise_server_exceptions=False) as c:
        answer = c.get("/api/v1/_fails")
    assert answer.status_code == 500
    assert "RuntimeError" in caplog.text
    assert "Dewi" not in caplog.text and "3201015005140001" not in caplog.text
