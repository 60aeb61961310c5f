"""Faults survived: a real child process is SIGKILLed during an ingest, a linkage run, a report
and audit writes; the store is consistent afterwards, nothing is half-written, no process is
left behind, and the work run again completes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from padan.ingest import ingest_file
from padan.linkage.state import draft_path, state_path
from padan.registry import run_linkage
from padan.store import Store, open_store
from padan.store.audit import append_audit
from padan.store.audit_chain import audit_log
from padan.store.audit_verify import verify_chain
from padan.store.tables import batches, quarantine
from padan.synth import SynthSummary, generate
from support.faults import Child, gone, session_processes

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return generate(tmp_path_factory.mktemp("faults") / "data", households=300, seed=23)


@pytest.fixture
def children() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for child in started:  # a failed test leaves nothing running either
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.process.pid, signal.SIGKILL)


def _count(store: Store, table: object) -> int:
    with store._connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _sqlite_intact(store: Store) -> None:
    if store.dialect == "sqlite":
        with store._connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


# The child ingests with two worker processes and stops after its first stored chunk, the
# batch's transaction open and the workers busy, until it is killed.
_INGEST = """
import sys, time
from pathlib import Path
from padan.ingest import ingest_file
from padan.store import open_store

store = open_store(sys.argv[1])

def progress(done, total):
    print("progress", done, total, flush=True)
    time.sleep(120)

ingest_file(Path(sys.argv[2]), source="dtsen", store=store, workers=2, chunk_rows=100,
            progress=progress)
print("done", flush=True)
"""


def test_killed_ingest_stores_nothing_leaves_no_worker_and_runs_again(
    store_url: str, data: SynthSummary, children: list[Child]
) -> None:
    path = data.files["dtsen"]
    open_store(store_url).engine.dispose()  # the schema exists before the child starts
    child = Child(_INGEST, store_url, str(path))
    children.append(child)
    child.wait_for("progress")
    session = child.process.pid
    assert len(session_processes(session)) >= 3  # the child and its two workers
    child.kill()
    assert gone(session) == []  # the workers died with their parent

    store = open_store(store_url)
    try:
        assert store.list_batches() == []
        assert _count(store, batches) == 0 and _count(store, quarantine) == 0
        assert store.fetch_records("dtsen_individu") == []
        _sqlite_intact(store)
        summary = ingest_file(path, source="dtsen", store=store, workers=2, chunk_rows=100)
        assert summary.read > 0 and summary.accepted + summary.quarantined == summary.read
        assert [b.id for b in store.list_batches()] == [summary.batch_id]
    finally:
        store.engine.dispose()


# The child starts a full linkage run and stops once the run's draft state is on disk.
_LINK = """
import sys, time
from pathlib import Path
from padan.linkage.state import draft_path, state_path
from padan.registry import run_linkage
from padan.store import open_store

store = open_store(sys.argv[1])
model = Path(sys.argv[2])
draft = draft_path(state_path(model))

def progress(step):
    print("step", step, flush=True)
    if draft.exists():
        print("drafted", flush=True)
        time.sleep(120)

run_linkage(store, model_path=model, full=True, progress=progress)
print("done", flush=True)
"""


def test_killed_link_stores_no_run_and_the_next_run_removes_its_draft(
    store_url: str, tmp_path: Path, data: SynthSummary, children: list[Child]
) -> None:
    url = store_url
    model = tmp_path / "model.json"
    store = open_store(url)
    try:
        for source in ("dtsen", "kpai"):
            ingest_file(data.files[source], source=source, store=store)
        first = run_linkage(store, model_path=model)
        child = Child(_LINK, url, str(model))
        children.append(child)
        child.wait_for("drafted")
        child.kill()
        assert gone(child.process.pid) == []
        draft = draft_path(state_path(model))
        assert draft.exists()  # what the killed run left: personal data, not a state

        latest = store.latest_link_run()
        assert latest is not None and latest.id == first.run_id  # the killed run stored nothing
        _sqlite_intact(store)
        again = run_linkage(store, model_path=model)  # incremental: writes no draft itself
        assert again.incremental
        assert not draft.exists() and not draft.with_name(draft.name + ".wal").exists()
        assert again.records == first.records and again.children == first.children
        assert store.latest_link_run().id == again.run_id  # type: ignore[union-attr]
    finally:
        store.engine.dispose()


# The child writes the gap report and stops just before the finished workbook is put in place.
_REPORT = """
import os, sys, time
from pathlib import Path
from typer.main import get_command
from padan.cli.main import app

