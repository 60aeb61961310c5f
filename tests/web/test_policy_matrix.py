"""One policy for every path: the same role × action matrix over the CLI (as a named user), the
web pages (a session and its CSRF token) and the JSON API (a Bearer token), on a copy of the
linked web world. Each cell must be allowed or refused alike everywhere; an allowed action must
leave its audit row naming the user, a refused one must change nothing."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from padan.access.auth import create_user, issue_token
from padan.cli.main import app
from padan.store import Store, open_store
from padan.store.audit import audit_entries
from padan.store.sessions import deactivate_user
from padan.store.tokens import find_api_token
from padan.store.users import find_user
from padan.web import create_app
from web.conftest import PASSWORD, WebWorld

runner = CliRunner()

ROLES = {
    "admin1": "admin",
    "kpai1": "analis_kpai",
    "kemensos1": "analis_kemensos",
    "daerah1": "petugas_daerah",
    "tinjau1": "peninjau",
    "audit1": "auditor",
}
ENTRIES = ("cli", "web", "api")
#: Who may do what: written out here, not read from policy.toml, so a policy change that
#: opens or closes an action shows up as a failing cell.
ALLOWED = {
    "decide": {"peninjau"},
    "deactivate": {"admin"},
    "revoke_token": {"admin"},
}


@dataclass
class Cell:
    """What one (user, action, entry point) acts on: its own pair, user or token."""

    pair: tuple[str, str]
    target_user: str
    token_id: int


@dataclass
class Matrix:
    url: str
    model: Path
    cells: dict[tuple[str, str], Cell]  # (user, entry) → its targets
    bearer: dict[str, str]


@pytest.fixture(scope="module")
def matrix(world: WebWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    here = tmp_path_factory.mktemp("matrix")
    source = Path(world.url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", here / f"padan.db{suffix}")
    url = f"sqlite:///{here / 'padan.db'}"
    store = open_store(url)
    dtsen = store.records_arrow("dtsen_individu", ["id_individu"])
    records = [f"dtsen:{i}" for i in dtsen.column("id_individu").to_pylist()][100:]
    cells = {}
    for n, (user, entry) in enumerate((u, e) for u in ROLES for e in ENTRIES):
        target = f"t-{user}-{entry}"
        create_user(store, target, role="analis_kpai", password=PASSWORD)
        _, token_id, _ = issue_token(store, target)
        cells[user, entry] = Cell((records[2 * n], records[2 * n + 1]), target, token_id)
    bearer = {user: issue_token(store, user)[0] for user in ROLES}
    store.engine.dispose()
    yield Matrix(url, world.model, cells, bearer)


def _cli(m: Matrix, user: str, action: str, cell: Cell) -> bool:
    args = {
        "decide": ["review", "decide", *cell.pair, "different", "--reason", "matrix"],
        "deactivate": ["user", "deactivate", cell.target_user],
        "revoke_token": ["token", "revoke", str(cell.token_id)],
    }[action]
    result = runner.invoke(app, ["--as", user, *args, "--db", m.url])
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert "may not use" in result.output, result.output
    return result.exit_code == 0


def _log_in(client: TestClient, user: str) -> None:
    client.get("/login")
    logged = client.post(
        "/login",
        data={
            "username": user,
            "password": PASSWORD,
            "csrf_token": client.cookies.get("padan_login_csrf"),
        },
        follow_redirects=False,
    )
    assert logged.status_code == 303


def _web(m: Matrix, user: str, action: str, cell: Cell) -> bool:
    store = open_store(m.url)
    try:
        with TestClient(create_app(store, model_path=m.model, secure_cookies=False)) as client:
            _log_in(client, user)
            found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dashboard").text)
            assert found
            csrf = {"csrf_token": found.group(1)}
            a, b = cell.pair
            path, data = {
                "decide": (
                    "/review/decide",
                    {"record_a": a, "record_b": b, "decision": "different", "reason": "matrix"},
                ),
                "deactivate": (f"/admin/users/{cell.target_user}/deactivate", {}),
                "revoke_token": (f"/admin/tokens/{cell.token_id}/revoke", {}),
            }[action]
            answer = client.post(path, data={**data, **csrf}, follow_redirects=False)
    finally:
        store.engine.dispose()
    assert answer.status_code in (303, 403), (answer.status_code, answer.text[:300])
    return answer.status_code == 303


def _api(m: Matrix, user: str, action: str, cell: Cell) -> bool:
    store = open_store(m.url)
    try:
        with TestClient(create_app(store, model_path=m.model, secure_cookies=False)) as client:
            a, b = cell.pair
            path, body = {
                "decide": (
                    "/api/v1/review/decisions",
                    {"record_a": a, "record_b": b, "decision": "different", "reason": "matrix"},
                ),
                "deactivate": (f"/api/v1/users/{cell.target_user}/deactivate", None),
                "revoke_token": (f"/api/v1/tokens/{cell.token_id}/revoke", None),
            }[action]
            headers = {"Authorization": f"Bearer {m.bearer[user]}"}
            answer = client.post(path, json=body, headers=headers)
    finally:
        store.engine.dispose()
    assert answer.status_code in (200, 403), (answer.status_code, answer.text[:300])
    if answer.status_code == 403:
        assert answer.json()["error"]["code"] == "forbidden"
    return answer.status_code == 200


_ENTRY: dict[str, Callable[[Matrix, str, str, Cell], bool]] = {
    "cli": _cli,
    "web": _web,
    "api": _api,
}


def _done(store: Store, action: str, cell: Cell) -> bool:
    """Whether the action's effect is in the store."""
    if action == "decide":
        a, b = sorted(cell.pair)
        return any((d.uid_a, d.uid_b) == (a, b) for d in store.review_decisions())
    if action == "deactivate":
        target = find_user(store, cell.target_user)
        return target is not None and not target.active
    token = find_api_token(store, cell.token_id)
    return token is not None and token.revoked


