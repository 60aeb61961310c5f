"""``padan child events``: a child's timeline as the acting user's role may see it, or counts
per region and period; audited, in both languages, with clear errors."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from padan.access.auth import create_user
from padan.cli.main import app
from padan.store import open_store
from padan.store.audit import audit_entries
from support.child_events import build_event_world

runner = CliRunner()
PASSWORD = "rahasia-sekali-123"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    work = tmp_path_factory.mktemp("child-cli")
    url = f"sqlite:///{work / 'padan.db'}"
    store = open_store(url)
    built = build_event_world(store, work)
    for name, role in (("admin1", "admin"), ("wati", "analis_kemensos"), ("ani", "analis_kpai")):
        create_user(store, name, role=role, password=PASSWORD)
    store.engine.dispose()
    yield url, built.child


def _run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", db], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("user", "child", "kinds"),
    [
        ("wati", "C", ["stopped_receiving", "new_case", "entered_dtsen"]),
        ("ani", "C", ["case_status_changed", "new_case", "entered_dtsen"]),
        ("wati", "A", ["left_dtsen", "new_case", "entered_dtsen"]),
    ],
)
def test_cli_child_events_json_follows_the_role(
    world: tuple[str, dict[str, str]], user: str, child: str, kinds: list[str]
) -> None:
    db, children = world
    code, output = _run(db, "--as", user, "child", "events", children[child], "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["child_id"] == children[child]
    assert sorted(e["kind"] for e in data["events"]) == sorted(kinds)
    store = open_store(db)
    try:
        entry = audit_entries(store, child_id=children[child], limit=1)[0]
    finally:
        store.engine.dispose()
    assert (entry.action, entry.username) == ("child_events", user)


def test_cli_child_events_table_in_both_languages(world: tuple[str, dict[str, str]]) -> None:
    db, children = world
    code, text = _run(db, "--as", "wati", "child", "events", children["B"])
    assert code == 0, text
    assert "Menjadi layak menerima" in text and "Riwayat anak" in text
    code, text = _run(db, "--as", "wati", "--lang", "en", "child", "events", children["D"])
    assert code == 0, text
    assert "Moved region" in text and "32.01.01.1001" in text and "32.02.01.1001" in text


def test_cli_child_events_counts(world: tuple[str, dict[str, str]]) -> None:
    db, _ = world
    code, output = _run(
        db,
        "--as",
        "wati",
        "child",
        "events",
        "--region",
        "32.01",
        "--since",
        "2026-10-01",
        "--json",
    )
    assert code == 0, output
    data = json.loads(output)
    assert data["events"]["left_dtsen"] == 1 and data["children"] == 3
    code, text = _run(
        db, "--as", "wati", "--lang", "en", "child", "events", "--since", "2026-10-01"
    )
    assert code == 0, text
    assert "Left DTSEN" in text and "Children with an event: 6" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--as", "wati", "child", "events", "PDN999999999"], "no such child"),
        (["--as", "wati", "child", "events", "--since", "2026-13-01"], "is not a date"),
        (["child", "events", "PDN000000001"], "padan --as NAME"),
        (
            [
                "--lang",
                "en",
                "--as",
                "wati",
                "child",
                "events",
                "PDN000000001",
                "--since",
                "2026-13-45",
            ],
            "--since '2026-13-45' is not a date",
        ),
        (
            ["--lang", "en", "--as", "wati", "child", "events", "PDN000000001", "--region", "x"],
            "--region apply to the counts only",
        ),
        (
            [
                *("--lang", "en", "--as", "wati", "child", "events", "PDN000000001"),
                *("--since", "2026-10-01", "--until", "2026-11-01"),
            ],
            "--since, --until apply to the counts only",
        ),
        (
            ["--lang", "en", "--as", "admin1", "child", "events", "--region", "32"],
            "may not see counts for a freely chosen region and period",
        ),
        (
            ["--as", "admin1", "child", "events", "--region", "32"],
            "tidak boleh",
        ),
    ],
)
def test_cli_child_events_errors(
    world: tuple[str, dict[str, str]], args: list[str], expected: str
) -> None:
    db, _ = world
    code, output = _run(db, *args)
    assert code != 0
    assert expected in " ".join(output.split()), output
