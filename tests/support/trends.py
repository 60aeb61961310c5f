"""Two DTSEN quarters with KPAI complaints and a link run after each (issue 18, trends).

Known truth, by child (KPAI complaint → DTSEN person):

* A  K/1 ↔ D2 in household H1 (desil 2, PKH): H1 is gone from the second snapshot → left DTSEN.
* B  K/2 ↔ D4 in H2 (desil 7, no aid): desil 3 in the second snapshot → newly eligible for
  PKH and Sembako, not receiving them.
* C  K/3 ↔ D6 in H3 (desil 1, PKH): PKH stopped in the second snapshot → newly eligible and
  not receiving PKH (it was eligible and not receiving Sembako already).
* D  K/4 (ABH, complaint 2026-03-01) not in DTSEN; E K/5 (ABH, complaint 2026-06-15) not in
  DTSEN: without ATENSI after 30 days from 2026-03-31 and 2026-07-15 on.

The clock is set by hand: each batch's ingest time (and its events') is moved to the times
below, as if the files had come in then; runs are stored with their own times.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import text

from padan.ingest import Snapshot, ingest_file
from padan.store import ChildLink, LinkRun, Store

__all__ = [
    "T_DTSEN_1",
    "T_DTSEN_2",
    "T_RUN_1",
    "T_RUN_2",
    "build_history",
    "dtsen_file",
    "ingest_at",
]

T_DTSEN_1 = dt.datetime(2026, 4, 10, 10, tzinfo=dt.UTC)
T_KPAI_1 = dt.datetime(2026, 4, 10, 11, tzinfo=dt.UTC)
T_RUN_1 = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)
T_KPAI_2 = dt.datetime(2026, 6, 20, 9, tzinfo=dt.UTC)
T_DTSEN_2 = dt.datetime(2026, 7, 10, 10, tzinfo=dt.UTC)
T_RUN_2 = dt.datetime(2026, 7, 12, 12, tzinfo=dt.UTC)

_DTSEN_HEADER = [
    "id_individu",
    "id_keluarga",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan_keluarga",
    "kode_wilayah",
    "desil",
    "penerima_pkh",
]
# household -> village, desil, PKH, people (id, name, sex, born, relation)
_HOUSEHOLDS = {
    "H1": ("32.01.01.1001", 2, 1, [("D1", "Asep", "L", "1980-01-01", "KEPALA KELUARGA"),
                                   ("D2", "Lilis", "P", "2012-05-05", "ANAK")]),
    "H2": ("32.01.01.1002", 7, 0, [("D3", "Ujang", "L", "1975-02-02", "KEPALA KELUARGA"),
                                   ("D4", "Euis", "P", "2010-06-06", "ANAK")]),
    "H3": ("32.02.01.1001", 1, 1, [("D5", "Dadang", "L", "1970-03-03", "KEPALA KELUARGA"),
                                   ("D6", "Neng", "P", "2011-07-07", "ANAK")]),
}  # fmt: skip
_KPAI_HEADER = [
    "no_pengaduan",
    "tanggal_pengaduan",
    "nama_anak",
    "jenis_kelamin",
    "tanggal_lahir",
    "kode_wilayah",
    "klaster",
    "kategori",
]
_KPAI_FIRST = [
    ["K/1", "2026-02-01", "Lilis", "P", "2012-05-05", "32.01.01", "I", "a"],
    ["K/2", "2026-02-02", "Euis", "P", "2010-06-06", "32.01.01", "I", "a"],
    ["K/3", "2026-02-03", "Neng", "P", "2011-07-07", "32.02.01", "I", "a"],
    ["K/4", "2026-03-01", "Rudi", "L", "2009-01-01", "32.01.01", "V", "b"],
]
_KPAI_SECOND = [["K/5", "2026-06-15", "Tono", "L", "2009-02-02", "32.02.01", "V", "b"]]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


def _dtsen_rows(changes: dict[str, tuple[int, int]], gone: set[str]) -> list[list[object]]:
    rows: list[list[object]] = []
    for hh, (village, desil, pkh, people) in _HOUSEHOLDS.items():
        if hh in gone:
            continue
        desil, pkh = changes.get(hh, (desil, pkh))
        rows += [[pid, hh, n, s, b, r, village, desil, pkh] for pid, n, s, b, r in people]
    return rows


def dtsen_file(
    path: Path, *, changes: dict[str, tuple[int, int]] | None = None, gone: set[str] = frozenset()
) -> Path:
    """A DTSEN extract of the households of this history (``changes``: household -> desil,
    PKH; ``gone``: households left out), written to ``path``."""
    return _write(path, _DTSEN_HEADER, _dtsen_rows(changes or {}, set(gone)))


def ingest_at(store: Store, path: Path, source: str, at: dt.datetime, *, snapshot: bool) -> int:
    """Ingest ``path`` and move its batch (and its events) to ``at``: the file came in then."""
    summary = ingest_file(
        path,
        source=source,
        store=store,
        snapshot=Snapshot(allow_large_removal=True) if snapshot else None,
    )
    moment = at.replace(tzinfo=None) if store.dialect == "sqlite" else at
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE batches SET started_at = :t, finished_at = :t, snapshot_at = "
                "CASE WHEN snapshot_at IS NULL THEN NULL ELSE :t END WHERE id = :b"
            ),
            {"t": moment, "b": summary.batch_id},
        )
        conn.execute(
            text("UPDATE record_events SET at = :t WHERE batch_id = :b"),
            {"t": moment, "b": summary.batch_id},
        )
    return summary.batch_id


def _run(store: Store, at: dt.datetime, batches: list[int], links: dict[str, str]) -> int:
    child_links = [
        ChildLink(uid.split(":")[0], uid.split(":", 1)[1], child, None)
        for uid, child in links.items()
    ]
    run = LinkRun(0, at, at, "test", 0.9, 0.5, len(links), len(set(links.values())), batches)
    return store.save_link_run(run, child_links, [])


def build_history(store: Store, folder: Path, *, second: bool = True) -> dict[str, int]:
    """Quarter 1 (DTSEN snapshot, KPAI complaints, run 1), then, when ``second``, a KPAI
    complaint in June and quarter 2 (DTSEN snapshot without H1, run 2). Returns the ids."""
    ids: dict[str, int] = {}
    d1 = _write(folder / "dtsen_q1.csv", _DTSEN_HEADER, _dtsen_rows({}, set()))
    ids["dtsen_1"] = ingest_at(store, d1, "dtsen", T_DTSEN_1, snapshot=True)
    k1 = _write(folder / "kpai_1.csv", _KPAI_HEADER, list(_KPAI_FIRST))
    ids["kpai_1"] = ingest_at(store, k1, "kpai", T_KPAI_1, snapshot=False)
    people = {"D1": "P1", "D3": "P3", "D5": "P5"}
    links = {"kpai:K/1": "A", "dtsen:D2": "A", "kpai:K/2": "B", "dtsen:D4": "B"}
    links |= {"kpai:K/3": "C", "dtsen:D6": "C", "kpai:K/4": "D"}
    links |= {f"dtsen:{d}": p for d, p in people.items()}
    ids["run_1"] = _run(store, T_RUN_1, [ids["dtsen_1"], ids["kpai_1"]], links)
    if second:
        extend_history(store, folder, ids, links)
    return ids


def extend_history(
    store: Store, folder: Path, ids: dict[str, int], links: dict[str, str] | None = None
) -> None:
    """The second quarter of :func:`build_history` (for tests that ingest it later)."""
    links = dict(links or {})
    if not links:
        links = {"kpai:K/1": "A", "dtsen:D2": "A", "kpai:K/2": "B", "dtsen:D4": "B"}
        links |= {"kpai:K/3": "C", "dtsen:D6": "C", "kpai:K/4": "D"}
        links |= {"dtsen:D1": "P1", "dtsen:D3": "P3", "dtsen:D5": "P5"}
    k2 = _write(folder / "kpai_2.csv", _KPAI_HEADER, list(_KPAI_SECOND))
    ids["kpai_2"] = ingest_at(store, k2, "kpai", T_KPAI_2, snapshot=False)
    rows = _dtsen_rows({"H2": (3, 0), "H3": (1, 0)}, {"H1"})
    d2 = _write(folder / "dtsen_q2.csv", _DTSEN_HEADER, rows)
    ids["dtsen_2"] = ingest_at(store, d2, "dtsen", T_DTSEN_2, snapshot=True)
    for gone in ("dtsen:D1", "dtsen:D2"):
        links.pop(gone)
    links["kpai:K/5"] = "E"
    batches = [ids["dtsen_1"], ids["kpai_1"], ids["kpai_2"], ids["dtsen_2"]]
    ids["run_2"] = _run(store, T_RUN_2, batches, links)
