"""``padan pdp …`` and ``padan retention apply`` on the small store: outputs, files, exit codes
and clear errors for bad input."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.store.children import records_by_uid

from .conftest import BAYU, DEWI, PdpWorld

runner = CliRunner()


def _run(world: PdpWorld, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", world.store.url], catch_exceptions=False)
    # Rich wraps long lines at the console's width; the tests read words, not line breaks.
    if "--json" in args:
        return result.exit_code, result.stdout, " ".join(result.stderr.split())
    return result.exit_code, " ".join(result.stdout.split()), " ".join(result.stderr.split())


@pytest.mark.parametrize("command", ["ropa", "dpia"])
def test_cli_ropa_and_dpia_write_markdown_and_json(command: str, tmp_path: Path) -> None:
    shown = runner.invoke(app, ["pdp", command])
    assert shown.exit_code == 0 and "Pemadanan data anak" in shown.stdout
    target = tmp_path / f"{command}.json"
    written = runner.invoke(app, ["pdp", command, "--format", "json", "--out", str(target)])
    assert written.exit_code == 0, written.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["document"] == command


def test_cli_bad_policy_and_format_exit_2_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text("[roles]\n", encoding="utf-8")
    result = runner.invoke(app, ["pdp", "ropa", "--policy", str(bad)])
    assert result.exit_code == 2 and "section is missing or empty" in " ".join(
        result.stderr.split()
    )
    result = runner.invoke(app, ["pdp", "ropa", "--format", "pdf"])
    assert result.exit_code == 2 and "use md or json" in result.stderr


def test_cli_retention_is_a_dry_run_unless_executed(world: PdpWorld) -> None:
    code, out, _ = _run(world, "retention", "apply")
    assert code == 0 and "UJI COBA (tidak ada yang berubah)" in out and "--execute" in out
    code, out, _ = _run(world, "--lang", "en", "retention", "apply")
    assert code == 0 and "DRY RUN (nothing changed)" in out and "--execute" in out
    uid = world.uid["dewi@kpai"]
    assert records_by_uid(world.store, [uid])[uid]["nama_anak"] == "Dewi Anggraini"
    code, out, _ = _run(world, "retention", "apply", "--execute", "--json")
    body = json.loads(out)
    assert code == 0 and body["dry_run"] is False
    assert {s["source"]: s["records"] for s in body["sources"]} == {"kpai": 1, "dtsen": 1}
    assert records_by_uid(world.store, [uid])[uid]["nama_anak"] is None
    code, _, err = _run(world, "retention", "apply", "--as-of", "next week")
    assert code == 2 and "--as-of 'next week' is not a date or time" in err


def test_cli_subject_access_writes_a_private_file(world: PdpWorld, tmp_path: Path) -> None:
    target = tmp_path / "dewi.json"
    code, out, _ = _run(world, "pdp", "subject-access", DEWI, "--out", str(target))
    assert code == 0 and "jawab pemohon paling lambat" in out
    code, out, _ = _run(world, "--lang", "en", "pdp", "subject-access", DEWI, "--out", str(target))
    assert code == 0 and "answer the requester by" in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["child_id"] == DEWI
    code, _, err = _run(world, "pdp", "subject-access", "PDN000000999", "--out", str(target))
    assert code == 2 and "'PDN000000999' is not in the latest linkage run" in err
    code, _, err = _run(world, "pdp", "subject-access", DEWI, "--out", "/nonexistent/x.json")
    assert code == 2 and "does not exist" in err


def test_cli_correction_is_routed_and_listed(world: PdpWorld) -> None:
    code, out, _ = _run(
        world,
        "pdp",
        "correct",
        BAYU,
        "--record",
        world.uid["bayu"],
        "--field",
        "nama",
        "--value",
        "Bayu Aji N.",
        "--reason",
        "nama di KK",
    )
    assert code == 0 and "ditujukan kepada Kementerian Sosial" in out
    code, out, _ = _run(world, "pdp", "corrections", "--json")
    assert [c["agency"] for c in json.loads(out)] == ["Kementerian Sosial"]


def test_cli_breach_report_states_the_deadline(world: PdpWorld) -> None:
    today = dt.datetime.now(dt.UTC).date()
    code, out, _ = _run(
        world,
        "pdp",
        "breach-report",
        "--user",
        "siti",
        "--since",
        (today - dt.timedelta(days=1)).isoformat(),
        "--until",
        today.isoformat(),  # a date alone: to the end of that day
        "--known-at",
        "2026-12-05T09:30",
        "--json",
    )
    body = json.loads(out)
    assert code == 0 and body["child_ids"] == [DEWI, BAYU]
    assert body["notify_by"] == "2026-12-08T09:30:00+00:00" and "3×24" in body["notice"]
    code, _, err = _run(
        world, "pdp", "breach-report", "--user", "siti", "--since", "kemarin", "--until", "2026"
    )
    assert code == 2 and "--since 'kemarin' is not a date or time" in err
    both = ["--user", "siti", "--token", "1", "--since", "2026-12-01", "--until", "2026-12-02"]
    code, _, err = _run(world, "pdp", "breach-report", *both)
    assert code == 2 and "--user NAME) or the API token (--token ID), one" in err
    code, _, err = _run(world, "pdp", "breach-report", *both[2:])
    assert code == 2 and "no API token 1 in this store" in err


@pytest.mark.parametrize(
    ("role", "command", "allowed"),
    [
        ("auditor", ["pdp", "subject-access", DEWI, "--out", "{tmp}/s.json"], False),
        ("analis_kpai", ["pdp", "subject-access", DEWI, "--out", "{tmp}/s.json"], True),
        (
            "analis_kpai",
            [
                "pdp",
                "breach-report",
                "--user",
                "siti",
                "--since",
                "2026-01-01",
                "--until",
                "2026-12-31",
            ],
            False,
        ),
        (
            "auditor",
            [
                "pdp",
                "breach-report",
                "--user",
                "siti",
                "--since",
                "2026-01-01",
                "--until",
                "2026-12-31",
            ],
            True,
        ),
        ("analis_kpai", ["retention", "apply", "--execute"], False),
    ],
)
def test_cli_pdp_acts_as_the_named_user_under_the_policy(
    world: PdpWorld, tmp_path: Path, role: str, command: list[str], allowed: bool
) -> None:
    from padan.access.auth import create_user

    create_user(world.store, "pengguna", role=role, password="rahasia-sekali-123")
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = runner.invoke(app, ["--as", "pengguna", *args, "--db", world.store.url])
    if allowed:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 1 and "may not" in " ".join(result.stderr.split())
    uid = world.uid["dewi@kpai"]
    assert records_by_uid(world.store, [uid])[uid]["nama_anak"] == "Dewi Anggraini"


def test_cli_pdp_refuses_an_unknown_acting_user(world: PdpWorld, tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    args = ["--as", "siapa", "pdp", "subject-access", DEWI, "--out", str(target)]
    result = runner.invoke(app, [*args, "--db", world.store.url])
    assert result.exit_code == 2 and not target.exists()


def test_cli_pdp_refuses_a_regional_role_and_an_unnamed_caller_once_an_admin_exists(
    world: PdpWorld, tmp_path: Path
) -> None:
    from padan.access.auth import create_user

    target = tmp_path / "s.json"
    create_user(
        world.store, "daerah", role="petugas_daerah", password="rahasia-sekali-123", region="32"
    )
    args = ["pdp", "subject-access", DEWI, "--out", str(target), "--db", world.store.url]
    regional = runner.invoke(app, ["--as", "daerah", *args])
    assert regional.exit_code == 1 and "sees one region" in " ".join(regional.stderr.split())
    create_user(world.store, "admin1", role="admin", password="rahasia-sekali-123")
    unnamed = runner.invoke(app, args)
    assert unnamed.exit_code == 2 and "--as" in unnamed.stderr
    assert not target.exists()
    named = runner.invoke(app, ["--as", "admin1", *args])
    assert named.exit_code == 0, named.stderr


def test_cli_correction_status_moves_a_request(world: PdpWorld) -> None:
    args = ["--record", world.uid["bayu"], "--field", "nama", "--value", "B", "--reason", "KK"]
    assert _run(world, "pdp", "correct", BAYU, *args)[0] == 0
    request = json.loads(_run(world, "pdp", "corrections", "--json")[1])[0]["id"]
    code, out, _ = _run(world, "pdp", "correction-status", str(request), "sent", "--note", "surat")
    assert code == 0 and f"Permintaan perbaikan {request} kini berstatus terkirim." in out
    code, out, _ = _run(world, "--lang", "en", "pdp", "corrections")
    assert code == 0 and "Correction requests" in out and "sent" in out
    code, _, err = _run(world, "pdp", "correction-status", str(request), "open")
    assert code == 2 and "cannot become open" in err
