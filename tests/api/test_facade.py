"""``padan.Padan`` end to end on a small synthetic population, and ``padan.demo``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from padan import DataChanges, InputError, Padan, Settings, demo
from padan.synth import SynthSummary, generate


@dataclass
class Linked:
    padan: Padan
    data: SynthSummary
    work: Path


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    work = tmp_path_factory.mktemp("facade")
    data = generate(work / "data", households=250, seed=5)
    settings = Settings(database_url=f"sqlite:///{work / 'padan.db'}", model_path=work / "m.json")
    padan = Padan.open(settings=settings)
    assert padan.latest_run() is None
    assert padan.changes() == DataChanges(None, None, [], 0)
    for source in ("dtsen", "kpai", "lembaga"):
        summary = padan.ingest(source, data.files[source])
        assert summary.read == summary.accepted + summary.quarantined and summary.accepted
    assert [b.source for b in padan.changes().batches] == ["dtsen", "kpai"]
    run = padan.link()
    assert run.records and run.children and run.trained
    return Linked(padan, data, work)


def test_open_takes_the_url_or_the_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    with Padan.open(url, settings=Settings(model_path=tmp_path / "m.json")) as padan:
        assert padan.url == url and padan.model_path == tmp_path / "m.json"
        assert padan.latest_run() is None


def test_a_run_reads_every_batch_and_the_report_follows_it(linked: Linked) -> None:
    padan = linked.padan
    assert not padan.changes().changed
    report = padan.report()
    assert report.snapshot.run_id == padan.latest_run().id  # type: ignore[union-attr]
    assert report.indicators["kpai_children"].value > 0
    metrics = padan.evaluate(linked.data.files["truth"])
    assert metrics.precision is not None and metrics.precision > 0.9
    xlsx, html = padan.write_report(report, linked.work / "laporan.xlsx")
    assert html == linked.work / "laporan.html" and html.exists()
    assert not [s for s in load_workbook(xlsx).sheetnames if s.startswith("Daftar")]


def test_a_region_report_and_bad_input(linked: Linked) -> None:
    padan = linked.padan
    code = padan.report().regions[0].code if padan.report().regions else "32"
    assert padan.report(region=code).region is not None
    with pytest.raises(InputError):
        padan.report(region="99.99")
    with pytest.raises(InputError):
        padan.report(worklists=True)  # named worklists need an actor for the audit
    with pytest.raises(InputError):
        padan.ingest("bpjs", linked.data.files["kpai"])


def test_review_decisions_change_the_data_until_the_next_run(linked: Linked) -> None:
    padan = linked.padan
    run_id = padan.latest_run().id  # type: ignore[union-attr]
    uid_a, uid_b, *_ = padan.store.link_pairs(run_id)[0]
    made = padan.review.decide(uid_a, uid_b, "different", reviewer="uji", reason="berbeda ibu")
    assert made.decision == "different"
    changes = padan.changes()
    assert changes.changed and changes.decisions == 1 and not changes.batches
    assert changes.run_id == padan.latest_run().id  # type: ignore[union-attr]
    run = padan.link()
    assert run.incremental
    assert not padan.changes().changed
    assert (uid_a, uid_b) not in {(i.uid_a, i.uid_b) for i in padan.review.queue()}
    child_of = {
        f"{x.source}:{x.source_id}": x.child_id for x in padan.store.child_links(run.run_id)
    }
    assert child_of[uid_a] != child_of[uid_b]  # kept apart, as decided
    assert padan.review.evidence(child_of[uid_a]).records
    with pytest.raises(InputError):
        padan.review.decide(uid_a, uid_b, "maybe", reviewer="uji", reason="x")
    with pytest.raises(InputError):
        padan.review.evidence("A-NOPE")


def test_institutions_through_the_facade(linked: Linked) -> None:
    desk = linked.padan.institutions
    registered = desk.registered()
    assert registered
    one = desk.get(registered[0].id_lembaga)
    assert one.id_lembaga == registered[0].id_lembaga
    assert desk.history(one.id_lembaga)
    dedup = desk.dedup()
    assert dedup.records == len(registered)
    counts = desk.evaluate_dedup(linked.data.files["lembaga_truth"])
    assert counts.precision is None or counts.precision > 0.5
    top = desk.worklist(limit=3)
    assert [a.rank for a in top] == [1, 2, 3][: len(top)]
    assert desk.indicators(level="province")


def test_demo_runs_the_main_job(tmp_path: Path) -> None:
    settings = Settings(model_path=tmp_path / "m.json")
    steps: list[tuple[str, int, int]] = []
    result = demo(
        tmp_path / "out",
        households=200,
        seed=3,
        url=f"sqlite:///{tmp_path / 'demo.db'}",
        settings=settings,
        progress=lambda step, done, total: steps.append((step, done, total)),
    )
    assert list(result.ingested) == ["dtsen", "kpai", "lembaga", "kpai (rusak)"]
    broken = result.ingested["kpai (rusak)"]
    assert broken.quarantined and len(result.quarantine) == broken.quarantined
    assert result.broken_batch == broken.batch_id
    assert result.run.records and result.metrics.records
    assert result.xlsx.exists() and result.html.exists()
    assert result.report.snapshot.run_id == result.run.run_id
    assert len(result.institution_worklist) <= 5 and result.dedup.records
    assert result.store_url.endswith("demo.db")
    assert any(step.startswith("Generating") and total for step, _, total in steps)
    assert any(total == 0 for _, _, total in steps)  # the linkage run names its steps
