"""The language switch: sets the cookie and goes back to the page, on this site only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from web.conftest import WebWorld


@pytest.mark.parametrize(
    ("lang", "next_url", "location", "cookie"),
    [
        (
            "en",
            "/review?page=2&source_pair=kpai-dtsen",
            "/review?page=2&source_pair=kpai-dtsen",
            "en",
        ),
        ("id", "/dashboard", "/dashboard", "id"),
        ("xx", "/dashboard", "/dashboard", "id"),
        ("en", "//evil.example/", "/", "en"),
        ("en", "/\\evil.example/", "/", "en"),
        ("en", "https://evil.example/", "/", "en"),
        ("en", "/ok\nSet-Cookie: x=1", "/", "en"),
    ],
)
def test_language_switch_goes_back_to_a_local_page_only(
    client: TestClient, lang: str, next_url: str, location: str, cookie: str
) -> None:
    got = client.get(f"/lang/{lang}", params={"next": next_url}, follow_redirects=False)
    assert got.status_code == 303
    assert got.headers["location"] == location
    assert got.cookies.get("padan_lang") == cookie


def test_language_switch_link_keeps_the_pages_query(client: TestClient, world: WebWorld) -> None:
    page = client.get(
        "/review",
        params={"page": "2", "source_pair": "kpai-dtsen"},
        headers={"Authorization": f"Bearer {world.tokens['tinjau1']}"},
    )
    assert page.status_code == 200
    assert "/lang/en?next=/review%3Fpage%3D2%26source_pair%3Dkpai-dtsen" in page.text