real_replace = os.replace

def paused_replace(source, target, *args, **kwargs):
    print("replacing", target, flush=True)
    time.sleep(120)
    return real_replace(source, target, *args, **kwargs)

os.replace = paused_replace
get_command(app)(["report", "--db", sys.argv[1], "--out", sys.argv[2]], standalone_mode=False)
"""


def test_killed_report_leaves_no_partial_file_and_runs_again(
    store_url: str, tmp_path: Path, data: SynthSummary, children: list[Child]
) -> None:
    from typer.testing import CliRunner

    from padan.cli.main import app

    url = store_url
    store = open_store(url)
    try:
        for source in ("dtsen", "kpai"):
            ingest_file(data.files[source], source=source, store=store)
        run_linkage(store, model_path=tmp_path / "padan-model.json")
    finally:
        store.engine.dispose()
    out = tmp_path / "out" / "laporan.xlsx"
    child = Child(
        _REPORT, url, str(out), env={"PADAN_MODEL_PATH": str(tmp_path / "padan-model.json")}
    )
    children.append(child)
    child.wait_for("replacing")
    child.kill()
    assert gone(child.process.pid) == []
    assert not out.exists()  # never a half-written report under its real name

    result = CliRunner().invoke(
        app,
        ["report", "--db", url, "--out", str(out)],
        env={"PADAN_MODEL_PATH": str(tmp_path / "padan-model.json")},
    )
    assert result.exit_code == 0, result.output
    import openpyxl

    assert openpyxl.load_workbook(out, read_only=True).sheetnames
    assert sorted(p.name for p in out.parent.iterdir()) == ["laporan.html", "laporan.xlsx"]


# The child appends audit rows (a checkpoint every 7) until it is killed.
_AUDIT = """
import sys
from padan.store import open_store
from padan.store.audit import append_audit

store = open_store(sys.argv[1])
n = 0
while True:
    append_audit(store, username="u", role="admin", action="view", target=f"t{n}",
                 child_ids=[f"PDN{n:09d}"], purpose="uji")
    n += 1
    if n % 10 == 0:
        print("rows", n, flush=True)
"""


def test_killed_audit_writer_leaves_an_intact_chain_and_goes_on(
    store_url: str, tmp_path: Path, children: list[Child]
) -> None:
    checkpoints = tmp_path / "checkpoints"
    env = {"PADAN_AUDIT_CHECKPOINT_EVERY": "7", "PADAN_AUDIT_CHECKPOINT_DIR": str(checkpoints)}
    open_store(store_url).engine.dispose()
    writers = [Child(_AUDIT, store_url, env=env) for _ in range(2)]  # two writers at once
    children.extend(writers)
    for writer in writers:
        writer.wait_for("rows 30")
    for writer in writers:
        writer.kill()
        assert gone(writer.process.pid) == []

    store = open_store(store_url)
    try:
        rows = _count(store, audit_log)
        assert rows >= 60
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PADAN_AUDIT_CHECKPOINT_DIR", str(checkpoints))
            report = verify_chain(store)
            assert report.intact, report
            assert report.checked == rows
            for path in checkpoints.glob("*.json"):
                json.loads(path.read_text())  # every checkpoint file whole
            append_audit(
                store,
                username="u",
                role="admin",
                action="view",
                target="after",
                child_ids=[],
                purpose="uji",
            )
            assert verify_chain(store).intact
        _sqlite_intact(store)
    finally:
        store.engine.dispose()
