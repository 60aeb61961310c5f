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
    # "N anak ditemukan", or "N hasil pertama; ..." when the list stops at the search's limit
    found = re.search(r'id="hit-count"[^>]*>(\d+) (?:anak ditemukan|hasil pertama)', page.text)
    assert found and int(found.group(1)) == shown > 0


def test_search_purpose_is_stored_alike_whatever_the_page_language(
    world: WebWorld, client: TestClient
) -> None:
    # The options carry the purpose in the default language, so the audit log reads the same
    # for an English and an Indonesian page.
    auth = {"Authorization": f"Bearer {world.tokens['kpai1']}"}
    client.cookies.set("padan_lang", "en")
    try:
        english = client.get("/children", headers=auth).text
    finally:
        client.cookies.delete("padan_lang")
    indonesian = client.get("/children", headers=auth).text
    values = [
        re.findall(
            r'<option value="([^"]*)"', page.split('name="purpose"')[1].split("</select>")[0]
        )
        for page in (english, indonesian)
    ]
    assert values[0] == values[1] and "Penanganan kasus" in values[0]
    assert ">Case handling</option>" in english
