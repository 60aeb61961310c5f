"""Two DTSEN quarters and KPAI complaints of a few hand-written children, on a synthetic
background the model trains on (issue 18, per-child events).

Quarter 1: households HA-HE and complaints KA (child A), KC (child C). Quarter 2: a complete
DTSEN extract (a snapshot) in which HA is gone, HB went from decile 7 to 3, HC stopped
receiving PKH, HD moved to another regency, HE's child had its NIK corrected and HF is new;
KPAI sends KC again with another status and a new complaint KB2 about child B. Quarter 1's
events are dated three months back, so that a period can tell the quarters apart.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update

from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot
from padan.registry import run_linkage
from padan.store import Store
from padan.store.record_events import record_events
from padan.synth import generate
from support.situations import DTSEN_HEADER, KPAI_HEADER, nik

__all__ = ["QUARTER_1", "EventWorld", "build_event_world", "child_nik"]

#: When quarter 1's batches are said to have arrived.
QUARTER_1 = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)

_BORN = {
    "A": dt.date(2014, 3, 9),
    "B": dt.date(2013, 4, 10),
    "C": dt.date(2012, 5, 11),
    "D": dt.date(2015, 6, 12),
    "E": dt.date(2011, 7, 13),
    "F": dt.date(2016, 8, 14),
}
_NAMES = {
    "A": "Ahmad Fauzan",
    "B": "Bunga Lestari",
    "C": "Cahya Pratama",
    "D": "Dewi Anggraini",
    "E": "Eko Saputra",
    "F": "Fitri Handayani",
}
_SEX = {"A": "L", "B": "P", "C": "L", "D": "P", "E": "L", "F": "P"}
_VILLAGE = {
    "A": "32.01.01.1001",
    "B": "32.01.01.1002",
    "C": "32.02.01.1001",
    "D": "32.01.01.1001",
    "E": "32.01.01.1002",
    "F": "32.02.01.1001",
}


def child_nik(child: str, *, corrected: bool = False) -> str:
    """The NIK of hand-written child ``child`` (E's before and after its correction)."""
    serial = 7001 + "ABCDEF".index(child) + (50 if corrected else 0)
    return nik(_VILLAGE[child][:8], _BORN[child], _SEX[child], serial)  # type: ignore[arg-type]


def _dtsen_row(child: str, **over: str) -> dict[str, str]:
    row = {
        "id_individu": f"EVD{child}",
        "id_keluarga": f"EVH{child}",
        "nik": child_nik(child),
        "nama": _NAMES[child],
        "jenis_kelamin": _SEX[child],
        "tanggal_lahir": _BORN[child].isoformat(),
        "hubungan_keluarga": "ANAK",
        "nama_ibu_kandung": "Siti Rahmawati",
        "kode_wilayah": _VILLAGE[child],
        "desil": "4",
        "penerima_pkh": "0",
        "penerima_sembako": "0",
        "penerima_pbi_jk": "0",
        "penerima_pip": "0",
        "penerima_atensi": "0",
    }
    return {**row, **over}


def _kpai_row(number: str, child: str, status: str, received: str) -> dict[str, str]:
    return {
        "no_pengaduan": number,
        "tanggal_pengaduan": received,
        "nik_anak": child_nik(child),
        "nama_anak": _NAMES[child],
        "jenis_kelamin": _SEX[child],
        "tanggal_lahir": _BORN[child].isoformat(),
        "nama_ibu": "Siti Rahmawati",
        "kode_wilayah": _VILLAGE[child],
        "klaster": "V",
        "kategori": "d",
        "status_penanganan": status,
    }


QUARTER_1_DTSEN = [
    _dtsen_row("A", desil="3", penerima_pkh="1"),
    _dtsen_row("B", desil="7"),
    _dtsen_row("C", desil="2", penerima_pkh="1", penerima_sembako="1"),
    _dtsen_row("D"),
    _dtsen_row("E"),
]
QUARTER_2_DTSEN = [
    _dtsen_row("B", desil="3"),
    _dtsen_row("C", desil="2", penerima_sembako="1"),
    _dtsen_row("D", kode_wilayah="32.02.01.1001"),
    _dtsen_row("E", nik=child_nik("E", corrected=True)),
    _dtsen_row("F"),
]
QUARTER_1_KPAI = [
    _kpai_row("EV/KA/2026", "A", "baru", "2026-08-01"),
    _kpai_row("EV/KC/2026", "C", "baru", "2026-08-02"),
]
QUARTER_2_KPAI = [
    _kpai_row("EV/KC/2026", "C", "proses", "2026-08-02"),
    _kpai_row("EV/KB2/2026", "B", "baru", "2026-11-02"),
]


@dataclass(frozen=True)
class EventWorld:
    store: Store
    model: Path
    child: dict[str, str]  # hand-written child (A-F) -> its Padan child id


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=header, restval="")
        out.writeheader()
        out.writerows(rows)
    return path


def build_event_world(
    store: Store, work: Path, *, between: Callable[[], None] | None = None
) -> EventWorld:
    """Ingest and link quarter 1, date its events back, (call ``between``,) ingest and link
    quarter 2."""
    background = generate(work / "data", households=200, seed=18)
    with background.files["dtsen"].open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or DTSEN_HEADER)
        kept = list(reader)
    model = work / "model.json"
    first = [
        ingest_file(background.files["dtsen"], source="dtsen", store=store),
        ingest_file(background.files["kpai"], source="kpai", store=store),
        ingest_file(_write(work / "q1.csv", header, QUARTER_1_DTSEN), source="dtsen", store=store),
        ingest_file(
            _write(work / "k1.csv", KPAI_HEADER, QUARTER_1_KPAI), source="kpai", store=store
        ),
    ]
    run_linkage(store, model_path=model)
    with store.engine.begin() as conn:
        ids = [s.batch_id for s in first]
        conn.execute(
            update(record_events).where(record_events.c.batch_id.in_(ids)).values(at=QUARTER_1)
        )
    if between is not None:
        between()
    q2 = _write(work / "q2.csv", header, kept + QUARTER_2_DTSEN)
    ingest_file(q2, source="dtsen", store=store, snapshot=Snapshot())
    ingest_file(_write(work / "k2.csv", KPAI_HEADER, QUARTER_2_KPAI), source="kpai", store=store)
    summary = run_linkage(store, model_path=model)
    links = {(x.source, x.source_id): x.child_id for x in store.child_links(summary.run_id)}
    child = {c: links[("dtsen", f"EVD{c}")] for c in "BCDEF"}
    child["A"] = links[("kpai", "EV/KA/2026")]
    return EventWorld(store, model, child)