def _audited(store: Store, user: str, action: str, cell: Cell) -> bool:
    a, b = sorted(cell.pair)
    wanted = {
        "decide": ("decision", f"{a} {b} different"),
        "deactivate": ("user_deactivate", f"user:{cell.target_user}"),
        "revoke_token": ("token_revoke", f"token:{cell.token_id} user:{cell.target_user}"),
    }[action]
    return any(
        (e.username, e.role, e.action, e.target) == (user, ROLES[user], *wanted)
        for e in audit_entries(store, limit=5000)
    )


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("user", sorted(ROLES))
def test_every_entry_point_allows_and_audits_the_same_actions(
    matrix: Matrix, user: str, action: str, entry: str
) -> None:
    cell = matrix.cells[user, entry]
    allowed = ROLES[user] in ALLOWED[action]
    assert _ENTRY[entry](matrix, user, action, cell) is allowed
    store = open_store(matrix.url)
    try:
        assert _done(store, action, cell) is allowed
        assert _audited(store, user, action, cell) is allowed
    finally:
        store.engine.dispose()


def _valid_nik_pairs(store: Store, count: int) -> list[tuple[str, str]]:
    """Pairs of DTSEN records with different valid NIKs, outside the matrix cells' records."""
    dtsen = store.records_arrow("dtsen_individu", ["id_individu", "nik", "nik_status"])
    rows = zip(*(dtsen.column(c).to_pylist() for c in dtsen.column_names), strict=True)
    valid = [f"dtsen:{i}" for i, nik, status in list(rows)[:100] if nik and status == "valid"]
    valid = valid[4:]  # the first ones are test_auth_audit's, decided in the shared world
    return [(valid[2 * n], valid[2 * n + 1]) for n in range(count)]


def _cli_decide(m: Matrix, user: str, pair: tuple[str, str], decision: str) -> tuple[int, str]:
    """``padan review decide`` as ``user``, in English (``padan --lang en``)."""
    args = [
        "--lang",
        "en",
        "--as",
        user,
        "review",
        "decide",
        *pair,
        decision,
        "--reason",
        "dua orang tua",
    ]
    result = runner.invoke(app, [*args, "--db", m.url])
    return result.exit_code, result.output


