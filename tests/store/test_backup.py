"""Backup and restore of an SQLite store: ``padan db backup`` while idle, a restore by copying the
file back, and a store, a model and an audit chain that verify afterwards."""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from padan.errors import InputError
from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.store import Store, open_store
from padan.store.audit import append_audit
from padan.store.audit_chain import audit_log
from padan.store.audit_checkpoint import write_checkpoint
from padan.store.audit_verify import verify_chain
from padan.store.backup import backup_sqlite
from padan.synth import generate
from support.postgres import create_database, pg_bin


def _audit(store: Store, n: int, tag: str) -> None:
    for i in range(n):
        append_audit(
            store,
            username="admin1",
            role="admin",
            action="view",
            target=f"{tag}{i}",
            child_ids=[],
            purpose="uji",
        )


def _padan(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from padan.cli.main import app; sys.argv[0] = 'padan'; app()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


def _rows(store: Store) -> int:
    with store._connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def test_backup_while_idle_restores_to_a_store_model_and_audit_chain_that_verify(
    tmp_path: Path,
) -> None:
    data = generate(tmp_path / "data", households=120, seed=31)
    db = tmp_path / "padan.db"
    url = f"sqlite:///{db}"
    model = tmp_path / "padan-model.json"
    store = open_store(url)
    ingest_file(data.files["dtsen"], source="dtsen", store=store)
    ingest_file(data.files["kpai"], source="kpai", store=store)
    first = run_linkage(store, model_path=model)
    _audit(store, 5, "before")
    write_checkpoint(store)
    batches_then, rows_then = store.list_batches(), _rows(store)

    backup = tmp_path / "backups" / "padan-backup.db"
    result = _padan("db", "backup", str(backup), "--db", url)  # another process, as in use
    assert result.returncode == 0, result.stdout + result.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    again = _padan("db", "backup", str(backup), "--db", url)
    assert again.returncode == 2 and "never overwrites" in again.stdout + again.stderr

    # Life goes on after the backup: more audit rows and a newer checkpoint.
    _audit(store, 4, "after")
    newer, newer_path = write_checkpoint(store)
    store.engine.dispose()

    # Restore: the app stopped, the backup copied over the store, its WAL files removed.
    for leftover in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, db)
    restored = open_store(url)
    try:
        assert restored.list_batches() == batches_then
        latest = restored.latest_link_run()
        assert latest is not None and latest.id == first.run_id
        assert _rows(restored) == rows_then
        # The audit rows written after the backup are gone, and the newer checkpoint says so.
        report = verify_chain(restored)
        assert not report.intact
        assert {f.kind for f in report.findings} == {"truncated"}
        # Once that checkpoint is kept aside (as the record of what the restore lost), the
        # restored chain verifies, and new rows chain on to it.
        aside = tmp_path / "checkpoints-before-restore"
        aside.mkdir()
        shutil.move(newer_path, aside / newer_path.name)
        report = verify_chain(restored)
        assert report.intact, report.findings
        assert report.checked == rows_then
        _audit(restored, 2, "restored")
        assert verify_chain(restored).intact
        # The model file still belongs to the restored store: an incremental run works.
        assert run_linkage(restored, model_path=model).records == first.records
    finally:
        restored.engine.dispose()
    assert newer.rows == rows_then + 4


def test_backup_refuses_an_existing_target(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    with pytest.raises(InputError, match="never overwrites"):
        backup_sqlite(store, target)
    assert target.read_text() == "keep me"
    store.engine.dispose()


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_give_back_a_store_and_audit_chain_that_verify(
    tmp_path: Path, postgres_server: str
) -> None:
    # The PostgreSQL procedure of Operations, "Backup and restore", as written there.
    url = create_database(postgres_server, "padan_backup_test")
    plain = url.replace("+psycopg", "")
    bindir = pg_bin()
    data = generate(tmp_path / "data", households=60, seed=32)
    store = open_store(url)
    ingest_file(data.files["dtsen"], source="dtsen", store=store)
    _audit(store, 5, "before")
    write_checkpoint(store)
    batches_then, rows_then = store.list_batches(), _rows(store)
    dump = tmp_path / "padan.dump"
    subprocess.run([str(bindir / "pg_dump"), "-Fc", "-f", str(dump), plain], check=True)

    _audit(store, 3, "after")  # life goes on after the backup
    _, newer_path = write_checkpoint(store)
    store.engine.dispose()

    subprocess.run(
        [str(bindir / "pg_restore"), "--clean", "--if-exists", "-d", plain, str(dump)],
        check=True,
        capture_output=True,
    )
    restored = open_store(url)
    try:
        assert restored.list_batches() == batches_then
        assert _rows(restored) == rows_then
        report = verify_chain(restored)
        assert {f.kind for f in report.findings} == {"truncated"}
        aside = tmp_path / "checkpoints-before-restore"
        aside.mkdir()
        shutil.move(newer_path, aside / newer_path.name)
        assert verify_chain(restored).intact
        _audit(restored, 2, "restored")
        assert verify_chain(restored).intact
    finally:
        restored.engine.dispose()
