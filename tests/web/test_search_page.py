"""The search page says how many children it found."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from padan.store import Store
from web.conftest import WebWorld


def test_search_page_counts_the_children_it_shows(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    names = web_store.records_arrow("kpai_kasus", ["nama_anak"]).column("nama_anak").to_pylist()
    first = next(n for n in names if n).split()[0]
    page = client.get(
        "/children",
        params={"q": first, "purpose": "uji"},
        headers={"Authorization": f"Bearer {world.tokens['kpai1']}"},
    )
    assert page.status_code == 200
    shown = len(re.findall(r"<tr[^>]*>\s*<td><a", page.text))
    found = re.search(r'id="hit-count"[^>]*>(\d+) anak ditemukan', page.text)
    assert found and int(found.group(1)) == shown > 0
