from __future__ import annotations

import datetime as dt
from pathlib import Path

from padan.ingest import ingest_file
from padan.store import (
    ChildLink,
    LinkRun,
    Store,
    run_links_arrow,
    run_pairs_arrow,
    snapshot_records_arrow,
)
from support.extracts import KPAI_HEADER, KPAI_ROWS, writer_for


def test_snapshot_reads_a_run_as_it_was_on_each_backend(store: Store, tmp_path: Path) -> None:
    rows = [row for row, fate in KPAI_ROWS if fate == "accepted"]
    first = ingest_file(writer_for(tmp_path)(KPAI_HEADER, rows), source="kpai", store=store)
    now = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    run = LinkRun(0, now, now, "m", 0.9, 0.5, 2, 2, [first.batch_id])
    links = [ChildLink("kpai", "K/1", "A", None), ChildLink("kpai", "K/2", "B", None)]
    run_id = store.save_link_run(run, links, [("kpai:K/1", "kpai:K/2", 0.6, "model", "review")])
    # A later extract renames K/1: the run's snapshot keeps the name it was linked with.
    later = [["K/1", *rows[0][1:3], "Siti Aminah Baru", *rows[0][4:]]]
    ingest_file(writer_for(tmp_path)(KPAI_HEADER, later, name="later"), source="kpai", store=store)
    table = snapshot_records_arrow(
        store, "kpai_kasus", ["no_pengaduan", "nama_anak"], [first.batch_id]
    )
    assert sorted(zip(*table.to_pydict().values(), strict=True)) == sorted(
        (r[0], r[3]) for r in rows
    )
    assert run_links_arrow(store, run_id).num_rows == 2
    assert run_pairs_arrow(store, run_id).to_pylist()[0]["decision"] == "review"
