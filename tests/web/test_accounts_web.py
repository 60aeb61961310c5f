"""The account lifecycle over HTTP: the admin page and its forms, and what each state denies
(deactivated user, revoked or expired token, forced password change) and what it does not."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from padan.access.auth import create_user, issue_token
from padan.store import Store, open_store
from padan.store.audit import audit_entries
from padan.store.tokens import api_tokens
from padan.web import create_app

PASSWORD = "rahasia-sekali-123"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made = open_store(f"sqlite:///{tmp_path / 'accounts.db'}")
    for name, role in (("admin1", "admin"), ("kpai1", "analis_kpai"), ("audit1", "auditor")):
        create_user(made, name, role=role, password=PASSWORD)
    yield made
    made.engine.dispose()


def _client(store: Store, tmp_path: Path) -> TestClient:
    return TestClient(create_app(store, model_path=tmp_path / "m.json", secure_cookies=False))


def _login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    client.get("/login")
    done = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": client.cookies.get("padan_login_csrf"),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def _csrf(client: TestClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found
    return found.group(1)


def _bearer(client: TestClient, token: str) -> tuple[int, dict[str, object]]:
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code, answer.json()


def test_the_admin_page_lists_users_and_tokens_and_only_admins_see_it(
    store: Store, tmp_path: Path
) -> None:
    token_id = issue_token(store, "kpai1", days=3)[1]
    with _client(store, tmp_path) as admin, _client(store, tmp_path) as kpai:
        _login(admin, "admin1")
        page = admin.get("/admin/users")
        assert page.status_code == 200
        assert "kpai1" in page.text and "audit1" in page.text
        assert f'action="/admin/tokens/{token_id}/revoke"' in page.text
        assert 'href="/admin/users"' in admin.get("/dashboard").text
        _login(kpai, "kpai1")
        assert kpai.get("/admin/users").status_code == 403
        assert 'href="/admin/users"' not in kpai.get("/dashboard").text
        csrf = _csrf(kpai, "/dashboard")
        refused = kpai.post("/admin/users/audit1/deactivate", data={"csrf_token": csrf})
        assert refused.status_code == 403
    assert not [e for e in audit_entries(store, limit=100) if e.action.startswith("user_")]


def test_deactivating_a_user_ends_their_session_and_token_at_once(
    store: Store, tmp_path: Path
) -> None:
    token = issue_token(store, "kpai1")[0]
    other = issue_token(store, "audit1")[0]
    with _client(store, tmp_path) as admin, _client(store, tmp_path) as kpai:
        _login(kpai, "kpai1")
        assert kpai.get("/dashboard").status_code == 200
        _login(admin, "admin1")
        csrf = _csrf(admin, "/admin/users")
        done = admin.post(
            "/admin/users/kpai1/deactivate", data={"csrf_token": csrf}, follow_redirects=False
        )
        assert done.status_code == 303 and done.headers["location"].startswith("/admin/users")
        gone = kpai.get("/dashboard", follow_redirects=False)
        assert gone.status_code == 303 and gone.headers["location"] == "/login"
        status, body = _bearer(admin, token)
        assert status == 401
        assert body["error"] == {
            "code": "unauthenticated",
            "message": "API token 1 belongs to a deactivated user; ask an administrator",
        }
        assert _bearer(admin, other)[0] == 200  # others are untouched
        kpai.cookies.clear()
        kpai.get("/login")
        again = kpai.post(
            "/login",
            data={
                "username": "kpai1",
                "password": PASSWORD,
                "csrf_token": kpai.cookies.get("padan_login_csrf"),
            },
        )
        assert again.status_code == 401
        assert "Nonaktif" in admin.get("/admin/users").text
        admin.post("/admin/users/kpai1/reactivate", data={"csrf_token": csrf})
        assert _bearer(admin, token)[0] == 200
        refused = admin.post("/admin/users/admin1/deactivate", data={"csrf_token": csrf})
        assert refused.status_code == 400 and "last active admin" in refused.text
        bad = admin.post("/admin/users/kpai1/delete", data={"csrf_token": csrf})
        assert bad.status_code == 400 and "unknown action &#39;delete&#39;" in bad.text
    actions = [(e.username, e.action, e.target) for e in audit_entries(store, limit=100)]
    assert ("admin1", "user_deactivate", "user:kpai1") in actions
    assert ("admin1", "user_reactivate", "user:kpai1") in actions


def test_a_revoked_or_expired_token_gets_401_and_the_others_still_work(
    store: Store, tmp_path: Path
) -> None:
    revoked, revoked_id, _ = issue_token(store, "kpai1")
    expired, expired_id, _ = issue_token(store, "kpai1", days=1)
    kept = issue_token(store, "kpai1")[0]
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with store.engine.begin() as conn:
        conn.execute(
            update(api_tokens).where(api_tokens.c.id == expired_id).values(expires_at=past)
        )
    with _client(store, tmp_path) as admin:
        _login(admin, "admin1")
        csrf = _csrf(admin, "/admin/users")
        admin.post(f"/admin/tokens/{revoked_id}/revoke", data={"csrf_token": csrf})
        status, body = _bearer(admin, revoked)
        assert status == 401
        message = str(body["error"]["message"])  # type: ignore[index]
        assert message.startswith(f"API token {revoked_id} was revoked at ")
        assert message.endswith("ask an administrator for a new one (padan token create kpai1)")
        status, body = _bearer(admin, expired)
        assert status == 401 and f"API token {expired_id} expired at" in str(body)
        assert _bearer(admin, kept)[0] == 200
        assert admin.get("/dashboard").status_code == 200  # the session is not a token
        page = admin.get("/admin/users").text
        assert "Dicabut" in page and "Kedaluwarsa" in page
    rows = audit_entries(store, limit=100)
    assert [(e.action, e.target) for e in rows if e.action == "token_revoke"] == [
        ("token_revoke", f"token:{revoked_id} user:kpai1")
    ]
    assert not any(revoked in f"{e.target} {e.purpose}" for e in rows)


def test_a_forced_password_change_sends_the_user_to_the_form_until_done(
    store: Store, tmp_path: Path
) -> None:
    token = issue_token(store, "kpai1")[0]
    with (
        _client(store, tmp_path) as admin,
        _client(store, tmp_path) as kpai,
        _client(store, tmp_path) as kpai_elsewhere,
    ):
        _login(admin, "admin1")
        csrf = _csrf(admin, "/admin/users")
        admin.post("/admin/users/kpai1/require-password-change", data={"csrf_token": csrf})
        _login(kpai_elsewhere, "kpai1")
        _login(kpai, "kpai1")
        sent = kpai.get("/dashboard", follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == "/account/password"
        api = kpai.get("/api/v1/me")
        assert api.status_code == 403
        assert api.json()["error"]["code"] == "password_change_required"
        assert _bearer(kpai, token)[0] == 200  # tokens are separate credentials
        assert admin.get("/dashboard").status_code == 200  # only kpai1 is sent
        form = kpai.get("/account/password")
        assert form.status_code == 200
        csrf = _csrf(kpai, "/account/password")
        fields = {"csrf_token": csrf, "current": PASSWORD, "new": "baru-sekali-456"}
        differ = kpai.post("/account/password", data={**fields, "repeat": "lain-sekali-456"})
        assert differ.status_code == 400
        assert (
            '<span class="field-error" id="e-repeat">Kedua kata sandi baru tidak sama; ketik '
            "ulang.</span>" in differ.text
        )
        assert kpai.get("/dashboard", follow_redirects=False).status_code == 303
        done = kpai.post(
            "/account/password",
            data={**fields, "repeat": "baru-sekali-456"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert kpai.get("/dashboard").status_code == 200
        assert kpai.get("/api/v1/me").status_code == 200
        # The change ended kpai1's other session; the admin's stays.
        assert kpai_elsewhere.get("/api/v1/me").status_code == 401
        assert admin.get("/api/v1/me").status_code == 200
    rows = [(e.username, e.action, e.target) for e in audit_entries(store, limit=100)]
    assert ("admin1", "user_require_password_change", "user:kpai1") in rows
    assert ("kpai1", "password_change", "user:kpai1") in rows


def test_the_json_twin_lists_and_changes_accounts_for_admins_only(
    store: Store, tmp_path: Path
) -> None:
    admin = {"Authorization": f"Bearer {issue_token(store, 'admin1')[0]}"}
    kpai_token, kpai_id, _ = issue_token(store, "kpai1")
    kpai = {"Authorization": f"Bearer {kpai_token}"}
    with _client(store, tmp_path) as client:
        users = client.get("/api/v1/users", headers=admin).json()["users"]
        assert [u["username"] for u in users] == ["admin1", "audit1", "kpai1"]
        listed = client.get("/api/v1/tokens?username=kpai1", headers=admin).json()["tokens"]
        assert [(t["id"], t["state"]) for t in listed] == [(kpai_id, "active")]
        assert kpai_token not in str(listed)
        denied = client.get("/api/v1/users", headers=kpai)
        assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
        done = client.post("/api/v1/users/audit1/require-password-change", headers=admin)
        assert done.json() == {
            "username": "audit1",
            "action": "require-password-change",
            "changed": True,
        }
        bad = client.post("/api/v1/users/audit1/promote", headers=admin)
        assert bad.status_code == 400 and "unknown action 'promote'" in bad.text
        revoked = client.post(f"/api/v1/tokens/{kpai_id}/revoke", headers=admin)
        assert revoked.json() == {"id": kpai_id, "changed": True}
        assert client.get("/api/v1/me", headers=kpai).status_code == 401
        assert client.get("/api/v1/me", headers=admin).status_code == 200
