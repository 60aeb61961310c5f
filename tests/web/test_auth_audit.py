"""Login, CSRF, throttling, the CLI for users and tokens, the audit chain, second reviewers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from padan.access.policy import Principal, get_role
from padan.cli.main import app
from padan.errors import InputError
from padan.services.review import decide_pair
from padan.store import Store, open_store
from padan.store.audit import append_audit, verify_audit
from padan.store.pending_merges import pending_merges_for
from web.conftest import PASSWORD, WebWorld

runner = CliRunner()


def _login(client: TestClient, username: str, password: str) -> int:
    client.get("/login")
    token = client.cookies.get("padan_login_csrf")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code


def test_login_sets_a_session_and_forms_need_the_csrf_token(client: TestClient) -> None:
    assert _login(client, "tinjau1", PASSWORD) == 303
    assert client.get("/dashboard").status_code == 200
    refused = client.post(
        "/review/decide",
        data={"record_a": "a", "record_b": "b", "decision": "unsure", "reason": "x"},
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.text


def test_login_without_the_form_token_is_refused(client: TestClient) -> None:
    response = client.post(
        "/login", data={"username": "tinjau1", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 200 and "padan_session" not in response.cookies


def test_login_is_throttled_after_repeated_failures(client: TestClient, web_store: Store) -> None:
    from padan.access.auth import create_user

    create_user(web_store, "throttled1", role="auditor", password=PASSWORD)
    codes = [_login(client, "throttled1", "salah-salah-salah") for _ in range(5)]
    assert codes == [401] * 5
    assert _login(client, "throttled1", PASSWORD) == 429  # even the right password now


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x1", "--role", "juragan"], "not one of"),
        (["x2", "--role", "petugas_daerah"], "needs --region"),
        (["x3", "--role", "petugas_daerah", "--region", "99.99"], "not a known region"),
        (["x4", "--role", "admin", "--region", "32"], "only for petugas_daerah"),
    ],
)
def test_user_add_refuses_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    db = f"sqlite:///{tmp_path / 'u.db'}"
    result = runner.invoke(
        app, ["user", "add", *args, "--password-stdin", "--db", db], input=PASSWORD + "\n"
    )
    assert result.exit_code == 2
    assert message in result.output


def test_user_add_and_token_create_give_a_working_bearer_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'u.db'}"
    added = runner.invoke(
        app,
        [
            "user",
            "add",
            "budi",
            "--role",
            "petugas_daerah",
            "--region",
            "32.01",
            "--password-stdin",
            "--db",
            db,
        ],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    again = runner.invoke(
        app,
        ["user", "add", "budi", "--role", "auditor", "--password-stdin", "--db", db],
        input=PASSWORD + "\n",
    )
    assert again.exit_code == 2 and "already exists" in again.output
    made = runner.invoke(app, ["token", "create", "budi", "--db", db])
    assert made.exit_code == 0
    token = made.output.strip()
    assert token.startswith("padan_")
    from padan.web import create_app

    store = open_store(db)
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_sha256 FROM api_tokens")).scalar_one()
        hashed = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert token not in stored and hashed.startswith("$argon2id$")
    with TestClient(create_app(store, model_path=tmp_path / "m.json")) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["region"] == "32.01" and me.json()["role"] == "petugas_daerah"


def test_audit_verify_detects_an_edited_row(store: Store, tmp_path: Path) -> None:
    for i in range(3):
        append_audit(
            store,
            username=f"u{i}",
            role="peninjau",
            action="profile",
            target=f"PDN00000000{i}",
            child_ids=[f"PDN00000000{i}"],
            purpose="uji",
        )
    assert verify_audit(store) == (3, None)
    url = store.engine.url.render_as_string(hide_password=False)
    ok = runner.invoke(app, ["audit", "verify", "--db", url])
    assert ok.exit_code == 0, ok.output
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = 'someone_else' WHERE id = 2"))
    assert verify_audit(store) == (1, 2)
    broken = runner.invoke(app, ["audit", "verify", "--db", url])
    assert broken.exit_code == 1
    assert "Rantai audit rusak" in broken.output
    broken = runner.invoke(app, ["--lang", "en", "audit", "verify", "--db", url])
    assert broken.exit_code == 1 and "Audit chain broken" in broken.output


def test_audit_verify_detects_a_deleted_row(store: Store) -> None:
    for i in range(3):
        append_audit(
            store,
            username="u",
            role="auditor",
            action="search",
            target=str(i),
            child_ids=[],
            purpose="-",
        )
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    assert verify_audit(store) == (1, 3)


def test_merging_different_valid_niks_needs_a_second_reviewer(world: WebWorld) -> None:
    store = open_store(world.url)
    first = Principal("tinjau1", get_role("peninjau"), None)
    second = Principal("tinjau2", get_role("peninjau"), None)
    # The guard no longer keeps such pairs from the queue (a NIK that differs is evidence, not
    # a veto), so the world's queue may hold none: any two DTSEN records with valid NIKs do.
    dtsen = store.records_arrow("dtsen_individu", ["id_individu", "nik", "nik_status"])
    valid = [
        f"dtsen:{i}"
        for i, nik, status in zip(
            *(dtsen.column(c).to_pylist() for c in dtsen.column_names), strict=True
        )
        if nik and status == "valid"
    ]
    a, b = valid[0], valid[1]
    before = len(store.review_decisions())
    held = decide_pair(store, first, a, b, "same", reason="nama dan ibu sama")
    assert held["status"] == "pending_second_review"
    assert len(store.review_decisions()) == before
    with pytest.raises(InputError, match="second, different reviewer"):
        decide_pair(store, first, a, b, "same", reason="lagi")
    done = decide_pair(store, second, a, b, "same", reason="setuju")
    assert done["status"] == "decided" and done["reviewer"] == "tinjau1+tinjau2"
    assert len(store.review_decisions()) == before + 1
    store.engine.dispose()


def _approve_together(store: Store, reviewers: list[Principal], a: str, b: str) -> list[str]:
    start = threading.Barrier(len(reviewers))
    answers: list[str] = []

    def approve(p: Principal) -> None:
        start.wait()
        answers.append(decide_pair(store, p, a, b, "same", reason="ibu sama")["status"])

    threads = [threading.Thread(target=approve, args=(p,)) for p in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_two_reviewers_approving_at_once_merge_instead_of_both_waiting(world: WebWorld) -> None:
    # Before one held merge per pair, both could find nothing held, both hold, and the pair
    # waited for a third reviewer with two approvals in hand.
    store = open_store(world.url)
    reviewers = [Principal(f"tinjau{i}", get_role("peninjau"), None) for i in (1, 2)]
    dtsen = store.records_arrow("dtsen_individu", ["id_individu", "nik", "nik_status"])
    valid = [
        f"dtsen:{i}"
        for i, nik, status in zip(
            *(dtsen.column(c).to_pylist() for c in dtsen.column_names), strict=True
        )
        if nik and status == "valid"
    ]
    # From the end: the first ones are the other tests' of this shared world (policy matrix too).
    pairs = [(valid[-i], valid[-i - 1]) for i in range(1, 11, 2)]
    for a, b in pairs:
        answers = _approve_together(store, reviewers, a, b)
        assert sorted(answers) == ["decided", "pending_second_review"], (a, b, answers)
        assert pending_merges_for(store, *sorted((a, b))) == []
    store.engine.dispose()