def test_a_merge_across_different_niks_needs_a_second_reviewer_on_every_path(
    matrix: Matrix,
) -> None:
    store = open_store(matrix.url)
    (cli_cli, cli_api, closed) = _valid_nik_pairs(store, 3)
    before = len(store.review_decisions())
    # The CLI holds the first "same", as the web does; the same person again is refused.
    code, said = _cli_decide(matrix, "tinjau1", cli_cli, "same")
    assert code == 0 and "waits for a second, different reviewer" in said
    code, said = _cli_decide(matrix, "tinjau1", cli_cli, "same")
    assert code == 2 and "second, different reviewer must confirm" in said
    assert len(store.review_decisions()) == before
    code, said = _cli_decide(matrix, "tinjau2", cli_cli, "same")
    assert code == 0 and "by tinjau1+tinjau2" in said
    # A merge held by the CLI is confirmed through the JSON API, and the other way round.
    assert _cli_decide(matrix, "tinjau1", cli_api, "same")[0] == 0
    with TestClient(create_app(store, model_path=matrix.model, secure_cookies=False)) as client:
        body = {"record_a": cli_api[0], "record_b": cli_api[1], "decision": "same"}
        confirmed = client.post(
            "/api/v1/review/decisions",
            json={**body, "reason": "setuju"},
            headers={"Authorization": f"Bearer {issue_token(store, 'tinjau2')[0]}"},
        )
        assert confirmed.json()["reviewer"] == "tinjau1+tinjau2"
        held = client.post(
            "/api/v1/review/decisions",
            json={"record_a": closed[0], "record_b": closed[1], "decision": "same", "reason": "x"},
            headers={"Authorization": f"Bearer {issue_token(store, 'tinjau1')[0]}"},
        )
        assert held.json()["status"] == "pending_second_review"
    # "different" from another reviewer closes the held merge: nobody can confirm it later.
    code, said = _cli_decide(matrix, "tinjau2", closed, "different")
    assert code == 0 and "Decided Different" in said and "by tinjau2" in said
    code, said = _cli_decide(matrix, "tinjau2", closed, "same")
    assert code == 0 and "waits for a second" in said  # a new request, not the old one's
    assert len(store.review_decisions()) == before + 3
    decided = {
        frozenset((d.uid_a, d.uid_b)): (d.decision, d.reviewer) for d in store.review_decisions()
    }
    assert decided[frozenset(cli_cli)] == ("same", "tinjau1+tinjau2")
    assert decided[frozenset(cli_api)] == ("same", "tinjau1+tinjau2")
    assert decided[frozenset(closed)] == ("different", "tinjau2")
    rows = [(e.username, e.action, e.target) for e in audit_entries(store, limit=5000)]
    a, b = sorted(cli_cli)
    assert ("tinjau1", "decision", f"{a} {b} same (waiting for a second reviewer)") in rows
    assert ("tinjau2", "decision", f"{a} {b} same") in rows
    a, b = sorted(closed)
    assert ("tinjau2", "decision", f"{a} {b} different (closes the merge held by tinjau1)") in rows
    store.engine.dispose()


