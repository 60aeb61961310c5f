"""The child's History on the profile page and its JSON twin, and the worklists' "new since"
filter, on two DTSEN quarters of hand-written children (tests/support/child_events.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.access.auth import create_token, create_user
from padan.services.figures import clear_cache
from padan.store import Store, open_store
from padan.store.audit import audit_entries
from padan.web import create_app
from support.child_events import build_event_world

PURPOSE = "verifikasi bantuan sosial"
USERS = {"kemensos1": "analis_kemensos", "kpai1": "analis_kpai", "admin1": "admin"}


@dataclass
class World:
    store: Store
    client: TestClient
    tokens: dict[str, str]
    child: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    work = tmp_path_factory.mktemp("profile-events")
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    built = build_event_world(store, work)
    tokens = {}
    for name, role in USERS.items():
        create_user(store, name, role=role, password="rahasia-sekali-123")
        tokens[name] = create_token(store, name)
    clear_cache()
    app = create_app(store, model_path=built.model, secure_cookies=False)
    with TestClient(app) as client:
        yield World(store, client, tokens, built.child)
    store.engine.dispose()


def _get(world: World, user: str, path: str, lang: str = "id", **params: Any) -> Any:
    world.client.cookies.set("padan_lang", lang)
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    return world.client.get(path, headers=headers, params=params)


@pytest.mark.parametrize(
    ("user", "child", "kinds"),
    [
        ("kemensos1", "C", ["stopped_receiving", "new_case", "entered_dtsen"]),
        ("kpai1", "C", ["case_status_changed", "new_case", "entered_dtsen"]),
        ("admin1", "E", ["entered_dtsen"]),  # no NIK field for the admin: no NIK event
        ("kpai1", "E", ["nik_changed", "entered_dtsen"]),
    ],
)
def test_api_child_has_events_shaped_by_role(
    world: World, user: str, child: str, kinds: list[str]
) -> None:
    response = _get(world, user, f"/api/v1/children/{world.child[child]}", purpose=PURPOSE)
    assert response.status_code == 200, response.text
    events = response.json()["events"]
    assert sorted(e["kind"] for e in events) == sorted(kinds)
    assert {"at", "date", "kind", "label", "field", "old", "new", "record"} <= set(events[0])
    entry = audit_entries(world.store, child_id=world.child[child], limit=1)[0]
    assert (entry.action, entry.username, entry.purpose) == ("profile", user, PURPOSE)


def test_api_child_events_nik_change_has_no_value(world: World) -> None:
    events = _get(world, "kpai1", f"/api/v1/children/{world.child['E']}").json()["events"]
    nik = next(e for e in events if e["kind"] == "nik_changed")
    assert (nik["field"], nik["old"], nik["new"]) == ("nik", None, None)


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("id", ["Riwayat", "Berhenti menerima bantuan", "Penerima PKH", "ya", "tidak"]),
        ("en", ["History", "Stopped receiving aid", "Entered DTSEN", "yes", "no"]),
    ],
)
def test_profile_page_shows_history_in_the_users_language(
    world: World, lang: str, texts: list[str]
) -> None:
    page = _get(world, "kemensos1", f"/children/{world.child['C']}", lang=lang)
    assert page.status_code == 200
    history = page.text[page.text.index('id="history"') :]
    for text in texts:
        assert text in history, text
    # Kemensos may not see the case status: its change is not in the history either.
    assert 'class="event-case_status_changed"' not in history
    assert 'class="event-stopped_receiving"' in history


def test_worklist_api_since_keeps_children_with_events(world: World) -> None:
    path = "/api/v1/worklists/layak_belum_menerima"
    every = _get(world, "kemensos1", path, purpose=PURPOSE, limit=1000).json()
    new = _get(world, "kemensos1", path, purpose=PURPOSE, limit=1000, since="2026-10-01").json()
    at = every["columns"].index("child_id")
    assert new["since"] == "2026-10-01" and 0 < new["total"] < every["total"]
    kept = {r[at] for r in new["rows"]}
    assert world.child["B"] in kept and kept < {r[at] for r in every["rows"]}
    bad = _get(world, "kemensos1", path, purpose=PURPOSE, since="2026-13-01")
    assert bad.status_code == 422


def test_worklist_page_new_this_month_link_and_filter(world: World) -> None:
    path = "/worklists/layak_belum_menerima"
    page = _get(world, "kemensos1", path, purpose=PURPOSE)
    assert 'id="new-this-month"' in page.text and "Baru bulan ini" in page.text
    filtered = _get(world, "kemensos1", path, lang="en", purpose=PURPOSE, since="2026-10-01")
    assert filtered.status_code == 200
    assert "Only rows whose child changed since 2026-10-01." in filtered.text
    assert world.child["B"] in filtered.text
    bad = _get(world, "kemensos1", path, purpose=PURPOSE, since="kemarin")
    assert bad.status_code == 400 and "kemarin" in bad.text


def test_worklist_page_asks_the_purpose_and_keeps_since(world: World) -> None:
    page = _get(world, "kemensos1", "/worklists/layak_belum_menerima", since="2026-10-01")
    assert page.status_code == 200
    assert '<input type="hidden" name="since" value="2026-10-01">' in page.text
