"""Audit rows hold no identifiers: a search is kept as its kind and a keyed hash, and each role
sees the audit columns the policy gives it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from padan.access.policy import get_role
from padan.store import Store
from padan.store.audit import append_audit
from web.conftest import WebWorld


def _get(client: TestClient, world: WebWorld, user: str, path: str, **params: str) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    response = client.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response


def test_a_search_is_audited_as_its_kind_and_a_keyed_hash_never_the_text(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    person = next(r for r in web_store.fetch_records("dtsen_individu") if r["nik"])
    nik, name = str(person["nik"]), str(person["nama"])
    spaced = f"{nik[:6]} {nik[6:12]} {nik[12:]}"  # the same NIK written another way
    for q in (nik, spaced, name):
        _get(client, world, "tinjau1", "/api/v1/children", q=q, purpose="uji audit")
    answer = _get(client, world, "audit1", "/api/v1/audit")
    assert nik not in answer.text and nik[6:] not in answer.text
    assert name not in answer.text and name.split()[0] not in answer.text
    searches = [
        r["target"]
        for r in answer.json()["entries"]
        if r["action"] == "search" and r["purpose"] == "uji audit"
    ][:3]
    by_name, by_spaced, by_nik = searches  # newest first
    assert by_nik.startswith("q=nik:") and by_name.startswith("q=name:")
    assert by_nik == by_spaced  # normalised before hashing: the same query, the same digest


def test_auditors_see_the_audit_columns_the_policy_gives_them(
    world: WebWorld, client: TestClient
) -> None:
    _get(client, world, "tinjau1", "/api/v1/children", q="siti")
    for user, role in (("audit1", "auditor"), ("admin1", "admin")):
        entries = _get(client, world, user, "/api/v1/audit").json()["entries"]
        assert entries and all(set(e) == get_role(role).audit_fields for e in entries)
    assert "child_ids" in get_role("auditor").audit_fields
    assert "child_ids" not in get_role("admin").audit_fields


def test_raw_query_text_of_rows_written_before_is_hidden(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    append_audit(
        web_store,
        username="lama",
        role="peninjau",
        action="search",
        target="q='3201019999990001' region=-",
        child_ids=[],
        purpose="baris lama",
    )
    answer = _get(client, world, "audit1", "/api/v1/audit")
    assert "3201019999990001" not in answer.text
    row = next(e for e in answer.json()["entries"] if e["purpose"] == "baris lama")
    assert row["target"] == "q=(hidden) region=-"