def test_the_cli_decides_only_as_a_named_active_user(
    matrix: Matrix, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(matrix.url)
    pair = _valid_nik_pairs(store, 4)[3]  # no other test decides it
    create_user(store, "tinjau-lama", role="peninjau", password=PASSWORD)
    assert deactivate_user(store, "tinjau-lama") == "deactivated"
    store.engine.dispose()
    decide = ["review", "decide", *pair, "unsure", "--reason", "r", "--db", matrix.url]
    result = runner.invoke(app, decide)
    assert result.exit_code == 2
    assert (
        "padan review decide dijalankan sebagai pengguna bernama: jalankan padan --as NAME review decide"
        in (result.output)
    )
    result = runner.invoke(app, ["--as", "siapa", *decide])
    assert result.exit_code == 2 and "--as 'siapa': no such user in this store" in result.output
    result = runner.invoke(app, ["--as", "tinjau1", *decide, "--reviewer", "tinjau2"])
    assert result.exit_code == 2
    assert "--reviewer 'tinjau2' is not the acting user 'tinjau1'" in result.output
    monkeypatch.setenv("PADAN_CLI_USER", "tinjau1")
    result = runner.invoke(app, [*decide, "--reviewer", "tinjau1"])  # old scripts keep working
    assert (
        result.exit_code == 0
        and "Diputuskan Ragu-ragu" in result.output
        and "oleh tinjau1" in (result.output)
    )
    monkeypatch.setenv("PADAN_CLI_USER", "tinjau-lama")
    result = runner.invoke(app, decide)
    assert result.exit_code == 2
    assert "PADAN_CLI_USER 'tinjau-lama': the user is deactivated" in result.output


def test_padan_explain_is_audited_and_follows_the_acting_users_role(matrix: Matrix) -> None:
    store = open_store(matrix.url)
    a, b = _valid_nik_pairs(store, 5)[4]
    store.engine.dispose()
    explain = ["explain", a, b, "--json", "--model", str(matrix.model), "--db", matrix.url]
    refused = runner.invoke(app, ["--as", "audit1", *explain])
    assert refused.exit_code == 1 and "role auditor may not use profile" in refused.output
    # A role that sees masked NIKs, or one region only, does not get the values unshaped.
    masked = runner.invoke(app, ["--as", "kpai1", *explain])
    assert masked.exit_code == 1 and "does not see full NIKs" in masked.output
    shown = runner.invoke(app, ["--as", "tinjau1", *explain])
    assert shown.exit_code == 0, shown.output
    # The store has an admin: accounts are in use, so nobody reads as the unnamed local operator.
    unnamed = runner.invoke(app, explain)
    assert unnamed.exit_code == 2 and "dijalankan sebagai pengguna bernama" in unnamed.output
    store = open_store(matrix.url)
    rows = [(e.username, e.action, e.target, e.child_ids) for e in audit_entries(store, limit=50)]
    store.engine.dispose()
    mine = [(who, children) for who, action, target, children in rows if target == f"{a} {b}"]
    assert [who for who, _ in mine] == ["tinjau1"]  # the refused reads left no row
    assert all(children for _, children in mine)  # the children whose records were shown


#: Reads of children's data, by entry point; who may, written out as above.
READS_ALLOWED = {
    "review_list": {"peninjau"},
    "quarantine": {"admin", "analis_kpai"},  # a KPAI batch: roles that handle KPAI extracts
    "worklist_export": {"analis_kpai", "analis_kemensos", "petugas_daerah"},
}
_READ_AUDIT = {
    "review_list": "review_list",
    "quarantine": "quarantine",
    "worklist_export": "worklist.export",
}


def _kpai_batch(m: Matrix) -> int:
    store = open_store(m.url)
    try:
        return max(b.id for b in store.list_batches() if b.source == "kpai")
    finally:
        store.engine.dispose()


def _read_cli(m: Matrix, user: str, action: str, out: Path) -> bool:
    args = {
        "review_list": ["review", "list", "--json"],
        "quarantine": ["quarantine", "list", "--batch", str(_kpai_batch(m))],
        "worklist_export": ["report", "--out", str(out), "--worklists", "--purpose", "matriks"],
    }[action]
    result = runner.invoke(app, ["--as", user, *args, "--db", m.url])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code == 0


def _read_path(m: Matrix, action: str) -> str:
    return {
        "review_list": "/review",
        "quarantine": f"/ingest/{_kpai_batch(m)}/quarantine",
        "worklist_export": "/worklists/usulan_dtsen/export.csv?purpose=matriks",
    }[action]


def _read_web(m: Matrix, user: str, action: str, out: Path) -> bool:
    store = open_store(m.url)
    try:
        with TestClient(create_app(store, model_path=m.model, secure_cookies=False)) as client:
            _log_in(client, user)
            answer = client.get(_read_path(m, action))
    finally:
        store.engine.dispose()
    assert answer.status_code in (200, 403, 404), (answer.status_code, answer.text[:300])
    return answer.status_code == 200


def _read_api(m: Matrix, user: str, action: str, out: Path) -> bool:
    path = {
        "review_list": "/api/v1/review",
        "quarantine": f"/api/v1/batches/{_kpai_batch(m)}/quarantine",
        "worklist_export": "/api/v1/worklists/usulan_dtsen/export?purpose=matriks",
    }[action]
    store = open_store(m.url)
    try:
        with TestClient(create_app(store, model_path=m.model, secure_cookies=False)) as client:
            answer = client.get(path, headers={"Authorization": f"Bearer {m.bearer[user]}"})
    finally:
        store.engine.dispose()
    assert answer.status_code in (200, 403, 404), (answer.status_code, answer.text[:300])
    return answer.status_code == 200


_READ: dict[str, Callable[[Matrix, str, str, Path], bool]] = {
    "cli": _read_cli,
    "web": _read_web,
    "api": _read_api,
}


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("action", sorted(READS_ALLOWED))
@pytest.mark.parametrize("user", sorted(ROLES))
def test_every_entry_point_allows_and_audits_the_same_reads(
    matrix: Matrix, user: str, action: str, entry: str, tmp_path: Path
) -> None:
    store = open_store(matrix.url)
    before = len(audit_entries(store, limit=100_000))
    store.engine.dispose()
    allowed = ROLES[user] in READS_ALLOWED[action]
    assert _READ[entry](matrix, user, action, tmp_path / "report.xlsx") is allowed
    store = open_store(matrix.url)
    try:
        rows = audit_entries(store, limit=100_000)
        new = rows[: len(rows) - before]
    finally:
        store.engine.dispose()
    wanted = (user, ROLES[user], _READ_AUDIT[action])
    assert any((e.username, e.role, e.action) == wanted for e in new) is allowed
