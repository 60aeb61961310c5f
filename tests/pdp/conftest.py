"""A small store with known truth for the UU PDP operations: two households, two complaints
(one from 2019, past the KPAI retention), a DTSEN record superseded by a later extract, a
linkage run with hand-given children, a review decision and audit rows of two officers."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import update

from padan.ingest import ingest_file
from padan.store import ChildLink, LinkRun, ReviewDecision, Store
from padan.store.audit import append_audit
from padan.store.tables import batches
from support.situations import DTSEN_HEADER, TODAY, Person, Situations

#: Child ids of the run, by the reference of their records.
CHILDREN = {
    "PDN000000001": ("dewi", "dewi@kpai"),
    "PDN000000002": ("bayu", "bayu@kpai"),
    "PDN000000003": ("rizky",),
    "PDN000000004": ("agus",),
    "PDN000000005": ("sri",),
    "PDN000000006": ("joko",),
    "PDN000000007": ("ratna",),
}
DEWI, BAYU, RIZKY = "PDN000000001", "PDN000000002", "PDN000000003"


@dataclass
class PdpWorld:
    store: Store
    uid: dict[str, str]  # reference -> source:id
    old_dtsen_batch: int
    run_id: int


def _situations() -> Situations:
    s = Situations()
    s.household(
        village="32.01.01.1002",
        place="Bogor",
        address="Kp. Karadenan RT 003/RW 007",
        kk_recorded="2015-02-10",
        kk_serial=44,
        desil=4,
        members=[
            Person("agus", "Agus Setiawan", "L", "1983-03-12", "KEPALA KELUARGA", "Suminah"),
            Person("sri", "Sri Wahyuni", "P", "1986-07-25", "ISTRI", "Aminah"),
            Person("rizky", "Rizky Pratama", "L", "2009-05-14"),
            Person("dewi", "Dewi Anggraini", "P", "2014-09-03"),
        ],
    )
    s.household(
        village="33.74.02.1002",
        place="Semarang",
        address="Jl. Bulu Lor RT 005/RW 002",
        kk_recorded="2016-09-05",
        kk_serial=118,
        desil=3,
        members=[
            Person("joko", "Joko Susilo", "L", "1980-11-02", "KEPALA KELUARGA", "Painem"),
            Person("ratna", "Ratna Sari", "P", "1985-04-19", "ISTRI", "Sulastri"),
            Person("bayu", "Bayu Aji Nugroho", "L", "2011-08-27"),
        ],
    )
    s.complaint(
        "dewi@kpai",
        received="2019-03-01",  # more than 5 years before today: past the KPAI retention
        name="Dewi Anggraini",
        sex="P",
        nik=s.niks["dewi"],
        born="2014-09-03",
        mother="Sri Wahyuni",
        father="Agus Setiawan",
        region="32.01.01",
        klaster="II",
    )
    s.complaint(
        "bayu@kpai",
        received="2026-03-04",
        name="Bayu Aji Nugroho",
        sex="L",
        born="2011-08-27",
        mother="Ratna Sari",
        region="33.74.02",
    )
    return s


def build_world(store: Store, work: Path) -> PdpWorld:
    s = _situations()
    dtsen_file, kpai_file = s.write(work)
    ingest_file(dtsen_file, source="dtsen", store=store, today=TODAY)
    ingest_file(kpai_file, source="kpai", store=store, today=TODAY)
    # A later DTSEN extract with Dewi's new address supersedes her first version.
    later = work / "dtsen_later.csv"
    dewi = next(r for r in s.dtsen if f"dtsen:{r['id_individu']}" == s.uid["dewi"])
    with later.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=DTSEN_HEADER)
        writer.writeheader()
        writer.writerow({**dewi, "alamat": "Jl. Baru No. 1"})
    ingest_file(later, source="dtsen", store=store, today=TODAY)
    old_batch = min(b.id for b in store.list_batches() if b.source == "dtsen")
    with store.engine.begin() as conn:  # the first DTSEN extract came in years ago
        conn.execute(
            update(batches)
            .where(batches.c.id == old_batch)
            .values(finished_at=dt.datetime(2020, 1, 15, tzinfo=dt.UTC))
        )
    links = [
        ChildLink(*s.uid[ref].split(":", 1), child, 0.99 if len(refs) > 1 else None)
        for child, refs in CHILDREN.items()
        for ref in refs
    ]
    now = dt.datetime.now(dt.UTC)
    run_id = store.save_link_run(LinkRun(0, now, now, "m", 0.9, 0.5, len(links), 7, []), links, [])
    a, b = sorted([s.uid["dewi"], s.uid["dewi@kpai"]])
    store.add_review_decision(ReviewDecision(a, b, "same", "tinjau1", "same parents", now))
    for user, child, action in (
        ("siti", DEWI, "profile"),
        ("siti", BAYU, "profile"),
        ("budi", RIZKY, "profile"),
        ("siti", "", "search"),
    ):
        append_audit(
            store,
            username=user,
            role="petugas_daerah",
            action=action,
            target=f"child={child}" if child else "q=name:abc",
            child_ids=[child] if child else [],
            purpose="tindak lanjut",
        )
    return PdpWorld(store, dict(s.uid), old_batch, run_id)


@pytest.fixture
def world(store: Store, tmp_path: Path) -> PdpWorld:
    return build_world(store, tmp_path / "extracts")
