"""The keyed audit chain and its signed checkpoints: every tampering is tried and must be found.

Real stores (SQLite and PostgreSQL through the ``store`` fixture), real key files, no mocks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from padan.cli.main import app
from padan.errors import StoreError
from padan.store import Store
from padan.store.audit import append_audit
from padan.store.audit_chain import (
    GENESIS_HASH,
    HASHED,
    AuditConfig,
    audit_config,
    audit_log,
    chain_hash,
    configure_audit,
)
from padan.store.audit_checkpoint import checkpoints, write_checkpoint
from padan.store.audit_keys import create_keys, load_keys
from padan.store.audit_verify import AuditReport, verify_chain

runner = CliRunner()


@pytest.fixture
def keyed(store: Store, tmp_path: Path) -> Store:
    """The store with its own key file and checkpoint directory, and 10 audit rows."""
    configure_audit(store, AuditConfig(tmp_path / "keys" / "audit.key", tmp_path / "cp", 0))
    _append(store, 10)
    return store


def _append(store: Store, n: int) -> None:
    for i in range(n):
        append_audit(
            store,
            username=f"u{i}",
            role="peninjau",
            action="profile",
            target=f"PDN{i:09d}",
            child_ids=[f"PDN{i:09d}"],
            purpose="uji",
        )


def _sql(store: Store, statement: str, **params: object) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement), params)


def _kinds(report: AuditReport) -> list[tuple[str, int | None]]:
    return [(f.kind, f.row_id) for f in report.findings]


def _recompute(store: Store, *, keyed_with: bool) -> None:
    """What an attacker does to hide an edit: recompute every hash from the first row on."""
    keys = audit_config(store).keys() if keyed_with else None
    with store.engine.begin() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings().all()
        prev = GENESIS_HASH
        for r in rows:
            new = chain_hash(prev, {k: r[k] for k in HASHED}, keys)
            conn.execute(
                audit_log.update()
                .where(audit_log.c.id == r["id"])
                .values(prev_hash=prev, row_hash=new, key_id=keys.key_id if keys else None)
            )
            prev = new


def test_an_untouched_chain_is_intact_against_its_checkpoint(keyed: Store) -> None:
    write_checkpoint(keyed)
    _append(keyed, 2)
    report = verify_chain(keyed)
    assert report.intact and report.rows == 12 and report.legacy_up_to == 0
    assert report.checkpoint is not None and report.checkpoint.head_id == 10


def test_an_edited_row_is_detected(keyed: Store) -> None:
    _sql(keyed, "UPDATE audit_log SET username = 'someone_else' WHERE id = 5")
    report = verify_chain(keyed)
    assert _kinds(report) == [("edited", 5)]
    assert report.checked == 4


def test_an_edited_row_with_its_hash_recomputed_without_the_key_is_detected(keyed: Store) -> None:
    with keyed.engine.begin() as conn:
        r = conn.execute(select(audit_log).where(audit_log.c.id == 5)).mappings().one()
        values = {**{k: r[k] for k in HASHED}, "purpose": "lain"}
        forged = chain_hash(r["prev_hash"], values)  # SHA-256: the attacker has no key
        conn.execute(
            audit_log.update().where(audit_log.c.id == 5).values(purpose="lain", row_hash=forged)
        )
    assert _kinds(verify_chain(keyed)) == [("edited", 5)]


def test_a_deleted_row_is_detected(keyed: Store) -> None:
    _sql(keyed, "DELETE FROM audit_log WHERE id IN (4, 5)")
    report = verify_chain(keyed)
    assert _kinds(report) == [("deleted", 6)]
    assert "rows 4-5 are gone" in report.findings[0].message


def test_an_inserted_row_is_detected(keyed: Store) -> None:
    write_checkpoint(keyed)
    with keyed.engine.begin() as conn:
        last = conn.execute(select(audit_log).where(audit_log.c.id == 10)).mappings().one()
        values = {**{k: last[k] for k in HASHED}, "username": "framed"}
        conn.execute(
            audit_log.insert().values(
                id=11,
                **values,
                prev_hash=last["row_hash"],
                row_hash=chain_hash(last["row_hash"], values),
                key_id=last["key_id"],  # copied: without the key the hash cannot match
            )
        )
    assert _kinds(verify_chain(keyed)) == [("inserted", 11)]


def test_an_unkeyed_row_after_keyed_rows_is_detected(keyed: Store) -> None:
    with keyed.engine.begin() as conn:
        last = conn.execute(select(audit_log).where(audit_log.c.id == 10)).mappings().one()
        values = {k: last[k] for k in HASHED}
        conn.execute(
            audit_log.insert().values(
                id=11,
                **values,
                prev_hash=last["row_hash"],
                row_hash=chain_hash(last["row_hash"], values),
                key_id=None,  # posing as a legacy row
            )
        )
    assert _kinds(verify_chain(keyed)) == [("inserted", 11)]


def test_a_row_inserted_at_the_start_is_detected(keyed: Store) -> None:
    with keyed.engine.begin() as conn:
        first = conn.execute(select(audit_log).where(audit_log.c.id == 1)).mappings().one()
        values = {k: first[k] for k in HASHED}
        conn.execute(
            audit_log.insert().values(
                id=0, **values, prev_hash=GENESIS_HASH, row_hash="f" * 64, key_id=first["key_id"]
            )
        )
    assert ("inserted", 0) in _kinds(verify_chain(keyed))


def test_a_truncated_chain_is_detected_against_the_checkpoint(keyed: Store) -> None:
    write_checkpoint(keyed)
    _sql(keyed, "DELETE FROM audit_log WHERE id > 7")
    report = verify_chain(keyed)
    assert _kinds(report) == [("truncated", 10)]
    assert "rows 8-10 were deleted" in report.findings[0].message


def test_an_emptied_log_is_detected_against_the_checkpoint(keyed: Store) -> None:
    write_checkpoint(keyed)
    _sql(keyed, "DELETE FROM audit_log")
    assert _kinds(verify_chain(keyed)) == [("truncated", 10)]


def test_a_chain_rewritten_without_the_key_is_detected(keyed: Store) -> None:
    write_checkpoint(keyed)
    _sql(keyed, "UPDATE audit_log SET target = 'lain' WHERE id = 3")
    _recompute(keyed, keyed_with=False)  # every row now a consistent "legacy" row
    kinds = _kinds(verify_chain(keyed))
    assert ("rewritten", 10) in kinds and ("rewritten", 1) in kinds


def test_a_chain_rewritten_with_the_key_is_detected(keyed: Store) -> None:
    write_checkpoint(keyed)
    _sql(keyed, "UPDATE audit_log SET target = 'lain' WHERE id = 3")
    _recompute(keyed, keyed_with=True)  # an insider holding the key file
    assert _kinds(verify_chain(keyed)) == [("rewritten", 10)]


def test_a_truncated_and_refilled_chain_is_detected(keyed: Store) -> None:
    write_checkpoint(keyed)
    _sql(keyed, "DELETE FROM audit_log WHERE id > 7")
    _append(keyed, 3)  # SQLite reuses ids 8-10; PostgreSQL goes on at 11
    kinds = _kinds(verify_chain(keyed))
    assert kinds in ([("rewritten", 10)], [("truncated", 10)])


def test_a_forged_checkpoint_is_reported_and_not_trusted(keyed: Store) -> None:
    write_checkpoint(keyed)
    path, _ = checkpoints(keyed)[-1]
    body = json.loads(path.read_text())
    path.write_text(json.dumps({**body, "rows": 3, "head_id": 3}))
    report = verify_chain(keyed)
    assert [f.kind for f in report.findings] == ["checkpoint"]
    assert report.checkpoint is None


def test_legacy_rows_verify_as_legacy_up_to_the_last_of_them(keyed: Store) -> None:
    _sql(keyed, "DELETE FROM audit_log")
    with keyed.engine.begin() as conn:  # rows as written before migration 0009
        prev = GENESIS_HASH
        for i in range(1, 4):
            values: dict[str, object] = {
                "at": dt.datetime(2026, 11, i, tzinfo=dt.UTC),
                "username": "lama",
                "role": "peninjau",
                "action": "search",
                "target": "q='3201010101010001' region=-",
                "child_ids": "",
                "purpose": "-",
            }
            row_hash = chain_hash(prev, values)
            conn.execute(
                audit_log.insert().values(id=i, **values, prev_hash=prev, row_hash=row_hash)
            )
            prev = row_hash
    _append(keyed, 2)
    write_checkpoint(keyed)
    report = verify_chain(keyed)
    assert report.intact and report.legacy_up_to == 3 and report.rows == 5


def test_the_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "audit.key"
    keys = create_keys(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.key_id not in path.read_text()  # the id names the key, it is not the key
    with pytest.raises(StoreError, match="never overwritten"):
        create_keys(path)
    os.chmod(path, 0o644)
    with pytest.raises(StoreError, match="chmod 600"):
        load_keys(path)


def test_another_key_file_is_reported(keyed: Store, tmp_path: Path) -> None:
    configure_audit(keyed, AuditConfig(tmp_path / "other.key", tmp_path / "cp", 0))
    create_keys(tmp_path / "other.key")
    assert _kinds(verify_chain(keyed))[0] == ("key", 1)


def test_padan_audit_verify_and_checkpoint_on_the_command_line(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PADAN_AUDIT_KEY_FILE", str(tmp_path / "cli.key"))
    monkeypatch.setenv("PADAN_AUDIT_CHECKPOINT_DIR", str(tmp_path / "cli-cp"))
    url = store.engine.url.render_as_string(hide_password=False)
    made = runner.invoke(app, ["audit", "init-keys"])
    assert made.exit_code == 0 and "600" in made.output
    _append(store, 4)
    assert runner.invoke(app, ["audit", "checkpoint", "--db", url]).exit_code == 0
    ok = runner.invoke(app, ["audit", "verify", "--db", url])
    assert ok.exit_code == 0 and "Rantai audit utuh" in ok.output, ok.output
    ok = runner.invoke(app, ["--lang", "en", "audit", "verify", "--db", url])
    assert ok.exit_code == 0 and "Audit chain intact" in ok.output, ok.output
    _sql(store, "DELETE FROM audit_log WHERE id > 2")
    broken = runner.invoke(app, ["audit", "verify", "--db", url, "--json"])
    assert broken.exit_code == 1
    body = json.loads(broken.output)
    assert [(f["kind"], f["row_id"]) for f in body["findings"]] == [("truncated", 4)]


def test_checkpoints_are_written_on_a_schedule_of_rows(store: Store, tmp_path: Path) -> None:
    configure_audit(store, AuditConfig(tmp_path / "audit.key", tmp_path / "cp", 3))
    _append(store, 7)
    assert [c.head_id for _, c in checkpoints(store) if c] == [3, 6]
    assert all(p.stat().st_size < 2000 for p in (tmp_path / "cp").iterdir())


def test_a_store_upgraded_from_0008_keeps_its_rows_as_legacy(store: Store, tmp_path: Path) -> None:
    from alembic import command

    configure_audit(store, AuditConfig(tmp_path / "audit.key", tmp_path / "cp", 0))
    command.downgrade(store._alembic_config(), "0008")
    with store.engine.begin() as conn:  # what Padan before 0009 wrote: unkeyed SHA-256
        prev = GENESIS_HASH
        for i in range(1, 3):
            values: dict[str, object] = {
                "at": dt.datetime(2026, 11, i, tzinfo=dt.UTC),
                "username": "lama",
                "role": "auditor",
                "action": "audit_view",
                "target": "child=-",
                "child_ids": "",
                "purpose": "-",
            }
            row_hash = chain_hash(prev, values)
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, username, role, action, target, child_ids, "
                    "purpose, prev_hash, row_hash) VALUES (:at, :username, :role, :action, "
                    ":target, :child_ids, :purpose, :prev, :hash)"
                ),
                {**values, "prev": prev, "hash": row_hash},
            )
            prev = row_hash
    store.upgrade()
    before = verify_chain(store)  # no key file yet: the legacy rows still verify
    assert before.intact and before.legacy_up_to == 2 and not (tmp_path / "audit.key").exists()
    _append(store, 2)
    report = verify_chain(store)
    assert report.intact and report.legacy_up_to == 2 and report.rows == 4
    url = store.engine.url.render_as_string(hide_password=False)
    result = runner.invoke(app, ["audit", "verify", "--db", url])
    assert "tanpa kunci sampai baris 2" in " ".join(result.output.split())
    result = runner.invoke(app, ["--lang", "en", "audit", "verify", "--db", url])
    assert "unkeyed up to row 2" in " ".join(result.output.split())


def test_a_missing_key_file_is_reported_once_keyed_rows_exist(keyed: Store, tmp_path: Path) -> None:
    configure_audit(keyed, AuditConfig(tmp_path / "gone.key", tmp_path / "cp", 0))
    report = verify_chain(keyed)
    assert _kinds(report) == [("key", 1)]
    assert "padan audit init-keys" in report.findings[0].message
