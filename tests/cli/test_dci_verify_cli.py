"""``padan dci verify``: the KPAI children's NIKs asked of an external DCI registry (the
conformance suite's mock, run by node), figures and audit rows without identifiers; a missing
token or an unreachable registry is a clear error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.dci.verify import kpai_niks
from padan.ingest import ingest_file
from padan.store import open_store
from padan.store.audit import audit_entries
from padan.synth import generate
from support.mock_registry import admin, mock_registry_or_skip

runner = CliRunner()


@pytest.fixture(scope="module")
def kpai_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    work = tmp_path_factory.mktemp("dci-verify")
    data = generate(work / "data", households=60, seed=5)
    url = f"sqlite:///{work / 'padan.db'}"
    store = open_store(url)
    ingest_file(data.files["kpai"], source="kpai", store=store)
    niks = kpai_niks(store)
    store.engine.dispose()
    return url, niks


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with mock_registry_or_skip() as url:
        yield url


def _verify(db: str, tmp_path: Path, **env: str) -> tuple[int, str]:
    given = {"COLUMNS": "200", "PADAN_DCI_KEY_FILE": str(tmp_path / "dci.key")} | env
    args = ["dci", "verify", "--json", "--batch-size", "7", "--out", str(tmp_path), "--db", db]
    result = runner.invoke(app, args, env=given)
    return result.exit_code, result.output


@pytest.mark.node
def test_cli_dci_verify_asks_every_kpai_nik_and_audits_each_message(
    kpai_db: tuple[str, list[str]], mock_url: str, tmp_path: Path
) -> None:
    db, niks = kpai_db
    admin(mock_url, "reset", {})
    env = {"PADAN_DCI_CLIENT_URL": mock_url, "PADAN_DCI_CLIENT_TOKEN": "tok-1"}
    code, output = _verify(db, tmp_path, **env)
    assert code == 0, output
    figures = json.loads(output)
    messages = -(-len(niks) // 7)
    assert (figures["asked"], figures["unanswered"], figures["messages"]) == (
        len(niks),
        len(niks),
        messages,
    )
    assert figures["ingest"] is None  # the mock names no one: nothing to store
    recorded = admin(mock_url, "requests/registry/sync/search")["requests"]
    assert len(recorded) == messages and all(r["validation"]["valid"] for r in recorded)
    store = open_store(db)
    rows = [e for e in audit_entries(store) if e.action == "registry_request"][:messages]
    store.engine.dispose()
    assert len(rows) == messages and all("HTTP 200" in e.target for e in rows)
    assert not any(n in e.target + e.purpose for e in rows for n in niks)


@pytest.mark.parametrize(
    ("env", "exit_code", "says"),
    [
        ({"PADAN_DCI_CLIENT_URL": "http://127.0.0.1:9"}, 2, "PADAN_DCI_CLIENT_TOKEN"),
        (
            {"PADAN_DCI_CLIENT_URL": "http://127.0.0.1:9", "PADAN_DCI_CLIENT_TOKEN": "t"},
            1,
            "cannot be reached",
        ),
    ],
    ids=["no-token", "unreachable"],
)
def test_cli_dci_verify_failures_are_clear(
    kpai_db: tuple[str, list[str]], tmp_path: Path, env: dict[str, str], exit_code: int, says: str
) -> None:
    code, output = _verify(kpai_db[0], tmp_path, **env)
    assert code == exit_code, output
    assert says in " ".join(output.split())
